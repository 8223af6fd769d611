import { Testing } from "cdktf";
import { ConfigError } from "../../modules/errors";
import {
  checkInstanceMemory,
  memoryBudget,
  requiredMemoryMiB,
  unknownInstanceTypeWarning,
} from "../../modules/spinnaker/memory";
import { StandaloneStack } from "../../modules/stacks/standalone-stack";
import { settingsFrom } from "../helpers";

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

describe("an instance type the table does not know", () => {
  test("gets a warning naming the setting and the nearest known types", () => {
    const warning = unknownInstanceTypeWarning("instance.type", "m7z.2xlarge");
    expect(warning).toContain('instance.type "m7z.2xlarge" is not an EC2 instance type this package knows');
    expect(warning).toMatch(/ \(did you mean m7a\.2xlarge, m7g\.2xlarge or m7i\.2xlarge\?\)\.$/);
    expect(unknownInstanceTypeWarning("instance.type", "m5.2xlarge")).toBeUndefined();
  });

  test("far from every known type: a warning without a guess", () => {
    expect(unknownInstanceTypeWarning("spinnaker.bake.instanceType", "quantum.enormous")).not.toContain("did you mean");
  });

  test("is a warning at synthesis, not a refusal: a family newer than the table still synthesizes", () => {
    const app = Testing.app();
    const stack = new StandaloneStack(app, "standalone", settingsFrom({ instance: { type: "m7z.2xlarge" } }));
    const warnings = stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringContaining('instance.type "m7z.2xlarge"')]);
    expect(Testing.synth(stack)).toContain('"default": "m7z.2xlarge"');
  });
});
