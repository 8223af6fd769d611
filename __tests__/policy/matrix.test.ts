/**
 * The policy matrix: the security rules of invariants.ts on every topology and every combination of
 * the choices that change what is created (TLS, scheme, SSH, created or existing Redis, kayenta,
 * managed accounts, sign-in; choices.ts). A rule that breaks names the combination. The tools tier
 * runs the same rules on the module stacks' plan (__tests__/tools/policy-modules.test.ts).
 */
import { withoutTokenStackTraces } from "../../modules/token-stack-traces";
import { settingsFrom, synthTopology } from "../helpers";
import { type Choice, combinations, configOf, labelOf, type Topology } from "./choices";
import { RULES, violations } from "./invariants";

// Hundreds of syntheses: without cdktf's per-token stack traces, as the entry point runs (they only
// enrich cdktf's own errors and were two thirds of constructing a stack).
withoutTokenStackTraces();

describe.each(["standalone", "ha"] as const)("the %s topology", (topology) => {
  test(`keeps every security rule in all ${combinations(topology).length} combinations of the choices`, () => {
    const broken: string[] = [];
    for (const chosen of combinations(topology)) {
      const settings = settingsFrom(configOf(new Set(chosen)));
      const found = violations(synthTopology(settings, topology), settings);
      for (const v of found) broken.push(`[${labelOf(chosen)}] ${v}`);
    }
    expect(broken).toEqual([]);
  });
});

describe("the ha topology with Spinnaker deploying itself (ha.selfDeploy)", () => {
  // Its role and permissions do not depend on the other choices beyond these: Redis, accounts
  // (a managed account beside Spinnaker's own), TLS with sign-in, and kayenta.
  const chosen = combinations("ha").filter((c) => !c.includes("internet-facing") && !c.includes("ssh"));
  test(`keeps every security rule in ${chosen.length} combinations of the choices`, () => {
    const broken: string[] = [];
    for (const choice of chosen) {
      const config = configOf(new Set(choice));
      const settings = settingsFrom({ ...config, ha: { ...config.ha, selfDeploy: { enabled: true } } });
      for (const v of violations(synthTopology(settings, "ha"), settings)) broken.push(`[${labelOf(choice)}] ${v}`);
    }
    expect(broken).toEqual([]);
  });
});

test("each rule names the scanner checks it stands for", () => {
  for (const rule of RULES) expect(rule.scanners).toMatch(/(AWS-\d{4}|CKV2?_AWS_\d+)/);
});

type Json = ReturnType<typeof synthTopology>;
type Body = Record<string, unknown>;
const first = (json: Json, type: string) => Object.values(json.resource?.[type] ?? {})[0] as Body;
const every = (json: Json, type: string) => Object.values(json.resource?.[type] ?? {}) as Body[];

/** A mutation that sets one argument of the first resource of a type. */
const setting = (type: string, key: string, value: unknown) => (j: Json) => {
  first(j, type)[key] = value;
};

/**
 * One way to break each rule, on the ha stack (or the stand-alone one, where named) with TLS, managed
 * accounts and SQL storage, so that every rule has something to check.
 */
