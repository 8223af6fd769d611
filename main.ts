/**
 * Entry point of `cdktf synth` and `cdktf deploy`: configuration in, one stack per topology (and
 * environment) out.
 * A bad setting prints what is wrong and exits non-zero before anything is written.
 */
import { App } from "cdktf";
import { addStacks } from "./modules/app";
import { readConfiguration } from "./modules/config/read";
import { ConfigError } from "./modules/errors";
import { withoutTokenStackTraces } from "./modules/token-stack-traces";

withoutTokenStackTraces();
try {
  const configuration = readConfiguration(process.env);
  const app = new App();
  addStacks(app, configuration);
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exit(1);
}
