/**
 * The tools tier's global setup on a machine without its tools: one error naming every missing
 * tool and how to get it, before any test runs (here: a PATH that holds nothing).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTools } from "./tools/preflight";

test("names every missing tool at once, with how to install it", () => {
  const empty = mkdtempSync(join(tmpdir(), "spinnaker-empty-path-"));
  expect(() => checkTools({ PATH: empty })).toThrow(
    /cannot run; it needs:\n {2}- terraform .*\n {2}- cloud-init: apt-get install -y cloud-init\n {2}- shellcheck: apt-get install -y shellcheck\n {2}- docker-compose or the docker compose plugin: apt-get install -y docker-compose/,
  );
});
