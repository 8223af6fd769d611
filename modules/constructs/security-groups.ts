import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, type IResolvable, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { type Condition, countWhen } from "../terraform-values";
import { withTags } from "./tags";

export interface PortRule {
  readonly port: number;
  /** What listens there, for the rule's description. */
  readonly purpose: string;
  /** Whether it listens: a module's input may decide at plan time. @default true */
  readonly when?: Condition;
}

/** A listener's port: `id` names its rules, so they keep their address when the port changes. */
export interface ListenerRule extends PortRule {
  readonly id: string;
}

export interface SecurityGroupsProps {
  /** `<name>-<environment>`; the groups' names start `<prefix>-user-facing-` and `<prefix>-internal-`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Ports the user-facing load balancer listens on (deck, gate, and 80 to redirect with TLS). */
  readonly listenerPorts: readonly ListenerRule[];
  /** Instance ports the load balancer forwards to (deck 9000, gate 8084). */
  readonly targetPorts: readonly PortRule[];
  /** Ports the services call each other on, open only between members of the internal group. */
  readonly servicePorts: readonly PortRule[];
  /** Who may reach the listeners. May be a Terraform list token. */
  readonly userCidrs: string[];
  /** Who may reach port 22 on the instances; empty keeps it closed. May be a Terraform list token. */
  readonly sshCidrs: string[];
  /** Where instances may open HTTP and HTTPS connections (packages, images, AWS APIs). */
  readonly egressCidrs: string[];
  /**
   * Egress on other ports, to the endpoints the services call: a Terraform map of
   * `{ port, cidr, description }` (topologies/egress.ts). @default - none
   */
  readonly endpointEgress?: IResolvable;
  readonly tags?: Record<string, string>;
}

/**
 * The page's two security groups. The user-facing group sits on the user-facing load balancer and
 * admits only the listed CIDRs on the listener ports; the internal group sits on the instances (and
 * on the interservice load balancer in HA) and admits the load balancer on the target ports and its
 * own members on the service ports, so no sub-service without authentication is reachable otherwise.
 */
export class SecurityGroups extends Construct {
  readonly userFacing: SecurityGroup;
  readonly internal: SecurityGroup;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    for (const [setting, rules] of [
      ["listenerPorts", props.listenerPorts],
      ["targetPorts", props.targetPorts],
    ] as const) {
      if (rules.length === 0) throw invalidProp(this.node.path, setting, "needs at least one port", rules);
    }

    this.userFacing = new SecurityGroup(this, "UserFacing", {
      // A prefix, not a name: a replacement is created before the old group goes, beside it.
      namePrefix: `${props.namePrefix}-user-facing-`,
      description: "Spinnaker user-facing load balancer: deck and gate, only from the allowed CIDRs",
      vpcId: props.vpcId,
      tags: withTags(props.tags, { Name: `${props.namePrefix}-user-facing` }),
      // Replacing a group that instances or load balancers still use fails; create the new one first.
      lifecycle: { createBeforeDestroy: true },
    });
    this.internal = new SecurityGroup(this, "Internal", {
      namePrefix: `${props.namePrefix}-internal-`,
      description: "Spinnaker instances: service ports only from the load balancer and from members",
      vpcId: props.vpcId,
      tags: withTags(props.tags, { Name: `${props.namePrefix}-internal` }),
      lifecycle: { createBeforeDestroy: true },
    });

    for (const { id: listener, port, purpose, when } of props.listenerPorts) {
      const cidrs = TerraformIterator.fromList(
        when === undefined || when === true ? props.userCidrs : Token.asList(Fn.conditional(when, props.userCidrs, [])),
      );
      new VpcSecurityGroupIngressRule(this, `UserIngress-${listener}`, {
        forEach: cidrs,
        securityGroupId: this.userFacing.id,
        description: `${purpose} from an allowed user CIDR`,
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: port,
        toPort: port,
        cidrIpv4: cidrs.value,
      });
    }

    for (const { port, purpose } of props.targetPorts) {
      new VpcSecurityGroupEgressRule(this, `LoadBalancerEgress-${port}`, {
        securityGroupId: this.userFacing.id,
        description: `${purpose} on the Spinnaker instances`,
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.internal.id,
      });
      new VpcSecurityGroupIngressRule(this, `TargetIngress-${port}`, {
        securityGroupId: this.internal.id,
        description: `${purpose} from the user-facing load balancer`,
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.userFacing.id,
      });
    }

    for (const { port, purpose, when } of props.servicePorts) {
      if (when === false) continue;
      const count = when === undefined ? undefined : countWhen(when);
      new VpcSecurityGroupIngressRule(this, `MemberIngress-${port}`, {
        count,
        securityGroupId: this.internal.id,
        description: `${purpose} from members of this group`,
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.internal.id,
      });
      new VpcSecurityGroupEgressRule(this, `MemberEgress-${port}`, {
        count,
        securityGroupId: this.internal.id,
        description: `${purpose} on members of this group`,
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.internal.id,
      });
    }

    const sshCidrs = TerraformIterator.fromList(props.sshCidrs);
    new VpcSecurityGroupIngressRule(this, "SshIngress", {
      forEach: sshCidrs,
      securityGroupId: this.internal.id,
      description: "SSH from an allowed administrator CIDR",
      ipProtocol: "tcp",
      tags: props.tags,
      fromPort: 22,
      toPort: 22,
      cidrIpv4: sshCidrs.value,
    });

    for (const [port, purpose] of [
      [443, "HTTPS to AWS APIs, container registries and package repositories"],
      [80, "HTTP to package repositories"],
    ] as const) {
      const egress = TerraformIterator.fromList(props.egressCidrs);
      new VpcSecurityGroupEgressRule(this, `InternetEgress-${port}`, {
        forEach: egress,
        securityGroupId: this.internal.id,
        description: purpose,
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: port,
        toPort: port,
        cidrIpv4: egress.value,
      });
    }

    if (props.endpointEgress !== undefined) {
      const endpoints = TerraformIterator.fromMap(props.endpointEgress);
      new VpcSecurityGroupEgressRule(this, "EndpointEgress", {
        forEach: endpoints,
        securityGroupId: this.internal.id,
        description: endpoints.getString("description"),
        ipProtocol: "tcp",
        tags: props.tags,
        fromPort: endpoints.getNumber("port"),
        toPort: endpoints.getNumber("port"),
        cidrIpv4: endpoints.getString("cidr"),
      });
    }
  }
}
