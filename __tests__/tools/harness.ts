/**
 * Runs the real tools on what the package renders. Nothing is downloaded: Terraform installs the AWS
 * provider from a local filesystem mirror (TF_PLUGIN_MIRROR, default /opt/tf-plugins), and a missing
 * tool fails the tier with what to install instead of letting it pass.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasTemplates, writeTemplates } from "../helpers";

export const PROVIDER_VERSION = "5.100.0";
export const MIRROR = process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";

/**
 * Whether a filesystem mirror holds the provider, in either layout Terraform reads: unpacked
 * (`.../hashicorp/aws/<version>/<os_arch>/`) or packed, as `terraform providers mirror` writes it
 * (`.../hashicorp/aws/terraform-provider-aws_<version>_<os_arch>.zip`).
 */
export function mirrorHasProvider(mirror: string): boolean {
  const dir = join(mirror, "registry.terraform.io", "hashicorp", "aws");
  if (existsSync(join(dir, PROVIDER_VERSION))) return true;
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(`terraform-provider-aws_${PROVIDER_VERSION}_`));
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    // Only what a tool needs to run: a developer's TF_VAR_*, TF_CLI_ARGS or AWS_* must not change results.
    env: toolEnvironment(options.env),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The environment `run` gives a tool: nothing of the developer's beyond PATH, HOME and TMPDIR. */
function toolEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, LANG: "C.UTF-8", ...extra };
}

/**
 * `run` without blocking the event loop, for a tool that talks to a server of this process (a
 * stand-in for an AWS endpoint on 127.0.0.1), which `spawnSync` would leave unanswered.
 */
export function runAsync(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: toolEnvironment(options.env) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.once("error", reject);
    child.once("close", (status) =>
      resolve({ status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
  });
}

/** `docker-compose` (v1), else the `docker compose` plugin (v2); undefined when neither works. */
export function composeCommand(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  for (const command of [["docker-compose"], ["docker", "compose"]]) {
    const result = spawnSync(command[0], [...command.slice(1), "version"], { encoding: "utf8", env });
    if (!result.error && result.status === 0) return command;
  }
  return undefined;
}

/** Fails loudly when a tool this tier needs is not installed. */
export function requireTool(command: string, versionArgs: string[], install: string): void {
  const result = spawnSync(command, versionArgs, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(`The tools tier needs \`${command}\`, which is not usable here: ${install}`);
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `spinnaker-${prefix}-`));
}

