/**
 * The security rules every synthesized stack must keep, whatever the configuration, each with the
 * trivy (AWS-xxxx) and checkov (CKV_*) checks it corresponds to (../shared/REFERENCE.md). The
 * policy matrix and the generated configurations both check them; `violations` lists what breaks.
 *
 * The exceptions a deployer chooses (internet-facing load balancer, HTTP without a certificate,
 * egress to the internet, no access logs) are not rules here: the README lists them with reasons.
 */
import type { Settings } from "../../modules/config/schema";
import type { Synthesized } from "../helpers";

type Resource = Record<string, unknown>;

export interface Rule {
  readonly id: string;
  readonly scanners: string;
  readonly check: (json: Synthesized, settings: Settings) => string[];
}

function all(json: Synthesized, type: string): [string, Resource][] {
  return Object.entries(json.resource?.[type] ?? {});
}

function decodedUserData(json: Synthesized): string[] {
  const texts: string[] = [];
  for (const [, template] of all(json, "aws_launch_template")) {
    const userData = String(template.user_data ?? "");
    if (/^[A-Za-z0-9+/=]+$/.test(userData)) texts.push(Buffer.from(userData, "base64").toString("utf8"));
    else texts.push(userData);
  }
  return texts;
}

/** `for_each` over the user or SSH CIDRs (while a listener exists: `cond ? var.x : []`). */
/** The bucket a resource's `bucket` refers to: `${aws_s3_bucket.<name>.id}` -> `<name>`. */
function bucketOf(reference: unknown): string {
  return String(reference).replace(/^\$\{aws_s3_bucket\.(.+)\.(id|bucket)\}$/, "$1");
}

const CIDR_SOURCE = /^\$\{toset\((?:\(.+\) \? )?var\.(user|ssh)_cidrs(?: : \[\])?\)\}$/;

