// Run by bench.js: synthesizes the default configuration in-process, as the entry point does (zod's
// locales deferred, cdktf's per-token stack traces off), and prints how long each phase took, so
// the report can say where the time goes: loading the modules (cdktf, the provider's per-resource
// bindings, the package), constructing the stacks, and synthesizing them to disk.
const { join } = require("node:path");

const t0 = process.hrtime.bigint();
// As main.ts: before anything loads zod.
require("../dist/modules/lazy-zod-locales");
const { App } = require("cdktf");
const { addStacks } = require("../dist/modules/app");
const { readConfiguration } = require("../dist/modules/config/read");
const { withoutTokenStackTraces } = require("../dist/modules/token-stack-traces");
const t1 = process.hrtime.bigint();
withoutTokenStackTraces();
const app = new App({ outdir: process.env.CDKTF_OUTDIR });
addStacks(app, readConfiguration({ SPINNAKER_CONFIG: join(__dirname, "..", "spinnaker.config.yaml") }));
const t2 = process.hrtime.bigint();
app.synth();
const t3 = process.hrtime.bigint();
const ms = (a, b) => (Number(b - a) / 1e6).toFixed(1);
process.stderr.write(`split-ms load=${ms(t0, t1)} construct=${ms(t1, t2)} synthesize=${ms(t2, t3)}\n`);
