import { ConfigError } from "../../modules/errors";
import { checkInstanceMemory, memoryBudget, requiredMemoryMiB } from "../../modules/spinnaker/memory";

// Seven JVM services at 1 GiB (no kayenta, no fiat), deck at 500 MiB (spinnaker-kustomize), 1 GiB for the OS.
const HA = 7 * 1024 + 500 + 1024;

test("every container gets its minimum; clouddriver weighs most in sharing the rest", () => {
  const budget = memoryBudget({ kayenta: false, fiat: false, localRedis: true });
  expect(budget.clouddriver).toEqual({ minimumMiB: 1024, weight: 8 });
  expect(budget.deck.minimumMiB).toBe(500);
  expect(budget.redis.minimumMiB).toBe(256);
  expect(Math.max(...Object.values(budget).map((s) => s.weight))).toBe(budget.clouddriver.weight);
  expect(memoryBudget({ kayenta: false, fiat: false, localRedis: false }).redis).toBeUndefined();
});

test("the required memory adds Redis on the instance, kayenta's JVM and fiat's", () => {
  expect(requiredMemoryMiB({ kayenta: false, fiat: false, localRedis: false })).toBe(HA);
  expect(requiredMemoryMiB({ kayenta: false, fiat: false, localRedis: true })).toBe(HA + 256);
  expect(requiredMemoryMiB({ kayenta: true, fiat: false, localRedis: true })).toBe(HA + 256 + 1024);
  expect(requiredMemoryMiB({ kayenta: true, fiat: true, localRedis: true })).toBe(HA + 256 + 2 * 1024);
  expect(memoryBudget({ kayenta: false, fiat: true, localRedis: false }).fiat).toEqual({ minimumMiB: 1024, weight: 2 });
});

test("a known type with too little memory is refused, naming the setting, both figures and a type that fits", () => {
  const check = () => checkInstanceMemory("m5.large", { kayenta: false, fiat: false, localRedis: true });
  expect(check).toThrow(ConfigError);
  expect(check).toThrow(
    `instance.type "m5.large" has 8192 MiB of memory, less than the ${HA + 256} MiB Spinnaker needs here`,
  );
  expect(check).toThrow("256 MiB for redis; 1024 MiB for the OS): choose a larger type, such as m5.xlarge (16384 MiB)");
});

test("types that fit, and types the table does not know (the plan-time check decides), pass", () => {
  expect(() => checkInstanceMemory("m5.xlarge", { kayenta: true, fiat: false, localRedis: true })).not.toThrow();
  expect(() => checkInstanceMemory("m4.2xlarge", { kayenta: true, fiat: false, localRedis: true })).not.toThrow();
  expect(() => checkInstanceMemory("m99.large", { kayenta: true, fiat: false, localRedis: true })).not.toThrow();
  expect(() => checkInstanceMemory("r7g.medium", { kayenta: true, fiat: false, localRedis: false })).toThrow(
    "choose a larger type, such as r7g.large",
  );
});
