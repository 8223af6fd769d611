import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import type { ServiceSpec } from "../spinnaker/services";
import { serviceTargetGroup } from "./service-target-group";
import { withTags } from "./tags";

export interface InterserviceLoadBalancerProps {
  /** Load balancer name (32 characters at most), such as `armoryspinnaker-preprod-int`. */
  readonly name: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** The internal group: its members (the instances) are the only clients and the only targets. */
  readonly securityGroupId: string;
  /** The services other services call, each behind its own listener on its own port. */
  readonly services: readonly ServiceSpec[];
  /** @default true */
  readonly deletionProtection?: boolean;
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
  readonly targetGroups: LbTargetGroup[];

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

    this.targetGroups = props.services.map((service) => {
      const targetGroup = serviceTargetGroup(
        this,
        `${service.name}TargetGroup`,
        service,
        props.vpcId,
        withTags(props.tags, { Name: `${props.name}-${service.name}` }),
      );
      new LbListener(this, `${service.name}Listener`, {
        loadBalancerArn: this.loadBalancer.arn,
        port: service.port,
        // Plain HTTP inside the VPC, between members of one security group, as Spinnaker's services
        // speak it; TLS between services would need certificates on every service.
        protocol: "HTTP",
        defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: props.tags,
      });
      return targetGroup;
    });
  }
}
