import { REGISTRY_NAME, registryLayout } from "../../modules/registry/layout";
import { settingsFrom, synthStack } from "../helpers";

const settings = settingsFrom();
const standalone = synthStack(settings, "standalone-module");
const ha = synthStack(settings, "ha-module");
const files = registryLayout({ standalone, ha, license: "Apache License 2.0", version: "1.2.3" });

test("follows the Registry's standard structure for terraform-<provider>-<name>", () => {
  expect(REGISTRY_NAME).toMatch(/^terraform-aws-[a-z0-9-]+$/);
  expect(Object.keys(files).sort()).toEqual([
    "LICENSE",
    "README.md",
    "examples/ha/main.tf",
    "examples/standalone/main.tf",
    "main.tf.json",
    "modules/ha/README.md",
    "modules/ha/main.tf.json",
  ]);
});

test("the root module is the stand-alone module, HA is under modules/ha, without cdktf's metadata", () => {
  const root = JSON.parse(files["main.tf.json"]);
  expect(Object.keys(root.resource).sort()).toEqual(Object.keys(standalone.resource ?? {}).sort());
  expect(JSON.parse(files["modules/ha/main.tf.json"]).resource.aws_elasticache_replication_group).toBeDefined();
  expect(files["main.tf.json"]).not.toContain('"//"');
  expect(root.provider).toBeUndefined();
});

test.each([
  ["README.md", standalone],
  ["modules/ha/README.md", ha],
] as const)("%s lists every input and output with its description", (readme, module) => {
  for (const [name, variable] of Object.entries(module.variable ?? {})) {
    expect(files[readme]).toContain(`| \`${name}\` |`);
    expect(files[readme]).toContain(String(variable.description));
  }
  for (const name of Object.keys(module.output ?? {})) expect(files[readme]).toContain(`| \`${name}\` |`);
  expect(files[readme]).toContain('version = "1.2.3"');
});

test("required inputs say so; sensitive ones are marked", () => {
  expect(files["README.md"]).toMatch(/\| `vpc_id` \| `string` \| required \|/);
  expect(files["modules/ha/README.md"]).toMatch(/\| `redis_auth_token` \| `string` \| required \| .*\(sensitive\) \|/);
});

test("the examples call the modules by relative path", () => {
  expect(files["examples/standalone/main.tf"]).toContain('source = "../.."');
  expect(files["examples/ha/main.tf"]).toContain('source = "../../modules/ha"');
});
