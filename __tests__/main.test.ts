import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");

function runMain(config: string) {
  const dir = mkdtempSync(join(tmpdir(), "spinnaker-main-"));
  const file = join(dir, "config.yaml");
  writeFileSync(file, config);
  const outdir = join(dir, "out");
  const run = spawnSync(process.execPath, ["--require", "@swc-node/register", "main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, SPINNAKER_CONFIG: file, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  return { ...run, outdir };
}

test("synthesizes the state, standalone and ha stacks from a configuration file", () => {
  const run = runMain("state:\n  bucket: acme-spinnaker-state\n");
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(existsSync(join(run.outdir, "stacks", "standalone", "cdk.tf.json"))).toBe(true);
  expect(existsSync(join(run.outdir, "stacks", "state", "cdk.tf.json"))).toBe(true);
  expect(existsSync(join(run.outdir, "stacks", "ha", "cdk.tf.json"))).toBe(true);
}, 30_000);

test("a bad setting: exit 1, the setting and value on stderr, no stack trace, nothing written", () => {
  const run = runMain("state:\n  bucket: acme-spinnaker-state\ninstance:\n  type: huge\n");
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(
    /^error: \S+config\.yaml has 1 invalid setting:\n {2}- instance\.type: expected an EC2 instance type such as m4\.2xlarge, got "huge"\n$/,
  );
  expect(existsSync(run.outdir)).toBe(false);
}, 30_000);
