import type { Construct } from "constructs";
import type { Settings } from "../config/schema";
import { StandaloneSpinnaker } from "../topologies/standalone";
import { spinnakerOutputs } from "./outputs";
import { SpinnakerStack, type SpinnakerStackOptions } from "./spinnaker-stack";

/** The `standalone` stack: Armory's evaluation topology, one instance with Redis on it. */
export class StandaloneStack extends SpinnakerStack {
  readonly spinnaker: StandaloneSpinnaker;

  constructor(scope: Construct, id: string, settings: Settings, options: SpinnakerStackOptions = {}) {
    super(
      scope,
      id,
      settings,
      { name: "standalone", stateName: "standalone", minInstanceSubnets: 1, localRedis: true },
      options,
    );
    this.spinnaker = new StandaloneSpinnaker(this, "Spinnaker", { settings: this.deployment });
    spinnakerOutputs(this, this.spinnaker, {
      auto_scaling_group_name: {
        value: this.spinnaker.serverGroup.autoScalingGroup.name,
        description: "Name of the server group, as Spinnaker will show it.",
      },
    });
  }
}
