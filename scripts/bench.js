#!/usr/bin/env node
// Benchmark of synthesis: `npm run bench [-- runs]` (it builds first: the package runs as compiled
// JavaScript for its users). The machine is shared and noisy, so every case runs interleaved in the
// same session, and the report gives medians, and ratios against the floor measured alongside:
// `node -e "require('cdktf')"`, below which no cdktf app can start.
const { spawnSync } = require("node:child_process");
const { mkdtempSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const runs = Number(process.argv[2] ?? 7);
const root = join(__dirname, "..");
const main = join(root, "dist", "main.js");
// Reports the child's peak memory on exit, so time and memory come from the same run.
const rss = join(__dirname, "report-rss.js");
const scratch = mkdtempSync(join(tmpdir(), "bench-"));

/** A configuration with `count` environments, each synthesized as `standalone-<env>` and `ha-<env>`. */
function environmentsConfig(count) {
  const file = join(scratch, `environments-${count}.yaml`);
  const entries = Array.from({ length: count }, (_, i) => `  env${i}: {}`).join("\n");
  writeFileSync(file, `state:\n  bucket: bench-terraform-state\nenvironments:\n${entries}\n`);
  return file;
}

const synth = (config) => ({
  args: ["--require", rss, main],
  env: () => ({ CDKTF_OUTDIR: mkdtempSync(join(scratch, "out-")), SPINNAKER_CONFIG: config }),
});
const defaultConfig = join(root, "spinnaker.config.yaml");
const cases = [
  { name: "floor: require cdktf", args: ["--require", rss, "-e", "require('cdktf')"] },
  { name: "default configuration (5 stacks)", ...synth(defaultConfig) },
  // The same synthesis in-process, timing its phases (bench-split.js); not in the table.
  { name: "split", args: [join(__dirname, "bench-split.js")], env: synth(defaultConfig).env },
  { name: "1 environment (5 stacks)", ...synth(environmentsConfig(1)) },
  { name: "21 environments (45 stacks)", ...synth(environmentsConfig(21)) },
];

const samples = new Map(cases.map((c) => [c.name, { ms: [], mib: [] }]));
const splits = [];
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, c.args, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: "1", ...(c.env ? c.env() : {}) },
      encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${c.name} failed:\n${result.stderr}`);
    const split = /split-ms load=([\d.]+) construct=([\d.]+) synthesize=([\d.]+)/.exec(result.stderr);
    if (split) splits.push(split.slice(1).map(Number));
    const peak = /peak-rss-kib=(\d+)/.exec(result.stderr);
    samples.get(c.name).ms.push(ms);
    samples.get(c.name).mib.push(peak ? Number(peak[1]) / 1024 : Number.NaN);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = (name) => ({ ms: median(samples.get(name).ms), mib: median(samples.get(name).mib) });
const floor = m(cases[0].name);
console.log(`${runs} interleaved runs each, node ${process.version}, compiled JavaScript`);
console.table(
  cases
    .filter((c) => c.name !== "split")
    .map((c) => {
      const s = m(c.name);
      return {
        case: c.name,
        "median ms": s.ms.toFixed(0),
        "x floor (time)": (s.ms / floor.ms).toFixed(2),
        "median peak MiB": s.mib.toFixed(0),
        "x floor (memory)": (s.mib / floor.mib).toFixed(2),
      };
    }),
);
const one = m("1 environment (5 stacks)");
const many = m("21 environments (45 stacks)");
const perEnvironment = (many.ms - one.ms) / 20;
console.log(
  `per added environment (standalone + ha): ${perEnvironment.toFixed(1)} ms (${(perEnvironment / floor.ms).toFixed(2)}x floor), ${((many.mib - one.mib) / 20).toFixed(2)} MiB (medians of 21 and 1 environments, difference / 20)`,
);
const phase = (i) => median(splits.map((s) => s[i])).toFixed(0);
console.log(
  `default configuration in-process, medians: load ${phase(0)} ms, construct ${phase(1)} ms, synthesize ${phase(2)} ms`,
);
