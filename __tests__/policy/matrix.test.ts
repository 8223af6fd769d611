/**
 * The policy matrix: the security rules of invariants.ts on every topology and every combination of
 * the choices that change what is created (TLS, scheme, SSH, created or existing Redis, kayenta,
 * managed accounts). A rule that breaks names the combination.
 */
import type { Config } from "../../modules/config/schema";
import { withoutTokenStackTraces } from "../../modules/token-stack-traces";
import { settingsFrom, synthTopology } from "../helpers";
import { RULES, violations } from "./invariants";

// Hundreds of syntheses: without cdktf's per-token stack traces, as the entry point runs (they only
// enrich cdktf's own errors and were two thirds of constructing a stack).
withoutTokenStackTraces();

const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555";
const CHOICES = ["tls", "internet-facing", "ssh", "existing redis", "kayenta", "accounts"] as const;
type Choice = (typeof CHOICES)[number];

function configOf(chosen: ReadonlySet<Choice>): Config {
  return {
    network: {
      instanceSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      userCidrs: ["10.0.0.0/8"],
      sshCidrs: chosen.has("ssh") ? ["10.20.0.0/16"] : [],
      ...(chosen.has("internet-facing")
        ? { loadBalancerSubnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] }
        : {}),
    },
    loadBalancer: {
      scheme: chosen.has("internet-facing") ? "internet-facing" : "internal",
      ...(chosen.has("tls") ? { certificateArn: CERTIFICATE, hostname: "spinnaker.example.com" } : {}),
    },
    spinnaker: {
      kayenta: chosen.has("kayenta"),
      accounts: chosen.has("accounts")
        ? {
            aws: [{ name: "home", accountId: "123456789012", createRole: true }],
            kubernetes: [
              {
                name: "eks",
                kubeconfigSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:kubeconfig-AbCdEf",
              },
            ],
          }
        : {},
    },
    ha: chosen.has("existing redis")
      ? {
          redis: {
            existingUrlSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:redis-url-AbCdEf",
            existingSecurityGroupId: "sg-0123456789abcdef0",
          },
        }
      : {},
  };
}

/** Every subset of the choices; stand-alone has no managed Redis, so no Redis choice. */
function combinations(topology: "standalone" | "ha"): Choice[][] {
  const choices = CHOICES.filter((c) => topology === "ha" || c !== "existing redis");
  return Array.from({ length: 2 ** choices.length }, (_, mask) => choices.filter((_c, i) => mask & (2 ** i)));
}

describe.each(["standalone", "ha"] as const)("the %s topology", (topology) => {
  test(`keeps every security rule in all ${combinations(topology).length} combinations of the choices`, () => {
    const broken: string[] = [];
    for (const chosen of combinations(topology)) {
      const settings = settingsFrom(configOf(new Set(chosen)));
      const found = violations(synthTopology(settings, topology), settings);
      for (const v of found) broken.push(`[${chosen.join(", ") || "defaults"}] ${v}`);
    }
    expect(broken).toEqual([]);
  });
});

test("each rule names the scanner checks it stands for", () => {
  for (const rule of RULES) expect(rule.scanners).toMatch(/(AWS-\d{4}|CKV2?_AWS_\d+)/);
});

test("a rule can fail: a launch template without IMDSv2 is reported", () => {
  const settings = settingsFrom(configOf(new Set()));
  const json = synthTopology(settings, "standalone");
  const template = Object.values(json.resource?.aws_launch_template ?? {})[0] as Record<string, unknown>;
  template.metadata_options = { http_tokens: "optional", http_put_response_hop_limit: 2 };
  template.user_data = Buffer.from("password: hunter2").toString("base64");
  const rule = Object.values(json.resource?.aws_vpc_security_group_ingress_rule ?? {})[0] as Record<string, unknown>;
  rule.cidr_ipv4 = "0.0.0.0/0";
  expect(violations(json, settings)).toEqual([
    expect.stringMatching(/^ingress only from user_cidrs.*admits 0\.0\.0\.0\/0/),
    expect.stringMatching(/^IMDSv2 required/),
    expect.stringMatching(/^no secret in user data.*holds a credential/),
  ]);
});
