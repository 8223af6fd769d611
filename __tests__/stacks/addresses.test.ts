/**
 * The upgrade contract: every resource and data source address of every stack and module, for the
 * default configuration and for one with every optional feature. An address is where a user's state
 * keeps a resource; when one changes, Terraform destroys and re-creates it unless the release ships
 * a `moved` block. A failure here names each address that appeared or disappeared.
 *
 * After a deliberate change (with its moved blocks): `UPDATE_ADDRESSES=1 npx jest addresses` rewrites
 * the contract, and the diff of addresses.json is what a reviewer reads.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { type App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { addStacks } from "../../modules/app";
import { loadConfiguration } from "../../modules/config/load";
import { InternalError } from "../../modules/errors";
import { ReadableAddresses, readableId } from "../../modules/stacks/addresses";

const ROOT = join(__dirname, "..", "..");
const CONTRACT = join(__dirname, "addresses.json");

const EVERY_FEATURE = `state: { bucket: example-terraform-state }
loadBalancer:
  hostname: spinnaker.example.com
  certificateArn: arn:aws:acm:us-west-2:123456789012:certificate/abc-123
  accessLogs: { bucket: example-logs }
spinnaker:
  kayenta: true
  auth:
    issuerUrl: https://login.example.com
    clientId: spinnaker
    clientSecretArn: arn:aws:secretsmanager:us-west-2:123456789012:secret:oidc-AbCdEf
  accounts:
    aws:
      - { name: home, accountId: "123456789012", createRole: true }
      - { name: other, accountId: "210987654321" }
    kubernetes:
      - { name: k8s, kubeconfigSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:kubeconfig-AbCdEf" }
ha:
  redis:
    existingUrlSecretArn: arn:aws:secretsmanager:us-west-2:123456789012:secret:redis-url-AbCdEf
    existingSecurityGroupId: sg-0123456789abcdef0
  selfDeploy: { enabled: true }
`;

const CONFIGURATIONS: Record<string, string> = {
  default: readFileSync(join(ROOT, "spinnaker.config.yaml"), "utf8"),
  "every feature": EVERY_FEATURE,
};

function addressesOf(json: Record<string, Record<string, Record<string, unknown>> | undefined>): string[] {
  return [
    ...Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)),
    ...Object.entries(json.data ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `data.${type}.${n}`)),
  ].sort();
}

function synthesizedAddresses(yaml: string): Record<string, string[]> {
  const app = Testing.app();
  const stacks = addStacks(app as App, loadConfiguration(yaml, "test.yaml", {}));
  return Object.fromEntries(
    Object.entries(stacks).map(([name, stack]) => [name, addressesOf(JSON.parse(Testing.synth(stack)))]),
  );
}

if (process.env.UPDATE_ADDRESSES === "1" && process.env.CI !== "true") {
  const all = Object.fromEntries(Object.entries(CONFIGURATIONS).map(([n, yaml]) => [n, synthesizedAddresses(yaml)]));
  writeFileSync(CONTRACT, `${JSON.stringify(all, null, 2)}\n`);
}
const contract = JSON.parse(readFileSync(CONTRACT, "utf8")) as Record<string, Record<string, string[]>>;

describe.each(Object.keys(CONFIGURATIONS))("addresses with the %s configuration", (name) => {
  test("are the ones the contract holds", () => {
    const actual = synthesizedAddresses(CONFIGURATIONS[name]);
    const expected = contract[name] ?? {};
    const changes: string[] = [];
    for (const stack of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const before = new Set(expected[stack] ?? []);
      const after = new Set(actual[stack] ?? []);
      for (const a of before) if (!after.has(a)) changes.push(`${stack}: ${a} is gone`);
      for (const a of after) if (!before.has(a)) changes.push(`${stack}: ${a} is new`);
    }
    if (changes.length > 0) {
      throw new Error(
        `Resource addresses changed (users' state holds the old ones):\n  ${changes.join("\n  ")}\n` +
          "A stateful resource needs a moved block in the release; then update __tests__/stacks/addresses.json.",
      );
    }
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });
});

test("the contract is not empty, so a failure to synthesize cannot pass as no change", () => {
  expect(contract.default.standalone).toContain("aws_autoscaling_group.server_group");
  expect(contract.default.ha).toContain("aws_elasticache_replication_group.redis_replication_group");
  expect(contract["every feature"].ha).toContain("aws_vpc_security_group_egress_rule.to_existing_redis");
});

describe("readableId", () => {
  test.each([
    [["Spinnaker", "ServerGroup", "Group"], "server_group"],
    [["Spinnaker", "UserFacingLoadBalancer", "LoadBalancer"], "user_facing_load_balancer"],
    [["Spinnaker", "Configuration", "File-front50-local.yml"], "configuration_file_front50_local_yml"],
    [["Spinnaker", "SecurityGroups", "UserIngress-8084"], "security_groups_user_ingress_8084"],
    [
      ["Spinnaker", "InterserviceLoadBalancer", "clouddriverListener"],
      "interservice_load_balancer_clouddriver_listener",
    ],
    [["Spinnaker", "InstanceRole", "Role"], "instance_role"],
    [["vpc_id"], "vpc_id"],
  ])("%j -> %s", (components, id) => {
    expect(readableId(components, new Set(["Spinnaker"]))).toBe(id);
  });

  test("two elements of one type under one id are refused as the package's bug, naming both", () => {
    class Stack extends TerraformStack {
      private readonly addresses = new ReadableAddresses(this);
      override allocateLogicalId(element: Parameters<TerraformStack["allocateLogicalId"]>[0]): string {
        return this.addresses.allocate(element);
      }
    }
    const stack = new Stack(Testing.app(), "stack");
    new S3Bucket(new Construct(stack, "Config"), "Bucket", {});
    new S3Bucket(stack, "ConfigBucket", {});
    expect(() => Testing.synth(stack)).toThrow(InternalError);
    expect(() => Testing.synth(stack)).toThrow(
      "stack/ConfigBucket and stack/Config/Bucket would both be S3Bucket config_bucket: one of them needs another construct id. This is a bug in cdktf-spinnaker-aws",
    );
  });
});

test("a module synthesized with a createRole account carries the role's state to its new address", () => {
  const app = Testing.app();
  const stacks = addStacks(app as App, loadConfiguration(EVERY_FEATURE, "test.yaml", {}));
  for (const name of ["standalone-module", "ha-module"]) {
    const json = JSON.parse(Testing.synth(stacks[name])) as { moved?: { from: string; to: string }[] };
    // The addresses the role had while a module named it after its configured account.
    expect(json.moved).toEqual([
      { from: "aws_iam_role.managed_account_role_home_role", to: "aws_iam_role.managed_account_role[0]" },
      {
        from: "aws_iam_role_policy_attachment.managed_account_role_home_power_user",
        to: "aws_iam_role_policy_attachment.managed_account_role_power_user[0]",
      },
      {
        from: "aws_iam_role_policy.managed_account_role_home_pass_role_policy",
        to: "aws_iam_role_policy.managed_account_role_pass_role_policy[0]",
      },
    ]);
  }
});