const MUTATIONS: [string, (json: Json) => void, Topology?][] = [
  [
    "ingress only from",
    (j) => {
      const fromCidrs = every(j, "aws_vpc_security_group_ingress_rule").find((r) => r.cidr_ipv4 !== undefined);
      if (fromCidrs) fromCidrs.cidr_ipv4 = "0.0.0.0/0";
    },
  ],
  [
    "IMDSv2 required",
    (j) => {
      first(j, "aws_launch_template").metadata_options = { http_tokens: "optional" };
    },
  ],
  ["no public IP", (j) => void delete first(j, "aws_launch_template").network_interfaces],
  ["encrypted root volumes", (j) => void delete first(j, "aws_launch_template").block_device_mappings],
  ["buckets encrypted", (j) => void delete j.resource?.aws_s3_bucket_policy],
  [
    "no secret in user data",
    (j) => {
      first(j, "aws_launch_template").user_data = Buffer.from("password: hunter2").toString("base64");
    },
  ],
  [
    "load balancers drop invalid headers",
    (j) => {
      first(j, "aws_lb").drop_invalid_header_fields = false;
    },
  ],
  [
    "with a certificate",
    (j) => {
      for (const l of every(j, "aws_lb_listener")) if (l.protocol !== "HTTP") l.protocol = "HTTP";
    },
  ],
  [
    "managed Redis encrypted",
    (j) => {
      first(j, "aws_elasticache_replication_group").transit_encryption_enabled = false;
    },
  ],
  ["every security group and rule says", (j) => void delete first(j, "aws_security_group").description],
  [
    "no state-changing EC2 action on *",
    (j) => {
      const bakery = j.data?.aws_iam_policy_document?.bakery_policy as { statement: Body[] };
      bakery.statement.push({ sid: "Wide", actions: ["ec2:TerminateInstances"], resources: ["*"] });
    },
  ],
  [
    "instances and volumes: stopped, terminated and imaged only with a tag or the instance profile",
    (j) => {
      const bakery = j.data?.aws_iam_policy_document?.bakery_policy as { statement: Body[] };
      const stops = bakery.statement.find((s) => s.sid === "PackerStopsAndImagesItsInstance") as Body & {
        condition: { variable: string }[];
      };
      stops.condition = stops.condition.filter((c) => !c.variable.startsWith("ec2:ResourceTag/"));
    },
  ],
  [
    "no state-changing action of autoscaling",
    (j) => {
      const bakery = j.data?.aws_iam_policy_document?.bakery_policy as { statement: Body[] };
      bakery.statement.push({ sid: "Wide", actions: ["autoscaling:DeleteAutoScalingGroup"], resources: ["*"] });
    },
  ],
  [
    "egress to CIDRs only on",
    (j) => {
      const https = every(j, "aws_vpc_security_group_egress_rule").find((r) => r.from_port === 443);
      if (https) Object.assign(https, { from_port: 0, to_port: 65535 });
    },
  ],
  ["databases encrypted at rest", setting("aws_rds_cluster", "storage_encrypted", false)],
  ["databases encrypted at rest", (j) => void delete first(j, "aws_db_instance").storage_encrypted, "standalone"],
  ["databases never publicly accessible", setting("aws_rds_cluster_instance", "publicly_accessible", true)],
  [
    "databases never publicly accessible",
    (j) => void delete first(j, "aws_db_instance").publicly_accessible,
    "standalone",
  ],
  [
    "databases require TLS",
    (j) => {
      const group = first(j, "aws_rds_cluster_parameter_group") as { parameter: Body[] };
      for (const p of group.parameter) if (p.name === "require_secure_transport") p.value = "OFF";
    },
  ],
  [
    "databases require TLS",
    (j) => {
      // MySQL's value written for Aurora's cluster group, which names it ON.
      const group = first(j, "aws_rds_cluster_parameter_group") as { parameter: Body[] };
      for (const p of group.parameter) if (p.name === "require_secure_transport") p.value = "1";
    },
  ],
  [
    "databases require TLS",
    (j) => {
      const group = first(j, "aws_db_parameter_group") as { parameter: Body[] };
      group.parameter = group.parameter.filter((p) => p.name !== "require_secure_transport");
    },
    "standalone",
  ],
  ["databases require TLS", setting("aws_db_instance", "parameter_group_name", "default.mysql8.4"), "standalone"],
  ["databases keep automated backups", setting("aws_rds_cluster", "backup_retention_period", 0)],
  ["databases keep automated backups", setting("aws_db_instance", "backup_retention_period", 0), "standalone"],
  ["databases protected from deletion", setting("aws_rds_cluster", "deletion_protection", false)],
  ["databases protected from deletion", setting("aws_db_instance", "skip_final_snapshot", true), "standalone"],
  ["no password argument", setting("aws_rds_cluster", "master_password", "placeholder-0123456789")],
  [
    "no password argument",
    (j) => {
      // Write-only, so never in a plan's values: still in the configuration, and so judged.
      Object.assign(first(j, "aws_db_instance"), { password_wo: "placeholder-0123456789", password_wo_version: 1 });
    },
    "standalone",
  ],
  [
    "no password argument",
    (j) => {
      // A service's secret given a value by Terraform rather than by the boot step.
      const resources = j.resource ?? {};
      resources.aws_secretsmanager_secret_version = {
        ...resources.aws_secretsmanager_secret_version,
        front50_database_password: {
          secret_id: "${aws_secretsmanager_secret.front50_database_secret.id}",
          secret_string: '{"service_password":"placeholder-0123456789"}',
        },
      };
    },
  ],
  ["no password argument", setting("aws_db_instance", "manage_master_user_password", false), "standalone"],
];

test.each(MUTATIONS)("the rule %s… can fail, and reports only itself", (rule, mutate, topology = "ha") => {
  const settings = settingsFrom(configOf(new Set<Choice>(["tls", "accounts", "sql"])));
  const json = synthTopology(settings, topology);
  expect(violations(json, settings)).toEqual([]);
  mutate(json);
  const found = violations(json, settings);
  expect(found.length).toBeGreaterThan(0);
  for (const v of found) expect(v.startsWith(rule)).toBe(true);
});

test("every rule has a mutation that breaks it", () => {
  for (const rule of RULES) expect(MUTATIONS.some(([prefix]) => rule.id.startsWith(prefix))).toBe(true);
});

describe.each(["standalone", "ha"] as const)("the %s topology with SQL storage", (topology) => {
  const settings = settingsFrom(configOf(new Set<Choice>(["tls", "accounts", "sql"])));
  const databaseRules = RULES.filter((r) => r.id.startsWith("databases ") || r.id.startsWith("no password argument"));

  test("has a database for the database rules to judge", () => {
    const json = synthTopology(settings, topology);
    const types = topology === "ha" ? ["aws_rds_cluster", "aws_rds_cluster_instance"] : ["aws_db_instance"];
    for (const type of types) expect([type, every(json, type).length]).toEqual([type, 1]);
  });

  test("without its database, every database rule fails rather than passes on nothing", () => {
    const json = synthTopology(settings, topology);
    const resource = json.resource ?? {};
    delete resource.aws_db_instance;
    delete resource.aws_rds_cluster;
    delete resource.aws_rds_cluster_instance;
    const found = violations(json, settings);
    expect(found.sort()).toEqual(
      databaseRules
        .map((r) => `${r.id}: no database to judge, though storage.type is sql and the database is created`)
        .sort(),
    );
  });

  test("with the deployer's own database there is none to judge, and no rule asks for one", () => {
    const own = settingsFrom(configOf(new Set<Choice>(["tls", "accounts", "sql", "existing database"])));
    const json = synthTopology(own, topology);
    expect(every(json, "aws_db_instance").length + every(json, "aws_rds_cluster").length).toBe(0);
    expect(every(json, "aws_vpc_security_group_egress_rule").some((r) => r.from_port === 3306)).toBe(true);
    expect(violations(json, own)).toEqual([]);
  });
});
