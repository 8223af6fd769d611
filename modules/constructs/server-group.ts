import { AutoscalingGroup, type AutoscalingGroupTag } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import type { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Fn, type IResolvable, type ITerraformDependable, TerraformIterator, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { type Condition, countWhen, not, possible } from "../terraform-values";
import { withTags } from "./tags";

/** What the group reports to CloudWatch, both ways it is made. */
const METRICS = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupTotalInstances"];

export interface ServerGroupProps {
  /**
   * Spinnaker's `app-stack-detail-vNNN` name, such as `armoryspinnaker-preprod-v000`, so that
   * Spinnaker recognises the group and can deploy `-v001` next to it later.
   */
  readonly name: string;
  readonly launchTemplate: LaunchTemplate;
  /** Private subnets; several AZs let a group of one fail over to another AZ. */
  readonly subnetIds: string[];
  readonly capacity: number;
  readonly targetGroupArns: string[];
  readonly healthCheckGracePeriodSeconds: number;
  /**
   * How an instance refresh replaces instances. `terminate-first` for the polling role: two polling
   * instances side by side would each fire every trigger. `launch-first` keeps capacity.
   */
  readonly replacement: "launch-first" | "terminate-first";
  /** What must exist before the first instance boots (the Redis it connects to). @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
  readonly tags?: Record<string, string>;
  /**
   * Whether Spinnaker owns the group once it exists (ha.selfDeploy: it deploys v001 next to it,
   * disables, resizes and destroys v000). Then a CloudFormation stack creates the group and
   * Terraform tracks the stack, whose template it never updates, not the group: nothing Spinnaker
   * does to the group, its deletion included, shows in a plan. A module's input decides at plan,
   * with a count on either. @default false
   */
  readonly handOver?: Condition;
}

/**
 * An Auto Scaling group of Spinnaker instances behind the load balancers' target groups, named as
 * Spinnaker names its server groups: Terraform's own, or (handed over) created by a CloudFormation
 * stack and then Spinnaker's.
 */
export class ServerGroup extends Construct {
  /** The group, when Terraform may own it (with a count when a module decides at plan). */
  readonly autoScalingGroup?: AutoscalingGroup;
  /** The stack that creates the group for Spinnaker, when it may be handed over. */
  readonly handOverStack?: CloudformationStack;
  /** The group's name: v000's, whichever made it. */
  readonly name: string;
  /** The launch template v000 launches from. */
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: ServerGroupProps) {
    super(scope, id);
    // A name from Terraform variables follows the pattern by their validation.
    if (!Token.isUnresolved(props.name) && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*-v\d{3}$/.test(props.name)) {
      throw invalidProp(this.node.path, "name", "must follow Spinnaker's app-stack-detail-vNNN naming", props.name);
    }
    if (!Token.isUnresolved(props.capacity) && (!Number.isInteger(props.capacity) || props.capacity < 1)) {
      throw invalidProp(this.node.path, "capacity", "must be a whole number from 1 up", props.capacity);
    }

    this.launchTemplate = props.launchTemplate;
    const handOver = props.handOver ?? false;
    const byTerraform = not(handOver);
    const tags = withTags(props.tags, { Name: props.name });
    if (possible(byTerraform)) {
      this.autoScalingGroup = new AutoscalingGroup(this, "Group", {
        count: countWhen(byTerraform),
        name: props.name,
        minSize: props.capacity,
        maxSize: props.capacity,
        desiredCapacity: props.capacity,
        vpcZoneIdentifier: props.subnetIds,
        launchTemplate: {
          id: props.launchTemplate.id,
          // The latest version, so a changed template (new user data, image, type) rolls the group.
          version: Token.asString(props.launchTemplate.latestVersion),
        },
        targetGroupArns: props.targetGroupArns,
        // Instances that run but fail the load balancer's check are replaced, not kept.
        healthCheckType: "ELB",
        healthCheckGracePeriod: props.healthCheckGracePeriodSeconds,
        instanceRefresh: {
          strategy: "Rolling",
          preferences:
            props.replacement === "launch-first"
              ? { minHealthyPercentage: 100, maxHealthyPercentage: 200 }
              : { minHealthyPercentage: 0, maxHealthyPercentage: 100 },
        },
        enabledMetrics: METRICS,
        tag: tagBlocks(tags),
        dependsOn: props.dependsOn,
        lifecycle: {
          // Spinnaker resizes and disables its own server groups (a red/black deploy suspends
          // processes); Terraform keeps the launch template and the group, not those.
          ignoreChanges: ["desired_capacity", "suspended_processes"],
        },
      });
    }
    if (possible(handOver)) {
      this.handOverStack = new CloudformationStack(this, "HandOver", {
        count: countWhen(handOver),
        name: props.name,
        templateBody: Fn.jsonencode(handOverTemplate(props, handOverTags(this, tags))),
        dependsOn: props.dependsOn,
        tags: props.tags,
        lifecycle: {
          // The template is v000 as it was created: a later launch template version or capacity is
          // Spinnaker's to deploy (a new server group), and an update of a group Spinnaker has
          // disabled or deleted would fail or bring it back. Tags propagate to the group likewise.
          ignoreChanges: ["template_body", "tags"],
        },
      });
    }
    this.name = handOver === false && this.autoScalingGroup ? this.autoScalingGroup.name : props.name;
  }
}