export const RULES: readonly Rule[] = [
  {
    id: "ingress only from user_cidrs and ssh_cidrs; SSH only from ssh_cidrs, never the internet",
    scanners: "AWS-0107, CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_277",
    check: (json, settings) => {
      const problems: string[] = [];
      for (const [name, rule] of all(json, "aws_vpc_security_group_ingress_rule")) {
        if (rule.referenced_security_group_id !== undefined) continue;
        const source = CIDR_SOURCE.exec(String(rule.for_each))?.[1];
        if (rule.cidr_ipv4 !== "${each.value}" || source === undefined) {
          problems.push(`${name} admits ${String(rule.cidr_ipv4)} (for_each ${String(rule.for_each)})`);
        } else if ((rule.from_port === 22) !== (source === "ssh")) {
          problems.push(`${name} on port ${String(rule.from_port)} admits the ${source} CIDRs`);
        }
      }
      const variables = json.variable ?? {};
      const ssh = (variables.ssh_cidrs?.default ?? []) as string[];
      const wide = ssh.filter((c) => Number(c.split("/")[1]) < 8);
      if (wide.length > 0) problems.push(`ssh_cidrs defaults to ${wide.join(", ")}`);
      const user = variables.user_cidrs?.default as string[] | undefined;
      const configured = settings.network.userCidrs;
      if (JSON.stringify(user) !== JSON.stringify(configured)) {
        problems.push(`user_cidrs defaults to ${JSON.stringify(user)}, configured ${JSON.stringify(configured)}`);
      }
      return problems;
    },
  },
  {
    id: "IMDSv2 required with a hop limit of 1",
    scanners: "AWS-0130, CKV_AWS_79, CKV_AWS_341",
    check: (json) =>
      all(json, "aws_launch_template").flatMap(([name, t]) => {
        const options = t.metadata_options as Resource | undefined;
        return options?.http_tokens === "required" && options.http_put_response_hop_limit === 1
          ? []
          : [`${name} metadata_options ${JSON.stringify(options)}`];
      }),
  },
  {
    id: "no public IP on the instances",
    scanners: "CKV_AWS_88",
    check: (json) =>
      all(json, "aws_launch_template").flatMap(([name, t]) => {
        // Without the block, the subnet's own setting would decide.
        const interfaces = (t.network_interfaces ?? []) as Resource[];
        return interfaces.length > 0 && interfaces.every((n) => n.associate_public_ip_address === "false")
          ? []
          : [`${name} may associate a public IP`];
      }),
  },
  {
    id: "encrypted root volumes",
    scanners: "AWS-0131, CKV_AWS_8",
    check: (json) =>
      all(json, "aws_launch_template").flatMap(([name, t]) => {
        // Without a mapping, the image's own root volume (unencrypted unless the account says so).
        const mappings = (t.block_device_mappings ?? []) as Resource[];
        return mappings.length > 0 && mappings.every((b) => (b.ebs as Resource | undefined)?.encrypted === "true")
          ? []
          : [`${name} has an unencrypted or unmapped root volume`];
      }),
  },
  {
    id: "buckets encrypted, versioned, private and TLS-only",
    scanners: "AWS-0086..AWS-0094, AWS-0132, CKV_AWS_18, CKV_AWS_19, CKV_AWS_21, CKV_AWS_53..CKV_AWS_56",
    check: (json) => {
      const buckets = all(json, "aws_s3_bucket").map(([name]) => name);
      const refersTo = (type: string) =>
        new Set(
          all(json, type).map(([, r]) => String(r.bucket).replace(/^\$\{aws_s3_bucket\.(.+)\.(id|bucket)\}$/, "$1")),
        );
      const encrypted = refersTo("aws_s3_bucket_server_side_encryption_configuration");
      const versioned = refersTo("aws_s3_bucket_versioning");
      const blocked = new Set(
        all(json, "aws_s3_bucket_public_access_block")
          .filter(
            ([, b]) =>
              b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets,
          )
          .map(([, b]) => bucketOf(b.bucket)),
      );
      // TLS-only: each bucket has a policy whose document denies requests without aws:SecureTransport.
      const documents = json.data?.aws_iam_policy_document ?? {};
      const tlsOnly = new Set(
        all(json, "aws_s3_bucket_policy")
          .filter(([, p]) => {
            const document = /^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/.exec(String(p.policy))?.[1];
            return document !== undefined && JSON.stringify(documents[document] ?? {}).includes("aws:SecureTransport");
          })
          .map(([, p]) => bucketOf(p.bucket)),
      );
      return buckets.flatMap((b) => [
        ...(encrypted.has(b) ? [] : [`${b} has no default encryption`]),
        ...(versioned.has(b) ? [] : [`${b} is not versioned`]),
        ...(blocked.has(b) ? [] : [`${b} has no full public access block`]),
        ...(tlsOnly.has(b) ? [] : [`${b} allows plain HTTP`]),
      ]);
    },
  },
  {
    id: "no secret in user data or in the configuration: the Redis token reaches only ElastiCache and its secret",
    scanners: "AWS-0129, CKV_AWS_46",
    check: (json) => {
      const problems: string[] = [];
      for (const text of decodedUserData(json)) {
        if (/redis_auth_token|rediss?:\/\/:[^@\s]+@|password\s*[:=]\s*\S/i.test(text)) {
          problems.push("a launch template's user data holds a credential");
        }
      }
      for (const [type, byName] of Object.entries(json.resource ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          if (!JSON.stringify(body).includes("var.redis_auth_token")) continue;
          const allowed = type === "aws_elasticache_replication_group" || type === "aws_secretsmanager_secret_version";
          if (!allowed) problems.push(`${type}.${name} reads var.redis_auth_token`);
        }
      }
      const token = json.variable?.redis_auth_token;
      if (token && token.sensitive !== true) problems.push("redis_auth_token is not sensitive");
      return problems;
    },
  },
  {
    id: "load balancers drop invalid headers; HTTPS listeners use a TLS 1.3 policy",
    scanners: "AWS-0052, AWS-0047, CKV_AWS_131, CKV_AWS_103",
    check: (json) => [
      ...all(json, "aws_lb")
        .filter(([, lb]) => lb.drop_invalid_header_fields !== true)
        .map(([name]) => `${name} keeps invalid headers`),
      // The policy may be chosen by the certificate variable: every policy the expression can pick.
      ...all(json, "aws_lb_listener")
        .filter(([, l]) => l.ssl_policy !== undefined)
        .filter(([, l]) =>
          (String(l.ssl_policy).match(/ELBSecurityPolicy[A-Za-z0-9-]*/g) ?? [String(l.ssl_policy)]).some(
            (policy) => !policy.startsWith("ELBSecurityPolicy-TLS13-1-"),
          ),
        )
        .map(([name, l]) => `${name} uses ${String(l.ssl_policy)}`),
    ],
  },
  {
    id: "with a certificate, deck and gate listen on HTTPS and port 80 only redirects",
    scanners: "AWS-0054, CKV_AWS_2, CKV2_AWS_20",
    check: (json, settings) => {
      if (settings.loadBalancer.certificateArn === undefined) return [];
      const listeners = all(json, "aws_lb_listener").filter(([name]) => name.startsWith("user_facing"));
      const problems = listeners
        .filter(([, l]) => ((l.default_action ?? []) as Resource[])[0]?.type !== "redirect")
        // Literal HTTPS, or the expression that picks HTTPS while certificate_arn is set.
        .filter(
          ([, l]) =>
            l.protocol !== "HTTPS" &&
            !/^\$\{\(var\.certificate_arn != null\) \? "HTTPS" : "HTTP"\}$/.test(String(l.protocol)),
        )
        .map(([name, l]) => `${name} serves ${String(l.protocol)} beside the certificate`);
      const redirects = listeners.filter(([, l]) => ((l.default_action ?? []) as Resource[])[0]?.type === "redirect");
      if (redirects.length === 0) problems.push("no listener redirects port 80 to HTTPS");
      return problems;
    },
  },
  {
    id: "managed Redis encrypted at rest and in transit, with an AUTH token and automatic failover",
    scanners: "AWS-0045, AWS-0050, AWS-0051, CKV_AWS_29, CKV_AWS_30, CKV_AWS_31",
    check: (json) =>
      all(json, "aws_elasticache_replication_group").flatMap(([name, r]) =>
        String(r.at_rest_encryption_enabled) === "true" &&
        r.transit_encryption_enabled === true &&
        r.auth_token !== undefined &&
        r.automatic_failover_enabled === true
          ? []
          : [`${name} lacks encryption, AUTH or failover`],
      ),
  },
  {
    id: "every security group and rule says what it is for",
    scanners: "AWS-0099, AWS-0124, CKV_AWS_23",
    check: (json) =>
      ["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"].flatMap(
        (type) =>
          all(json, type)
            .filter(([, r]) => typeof r.description !== "string" || r.description === "")
            .map(([name]) => `${type}.${name} has no description`),
      ),
  },
];

/** Every broken rule, as `<rule>: <what>`. */
export function violations(json: Synthesized, settings: Settings): string[] {
  return RULES.flatMap((rule) => rule.check(json, settings).map((problem) => `${rule.id}: ${problem}`));
}
