/**
 * The API reference (docs/api, Markdown by TypeDoc from the TSDoc of modules/index.ts) is what
 * `npm run docs` writes: regenerated into a scratch directory and compared file by file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expectSuccess, run, tempDir } from "./harness";

const ROOT = join(__dirname, "..", "..");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test("docs/api is what `npm run docs` writes (else: run it and commit docs/api)", () => {
  const out = join(tempDir("docs"), "api");
  const typedoc = join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
  expectSuccess(run(process.execPath, [typedoc, "--out", out], { cwd: ROOT }), "typedoc");
  const committed = join(ROOT, "docs", "api");
  expect(filesUnder(committed)).toEqual(filesUnder(out));
  const stale = filesUnder(out).filter(
    (file) => readFileSync(join(out, file), "utf8") !== readFileSync(join(committed, file), "utf8"),
  );
  expect(stale).toEqual([]);
  // The reference covers the entry points a cdktf app starts from.
  const index = readFileSync(join(committed, "README.md"), "utf8");
  for (const name of ["StandaloneStack", "HighAvailabilityStack", "loadConfigurationObject", "ConfigError"]) {
    expect(index).toContain(`[${name}]`);
  }
}, 120_000);
