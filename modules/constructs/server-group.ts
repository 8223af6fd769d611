import { AutoscalingGroup, type AutoscalingGroupTag } from "@cdktf/provider-aws/lib/autoscaling-group";
import type { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { type IResolvable, type ITerraformDependable, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { withTags } from "./tags";

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
}

/** An Auto Scaling group of Spinnaker instances behind the load balancers' target groups. */
export class ServerGroup extends Construct {
  readonly autoScalingGroup: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: ServerGroupProps) {
    super(scope, id);
    // A name from Terraform variables follows the pattern by their validation.
    if (!Token.isUnresolved(props.name) && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*-v\d{3}$/.test(props.name)) {
      throw invalidProp(this.node.path, "name", "must follow Spinnaker's app-stack-detail-vNNN naming", props.name);
    }
    if (!Token.isUnresolved(props.capacity) && (!Number.isInteger(props.capacity) || props.capacity < 1)) {
      throw invalidProp(this.node.path, "capacity", "must be a whole number from 1 up", props.capacity);
    }

    this.autoScalingGroup = new AutoscalingGroup(this, "Group", {
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
      enabledMetrics: ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupTotalInstances"],
      tag: tagBlocks(withTags(props.tags, { Name: props.name })),
      dependsOn: props.dependsOn,
      lifecycle: {
        // Spinnaker resizes and disables its own server groups (a red/black deploy suspends
        // processes); Terraform keeps the launch template and the group, not those.
        ignoreChanges: ["desired_capacity", "suspended_processes"],
      },
    });
  }
}

/** The group's tags, propagated to its instances: one block each, or a dynamic block for a Terraform map. */
function tagBlocks(tags: Record<string, string>): AutoscalingGroupTag[] | IResolvable {
  if (Token.isUnresolved(tags)) {
    const tag = TerraformIterator.fromMap(tags);
    return tag.dynamic({ key: tag.key, value: tag.value, propagate_at_launch: true });
  }
  return Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
}
