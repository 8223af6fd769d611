import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { SERVICES } from "../spinnaker/services";
import { serviceTargetGroup } from "./service-target-group";
import { withTags } from "./tags";

export interface UserFacingLoadBalancerProps {
  /** Load balancer name (32 characters at most), such as `armoryspinnaker-preprod`. */
  readonly name: string;
  /** `internet-facing` is a deliberate choice: the listeners are still limited by the security group. */
  readonly scheme: "internal" | "internet-facing";
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  /** Listener port for deck. */
  readonly deckPort: number;
  /** Listener port for gate. */
  readonly gatePort: number;
  /** The DNS name users open, pointed at this load balancer. @default - the load balancer's own DNS name */
  readonly hostname?: string;
  /** ACM certificate: both listeners speak HTTPS and port 80 redirects. @default - plain HTTP */
  readonly certificateArn?: string;
  /** @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  readonly sslPolicy?: string;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default 60 */
  readonly idleTimeoutSeconds?: number;
  /** Access logs: an S3 bucket that grants the ELB log delivery service write access. @default - off */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
  readonly tags?: Record<string, string>;
}

/**
 * The application load balancer users reach deck and gate through. Invalid header fields are
 * dropped; with a certificate both listeners terminate TLS and plain HTTP on 80 is redirected.
 */
export class UserFacingLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly deckTargetGroup: LbTargetGroup;
  readonly gateTargetGroup: LbTargetGroup;
  /** The URL users open; gate's URL is `gateUrl`. */
  readonly deckUrl: string;
  readonly gateUrl: string;

  constructor(scope: Construct, id: string, props: UserFacingLoadBalancerProps) {
    super(scope, id);
    // A name from Terraform variables is checked by their validation (name and environment lengths).
    if (!Token.isUnresolved(props.name) && props.name.length > 32) {
      throw invalidProp(this.node.path, "name", "must be at most 32 characters (an AWS limit)", props.name);
    }
    if (props.deckPort === props.gatePort) {
      throw invalidProp(this.node.path, "gatePort", `must differ from deckPort (${props.deckPort})`, props.gatePort);
    }
    const tls = props.certificateArn !== undefined;

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: props.name,
      loadBalancerType: "application",
      internal: props.scheme === "internal",
      securityGroups: [props.securityGroupId],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      accessLogs: props.accessLogs ? { enabled: true, ...props.accessLogs } : undefined,
      tags: withTags(props.tags, { Name: props.name }),
    });

    this.deckTargetGroup = serviceTargetGroup(
      this,
      "DeckTargetGroup",
      SERVICES.deck,
      props.vpcId,
      withTags(props.tags, { Name: `${props.name}-deck` }),
    );
    this.gateTargetGroup = serviceTargetGroup(
      this,
      "GateTargetGroup",
      SERVICES.gate,
      props.vpcId,
      withTags(props.tags, { Name: `${props.name}-gate` }),
    );

    const protocol = tls ? "HTTPS" : "HTTP";
    const tlsSettings = tls
      ? { certificateArn: props.certificateArn, sslPolicy: props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06" }
      : {};
    for (const [listenerId, port, targetGroup] of [
      ["DeckListener", props.deckPort, this.deckTargetGroup],
      ["GateListener", props.gatePort, this.gateTargetGroup],
    ] as const) {
      new LbListener(this, listenerId, {
        loadBalancerArn: this.loadBalancer.arn,
        port,
        protocol,
        ...tlsSettings,
        defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: props.tags,
      });
    }
    if (tls && props.deckPort !== 80 && props.gatePort !== 80) {
      new LbListener(this, "HttpRedirect", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: String(props.deckPort), statusCode: "HTTP_301" },
          },
        ],
        tags: props.tags,
      });
    }

    const scheme = tls ? "https" : "http";
    const defaultPort = tls ? 443 : 80;
    const host = props.hostname ?? this.loadBalancer.dnsName;
    const url = (port: number) => `${scheme}://${host}${port === defaultPort ? "" : `:${port}`}`;
    this.deckUrl = url(props.deckPort);
    this.gateUrl = url(props.gatePort);
  }

  /** Listener ports, for the user-facing security group. */
  static listenerPorts(props: Pick<UserFacingLoadBalancerProps, "deckPort" | "gatePort" | "certificateArn">) {
    const ports = [
      { port: props.deckPort, purpose: "deck (UI) listener" },
      { port: props.gatePort, purpose: "gate (API) listener" },
    ];
    if (props.certificateArn !== undefined && props.deckPort !== 80 && props.gatePort !== 80) {
      ports.push({ port: 80, purpose: "HTTP listener that redirects to HTTPS" });
    }
    return ports;
  }
}
