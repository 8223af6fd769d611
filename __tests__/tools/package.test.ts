/**
 * The npm package as a consumer gets it: `npm pack` (which builds it), the tarball unpacked into a
 * scratch cdktf app's node_modules as npm would, its dependencies and the peers (cdktf, constructs,
 * @cdktf/provider-aws) linked from this checkout (the test may not download), then an app with its
 * own VPC and two environments (docs/library.md's example) type-checked with `skipLibCheck: false`,
 * synthesized, and each stack validated by Terraform; the README's short app the same way.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { REGISTRY_NAME } from "../../modules/registry/layout";
import { DATABASE_TEMPLATES } from "../../modules/spinnaker/database-files";
import { PROFILE_TEMPLATES } from "../../modules/spinnaker/profile-templates";
import { SELF_DEPLOY_TEMPLATES } from "../../modules/spinnaker/self-deploy-files";
import { expectSuccess, requireTool, run, tempDir, terraform, terraformEnvironment } from "./harness";

const ROOT = join(__dirname, "..", "..");
const TIMEOUT = 600_000;
/** What the package needs at run time, and what a consumer's compiler needs beside it. */
const LINKED = [
  "cdktf",
  "constructs",
  "@cdktf/provider-aws",
  "yaml",
  "zod",
  "@aws-cdk/region-info",
  "@types/node",
  "typescript",
];

/** The first ```ts block under a heading of a document, so that the documented code is the tested code. */
function documentedApp(file: string, heading: string): string {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = text.indexOf(heading);
  const code = start < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(text.slice(start))?.[1];
  if (code === undefined) throw new Error(`${file}: no \`\`\`ts block under "${heading}"`);
  return code;
}

/** Writes an app and its strict tsconfig into `dir`, compiles it and runs it there. */
function compileAndRun(dir: string, modules: string, code: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.ts"), code);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        strict: true,
        skipLibCheck: false,
        esModuleInterop: true,
        types: ["node"],
        outDir: "build",
      },
      files: ["main.ts"],
    }),
  );
  const tsc = join(modules, "typescript", "bin", "tsc");
  expectSuccess(run(process.execPath, [tsc, "-p", "."], { cwd: dir }), "tsc (skipLibCheck: false)");
  expectSuccess(run(process.execPath, ["build/main.js"], { cwd: dir }), "the app's synthesis");
}

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform 1.10 or newer");
});

test(
  "packed, unpacked into a scratch app, type-checked strictly, synthesized and validated",
  () => {
    const scratch = tempDir("consumer");
    const packed = run("npm", ["pack", "--pack-destination", scratch, "--json"], { cwd: ROOT });
    expectSuccess(packed, "npm pack");
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    // The built code and its types, the documents, and nothing else.
    expect(paths).toContain("dist/modules/index.js");
    expect(paths).toContain("dist/modules/index.d.ts");
    expect(paths.filter((p) => !p.startsWith("dist/modules/") && !p.startsWith("docs/")).sort()).toEqual([
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "package.json",
    ]);
    // The guides the README links to travel with it: every relative link of a packed document
    // names a packed file, so a reader of node_modules/cdktf-spinnaker-aws/README.md can follow it;
    // but for the Registry module's own READMEs (terraform-aws-spinnaker/), published on their own.
    const documents = paths.filter((p) => p.endsWith(".md"));
    expect(documents).toContain("docs/operations.md");
    expect(documents).toContain("docs/api/README.md");
    const broken = documents.flatMap((document) =>
      [...readFileSync(join(ROOT, document), "utf8").matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((link) => link[1])
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => posix.normalize(posix.join(posix.dirname(document), target)))
        .filter((target) => !target.startsWith(`${REGISTRY_NAME}/`))
        .filter((target) => !paths.includes(target) && !paths.some((p) => p.startsWith(`${target}/`)))
        .map((target) => `${document} -> ${target}`),
    );
    expect(broken).toEqual([]);
    // Beside them, only the template files the stacks write beside their configuration
    // (modules/templates/): the user data, clouddriver's and igor's profile templates, and the
    // files of Spinnaker's deploys of itself (seeding script, their user data, deck's settings) and
    // SQL storage's boot steps.
    const templates = [
      "cloud-init.yaml",
      ...Object.values(PROFILE_TEMPLATES),
      ...SELF_DEPLOY_TEMPLATES,
      ...DATABASE_TEMPLATES,
    ].map((f) => `dist/modules/templates/${f}`);
    expect(
      paths
        .filter(
          (p) => p.startsWith("dist/modules/templates/") || (p.startsWith("dist/modules/") && !/\.(js|d\.ts)$/.test(p)),
        )
        .sort(),
    ).toEqual(templates.sort());

    const modules = join(scratch, "node_modules");
    const unpacked = join(modules, "cdktf-spinnaker-aws");
    mkdirSync(unpacked, { recursive: true });
    expectSuccess(run("tar", ["-xzf", join(scratch, filename), "-C", unpacked, "--strip-components=1"]), "tar");
    for (const name of LINKED) {
      const target = join(modules, name);
      mkdirSync(join(target, ".."), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", name), target, "dir");
    }
    const manifest = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"));
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@cdktf/provider-aws", "cdktf", "constructs"]);
    for (const name of Object.keys(manifest.dependencies)) expect(LINKED).toContain(name);

    const app = join(scratch, "app");
    compileAndRun(app, modules, documentedApp("docs/library.md", "## An example app"));

    const stacks = readdirSync(join(app, "cdktf.out", "stacks")).sort();
    expect(stacks).toEqual(["spinnaker-prod", "spinnaker-staging"]);
    for (const stack of stacks) {
      const dir = join(app, "cdktf.out", "stacks", stack);
      const json = readFileSync(join(dir, "cdk.tf.json"), "utf8");
      expect(json).toContain(`"name": "armoryspinnaker-${stack.slice("spinnaker-".length)}-v000"`);
      const workdir = { dir, env: terraformEnvironment(dir) };
      expectSuccess(terraform(workdir, ["init", "-input=false", "-backend=false"]), `terraform init (${stack})`);
      expectSuccess(terraform(workdir, ["validate"]), `terraform validate (${stack})`);
    }

    // The README's short app: every stack with the built-in defaults and a local state.
    const short = join(scratch, "readme-app");
    compileAndRun(short, modules, documentedApp("README.md", "### 3. The Registry module, or the npm library"));
    expect(readdirSync(join(short, "cdktf.out", "stacks")).sort()).toEqual([
      "ha",
      "ha-module",
      "standalone",
      "standalone-module",
    ]);
  },
  TIMEOUT,
);
