import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn, type IResolvable, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import type { ServiceSpec } from "../spinnaker/services";
import { type Condition, concatLists, countWhen, namedList, pickList } from "../terraform-values";
import { serviceTargetGroup } from "./service-target-group";
import { withTags } from "./tags";

export interface InterserviceLoadBalancerProps {
  /** Load balancer name (32 characters at most), such as `armoryspinnaker-preprod-int`. */
  readonly name: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** The internal group: its members (the instances) are the only clients and the only targets. */
  readonly securityGroupId: string;
  /**
   * The services other services call, each behind its own listener on its own port; `when` says
   * whether a service runs, when a module's input decides it at plan time.
   */
  readonly services: readonly (ServiceSpec & { readonly when?: Condition })[];
  /** A boolean, or a module's Terraform boolean. @default true */
  readonly deletionProtection?: boolean | IResolvable;
  /** Long clouddriver calls pass through it. @default 60 */
  readonly idleTimeoutSeconds?: number;
  readonly tags?: Record<string, string>;
}

/**
 * The interservice (internal) load balancer of the HA page: the instances call each other's
 * services through it, one listener per service port, so any healthy instance in any AZ answers.
 * It sits in the internal security group, which admits only its own members.
 */
export class InterserviceLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  /** A service's group is a list of one or none when `when` is a Terraform value: use `targetGroupArns`. */
  readonly targetGroups: LbTargetGroup[];
  /** The target groups' ARNs, of the services that run. */
  readonly targetGroupArns: string[];

  constructor(scope: Construct, id: string, props: InterserviceLoadBalancerProps) {
    super(scope, id);
    // A name from Terraform variables is checked by their validation (name and environment lengths).
    if (!Token.isUnresolved(props.name) && props.name.length > 32) {
      throw invalidProp(this.node.path, "name", "must be at most 32 characters (an AWS limit)", props.name);
    }
    if (props.services.length === 0) {
      throw invalidProp(this.node.path, "services", "needs at least one service", []);
    }

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: props.name,
      loadBalancerType: "application",
      internal: true,
      securityGroups: [props.securityGroupId],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      tags: withTags(props.tags, { Name: props.name }),
    });

    const running = props.services.filter((service) => service.when !== false);
    // Each running service's group and its ARN: with a count the group is a list of one or none,
    // and its ARN is read only while it exists.
    const groups = running.map((service) => {
      const count = service.when === undefined ? undefined : countWhen(service.when);
      const targetGroup = serviceTargetGroup(
        this,
        `${service.name}TargetGroup`,
        service,
        props.vpcId,
        withTags(props.tags, { Name: `${props.name}-${service.name}` }),
      );
      targetGroup.count = count;
      const arn = count === undefined ? targetGroup.arn : Token.asString(Fn.lookupNested(targetGroup, ["0", "arn"]));
      new LbListener(this, `${service.name}Listener`, {
        count,
        loadBalancerArn: this.loadBalancer.arn,
        port: service.port,
        // Plain HTTP inside the VPC, between members of one security group, as Spinnaker's services
        // speak it; TLS between services would need certificates on every service.
        protocol: "HTTP",
        defaultAction: [{ type: "forward", targetGroupArn: arn }],
        tags: props.tags,
      });
      return { targetGroup, arn, when: service.when ?? true };
    });
    this.targetGroups = groups.map((g) => g.targetGroup);
    // Named: the instance role's policy and the instances' own list of target groups both read it.
    this.targetGroupArns = namedList(
      this,
      "TargetGroupArns",
      "interservice_target_group_arns",
      concatLists(...groups.map((g) => pickList(g.when, [g.arn], []))),
    );
  }
}
