/**
 * The instance memory table is generated from moto's copy of EC2's instance types (the emulator the
 * deploy tier runs): it must be what the generator prints today.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectSuccess, run } from "./harness";

const ROOT = join(__dirname, "..", "..");

test("modules/config/instance-memory.ts is what scripts/instance-memory.py prints (else: regenerate it)", () => {
  const generated = run("python3", [join(ROOT, "scripts", "instance-memory.py")], { cwd: ROOT });
  expectSuccess(generated, "scripts/instance-memory.py");
  expect(readFileSync(join(ROOT, "modules", "config", "instance-memory.ts"), "utf8")).toBe(generated.stdout);
});
