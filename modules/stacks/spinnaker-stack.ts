import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, Op, type TerraformElement, TerraformOutput, TerraformStack, Token } from "cdktf";
import type { Construct, Node } from "constructs";
import type { Deployment, Settings } from "../config/schema";
import { ReadableAddresses } from "./addresses";
import { configureBackend } from "./backend";
import { defineVariables, type StackVariables } from "./variables";

/** The Terraform and provider versions the synthesized configuration needs. */
export const REQUIRED_TERRAFORM = ">= 1.10";
export const REQUIRED_AWS_PROVIDER = ">= 5.100.0, < 6.0.0";

/** What a topology asks of the stack around it. */
export interface TopologyRequirements {
  /** Tag value of `spinnaker:topology`. */
  readonly name: string;
  /** The topology's part of the state key. */
  readonly stateName: "standalone" | "ha";
  /** Instance subnets (AZs) the topology needs at the least. */
  readonly minInstanceSubnets: number;
}

export interface SpinnakerStackOptions {
  /**
   * Synthesize a child module for existing Terraform: no provider and no backend blocks (the caller
   * brings both), so it works with `count`, `for_each` and `depends_on`. @default false
   */
  readonly module?: boolean;
}

/**
 * What every Spinnaker stack shares: the AWS provider with the configured tags, the state backend,
 * and the Terraform variables; `deployment` is the settings with those variables in place, which the
 * topology receives. Providers and backends live here, never in a construct, so the topologies can
 * also be used as a plain child module.
 */
export abstract class SpinnakerStack extends TerraformStack {
  readonly variables: StackVariables;
  readonly deployment: Deployment;
  // The topology's own id (`Spinnaker`) adds nothing to an address.
  private readonly addresses = new ReadableAddresses(this, new Set(["Spinnaker"]));

  protected constructor(
    scope: Construct,
    id: string,
    settings: Settings,
    topology: TopologyRequirements,
    options: SpinnakerStackOptions = {},
  ) {
    super(scope, id);
    const stackTags = { "spinnaker:topology": topology.name, "managed-by": "terraform" };
    // cdktf needs the provider to synthesize; a module drops its block again below.
    new AwsProvider(this, "aws", {
      region: settings.region,
      defaultTags: [{ tags: { ...settings.tags, ...stackTags } }],
    });
    if (options.module) {
      // cdktf adds a local backend to a stack without one; a child module must have none.
      this.addOverride("provider", undefined);
      this.addOverride("terraform.backend", undefined);
      requireRegion(this, settings.region);
    } else {
      configureBackend(this, topology.stateName, settings);
    }
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    this.addOverride("terraform.required_providers.aws.version", REQUIRED_AWS_PROVIDER);

    const v = defineVariables(this, settings, topology.minInstanceSubnets);
    this.variables = v;
    this.deployment = {
      ...settings,
      // A module has no provider of its own, so no default_tags: its resources carry these themselves.
      tags: options.module ? { ...settings.tags, ...stackTags } : settings.tags,
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
        // cdktf has no Token.asBoolean: this IResolvable stands where a boolean goes and resolves to
        // var.deletion_protection.
        deletionProtection: v.deletionProtection.booleanValue as unknown as boolean,
        certificateArn: v.certificateArn?.stringValue,
      },
    };
  }

  /**
   * cdktf's preparing pass resolves every element once before synthesis, for cross-stack references
   * (which add outputs to the referenced stack). A Spinnaker stack never references another stack,
   * and the pass was about half of synthesizing one (`npm run bench`, `--cpu-prof`); the
   * synthesized JSON is the same without it, which a unit test compares.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /** Readable, stable addresses such as `aws_autoscaling_group.server_group` (see addresses.ts). */
  override allocateLogicalId(element: TerraformElement | Node): string {
    return this.addresses.allocate(element);
  }
}

/**
 * The rendered configuration names the region (front50's bucket, the boot scripts), so a module
 * refuses a caller's provider for another region, at plan time, with both names.
 */
function requireRegion(stack: TerraformStack, region: string): void {
  const current = new DataAwsRegion(stack, "current");
  const output = new TerraformOutput(stack, "region", {
    value: current.name,
    description: "Region the module was synthesized for, and deployed into.",
  });
  // cdktf 0.21 accepts an output's precondition but never writes it out.
  output.addOverride("precondition", [
    {
      condition: Op.eq(current.name, region),
      error_message: `This module was synthesized for ${region} (setting region); use a provider for ${region}, or synthesize again.`,
    },
  ]);
}

/** Terraform's coalescelist, typed as the list it returns. */
function coalesceList(first: string[], fallback: string[]): string[] {
  return Token.asList(Fn.coalescelist([first, fallback]));
}