/** A Terraform CLI configuration that installs providers only from the local mirror. */
export function terraformEnvironment(dir: string): NodeJS.ProcessEnv {
  if (!mirrorHasProvider(MIRROR)) {
    throw new Error(
      `The Terraform tier needs hashicorp/aws ${PROVIDER_VERSION} in a filesystem mirror; ${MIRROR} has none. Set TF_PLUGIN_MIRROR to the mirror's directory.`,
    );
  }
  const config = join(dir, "terraform.rc");
  writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path    = "${MIRROR}"\n    include = ["registry.terraform.io/*/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
  return {
    TF_CLI_CONFIG_FILE: config,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    // Placeholders: plans run against no AWS account, with every credential check skipped below.
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "placeholder-not-a-secret",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * A working directory with the synthesized configuration, a local backend instead of S3 and a
 * provider that makes no AWS call during plan. Only this copy is changed, never the synthesized one.
 */
export function terraformWorkdir(name: string, configuration: object): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(name);
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(configuration, null, 2));
  if (hasTemplates(configuration)) writeTemplates(configuration, dir);
  writeFileSync(
    join(dir, "offline_override.tf.json"),
    JSON.stringify({
      terraform: { backend: { local: { path: join(dir, "terraform.tfstate") } } },
      provider: {
        aws: {
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
        },
      },
    }),
  );
  writeLookupsOverride(dir, configuration);
  return { dir, env: terraformEnvironment(dir) };
}

const LOOKUPS_OVERRIDE = "offline_lookups_override.tf.json";

/** The EC2 lookups an offline plan leaves out (they call AWS even with every credential check skipped). */
export const OFFLINE_LOOKUPS = ["aws_ec2_instance_type", "aws_ec2_instance_types", "aws_ami_ids"] as const;

/**
 * Leaves the EC2 lookups that always have a count or a for_each (the instance type's memory and the
 * types EC2 offers like it, the bakery's base images) out of an offline plan of the module in `dir`.
 * `expectTerraformTest` sets the file aside: mock data answers them there.
 */
export function writeLookupsOverride(dir: string, configuration: unknown): void {
  const found = (configuration as { data?: Record<string, object> }).data ?? {};
  const data = Object.fromEntries(
    OFFLINE_LOOKUPS.filter((type) => found[type] !== undefined).map((type) => [
      type,
      Object.fromEntries(
        Object.entries(found[type]).map(([key, block]) => [key, "for_each" in block ? { for_each: {} } : { count: 0 }]),
      ),
    ]),
  );
  if (Object.keys(data).length === 0) return;
  writeFileSync(join(dir, LOOKUPS_OVERRIDE), JSON.stringify({ data }));
}

export function terraform(workdir: { dir: string; env: NodeJS.ProcessEnv }, args: string[]): Run {
  return run("terraform", [...args, "-no-color"], { cwd: workdir.dir, env: workdir.env });
}

/** Asserts a command succeeded, showing its output when it did not. */
export function expectSuccess(result: Run, what: string): void {
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The instance types the tools tier plans with (mockProvider's `aws_ec2_instance_types`). */
export const MOCK_INSTANCE_TYPES = [
  "c5.xlarge",
  "c7g.metal-48xl",
  "m4.2xlarge",
  "m5.2xlarge",
  "m5.4xlarge",
  "m7g.2xlarge",
  "r6i.large",
  "r6i.xlarge",
];

/**
 * A mock AWS provider for `terraform test`: every resource is "applied" without AWS. The provider
 * still checks ARNs and ids it receives, so those get well-formed mock values.
 */
export function mockProvider(extra = "", place = { region: "us-west-2", partition: "aws" }): string {
  return `mock_provider "aws" {
${extra}  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  # m4.2xlarge, the default type: the memory check passes unless a test overrides it.
  mock_data "aws_ec2_instance_type" {
    defaults = { memory_size = 32768 }
  }
  # The types EC2 offers like instance_type: a mock ignores the lookup's family-and-size filter, so
  # this lists every type the tests plan with (a test of an unknown type overrides it). A type not
  # listed is refused, as AWS refuses one it does not offer.
  mock_data "aws_ec2_instance_types" {
    defaults = { instance_types = ${JSON.stringify(MOCK_INSTANCE_TYPES)} }
  }
  # What a real provider reports for its own region; random strings would not make ARNs.
  mock_data "aws_region" {
    defaults = { id = "${place.region}", name = "${place.region}" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "${place.partition}" }
  }
  # The provider checks ARNs it receives; random mock strings are not ARNs.
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/spin/0123456789abcdef" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/spin/0123456789abcdef" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/spin" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/spin" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:spin-redis-url-AbCdEf" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::spin-config", bucket = "spin-config" }
  }
}
`;
}

/**
 * Writes a .tftest.hcl file into the working directory and runs only it (other tests may have left
 * theirs in the same directory); `terraform test` must pass all its runs.
 */
export function expectTerraformTest(
  workdir: { dir: string; env: NodeJS.ProcessEnv },
  file: string,
  hcl: string,
  runs: number,
): void {
  const result = terraformTest(workdir, file, hcl);
  expectSuccess(result, "terraform test");
  expect(result.stdout).toContain(`Success! ${runs} passed, 0 failed`);
}

/** Writes a .tftest.hcl file into the working directory and runs only it, passing or not. */
export function terraformTest(workdir: { dir: string; env: NodeJS.ProcessEnv }, file: string, hcl: string): Run {
  writeFileSync(join(workdir.dir, file), hcl);
  const override = join(workdir.dir, LOOKUPS_OVERRIDE);
  const aside = join(workdir.dir, `${LOOKUPS_OVERRIDE}.aside`);
  if (existsSync(override)) renameSync(override, aside);
  try {
    return terraform(workdir, ["test", `-filter=${file}`]);
  } finally {
    if (existsSync(aside)) renameSync(aside, override);
  }
}
