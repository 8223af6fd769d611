import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(__dirname, "..");
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Runs main.ts on a configuration; into `outdir` when given, else a new folder. */
function runMain(config: string, outdir?: string) {
  const dir = mkdtempSync(join(tmpdir(), "spinnaker-main-"));
  made.push(dir);
  const file = join(dir, "config.yaml");
  writeFileSync(file, config);
  outdir ??= join(dir, "out");
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

describe("synthesis leaves a complete output or none", () => {
  const GOOD = "state:\n  bucket: acme-spinnaker-state\n";
  // Known to EC2 and too small: refused while the stacks are built, after the configuration is read.
  const TOO_SMALL = `${GOOD}instance:\n  type: t3.small\n`;

  test("a failed first synthesis writes nothing, not even an empty stacks/ folder", () => {
    const run = runMain(TOO_SMALL);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: instance\.type "t3\.small" has 2048 MiB/);
    expect(existsSync(run.outdir)).toBe(false);
    // No staging folder is left beside it.
    expect(readdirSync(dirname(run.outdir)).filter((f) => f.startsWith(".out-"))).toEqual([]);
  }, 30_000);

  test("a failed synthesis after a good one removes the stale stacks and says so; Terraform's own files stay", () => {
    const good = runMain(GOOD);
    expect(good.status).toBe(0);
    const standalone = join(good.outdir, "stacks", "standalone");
    // What `terraform init` leaves in a stack's folder belongs to Terraform, not to the synthesis.
    mkdirSync(join(standalone, ".terraform"));
    const failed = runMain(TOO_SMALL, good.outdir);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`removed the previous synthesis in ${good.outdir} (`);
    expect(existsSync(join(good.outdir, "manifest.json"))).toBe(false);
    expect(existsSync(join(standalone, "cdk.tf.json"))).toBe(false);
    expect(existsSync(join(standalone, "templates"))).toBe(false);
    expect(existsSync(join(standalone, ".terraform"))).toBe(true);
    expect(existsSync(join(good.outdir, "stacks", "ha"))).toBe(false);
    // The next good synthesis puts everything back beside Terraform's files.
    const again = runMain(GOOD, good.outdir);
    expect(again.status).toBe(0);
    expect(existsSync(join(standalone, "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(standalone, ".terraform"))).toBe(true);
  }, 90_000);
});
