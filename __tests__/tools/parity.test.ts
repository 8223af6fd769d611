/**
 * Parity between the two gates: generated values (fast-check, seeded) for the ha stack's variables
 * that have a rule in the configuration schema, and for the ha module's inputs listed below,
 * go through the schema (as the setting) and through `terraform test` (as the variable,
 * `expect_failures` when the schema refused the value). Both must accept and refuse the same
 * values. The ha stack, because its instance_subnet_ids needs two subnets, as the configuration
 * does. Values of another type are left out: Terraform refuses them by type before any validation.
 * Left out by design: load_balancer_subnet_ids, whose [] means "the instance subnets" where the
 * configuration leaves the setting out; accounts, auth, images and access logs have explicit cases in
 * registry.test.ts. `expect_failures` shows that the variable refused the value, not which rule.
 */

import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as fc from "fast-check";
import { loadConfiguration } from "../../modules/config/load";
import { ConfigError } from "../../modules/errors";
import { REGISTRY_NAME } from "../../modules/registry/layout";
import { fuzzSeed, settingsFrom, synthTopology, writeTemplates } from "../helpers";
import {
  expectSuccess,
  expectTerraformTest,
  mockProvider,
  requireTool,
  tempDir,
  terraform,
  terraformEnvironment,
} from "./harness";

const SEED = fuzzSeed();
const VALUES_PER_VARIABLE = 6;
const TIMEOUT = 600_000;

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const subnet = hex(17).map((h) => `subnet-${h}`);
const octet = fc.integer({ min: 0, max: 255 });
/** Any dotted quad with any prefix: with or without host bits, sometimes out of range. */
const block = fc
  .tuple(octet, octet, octet, fc.constantFrom(0, 1, 3, 128), fc.constantFrom(0, 4, 8, 16, 24, 32, 33))
  .map(([a, b, c, d, bits]) => `${a}.${b}.${c}.${d}/${bits}`);
const cidrList = (maxLength: number) =>
  fc.oneof(
    fc.array(block, { maxLength }),
    fc.constantFrom(["10.0.0.0/8"], ["10.0.0.0/8", "10.0.0.0/8"], ["192.168.0.0/16", "172.16.0.0/12"]),
  );
const wholeOrNot = (min: number, max: number) =>
  fc.oneof(fc.integer({ min: min - 5, max: max + 5 }), fc.constantFrom(min, max, min - 1, max + 1, min + 0.5));

/** Variable -> the setting it stands for, and values to try (good and bad mixed). */
const VARIABLES: Record<string, { setting: string[]; values: fc.Arbitrary<unknown> }> = {
  vpc_id: {
    setting: ["network", "vpcId"],
    values: fc.oneof(
      hex(17).map((h) => `vpc-${h}`),
      fc.constantFrom("vpc-XYZ", "", "vpc-0123"),
    ),
  },
  instance_subnet_ids: {
    setting: ["network", "instanceSubnetIds"],
    values: fc.oneof(
      fc.uniqueArray(subnet, { minLength: 2, maxLength: 3 }),
      fc.array(subnet, { maxLength: 1 }),
      subnet.map((s) => [s, s]),
      fc.constant(["sn-1", "subnet-0123456789abcdef0"]),
    ),
  },
  user_cidrs: { setting: ["network", "userCidrs"], values: cidrList(2) },
  ssh_cidrs: { setting: ["network", "sshCidrs"], values: cidrList(2) },
  egress_cidrs: { setting: ["network", "egressCidrs"], values: cidrList(2) },
  instance_type: {
    setting: ["instance", "type"],
    values: fc.constantFrom("m4.2xlarge", "r6i.large", "M4", "m5", "huge", "c7g.metal-48xl"),
  },
  ami_id: {
    setting: ["instance", "amiId"],
    values: fc.oneof(
      hex(17).map((h) => `ami-${h}`),
      fc.constantFrom("ubuntu", "ami-123", "ami-0123456789abcdefg"),
    ),
  },
  root_device_name: {
    setting: ["instance", "rootDeviceName"],
    values: fc.constantFrom("/dev/sda1", "/dev/xvda", "sda1", "/dev/", "/dev/Xvda"),
  },
  root_volume_size: { setting: ["instance", "rootVolumeSizeGiB"], values: wholeOrNot(30, 16384) },
  key_name: {
    setting: ["instance", "keyName"],
    values: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.constantFrom("", "x".repeat(256))),
  },
  health_check_grace_period: { setting: ["instance", "healthCheckGracePeriodSeconds"], values: wholeOrNot(60, 7200) },
  non_polling_capacity: { setting: ["ha", "nonPollingCapacity"], values: wholeOrNot(1, 50) },
};

