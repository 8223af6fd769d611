import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { buildRegistryLayout } from "../../modules/registry/build";
import { REGISTRY_NAME } from "../../modules/registry/layout";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import {
  PROFILE_TEMPLATES,
  profileTemplateText,
  type TemplatedProfile,
} from "../../modules/spinnaker/profile-templates";

const ROOT = join(__dirname, "..", "..");
const COMMITTED = join(ROOT, REGISTRY_NAME);
const files = buildRegistryLayout(
  readFileSync(join(ROOT, "LICENSE"), "utf8"),
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
);
const parsed = (path: string) => JSON.parse(files[path]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(COMMITTED, path)];
  });
}

test("the committed terraform-aws-spinnaker/ is what `npm run registry` writes (else: run it)", () => {
  const stale = [
    ...Object.keys(files).filter((path) => {
      try {
        return readFileSync(join(COMMITTED, path), "utf8") !== files[path];
      } catch {
        return true;
      }
    }),
    ...filesUnder(COMMITTED).filter((path) => !(path in files)),
  ];
  if (stale.length > 0) {
    throw new Error(`${REGISTRY_NAME}/ is stale in ${stale.join(", ")}: run \`npm run registry\` and commit it`);
  }
  expect(filesUnder(COMMITTED).sort()).toEqual(Object.keys(files).sort());
});

test("follows the Registry's standard structure for terraform-<provider>-<name>", () => {
  expect(REGISTRY_NAME).toMatch(/^terraform-aws-[a-z0-9-]+$/);
  const module = ["README.md", "main.tf.json", "outputs.tf.json", "variables.tf.json", "versions.tf.json"];
  const templates = [
    "cloud-init.yaml",
    "clouddriver-local.yml.tftpl",
    "compose-polling.yaml",
    "igor-local.yml.tftpl",
    "memory-budget",
  ].map((f) => `templates/${f}`);
  expect(Object.keys(files).sort()).toEqual(
    [
      "LICENSE",
      ...module,
      ...templates,
      ...module.map((f) => `modules/ha/${f}`),
      ...[...templates, "templates/compose-nonpolling.yaml"].map((f) => `modules/ha/${f}`),
      ...["environments", "ha", "standalone"].flatMap((e) => [`examples/${e}/README.md`, `examples/${e}/main.tf`]),
    ].sort(),
  );
});

test.each(["", "modules/ha/"])("module %s: one user data, a readable file, and no encoded text", (dir) => {
  expect(files[`${dir}templates/cloud-init.yaml`]).toBe(userDataText());
  const main = files[`${dir}main.tf.json`];
  expect(main).toContain('filebase64(\\"${path.module}/templates/cloud-init.yaml\\")');
  // clouddriver's accounts and igor's masters: YAML templates Terraform renders from the inputs.
  for (const profile of Object.keys(PROFILE_TEMPLATES) as TemplatedProfile[]) {
    expect(files[`${dir}templates/${PROFILE_TEMPLATES[profile]}`]).toBe(profileTemplateText(profile));
    expect(main).toContain(`templatefile(\\"\${path.module}/templates/${PROFILE_TEMPLATES[profile]}\\"`);
  }
  for (const [path, text] of Object.entries(files).filter(([p]) => p.startsWith(dir))) {
    expect([path, /[A-Za-z0-9+/]{200,}/.test(text)]).toEqual([path, false]);
  }
});

test.each(["", "modules/ha/"])("module %s: versions, variables, outputs and resources in their own files", (dir) => {
  expect(parsed(`${dir}versions.tf.json`)).toEqual({
    terraform: {
      required_version: ">= 1.10",
      required_providers: { aws: { source: "hashicorp/aws", version: ">= 5.100.0, < 7.0.0" } },
    },
  });
  expect(Object.keys(parsed(`${dir}variables.tf.json`).variable)).toEqual(
    expect.arrayContaining(["name", "environment", "tags", "vpc_id"]),
  );
  expect(Object.keys(parsed(`${dir}outputs.tf.json`).output)).toContain("deck_url");
  const main = parsed(`${dir}main.tf.json`);
  expect(Object.keys(main).sort()).toEqual(["data", "locals", "resource"]);
  expect(files[`${dir}main.tf.json`]).not.toContain('"//"');
  // Built from the package's defaults, not a deployer's configuration or region.
  expect(files[`${dir}main.tf.json`]).not.toContain("us-west-2");
});

test.each([
  ["README.md", ""],
  ["modules/ha/README.md", "modules/ha/"],
])("%s documents requirements, providers, every input, output and resource", (readme, dir) => {
  const text = files[readme];
  expect(text).toContain("| terraform | `>= 1.10` |");
  expect(text).toContain("| aws | `hashicorp/aws` |");
  for (const [name, variable] of Object.entries(parsed(`${dir}variables.tf.json`).variable)) {
    expect(text).toContain(`| \`${name}\` |`);
    expect(text).toContain(String((variable as { description: string }).description));
  }
  for (const name of Object.keys(parsed(`${dir}outputs.tf.json`).output)) expect(text).toContain(`| \`${name}\` |`);
  const main = parsed(`${dir}main.tf.json`);
  for (const [type, byName] of Object.entries(main.resource as Record<string, object>)) {
    for (const name of Object.keys(byName)) expect(text).toContain(`| \`${type}.${name}\` | resource |`);
  }
  expect(text).toMatch(/version = "\d+\.\d+\.\d+"/);
});

test("required inputs say so; sensitive ones are marked", () => {
  expect(files["README.md"]).toMatch(/\| `vpc_id` \| `string` \| required \|/);
  expect(files["modules/ha/README.md"]).toMatch(
    /\| `redis_auth_token` \| `string` \| `null` \| .*required unless .*\(sensitive\) \|/,
  );
});

test.each([
  ["standalone", '"../.."'],
  ["ha", '"../../modules/ha"'],
  ["environments", '"../.."'],
])("examples/%s calls the module by relative path and has a README", (example, source) => {
  expect(files[`examples/${example}/main.tf`]).toMatch(new RegExp(`source\\s+= ${source.replace(/\./g, "\\.")}`));
  expect(files[`examples/${example}/README.md`]).toContain("terraform apply");
});

test("examples/environments calls the module once per environment, outside us-west-2", () => {
  const main = files["examples/environments/main.tf"];
  expect(main).toContain('for_each = toset(["staging", "prod"])');
  expect(main).toContain("environment = each.key");
  expect(main).toContain('region = "us-east-1"');
});
