/**
 * Entry point of `cdktf synth` and `cdktf deploy`: configuration in, one stack per topology (and
 * environment) out.
 * A bad setting prints what is wrong and exits non-zero; the output folder then holds no stack,
 * neither an empty one nor the previous synthesis (modules/synthesis.ts).
 */
// First: it must run before anything loads zod.
import "./modules/lazy-zod-locales";
import { App } from "cdktf";
import { addStacks } from "./modules/app";
import { readConfiguration } from "./modules/config/read";
import { ConfigError } from "./modules/errors";
import { synthesizeAtomically } from "./modules/synthesis";
import { withoutTokenStackTraces } from "./modules/token-stack-traces";

withoutTokenStackTraces();
const report = (message: string) => process.stderr.write(`${message}\n`);
try {
  synthesizeAtomically(
    process.env.CDKTF_OUTDIR ?? "cdktf.out",
    (outdir) => {
      const app = new App({ outdir });
      addStacks(app, readConfiguration(process.env));
      app.synth();
    },
    report,
  );
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  report(`error: ${e.message}`);
  process.exit(1);
}
