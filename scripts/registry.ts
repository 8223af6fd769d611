/**
 * `npm run registry [-- <dir>]`: writes the Terraform Registry layout of the modules
 * (default dist/terraform-aws-spinnaker) from the same configuration `cdktf synth` reads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App } from "cdktf";
import { addStacks } from "../modules/app";
import { readSettings } from "../modules/config/read";
import { ConfigError } from "../modules/errors";
import { REGISTRY_NAME, registryLayout } from "../modules/registry/layout";

const root = join(__dirname, "..");
const target = process.argv[2] ?? join(root, "dist", REGISTRY_NAME);

try {
  const settings = readSettings(process.env);
  const outdir = mkdtempSync(join(tmpdir(), "spinnaker-registry-"));
  const app = new App({ outdir });
  addStacks(app, settings);
  app.synth();
  const stack = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  const files = registryLayout({
    standalone: stack("standalone-module"),
    ha: stack("ha-module"),
    license: readFileSync(join(root, "LICENSE"), "utf8"),
    version: JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version,
  });
  rmSync(target, { recursive: true, force: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), contents);
  }
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(`wrote ${Object.keys(files).length} files to ${target}\n`);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exit(1);
}
