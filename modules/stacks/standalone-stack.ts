import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { Settings } from "../config/schema";
import { StandaloneSpinnaker } from "../topologies/standalone";
import { SpinnakerStack } from "./spinnaker-stack";

/** The `standalone` stack: Armory's evaluation topology, one instance with Redis on it. */
export class StandaloneStack extends SpinnakerStack {
  readonly spinnaker: StandaloneSpinnaker;

  constructor(scope: Construct, id: string, settings: Settings) {
    super(scope, id, settings, "standalone");
    this.spinnaker = new StandaloneSpinnaker(this, "Spinnaker", { settings: this.deployment });

    const { loadBalancer, serverGroup, securityGroups, configBucket, instanceRole } = this.spinnaker;
    const outputs: Record<string, { value: string; description: string }> = {
      deck_url: { value: loadBalancer.deckUrl, description: "URL of deck, Spinnaker's UI." },
      gate_url: { value: loadBalancer.gateUrl, description: "URL of gate, Spinnaker's API." },
      load_balancer_dns_name: {
        value: loadBalancer.loadBalancer.dnsName,
        description: "DNS name of the user-facing load balancer (point your own DNS record here).",
      },
      auto_scaling_group_name: {
        value: serverGroup.autoScalingGroup.name,
        description: "Name of the server group, as Spinnaker will show it.",
      },
      user_facing_security_group_id: {
        value: securityGroups.userFacing.id,
        description: "Security group of the user-facing load balancer.",
      },
      internal_security_group_id: {
        value: securityGroups.internal.id,
        description: "Security group of the instances; add it to anything Spinnaker must reach.",
      },
      config_bucket_name: {
        value: configBucket.bucketName,
        description: "S3 bucket of Spinnaker's configuration (prefix config/) and front50's data.",
      },
      instance_role_arn: {
        value: instanceRole.role.arn,
        description: "IAM role of the instances: the principal that managed accounts' roles must trust.",
      },
      managed_role_trust_policy: {
        value: instanceRole.managedRoleTrustPolicy,
        description: "Trust policy (JSON) to give each managed account's role so that Spinnaker may assume it.",
      },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
