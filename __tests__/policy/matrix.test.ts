/**
 * The policy matrix: the security rules of invariants.ts on every topology and every combination of
 * the choices that change what is created (TLS, scheme, SSH, created or existing Redis, kayenta,
 * managed accounts, sign-in; choices.ts). A rule that breaks names the combination. The tools tier
 * runs the same rules on the module stacks' plan (__tests__/tools/policy-modules.test.ts).
 */
import { withoutTokenStackTraces } from "../../modules/token-stack-traces";
import { settingsFrom, synthTopology } from "../helpers";
import { type Choice, combinations, configOf, labelOf } from "./choices";
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

/** One way to break each rule, on the ha stack with TLS, so that every rule has something to check. */
const MUTATIONS: [string, (json: Json) => void][] = [
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
];

test.each(MUTATIONS)("the rule %s… can fail, and reports only itself", (rule, mutate) => {
  const settings = settingsFrom(configOf(new Set<Choice>(["tls", "accounts"])));
  const json = synthTopology(settings, "ha");
  expect(violations(json, settings)).toEqual([]);
  mutate(json);
  const found = violations(json, settings);
  expect(found.length).toBeGreaterThan(0);
  for (const v of found) expect(v.startsWith(rule)).toBe(true);
});

test("every rule has a mutation that breaks it", () => {
  for (const rule of RULES) expect(MUTATIONS.some(([prefix]) => rule.id.startsWith(prefix))).toBe(true);
});