/** The configuration's verdict: refused when a problem names the setting. */
function schemaRefuses(setting: string[], value: unknown): boolean {
  const document: Record<string, unknown> = { state: { bucket: "example-terraform-state" } };
  let node = document;
  for (const key of setting.slice(0, -1)) {
    const next: Record<string, unknown> = {};
    node[key] = next;
    node = next;
  }
  node[setting[setting.length - 1]] = value;
  try {
    loadConfiguration(JSON.stringify(document), "parity.json");
    return false;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const path = setting.join(".");
    return e.problems.some((p) => p.startsWith(path));
  }
}

/** A module input's attribute (`load_balancer.idle_timeout`), or a whole variable. */
interface Case {
  readonly setting: string[];
  readonly values: fc.Arbitrary<unknown>;
}

/**
 * One `terraform test` run per generated value of each variable (or `input.attribute`), expecting
 * the variable's validation to fail exactly when the schema refuses the value.
 */
function expectParity(dir: string, cases: Record<string, Case>, baseVariables: string): void {
  const workdir = { dir, env: terraformEnvironment(dir) };
  expectSuccess(terraform(workdir, ["init", "-input=false", "-backend=false"]), `terraform init in ${dir}`);
  const runs: string[] = [];
  const verdicts: string[] = [];
  for (const [name, { setting, values }] of Object.entries(cases)) {
    const [variable, attribute] = name.split(".");
    // fast-check starts near the edges and repeats itself: draw more, keep distinct values.
    const drawn = fc.sample(values, { seed: SEED, numRuns: 20 * VALUES_PER_VARIABLE });
    const samples = [...new Map(drawn.map((v) => [JSON.stringify(v), v])).values()].slice(0, VALUES_PER_VARIABLE);
    samples.forEach((value, i) => {
      const refused = schemaRefuses(setting, value);
      const shown = JSON.stringify(value);
      verdicts.push(
        `${name} = ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}: ${refused ? "refused" : "accepted"}`,
      );
      const hcl = attribute === undefined ? shown : `{ ${attribute} = ${shown} }`;
      runs.push(`
run "${name.replace(".", "_")}_${i}" {
  command = plan
  variables {
    ${variable} = ${hcl}
  }
${refused ? `  expect_failures = [var.${variable}]\n` : ""}}`);
    });
  }
  process.stdout.write(`parity seed ${SEED} (FUZZ_SEED=${SEED} repeats it):\n  ${verdicts.join("\n  ")}\n`);
  expectTerraformTest(
    workdir,
    "parity.tftest.hcl",
    `${mockProvider()}\nvariables {\n${baseVariables}}\n${runs.join("\n")}\n`,
    runs.length,
  );
  // Both verdicts occur: values that were all good or all bad would prove little.
  const refusals = verdicts.filter((v) => v.endsWith("refused")).length;
  expect(refusals).toBeGreaterThan(runs.length / 5);
  expect(refusals).toBeLessThan((runs.length * 4) / 5);
}

const BASE = `  vpc_id              = "vpc-0123456789abcdef0"
  instance_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  user_cidrs          = ["10.0.0.0/8"]
  redis_auth_token    = "placeholder-token-0123456789"
  ami_id              = "ami-0123456789abcdef0"
`;
/** A module runs ami_id only when told so (its official_image input). */
const MODULE_BASE = `${BASE}  official_image      = false
`;

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform 1.10 or newer");
});

test(
  `the configuration and the ha stack's variables accept and refuse the same values (${VALUES_PER_VARIABLE} per variable)`,
  () => {
    const dir = tempDir("parity");
    const json = synthTopology(settingsFrom(), "ha");
    delete json.terraform?.backend;
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(json));
    writeTemplates(json, dir);
    expectParity(dir, VARIABLES, BASE);
  },
  TIMEOUT,
);

