/**
 * A module input's type comes from the configuration's schema (input-types.ts): each kind of
 * setting maps to its Terraform type, defaults follow the configuration, and an attribute without
 * a rule is refused rather than passed unchecked.
 */
import { z } from "zod";
import { ConfigSchema } from "../../modules/config/schema";
import { LOAD_BALANCER, REDIS } from "../../modules/config/setting-rules";
import { InternalError } from "../../modules/errors";
import {
  attributeValidations,
  groupSchema,
  hclType,
  hclValue,
  inputAttributes,
  nullableSettings,
} from "../../modules/stacks/input-types";

const group = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(["a", "b"]),
  size: z.number().default(3),
  on: z.boolean().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  ports: z.array(z.number()).default([80, 443]),
  nested: z.strictObject({ keyName: z.string().default("k"), count: z.number().optional() }).prefault({}),
  logs: z.strictObject({ bucket: z.string(), prefix: z.string().default("") }).optional(),
});

describe("hclType", () => {
  test("each kind of setting has its Terraform type; required, optional and defaulted attributes", () => {
    expect(hclType(group)).toBe(
      "object({ name = string, kind = string, size = optional(number, 3), on = optional(bool), " +
        "tags = optional(map(string), {}), ports = optional(list(number), [80, 443]), " +
        'nested = optional(object({ key_name = optional(string, "k"), count = optional(number) }), {}), ' +
        'logs = optional(object({ bucket = string, prefix = optional(string, "") })) })',
    );
  });

  test("configured values are the defaults; an always-present group takes them attribute by attribute", () => {
    const type = hclType(group, {
      omit: ["name", "kind"],
      names: { size: "capacity" },
      values: { size: 5, tags: { CostCenter: "42" }, nested: { keyName: "mine" }, logs: { bucket: "b", prefix: "" } },
    });
    expect(type).toBe(
      "object({ capacity = optional(number, 5), on = optional(bool), " +
        'tags = optional(map(string), { CostCenter = "42" }), ports = optional(list(number), [80, 443]), ' +
        'nested = optional(object({ key_name = optional(string, "mine"), count = optional(number) }), {}), ' +
        'logs = optional(object({ bucket = string, prefix = optional(string, "") }), { bucket = "b", prefix = "" }) })',
    );
  });

  test("an optional attribute without a value or default is null when left out: its rule lets null pass", () => {
    const attributes = inputAttributes(group, { values: { size: 5 } });
    expect(attributes.filter((a) => a.nullable).map((a) => a.name)).toEqual(["on", "logs"]);
    expect(nullableSettings(z.array(group))).toEqual(["on", "logs", "logs.bucket", "logs.prefix"]);
  });

  test("a schema type Terraform has no type for is an internal error naming it", () => {
    expect(() => hclType(z.strictObject({ when: z.date() }))).toThrow(
      new InternalError("a module input cannot take the schema type date"),
    );
  });

  test("a map's keys stay as written, an object's attributes are snake_cased", () => {
    expect(hclValue(group, { keyName: "x", tags: { "team:Name": "a b" }, nested: { keyName: "y" } })).toBe(
      '{ tags = { "team:Name" = "a b" }, nested = { key_name = "y" } }',
    );
  });

  test("groups are read from the configuration's schema", () => {
    expect(hclType(groupSchema(ConfigSchema, ["spinnaker", "ci"]))).toBe(
      "object({ jenkins = optional(list(object({ name = string, address = string, username = optional(string), " +
        "password_secret_arn = optional(string), csrf = optional(bool, true) })), []) })",
    );
    expect(() => groupSchema(ConfigSchema, ["spinnaker", "jenkins"])).toThrow(/no group spinnaker.jenkins/);
  });
});

describe("attributeValidations", () => {
  const redis = groupSchema(ConfigSchema, ["ha", "redis"]);

  test("each attribute is checked by its setting's rule, null passing where the attribute may be null", () => {
    const validations = attributeValidations(
      inputAttributes(redis, { values: { existingPort: 6380 } }),
      REDIS,
      "redis",
      "var.redis",
    );
    const rule = (setting: string) => validations.find((v) => v.errorMessage.startsWith(`${setting}:`))?.condition;
    expect(rule("redis.existing_url_secret_arn")).toContain("var.redis.existing_url_secret_arn == null ||");
    expect(rule("redis.existing_port")).toMatch(/var\.redis\.existing_port >= 1 /);
    expect(rule("redis.existing_port")).not.toContain("== null");
  });

  test("an attribute without a rule is an internal error, not an unchecked input", () => {
    const { existingPort: _, ...withoutPort } = REDIS;
    expect(() => attributeValidations(inputAttributes(redis), withoutPort, "redis", "var.redis")).toThrow(
      new InternalError("the module input redis.existing_port has no rule: add existingPort to its group's rules"),
    );
    // A switch has none to have; an attribute validated elsewhere is named.
    const lb = inputAttributes(groupSchema(ConfigSchema, ["loadBalancer"]), { omit: ["deletionProtection"] });
    expect(() => attributeValidations(lb, LOAD_BALANCER, "load_balancer", "var.load_balancer")).toThrow(
      /load_balancer.access_logs has no rule/,
    );
    expect(
      attributeValidations(lb, LOAD_BALANCER, "load_balancer", "var.load_balancer", ["accessLogs"]).length,
    ).toBeGreaterThan(5);
  });
});
