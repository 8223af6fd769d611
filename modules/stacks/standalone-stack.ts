import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import type { Settings } from "../config/schema";
import { STANDALONE_SELF_DEPLOY, StandaloneSpinnaker } from "../topologies/standalone";
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
    // One configuration serves both topologies: ha.selfDeploy is the ha stack's, and this one says
    // so instead of failing a synthesis that also writes the ha stack.
    const { selfDeploy } = this.deployment.ha;
    if (selfDeploy.enabled === true) {
      Annotations.of(this).addWarning(
        `ha.selfDeploy.enabled ${STANDALONE_SELF_DEPLOY}; the ${id} stack leaves it off.`,
      );
    }
    this.spinnaker = new StandaloneSpinnaker(this, "Spinnaker", {
      settings: { ...this.deployment, ha: { ...this.deployment.ha, selfDeploy: { ...selfDeploy, enabled: false } } },
    });
    spinnakerOutputs(this, this.spinnaker, {
      auto_scaling_group_name: {
        value: this.spinnaker.serverGroup.name,
        description: "Name of the server group, as Spinnaker will show it.",
      },
    });
  }
}
