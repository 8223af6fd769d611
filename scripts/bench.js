#!/usr/bin/env node
// Benchmark of synthesis: `npm run bench [-- runs]`. The machine is shared and noisy, so every case
// runs interleaved in the same session and the report gives medians and ratios against a baseline
// measured alongside: loading the @cdktf/provider-aws barrel, which this package never does.
const { spawnSync } = require("node:child_process");
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const runs = Number(process.argv[2] ?? 7);
const root = join(__dirname, "..");
// Reports the child's peak memory on exit, so time and memory come from the same run.
const rss = join(__dirname, "report-rss.js");

const cases = [
  {
    name: "synthesize every stack (main.ts)",
    args: ["--require", "@swc-node/register", "--require", rss, "main.ts"],
    env: () => ({ CDKTF_OUTDIR: mkdtempSync(join(tmpdir(), "bench-")) }),
  },
  {
    name: "baseline: require the provider barrel",
    args: ["--require", rss, "-e", "require('@cdktf/provider-aws')"],
  },
  { name: "floor: require cdktf", args: ["--require", rss, "-e", "require('cdktf')"] },
];

const samples = new Map(cases.map((c) => [c.name, { ms: [], mib: [] }]));
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, c.args, {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...(c.env ? c.env() : {}) },
      encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${c.name} failed:\n${result.stderr}`);
    const peak = /peak-rss-kib=(\d+)/.exec(result.stderr);
    samples.get(c.name).ms.push(ms);
    samples.get(c.name).mib.push(peak ? Number(peak[1]) / 1024 : Number.NaN);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const baseline = samples.get(cases[1].name);
const rows = cases.map((c) => {
  const s = samples.get(c.name);
  return {
    case: c.name,
    "median ms": median(s.ms).toFixed(0),
    "x baseline (time)": (median(s.ms) / median(baseline.ms)).toFixed(2),
    "median peak MiB": median(s.mib).toFixed(0),
    "x baseline (memory)": (median(s.mib) / median(baseline.mib)).toFixed(2),
  };
});
console.log(`${runs} interleaved runs each, node ${process.version}`);
console.table(rows);
