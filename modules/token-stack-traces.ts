/**
 * cdktf 0.21 records a full stack trace for every token it creates (every attribute reference,
 * variable and function call), only to enrich its own errors about misused tokens; it has no switch
 * for it (`stackTraces: false` only leaves them out of the metadata). Capturing them was two thirds
 * of constructing a stack (measured with `npm run bench` and `--cpu-prof`). The entry point turns
 * them off; tests and library users keep cdktf's default.
 */
import { createRequire } from "node:module";

export function withoutTokenStackTraces(): void {
  // The module every token class calls through its exports object, so replacing the export applies
  // to them all. cdktf is archived at 0.21, so this private path will not move under us.
  const traces = createRequire(require.resolve("cdktf"))("./tokens/private/stack-trace") as {
    captureStackTrace?: unknown;
  };
  if (typeof traces.captureStackTrace === "function") traces.captureStackTrace = () => [];
}
