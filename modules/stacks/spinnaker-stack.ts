import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment, Settings } from "../config/schema";
import { configureBackend } from "./backend";
import { defineVariables, type StackVariables } from "./variables";

/** The Terraform and provider versions the synthesized configuration needs. */
export const REQUIRED_TERRAFORM = ">= 1.10";
export const REQUIRED_AWS_PROVIDER = ">= 5.100.0, < 6.0.0";

/**
 * What every Spinnaker stack shares: the AWS provider with the configured tags, the state backend,
 * and the Terraform variables; `deployment` is the settings with those variables in place, which the
 * topology receives. Providers and backends live here, never in a construct, so the topologies can
 * also be used as a plain child module.
 */
export abstract class SpinnakerStack extends TerraformStack {
  readonly variables: StackVariables;
  readonly deployment: Deployment;

  protected constructor(scope: Construct, id: string, settings: Settings, topology: string) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: settings.region,
      defaultTags: [{ tags: { ...settings.tags, "spinnaker:topology": topology, "managed-by": "terraform" } }],
    });
    configureBackend(this, id, settings.state);
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    this.addOverride("terraform.required_providers.aws.version", REQUIRED_AWS_PROVIDER);

    const v = defineVariables(this, settings);
    this.variables = v;
    this.deployment = {
      ...settings,
      network: {
        ...settings.network,
        vpcId: v.vpcId.stringValue,
        instanceSubnetIds: v.instanceSubnetIds.listValue,
        // An empty list means "the instance subnets" (the variable's documented default).
        loadBalancerSubnetIds: coalesceList(v.loadBalancerSubnetIds.listValue, v.instanceSubnetIds.listValue),
        userCidrs: v.userCidrs.listValue,
        sshCidrs: v.sshCidrs.listValue,
        egressCidrs: v.egressCidrs.listValue,
      },
      instance: {
        ...settings.instance,
        type: v.instanceType.stringValue,
        amiId: v.amiId.stringValue,
        rootVolumeSizeGiB: v.rootVolumeSize.numberValue,
        keyName: v.keyName.stringValue,
        healthCheckGracePeriodSeconds: v.healthCheckGracePeriod.numberValue,
      },
      loadBalancer: {
        ...settings.loadBalancer,
        deletionProtection: v.deletionProtection.booleanValue as unknown as boolean,
        certificateArn: v.certificateArn?.stringValue,
      },
    };
  }
}

/** Terraform's coalescelist, typed as the list it returns. */
function coalesceList(first: string[], fallback: string[]): string[] {
  return Fn.coalescelist([first, fallback]) as unknown as string[];
}
