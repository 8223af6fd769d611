/**
 * `npm run registry [-- <dir>]`: writes the Terraform Registry layout of the modules (default
 * terraform-aws-spinnaker/, which is committed and published as its own repository) from the
 * built-in defaults. A unit test fails while the committed copy differs from what this writes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildRegistryLayout } from "../modules/registry/build";
import { REGISTRY_NAME } from "../modules/registry/layout";

const root = join(__dirname, "..");
const target = process.argv[2] ?? join(root, REGISTRY_NAME);

const files = buildRegistryLayout(
  readFileSync(join(root, "LICENSE"), "utf8"),
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version,
);
rmSync(target, { recursive: true, force: true });
for (const [path, contents] of Object.entries(files)) {
  mkdirSync(dirname(join(target, path)), { recursive: true });
  writeFileSync(join(target, path), contents);
}
process.stdout.write(`wrote ${Object.keys(files).length} files to ${target}\n`);