const name = (max: number) =>
  fc.oneof(
    fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{0,${max + 1}}$`)),
    fc.constantFrom("Armory", "a-b", "", "1abc"),
  );
const MODULE_INPUTS: Record<string, Case> = {
  name: { setting: ["name"], values: name(16) },
  environment: { setting: ["environment"], values: name(10) },
  os: { setting: ["instance", "os"], values: fc.constantFrom("ubuntu", "rhel", "centos", "windows", "Ubuntu") },
  tags: {
    setting: ["tags"],
    values: fc.dictionary(
      fc.constantFrom("team", "cost center", "aws:owner", "a/b", "env"),
      fc.constantFrom("x", "y".repeat(257)),
      {
        minKeys: 1,
        maxKeys: 2,
      },
    ),
  },
  // Alone: true without a certificate is refused by both.
  "load_balancer.https": { setting: ["loadBalancer", "https"], values: fc.constantFrom(true, false) },
  "load_balancer.idle_timeout": { setting: ["loadBalancer", "idleTimeoutSeconds"], values: wholeOrNot(1, 4000) },
  "load_balancer.gate_port": {
    setting: ["loadBalancer", "gatePort"],
    values: fc.oneof(wholeOrNot(1, 65535), fc.constant(80)),
  },
  "load_balancer.hostname": {
    setting: ["loadBalancer", "hostname"],
    values: fc.constantFrom("spinnaker.example.com", "a.b.io", "Spinnaker.Example", "no_dots", "x."),
  },
  "load_balancer.ssl_policy": {
    setting: ["loadBalancer", "sslPolicy"],
    values: fc.constantFrom(
      "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "ELBSecurityPolicy-TLS13-1-3-2021-06",
      "ELBSecurityPolicy-2016-08",
    ),
  },
  "config_bucket.name": {
    setting: ["configBucket", "name"],
    values: fc.constantFrom("spin-config", "Bad_Bucket", "ab", "my.bucket.example", "-lead"),
  },
  "config_bucket.noncurrent_version_expiration_days": {
    setting: ["configBucket", "noncurrentVersionExpirationDays"],
    values: wholeOrNot(1, 3650),
  },
  "redis.replicas": { setting: ["ha", "redis", "replicas"], values: wholeOrNot(1, 5) },
  // Alone: false without the caller's own Redis is refused by both.
  "redis.create": { setting: ["ha", "redis", "create"], values: fc.constantFrom(true, false) },
  "redis.snapshot_retention_days": { setting: ["ha", "redis", "snapshotRetentionDays"], values: wholeOrNot(0, 35) },
  "redis.node_type": {
    setting: ["ha", "redis", "nodeType"],
    values: fc.constantFrom("cache.r7g.large", "cache.t4g.micro", "r7g.large", "cache.r7g"),
  },
  "redis.engine_version": {
    setting: ["ha", "redis", "engineVersion"],
    values: fc.constantFrom("7.1", "6.2", "5.0", "7", "8.0"),
  },
  "self_deploy.account": {
    setting: ["ha", "selfDeploy", "account"],
    values: fc.constantFrom("spinnaker-self", "home", "Home", "a_b", "-x", ""),
  },
  "self_deploy.subnet_purpose": {
    setting: ["ha", "selfDeploy", "subnetPurpose"],
    values: fc.constantFrom("spinnaker", "private.1", "Internal", "a b", 'a"b', ""),
  },
  "spinnaker.version": {
    setting: ["spinnaker", "version"],
    values: fc.constantFrom("2025.4.1", "2.36.3", "v 1", "-x"),
  },
  "spinnaker.registry": {
    setting: ["spinnaker", "registry"],
    values: fc.constantFrom("ghcr.io/spinnaker", "registry.example.com:5000/spin", "Bad Registry", "UPPER.io"),
  },
  "spinnaker.front50_prefix": {
    setting: ["spinnaker", "front50Prefix"],
    values: fc.constantFrom("front50", "pipelines", "config", "kayenta", "a/b"),
  },
  // The bake regions' own rules and the joining ones (the provider's region is the mock's, us-west-2,
  // the configuration's default; no AWS account, so no account's regions to keep to).
  "spinnaker.bake": {
    setting: ["spinnaker", "bake"],
    values: fc.constantFrom(
      { regions: ["us-west-2"] },
      { regions: ["us-west-2", "eu-west-1"] },
      { regions: ["eu-west-1"] },
      { regions: ["us-west-2", "us-west-2"] },
      { regions: [] },
      { regions: ["us-west-2", "mars-north-1"] },
    ),
  },
  // SQL storage's own rules (STORAGE), which hold whatever storage.type is.
  "storage.type": { setting: ["storage", "type"], values: fc.constantFrom("sql", "s3-redis", "postgres", "SQL", "") },
  "storage.backup_retention_days": { setting: ["storage", "backupRetentionDays"], values: wholeOrNot(1, 35) },
  "storage.aurora_readers": { setting: ["storage", "auroraReaders"], values: wholeOrNot(1, 15) },
  "storage.aurora_version": {
    setting: ["storage", "auroraVersion"],
    values: fc.constantFrom(
      "8.0.mysql_aurora.3.10.4",
      "8.0.mysql_aurora.3.08.2",
      "8.0",
      "5.7.mysql_aurora.2.12.0",
      "3.10.4",
    ),
  },
  "storage.subnet_ids": {
    setting: ["storage", "subnetIds"],
    values: fc.oneof(
      fc.uniqueArray(subnet, { minLength: 2, maxLength: 3 }),
      fc.array(subnet, { maxLength: 1 }),
      subnet.map((s) => [s, s]),
    ),
  },
  "spinnaker.aws_cli_image": {
    setting: ["spinnaker", "awsCliImage"],
    values: fc.constantFrom("public.ecr.aws/aws-cli/aws-cli:2.27.49", "aws cli", "$IMAGE", "x/y@sha256:abc"),
  },
};

test(
  `the configuration and the ha module's own inputs accept and refuse the same values (${VALUES_PER_VARIABLE} per input)`,
  () => {
    const dir = join(tempDir("parity-module"), "ha");
    cpSync(join(__dirname, "..", "..", REGISTRY_NAME, "modules", "ha"), dir, { recursive: true });
    expectParity(dir, MODULE_INPUTS, MODULE_BASE);
  },
  TIMEOUT,
);
