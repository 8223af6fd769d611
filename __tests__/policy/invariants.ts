/**
 * The security rules every synthesized stack must keep, whatever the configuration, each with the
 * trivy (AWS-xxxx) and checkov (CKV_*) checks it corresponds to (../shared/REFERENCE.md). The
 * policy matrix and the generated configurations both check them; `violations` lists what breaks.
 *
 * Each rule reads a `View` (view.ts), which a synthesized stack and each module instance of a plan
 * both give, so the same rules judge the stacks and what Terraform users deploy. A rule that needs a
 * value Terraform knows only at apply says so (`Undecidable`): it is reported, never passed.
 *
 * The exceptions a deployer chooses (internet-facing load balancer, HTTP without a certificate,
 * egress to the internet, no access logs) are not rules here: the README lists them with reasons.
 */
import type { Settings } from "../../modules/config/schema";
import type { Synthesized } from "../helpers";
import { synthesizedView, Unknown, type View } from "./view";

type Resource = Record<string, unknown>;

export interface Rule {
  readonly id: string;
  readonly scanners: string;
  readonly check: (view: View, settings: Settings) => string[];
}

/** A rule needs a value that is known only at apply: the rule cannot be evaluated on this plan. */
export class Undecidable extends Error {}

/** The value, or `Undecidable` when the plan knows it only at apply. */
function known(value: unknown, what: string): unknown {
  if (value instanceof Unknown) {
    throw new Undecidable(`${what} is known only at apply (${value.expression ?? "no expression in the module"})`);
  }
  return value;
}

function all(view: View, type: string): [string, Resource][] {
  return view.resources.filter((r) => r.type === type).map((r) => [r.name, r.values]);
}

/**
 * A nested block's entries: the synthesized JSON writes a single block as an object, a plan as a
 * list of one.
 */
function blocksOf(value: unknown): Resource[] {
  if (Array.isArray(value)) return value as Resource[];
  return value === undefined || value === null ? [] : [value as Resource];
}

/** The text of a value that may be an expression: as synthesized, or what the module writes for an unknown one. */
function expressionOf(value: unknown): string {
  return value instanceof Unknown ? (value.expression ?? "") : String(value);
}

function decodedUserData(view: View): string[] {
  const texts: string[] = [];
  for (const [name, template] of all(view, "aws_launch_template")) {
    const userData = String(known(template.user_data, `${name} user_data`) ?? "");
    if (/^[A-Za-z0-9+/=]+$/.test(userData)) texts.push(Buffer.from(userData, "base64").toString("utf8"));
    else texts.push(userData);
  }
  return texts;
}

/**
 * The bucket a resource's `bucket` refers to: `${aws_s3_bucket.<name>.id}` -> `<name>` (planned, the
 * id is unknown and the module's expression says which bucket), or the bucket of that known name.
 */
function bucketOf(view: View, reference: unknown): string {
  const named = all(view, "aws_s3_bucket").find(([, b]) => typeof reference === "string" && b.bucket === reference);
  if (named) return named[0];
  return expressionOf(reference).replace(/^\$\{aws_s3_bucket\.(.+)\.(id|bucket)\}$/, "$1");
}

/** `for_each` over the user or SSH CIDRs (while a listener exists: `cond ? var.x : []`). */
const CIDR_SOURCE = /^\$\{toset\((?:\(.+\) \? )?var\.(user|ssh)_cidrs(?: : \[\])?\)\}$/;

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}

/** The databases of SQL storage a view creates: RDS for MySQL instances and Aurora MySQL clusters. */
function databases(view: View): [string, Resource][] {
  return [...all(view, "aws_db_instance"), ...all(view, "aws_rds_cluster")];
}

/**
 * A database rule's guard: SQL storage with a created database must show one to judge, so that no
 * database rule passes only because what it judges is missing.
 */
function missingDatabase(view: View, settings: Settings): string[] {
  const created = settings.storage.type === "sql" && settings.storage.createDatabase;
  return created && databases(view).length === 0
    ? ["no database to judge, though storage.type is sql and the database is created"]
    : [];
}