/**
 * The tags as the template reads them: a Terraform map (a module's) in a local value, since cdktf
 * cannot nest the interpolated Name inside jsonencode's argument.
 */
function handOverTags(scope: Construct, tags: Record<string, string>): Record<string, string> {
  if (!Token.isUnresolved(tags)) return tags;
  return Token.asStringMap(new TerraformLocal(scope, "HandOverTags", tags).expression);
}

/**
 * The CloudFormation template of a handed-over v000: the same group as Terraform's, without the
 * instance refresh (Spinnaker rolls out a new server group instead). Retained on delete and on
 * replacement: CloudFormation never deletes the group, Spinnaker does, or the clean-up step at
 * destroy (ServerGroupCleanup) with every later group of the cluster.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-autoscaling-autoscalinggroup.html
 */
function handOverTemplate(props: ServerGroupProps, tags: Record<string, string>): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Spinnaker server group ${props.name}, created by Terraform and then deployed by Spinnaker`,
    Resources: {
      ServerGroup: {
        Type: "AWS::AutoScaling::AutoScalingGroup",
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
        Properties: {
          AutoScalingGroupName: props.name,
          MinSize: props.capacity,
          MaxSize: props.capacity,
          DesiredCapacity: props.capacity,
          VPCZoneIdentifier: props.subnetIds,
          // A number: the template specification accepts no $Latest.
          LaunchTemplate: { LaunchTemplateId: props.launchTemplate.id, Version: props.launchTemplate.latestVersion },
          TargetGroupARNs: props.targetGroupArns,
          HealthCheckType: "ELB",
          HealthCheckGracePeriod: props.healthCheckGracePeriodSeconds,
          MetricsCollection: [{ Granularity: "1Minute", Metrics: METRICS }],
          Tags: Token.isUnresolved(tags)
            ? TerraformIterator.fromMap(tags).forExpressionForList(
                "{ Key = key, Value = val, PropagateAtLaunch = true }",
              )
            : Object.entries(tags).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true })),
        },
      },
    },
    Outputs: { Name: { Value: { Ref: "ServerGroup" } } },
  };
}

/** The group's tags, propagated to its instances: one block each, or a dynamic block for a Terraform map. */
function tagBlocks(tags: Record<string, string>): AutoscalingGroupTag[] | IResolvable {
  if (Token.isUnresolved(tags)) {
    const tag = TerraformIterator.fromMap(tags);
    return tag.dynamic({ key: tag.key, value: tag.value, propagate_at_launch: true });
  }
  return Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
}
