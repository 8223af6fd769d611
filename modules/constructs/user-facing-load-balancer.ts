import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn, type IResolvable, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { SERVICES } from "../spinnaker/services";
import {
  both,
  type Condition,
  countWhen,
  differ,
  equal,
  given,
  isExpression,
  namedValue,
  pick,
  possible,
} from "../terraform-values";
import type { ListenerRule } from "./security-groups";
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
  /**
   * The DNS name users open, pointed at this load balancer; may be a Terraform string that is null.
   * @default - the load balancer's own DNS name
   */
  readonly hostname?: string;
  /**
   * ACM certificate: both listeners speak HTTPS and port 80 redirects. May be a Terraform string
   * that is null (plain HTTP then). @default - plain HTTP
   */
  readonly certificateArn?: string;
  /**
   * HTTPS listeners with `certificateArn`, or HTTP: a boolean, or a Terraform boolean the caller of
   * a module writes. Pass it whenever the certificate may be unknown at plan (another resource's
   * ARN): the redirect listener's count follows it, and a count must be known at plan.
   * @default - whether certificateArn is given
   */
  readonly https?: boolean | IResolvable;
  /** @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  readonly sslPolicy?: string;
  /** A boolean, or a module's Terraform boolean. @default true */
  readonly deletionProtection?: boolean | IResolvable;
  /** @default 60 */
  readonly idleTimeoutSeconds?: number;
  /**
   * Access logs: an S3 bucket that grants the ELB log delivery service write access; may be a
   * Terraform object that is null (off then). @default - off
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string } | IResolvable;
  readonly tags?: Record<string, string>;
}

const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The application load balancer users reach deck and gate through. Invalid header fields are
 * dropped; with a certificate both listeners terminate TLS and plain HTTP on 80 is redirected.
 * Every choice may be a Terraform value (a module's inputs): the listeners then follow it at plan.
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
    // Values from Terraform variables are checked by their validation blocks instead.
    if (!Token.isUnresolved(props.name) && props.name.length > 32) {
      throw invalidProp(this.node.path, "name", "must be at most 32 characters (an AWS limit)", props.name);
    }
    if (props.deckPort === props.gatePort) {
      throw invalidProp(this.node.path, "gatePort", `must differ from deckPort (${props.deckPort})`, props.gatePort);
    }
    if (props.https === true && props.certificateArn === undefined) {
      throw invalidProp(this.node.path, "https", "needs certificateArn (HTTPS listeners need a certificate)", true);
    }
    if (props.https === false && props.certificateArn !== undefined) {
      throw invalidProp(
        this.node.path,
        "https",
        "must be true with certificateArn (or leave certificateArn out)",
        false,
      );
    }
    const tls = UserFacingLoadBalancer.tls(props);

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: props.name,
      loadBalancerType: "application",
      internal: equal(props.scheme, "internal"),
      securityGroups: [props.securityGroupId],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      accessLogs:
        props.accessLogs && !isExpression(props.accessLogs) ? { enabled: true, ...props.accessLogs } : undefined,
      tags: withTags(props.tags, { Name: props.name }),
    });

    if (props.accessLogs && isExpression(props.accessLogs)) {
      // A Terraform object that may be null: one dynamic block while it is not. cdktf drops an
      // iterator's dynamic block on a single-block attribute, so the JSON is written directly.
      this.loadBalancer.addOverride("dynamic.access_logs", {
        for_each: Fn.conditional(Op.eq(props.accessLogs, Token.nullValue()), [], [props.accessLogs]),
        content: { enabled: true, bucket: `\${access_logs.value.bucket}`, prefix: `\${access_logs.value.prefix}` },
      });
    }

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

    const protocol = pick(tls, "HTTPS", "HTTP");
    // Null without a certificate (a module's input): Terraform then leaves both unset.
    const tlsSettings =
      tls === false
        ? {}
        : {
            certificateArn: props.certificateArn,
            sslPolicy: pick(tls, props.sslPolicy ?? DEFAULT_SSL_POLICY, nullString()),
          };
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
    const redirect = UserFacingLoadBalancer.redirectCondition(props);
    if (possible(redirect)) {
      new LbListener(this, "HttpRedirect", {
        count: countWhen(redirect),
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [
          {
            type: "redirect",
            redirect: {
              protocol: "HTTPS",
              port: Token.isUnresolved(props.deckPort) ? Token.asString(props.deckPort) : String(props.deckPort),
              statusCode: "HTTP_301",
            },
          },
        ],
        tags: props.tags,
      });
    }

    const scheme = pick(tls, "https", "http");
    const host =
      props.hostname === undefined
        ? this.loadBalancer.dnsName
        : hostOrDnsName(props.hostname, this.loadBalancer.dnsName);
    // Named: every profile, the outputs and deck's settings read them.
    const url = (id: string, port: number) =>
      namedValue(this, id, `${id.toLowerCase()}_url`, `${scheme}://${host}${portSuffix(tls, port)}`);
    this.deckUrl = url("Deck", props.deckPort);
    this.gateUrl = url("Gate", props.gatePort);
  }

  /** The listeners speak HTTPS. */
  private static tls(props: Pick<UserFacingLoadBalancerProps, "certificateArn" | "https">): Condition {
    return props.https ?? given(props.certificateArn);
  }

  /** Port 80 redirects to HTTPS, unless a listener already uses it. */
  private static redirectCondition(
    props: Pick<UserFacingLoadBalancerProps, "deckPort" | "gatePort" | "certificateArn" | "https">,
  ) {
    return both(UserFacingLoadBalancer.tls(props), both(differ(props.deckPort, 80), differ(props.gatePort, 80)));
  }

  /** Listener ports, for the user-facing security group. */
  static listenerPorts(
    props: Pick<UserFacingLoadBalancerProps, "deckPort" | "gatePort" | "certificateArn" | "https">,
  ): ListenerRule[] {
    const ports: ListenerRule[] = [
      { id: "Deck", port: props.deckPort, purpose: "deck (UI) listener" },
      { id: "Gate", port: props.gatePort, purpose: "gate (API) listener" },
    ];
    const redirect = UserFacingLoadBalancer.redirectCondition(props);
    if (possible(redirect)) {
      ports.push({ id: "Redirect", port: 80, purpose: "HTTP listener that redirects to HTTPS", when: redirect });
    }
    return ports;
  }
}

/**
 * `:<port>` unless the port is the scheme's own. Written for Terraform without a conditional inside
 * an operator or a token inside a string argument: cdktf renders neither with the parentheses or
 * the interpolation they need.
 */
function portSuffix(tls: Condition, port: number): string {
  const isDefault =
    typeof tls === "boolean"
      ? equal(port, tls ? 443 : 80)
      : Op.or(Op.and(tls, Op.eq(port, 443)), Op.and(Op.not(tls), Op.eq(port, 80)));
  if (typeof isDefault === "boolean") return isDefault ? "" : `:${port}`;
  return Token.asString(Fn.conditional(isDefault, "", Fn.format(":%d", [port])));
}

/** Terraform's null where a string goes. */
function nullString(): string {
  return Token.asString(Token.nullValue());
}

/** The hostname users open, or the load balancer's DNS name when it is null. */
function hostOrDnsName(hostname: string, dnsName: string): string {
  return Token.isUnresolved(hostname) ? Token.asString(Fn.coalesce([hostname, dnsName])) : hostname;
}
