/**
 * The HCL printer held to Terraform itself: its table of nested blocks is the provider schema's,
 * and the HCL root module plans exactly what the synthesized JSON `standalone-module` plans (same
 * resource addresses, same arguments), both called from one root in one offline plan.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readProviderBlocks, synthesizeModules } from "../../modules/registry/build";
import { registryLayout } from "../../modules/registry/layout";
import {
  PROVIDER_BLOCKS_SOURCE,
  PROVIDER_BLOCKS_VERSION,
  type ProviderSchemas,
  providerBlocks,
  typesUsed,
} from "../../modules/registry/provider-schema";
import { expectSuccess, requireTool, tempDir, terraform, terraformEnvironment, writeLookupsOverride } from "./harness";

const TIMEOUT = 300_000;
const modules = synthesizeModules();

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform 1.10 or newer");
});

test(
  "provider-blocks.json is the provider schema's nested blocks for every type the modules use (else: npm run provider-blocks)",
  () => {
    const dir = tempDir("provider-schema");
    writeFileSync(
      join(dir, "versions.tf"),
      `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${PROVIDER_BLOCKS_VERSION}"\n    }\n  }\n}\n`,
    );
    const workdir = { dir, env: terraformEnvironment(dir) };
    expectSuccess(terraform(workdir, ["init", "-input=false", "-backend=false"]), "terraform init");
    const shown = terraform(workdir, ["providers", "schema", "-json"]);
    expectSuccess(shown, "terraform providers schema -json");
    const expected = providerBlocks(
      JSON.parse(shown.stdout) as ProviderSchemas,
      PROVIDER_BLOCKS_SOURCE,
      PROVIDER_BLOCKS_VERSION,
      typesUsed(modules.standalone.configuration, modules.ha.configuration),
    );
    expect(readProviderBlocks()).toEqual(expected);
    // The table must know blocks from attributes, not just list types.
    expect(Object.keys(expected.resource.aws_launch_template)).toEqual(
      expect.arrayContaining(["block_device_mappings", "metadata_options", "tag_specifications"]),
    );
  },
  TIMEOUT,
);

interface ResourceChange {
  address: string;
  module_address?: string;
  change: { actions: string[]; after: unknown; after_unknown: unknown };
}

const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555";
const KMS_KEY = "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-0000-1111-2222-333344445555";
const JENKINS_TOKEN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:jenkins-AbCdEf";

test(
  "the HCL root module and the JSON standalone-module plan the same addresses with the same arguments",
  () => {
    const dir = tempDir("registry-hcl-plan");
    // The JSON as cdktf synthesized it, with its templates.
    const json = join(dir, "json");
    mkdirSync(json);
    writeFileSync(join(json, "main.tf.json"), JSON.stringify(modules.standalone.configuration));
    mkdirSync(join(json, "templates"));
    for (const [name, text] of Object.entries(modules.standalone.templates)) {
      writeFileSync(join(json, "templates", name), text);
    }
    writeLookupsOverride(json, modules.standalone.configuration);
    // The HCL root module from the same synthesis, as `npm run registry` writes it.
    const hcl = join(dir, "hcl");
    const files = registryLayout({ ...modules, blocks: readProviderBlocks(), license: "", version: "0.0.0" });
    for (const [path, text] of Object.entries(files)) {
      if (path.includes("/") && !path.startsWith("templates/")) continue;
      mkdirSync(dirname(join(hcl, path)), { recursive: true });
      writeFileSync(join(hcl, path), text);
    }
    writeLookupsOverride(hcl, modules.standalone.configuration);
    // Inputs that switch on the dynamic blocks and conditional resources: HTTPS with access logs,
    // a KMS key, kayenta, a Jenkins token; official_image = false keeps the plan offline.
    const inputs = `  vpc_id              = "vpc-0123456789abcdef0"
  instance_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  user_cidrs          = ["10.0.0.0/8"]
  ami_id              = "ami-0123456789abcdef0"
  official_image      = false
  load_balancer       = { https = true, certificate_arn = "${CERTIFICATE}", hostname = "spinnaker.example.com", access_logs = { bucket = "example-logs" } }
  config_bucket       = { kms_key_arn = "${KMS_KEY}" }
  spinnaker           = { kayenta = true }
  ci                  = { jenkins = [{ name = "ci", address = "https://jenkins.example.com", username = "spinnaker", password_secret_arn = "${JENKINS_TOKEN}" }] }
`;
    writeFileSync(
      join(dir, "main.tf"),
      `provider "aws" {
  region                      = "us-west-2"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

module "json" {
  source = "./json"

${inputs}}

module "hcl" {
  source = "./hcl"

${inputs}}
`,
    );
    const workdir = { dir, env: terraformEnvironment(dir) };
    expectSuccess(terraform(workdir, ["init", "-input=false"]), "terraform init");
    expectSuccess(terraform(workdir, ["plan", "-input=false", "-out=plan.tfplan"]), "terraform plan");
    const shown = terraform(workdir, ["show", "-json", "plan.tfplan"]);
    expectSuccess(shown, "terraform show -json");
    const changes = (JSON.parse(shown.stdout) as { resource_changes: ResourceChange[] }).resource_changes;
    const of = (module: string) =>
      Object.fromEntries(
        changes
          .filter((c) => c.module_address === `module.${module}`)
          .map((c) => [c.address.slice(`module.${module}.`.length), c.change]),
      );
    const [fromJson, fromHcl] = [of("json"), of("hcl")];
    expect(Object.keys(fromJson).length).toBeGreaterThan(40);
    expect(Object.keys(fromHcl).sort()).toEqual(Object.keys(fromJson).sort());
    for (const [address, change] of Object.entries(fromJson)) {
      expect([address, fromHcl[address]]).toEqual([address, change]);
    }
    // The inputs did switch the dynamic blocks on: access logs, and the policy document's KMS and
    // secrets statements (read at apply, after the bucket: its statements are in the plan, in order).
    expect(JSON.stringify(fromHcl["aws_lb.user_facing_load_balancer"].after)).toContain("example-logs");
    const statements = (
      fromHcl["data.aws_iam_policy_document.instance_role_permissions"].after as { statement: { sid: string }[] }
    ).statement.map((s) => s.sid);
    expect(statements).toEqual(expect.arrayContaining(["ConfigBucketKey", "Secrets", "ConfigBucket"]));
  },
  TIMEOUT,
);