/** The resource an attribute's expression names (`${one(aws_db_parameter_group.x[*].name)}` -> `x`), if any. */
function referencedName(value: unknown, type: string): string | undefined {
  return new RegExp(`\\b${type}\\.([A-Za-z0-9_-]+)`).exec(expressionOf(value))?.[1];
}

/**
 * Arguments that hold a password or a secret's value, write-only ones included (never in a plan's
 * values: they are looked for in the configuration's text too).
 */
const PASSWORD_ARGUMENT = /^(master_)?passwords?(_wo)?$|^secret_(string|binary)(_wo)?$/;

/** The paths of every password argument with a value, at any depth of a resource's arguments. */
function passwordArguments(value: unknown, path = ""): string[] {
  if (value instanceof Unknown || value === null || typeof value !== "object") return [];
  return Object.entries(value as Resource).flatMap(([key, v]) => {
    const at = Array.isArray(value) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
    const here = PASSWORD_ARGUMENT.test(key) && v !== null && v !== undefined ? [at] : [];
    return [...here, ...passwordArguments(v, at)];
  });
}

export const RULES: readonly Rule[] = [
  {
    id: "ingress only from user_cidrs and ssh_cidrs; SSH only from ssh_cidrs, never the internet",
    scanners: "AWS-0107, CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_277",
    check: (view, settings) => {
      const problems: string[] = [];
      for (const [name, rule] of all(view, "aws_vpc_security_group_ingress_rule")) {
        // From another group, not from CIDRs (planned, that group's id is unknown until apply).
        if (rule.referenced_security_group_id !== undefined && rule.referenced_security_group_id !== null) continue;
        const source = CIDR_SOURCE.exec(String(rule.for_each))?.[1];
        const cidr = known(rule.cidr_ipv4, `${name} cidr_ipv4`);
        // Synthesized, each element of the variable; planned, one element, which must be a value the
        // caller passed in that variable.
        const fromSource =
          cidr === "${each.value}" ||
          (source !== undefined && typeof cidr === "string" && listOf(view.inputs[`${source}_cidrs`]).includes(cidr));
        if (!fromSource || source === undefined) {
          problems.push(`${name} admits ${String(cidr)} (for_each ${String(rule.for_each)})`);
        } else if ((known(rule.from_port, `${name} from_port`) === 22) !== (source === "ssh")) {
          problems.push(`${name} on port ${String(rule.from_port)} admits the ${source} CIDRs`);
        }
      }
      const ssh = listOf(view.inputs.ssh_cidrs);
      const wide = ssh.filter((c) => Number(c.split("/")[1]) < 8);
      if (wide.length > 0) problems.push(`ssh_cidrs defaults to ${wide.join(", ")}`);
      const user = view.inputs.user_cidrs as string[] | undefined;
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
    check: (view) =>
      all(view, "aws_launch_template").flatMap(([name, t]) => {
        const options = blocksOf(t.metadata_options);
        const what = `${name} metadata_options`;
        return options.length > 0 &&
          options.every(
            (o) =>
              known(o.http_tokens, `${what}.http_tokens`) === "required" &&
              known(o.http_put_response_hop_limit, `${what}.http_put_response_hop_limit`) === 1,
          )
          ? []
          : [`${what} ${JSON.stringify(t.metadata_options)}`];
      }),
  },
  {
    id: "no public IP on the instances",
    scanners: "CKV_AWS_88",
    check: (view) =>
      all(view, "aws_launch_template").flatMap(([name, t]) => {
        // Without the block, the subnet's own setting would decide.
        const interfaces = blocksOf(t.network_interfaces);
        const what = `${name} network_interfaces.associate_public_ip_address`;
        return interfaces.length > 0 && interfaces.every((n) => known(n.associate_public_ip_address, what) === "false")
          ? []
          : [`${name} may associate a public IP`];
      }),
  },
  {
    id: "encrypted root volumes",
    scanners: "AWS-0131, CKV_AWS_8",
    check: (view) =>
      all(view, "aws_launch_template").flatMap(([name, t]) => {
        // Without a mapping, the image's own root volume (unencrypted unless the account says so).
        const mappings = blocksOf(t.block_device_mappings);
        const encrypted = (b: Resource) => {
          const ebs = blocksOf(b.ebs);
          return ebs.length > 0 && ebs.every((e) => known(e.encrypted, `${name} ebs.encrypted`) === "true");
        };
        return mappings.length > 0 && mappings.every(encrypted)
          ? []
          : [`${name} has an unencrypted or unmapped root volume`];
      }),
  },
  {
    id: "buckets encrypted, versioned, private and TLS-only",
    scanners: "AWS-0086..AWS-0094, AWS-0132, CKV_AWS_18, CKV_AWS_19, CKV_AWS_21, CKV_AWS_53..CKV_AWS_56",
    check: (view) => {
      const buckets = all(view, "aws_s3_bucket").map(([name]) => name);
      const refersTo = (type: string) => new Set(all(view, type).map(([, r]) => bucketOf(view, r.bucket)));
      const encrypted = refersTo("aws_s3_bucket_server_side_encryption_configuration");
      const versioned = refersTo("aws_s3_bucket_versioning");
      const blocked = new Set(
        all(view, "aws_s3_bucket_public_access_block")
          .filter(([name, b]) =>
            ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every(
              (setting) => known(b[setting], `${name} ${setting}`) === true,
            ),
          )
          .map(([, b]) => bucketOf(view, b.bucket)),
      );
      // TLS-only: each bucket has a policy whose document denies requests without aws:SecureTransport.
      // Planned, the document's JSON is unknown until apply, its statements are not.
      const documents = new Map(
        view.data.filter((d) => d.type === "aws_iam_policy_document").map((d) => [d.name, d.values]),
      );
      const tlsOnly = new Set(
        all(view, "aws_s3_bucket_policy")
          .filter(([, p]) => {
            const document = /^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/.exec(expressionOf(p.policy))?.[1];
            return (
              document !== undefined && JSON.stringify(documents.get(document) ?? {}).includes("aws:SecureTransport")
            );
          })
          .map(([, p]) => bucketOf(view, p.bucket)),
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
    check: (view) => {
      const problems: string[] = [];
      for (const text of decodedUserData(view)) {
        if (/redis_auth_token|rediss?:\/\/:[^@\s]+@|password\s*[:=]\s*\S/i.test(text)) {
          problems.push("a launch template's user data holds a credential");
        }
      }
      // What the configuration reads, and, planned, where the token the caller passed shows up.
      const token = view.inputs.redis_auth_token;
      for (const { type, name, values, configuration } of view.resources) {
        const reads = configuration.includes("var.redis_auth_token");
        const holds = typeof token === "string" && token !== "" && JSON.stringify(values).includes(token);
        if (!reads && !holds) continue;
        const allowed = type === "aws_elasticache_replication_group" || type === "aws_secretsmanager_secret_version";
        if (!allowed)
          problems.push(`${type}.${name} ${reads ? "reads var.redis_auth_token" : "holds the Redis token"}`);
      }
      if ("redis_auth_token" in view.inputs && !view.sensitive.has("redis_auth_token")) {
        problems.push("redis_auth_token is not sensitive");
      }
      return problems;
    },
  },
  {
    id: "load balancers drop invalid headers; HTTPS listeners use a TLS 1.3 policy",
    scanners: "AWS-0052, AWS-0047, CKV_AWS_131, CKV_AWS_103",
    check: (view) => [
      ...all(view, "aws_lb")
        .filter(([name, lb]) => known(lb.drop_invalid_header_fields, `${name} drop_invalid_header_fields`) !== true)
        .map(([name]) => `${name} keeps invalid headers`),
      ...all(view, "aws_lb_listener").flatMap(([name, l]) => {
        if (l.ssl_policy instanceof Unknown) {
          // Planned, an HTTP listener's policy is left to AWS, which sets none: there is no TLS to judge.
          if (known(l.protocol, `${name} protocol`) === "HTTP") return [];
          known(l.ssl_policy, `${name} ssl_policy`);
        }
        if (l.ssl_policy === undefined || l.ssl_policy === null) {
          // AWS gives an HTTPS listener without a policy its default, which allows TLS 1.0.
          return l.protocol === "HTTPS" ? [`${name} listens on HTTPS without a TLS policy`] : [];
        }
        // The policy may be chosen by a variable: every policy the expression can pick.
        const policies = String(l.ssl_policy).match(/ELBSecurityPolicy[A-Za-z0-9-]*/g) ?? [String(l.ssl_policy)];
        return policies.some((policy) => !policy.startsWith("ELBSecurityPolicy-TLS13-1-"))
          ? [`${name} uses ${String(l.ssl_policy)}`]
          : [];
      }),
    ],
  },
  {
    id: "with a certificate, deck and gate listen on HTTPS and port 80 only redirects",
    scanners: "AWS-0054, CKV_AWS_2, CKV2_AWS_20",
    check: (view, settings) => {
      if (settings.loadBalancer.certificateArn === undefined) return [];
      const listeners = all(view, "aws_lb_listener").filter(([name]) => name.startsWith("user_facing"));
      const action = ([name, l]: [string, Resource]) =>
        known(blocksOf(l.default_action)[0]?.type, `${name} default_action.type`);
      const problems = listeners
        .filter((listener) => action(listener) !== "redirect")
        // Literal HTTPS, or the expression that picks HTTPS while certificate_arn is set.
        .filter(
          ([name, l]) =>
            known(l.protocol, `${name} protocol`) !== "HTTPS" &&
            !/^\$\{\(var\.certificate_arn != null\) \? "HTTPS" : "HTTP"\}$/.test(String(l.protocol)),
        )
        .map(([name, l]) => `${name} serves ${String(l.protocol)} beside the certificate`);
      const redirects = listeners.filter((listener) => action(listener) === "redirect");
      if (redirects.length === 0) problems.push("no listener redirects port 80 to HTTPS");
      return problems;
    },
  },
  {
    id: "managed Redis encrypted at rest and in transit, with an AUTH token and automatic failover",
    scanners: "AWS-0045, AWS-0050, AWS-0051, CKV_AWS_29, CKV_AWS_30, CKV_AWS_31",
    check: (view) =>
      all(view, "aws_elasticache_replication_group").flatMap(([name, r]) =>
        String(known(r.at_rest_encryption_enabled, `${name} at_rest_encryption_enabled`)) === "true" &&
        known(r.transit_encryption_enabled, `${name} transit_encryption_enabled`) === true &&
        known(r.auth_token, `${name} auth_token`) !== undefined &&
        r.auth_token !== null &&
        known(r.automatic_failover_enabled, `${name} automatic_failover_enabled`) === true
          ? []
          : [`${name} lacks encryption, AUTH or failover`],
      ),
  },
  {
    id: "every security group and rule says what it is for",
    scanners: "AWS-0099, AWS-0124, CKV_AWS_23",
    check: (view) =>
      ["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"].flatMap(
        (type) =>
          all(view, type)
            .map(([name, r]): [string, unknown] => [name, known(r.description, `${type}.${name} description`)])
            .filter(([, description]) => typeof description !== "string" || description === "")
            .map(([name]) => `${type}.${name} has no description`),
      ),
  },
  {
    // A role that may stop, terminate or delete on "*" reaches every instance of the account: such
    // actions name their resources or carry a condition beyond the region (the bakery's instance type
    // and profile, its VPC, its tags).
    id: "no state-changing EC2 action on * without a condition beyond the region",
    scanners: "AWS-0057, CKV_AWS_290, CKV_AWS_355",
    check: (view) =>
      view.data
        .filter((d) => d.type === "aws_iam_policy_document")
        .flatMap((d) =>
          blocksOf(known(d.values.statement, `${d.name} statement`)).flatMap((statement) => {
            const changing = listOf(statement.actions).filter(
              (a) => a.startsWith("ec2:") && !/^ec2:(Describe|Get|List)/.test(a),
            );
            const conditions = blocksOf(statement.condition).filter((c) => c.variable !== "aws:RequestedRegion");
            return listOf(statement.resources).includes("*") && changing.length > 0 && conditions.length === 0
              ? [`${d.name} (${String(statement.sid)}) allows ${changing.join(", ")} on *`]
              : [];
          }),
        ),
  },
  {
    // packer tags the instance and volumes it launches as it launches them (our template's run_tags
    // and run_volume_tags), so the role need not, and must not, reach other instances: it stops,
    // terminates and images only instances with the bake tag, launches instances and volumes only
    // with it, and tags them only as they are created (else it could tag any instance, then end it).
    // Spinnaker's deploys of itself (ha.selfDeploy) name the instances by the deployment's instance
    // profile instead (ec2:InstanceProfile): clouddriver launches through Auto Scaling, which tags.
    id: "instances and volumes: stopped, terminated and imaged only with a tag or the instance profile, launched only with either, tagged only at creation",
    scanners: "CKV_AWS_290, CKV_AWS_355",
    check: (view) =>
      view.data
        .filter((d) => d.type === "aws_iam_policy_document")
        .flatMap((d) =>
          blocksOf(known(d.values.statement, `${d.name} statement`)).flatMap((statement) => {
            const actions = listOf(statement.actions);
            const resources = listOf(statement.resources).map(expressionOf);
            const conditions = blocksOf(statement.condition);
            const variables = conditions.map((c) => String(c.variable));
            const on = (types: string) => resources.some((r) => new RegExp(`:(${types})/\\*$`).test(r));
            const has = (pattern: RegExp) => variables.some((v) => pattern.test(v));
            // Equal to a profile, not a Null test: the bakery's "no profile" fits most instances.
            const ownProfile = conditions.some(
              (c) => c.variable === "ec2:InstanceProfile" && /Equals$/.test(String(c.test)),
            );
            const sid = `${d.name} (${String(statement.sid)})`;
            return [
              ...(on("instance") &&
              actions.some((a) => /^ec2:(StopInstances|TerminateInstances|CreateImage)$/.test(a)) &&
              !has(/^(ec2|aws):ResourceTag\//) &&
              !ownProfile
                ? [`${sid} stops, terminates or images instances without a tag or instance profile condition`]
                : []),
              ...(on("instance|volume") &&
              actions.includes("ec2:RunInstances") &&
              !has(/^aws:RequestTag\//) &&
              !ownProfile
                ? [`${sid} launches instances or volumes without requiring a tag or the instance profile`]
                : []),
              ...(on("instance|volume") && actions.includes("ec2:CreateTags") && !has(/^ec2:CreateAction$/)
                ? [`${sid} tags existing instances or volumes`]
                : []),
            ];
          }),
        ),
  },
  {
    // Every other service: on "*" a role only reads. Spinnaker's deploys of itself (ha.selfDeploy)
    // change auto scaling groups, target groups and roles: each names the deployment's own.
    id: "no state-changing action of autoscaling, elasticloadbalancing, iam or sts on *",
    scanners: "CKV_AWS_290, CKV_AWS_355",
    check: (view) =>
      view.data
        .filter((d) => d.type === "aws_iam_policy_document")
        .flatMap((d) =>
          blocksOf(known(d.values.statement, `${d.name} statement`)).flatMap((statement) => {
            const changing = listOf(statement.actions).filter(
              (a) => /^(autoscaling|elasticloadbalancing|iam|sts):/.test(a) && !/^[a-z]+:(Describe|Get|List)/.test(a),
            );
            return listOf(statement.resources).includes("*") && changing.length > 0
              ? [`${d.name} (${String(statement.sid)}) allows ${changing.join(", ")} on *`]
              : [];
          }),
        ),
  },
  {
    // Egress to a CIDR (not to a security group) only on 80 and 443, SSH for the bakery, and the ports
    // of configured endpoints; a stack's endpoint rules come from one expression (topologies/egress.ts,
    // evaluated in tools/egress.test.ts), a plan's have their ports known and are checked here.
    id: "egress to CIDRs only on 80, 443, the bakery's SSH and the configured endpoints' ports",
    scanners: "AWS-0104, CKV_AWS_382",
    check: (view, settings) => {
      const { spinnaker, network } = settings;
      const portOf = (url: string) =>
        Number(/^[a-z]+:\/\/[^/?#:]+:(\d+)/.exec(url)?.[1] ?? (url.startsWith("https://") ? 443 : 80));
      const allowed = new Set([
        80,
        443,
        22,
        ...network.egressPorts,
        ...spinnaker.ci.jenkins.map((m) => portOf(m.address)),
        ...spinnaker.accounts.kubernetes.map((k) => k.apiServerPort),
        ...(spinnaker.kayenta && spinnaker.prometheusUrl ? [portOf(spinnaker.prometheusUrl)] : []),
      ]);
      return all(view, "aws_vpc_security_group_egress_rule")
        .filter(([, r]) => r.cidr_ipv4 !== undefined && r.cidr_ipv4 !== null)
        .flatMap(([name, r]) => {
          const port = known(r.from_port, `${name} from_port`);
          if (port === "${each.value.port}") {
            return r.for_each === "${local.endpoint_egress.rules}"
              ? []
              : [`${name} takes its port from ${String(r.for_each)}`];
          }
          return allowed.has(Number(port)) && r.to_port === port
            ? []
            : [`${name} opens ${String(port)}-${String(r.to_port)}`];
        });
    },
  },
  {
    id: "databases encrypted at rest",
    scanners: "AWS-0079, AWS-0080, CKV_AWS_16, CKV_AWS_96",
    check: (view, settings) => [
      ...missingDatabase(view, settings),
      ...databases(view)
        .filter(([name, d]) => known(d.storage_encrypted, `${name} storage_encrypted`) !== true)
        .map(([name]) => `${name} is not encrypted at rest`),
    ],
  },
  {
    id: "databases never publicly accessible",
    scanners: "AWS-0082, CKV_AWS_17",
    check: (view, settings) => [
      ...missingDatabase(view, settings),
      // An Aurora cluster's members are what is reachable, each with its own setting.
      ...[...all(view, "aws_db_instance"), ...all(view, "aws_rds_cluster_instance")]
        .filter(([name, d]) => known(d.publicly_accessible, `${name} publicly_accessible`) !== false)
        .map(([name, d]) => `${name} publicly_accessible is ${JSON.stringify(d.publicly_accessible)}`),
    ],
  },
  {
    // AWS's "Requiring SSL/TLS for all connections": the parameter's values are ON in an Aurora MySQL
    // cluster parameter group and 1 in an RDS for MySQL parameter group; Aurora reads it from the
    // cluster's group, not its members'. A default group (no reference) has it off.
    id: "databases require TLS: require_secure_transport ON in an aurora-mysql cluster parameter group, 1 in a mysql parameter group",
    scanners: "CKV2_AWS_69",
    check: (view, settings) => [
      ...missingDatabase(view, settings),
      ...[
        ...all(view, "aws_rds_cluster").map(
          ([name, d]) =>
            [
              name,
              d,
              "aws_rds_cluster_parameter_group",
              "db_cluster_parameter_group_name",
              "aurora-mysql",
              "ON",
            ] as const,
        ),
        ...all(view, "aws_db_instance").map(
          ([name, d]) => [name, d, "aws_db_parameter_group", "parameter_group_name", "mysql", "1"] as const,
        ),
      ].flatMap(([name, d, type, argument, engine, expected]) => {
        const group = referencedName(d[argument], type);
        const found = all(view, type).find(([n]) => n.replace(/\[.*\]$/, "") === group);
        if (group === undefined || found === undefined) {
          return [
            `${name} ${argument} ${JSON.stringify(expressionOf(d[argument]))} is not a ${type} of this deployment`,
          ];
        }
        const [groupName, values] = found;
        const family = String(known(values.family, `${groupName} family`));
        const parameter = blocksOf(values.parameter).find(
          (p) => known(p.name, `${groupName} parameter.name`) === "require_secure_transport",
        );
        const value = parameter === undefined ? undefined : known(parameter.value, `${groupName} parameter.value`);
        if (!family.startsWith(engine)) return [`${groupName} is of family ${family}, not ${engine}`];
        return String(value) === expected
          ? []
          : [`${groupName} sets require_secure_transport to ${JSON.stringify(value)}, not ${expected}`];
      }),
    ],
  },
  {
    id: "databases keep automated backups (a retention of 1 day or more)",
    scanners: "AWS-0077, CKV_AWS_133",
    check: (view, settings) => [
      ...missingDatabase(view, settings),
      ...databases(view).flatMap(([name, d]) => {
        const days = known(d.backup_retention_period, `${name} backup_retention_period`);
        return typeof days === "number" && days >= 1
          ? []
          : [`${name} backup_retention_period is ${JSON.stringify(days)}`];
      }),
    ],
  },
  {
    // Off only where the deployer turns it off (storage.deletionProtection, to destroy); the final
    // snapshot is taken whatever the setting.
    id: "databases protected from deletion unless turned off, and snapshotted when deleted",
    scanners: "AWS-0177, CKV_AWS_139, CKV_AWS_293",
    check: (view, settings) => [
      ...missingDatabase(view, settings),
      ...databases(view).flatMap(([name, d]) => [
        ...(settings.storage.deletionProtection !== false &&
        known(d.deletion_protection, `${name} deletion_protection`) !== true
          ? [`${name} deletion_protection is ${JSON.stringify(d.deletion_protection)}`]
          : []),
        ...(known(d.skip_final_snapshot, `${name} skip_final_snapshot`) === false &&
        typeof known(d.final_snapshot_identifier, `${name} final_snapshot_identifier`) === "string" &&
        d.final_snapshot_identifier !== ""
          ? []
          : [`${name} is deleted without a final snapshot`]),
      ]),
    ],
  },
  {
    // RDS makes and keeps the master's password (manage_master_user_password), the boot step the
    // services' users' (their secrets are created empty): no password is an argument, so none is in
    // the configuration, the plan or the state. The Redis URL's secret value is the one exception,
    // which the Redis token's rule above keeps to that secret.
    id: "no password argument: RDS keeps the master's password, the boot step the services'",
    scanners: "AWS-0129, CKV_AWS_46, CKV_SECRET_6",
    check: (view, settings) => [
      ...missingDatabase(view, settings),
      ...databases(view)
        .filter(([name, d]) => known(d.manage_master_user_password, `${name} manage_master_user_password`) !== true)
        .map(([name]) => `${name} does not leave the master password to RDS`),
      ...[...view.resources, ...view.data].flatMap(({ type, name, values, configuration }) => {
        if (type === "aws_secretsmanager_secret_version" && configuration.includes("var.redis_auth_token")) return [];
        const found = new Set([...passwordArguments(values), ...passwordArguments(JSON.parse(configuration))]);
        return [...found].map((path) => `${type}.${name} has ${path}`);
      }),
      ...view.data
        .filter(
          (d) => d.type === "aws_secretsmanager_secret_version" || d.type === "aws_secretsmanager_random_password",
        )
        .map((d) => `data.${d.type}.${d.name} reads a secret's value into the state`),
    ],
  },
];

/**
 * Every broken rule, as `<rule>: <what>`; a rule that needs a value known only at apply, as
 * `<rule>: cannot be evaluated: <why>`.
 */
export function viewViolations(view: View, settings: Settings): string[] {
  return RULES.flatMap((rule) => {
    try {
      return rule.check(view, settings).map((problem) => `${rule.id}: ${problem}`);
    } catch (error) {
      if (error instanceof Undecidable) return [`${rule.id}: cannot be evaluated: ${error.message}`];
      throw error;
    }
  });
}

/** Every broken rule of a synthesized stack. */
export function violations(json: Synthesized, settings: Settings): string[] {
  return viewViolations(synthesizedView(json), settings);
}
