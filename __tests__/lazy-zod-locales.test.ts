import { spawnSync } from "node:child_process";
import { join } from "node:path";

// In a process of its own: Jest's module registry is not Node's module cache, which the module changes.
const SCRIPT = `
require("./modules/lazy-zod-locales");
const z = require("zod");
const loaded = () => Object.keys(require.cache).filter((f) => f.includes("/v4/locales/")).length;
const atImport = loaded();
const message = z.strictObject({ a: z.string() }).safeParse({ a: 1, b: 2 }).error.issues.map((i) => i.message);
const beforeUse = loaded();
const french = z.locales.fr().localeError({ code: "invalid_type", expected: "string", input: 1 });
console.log(JSON.stringify({ atImport, beforeUse, message, french, all: Object.keys(require("zod/locales")).length }));
`;

test("zod loads its locales only when one is used, and they work as before", () => {
  const run = spawnSync(process.execPath, ["--require", "@swc-node/register", "-e", SCRIPT], {
    cwd: join(__dirname, ".."),
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  const result = JSON.parse(run.stdout);
  // English, zod's default, and the stand-in; not the sixty others.
  expect(result.atImport).toBeLessThanOrEqual(2);
  expect(result.beforeUse).toBeLessThanOrEqual(2);
  expect(result.message).toEqual(["Invalid input: expected string, received number", 'Unrecognized key: "b"']);
  expect(result.french).toMatch(/^Entrée invalide/);
  expect(result.all).toBeGreaterThan(50);
}, 30_000);
