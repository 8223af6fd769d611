/**
 * The Terraform type of a module input, read off the configuration's zod schema: the schema
 * describes each setting once (its type, its default, its rule), and a module input that takes a
 * group of settings takes that group's type from it, snake_cased, rather than restating it in HCL.
 * A string, a choice or a literal is `string`, a number `number`, a switch `bool`, a list `list(T)`,
 * a map `map(T)`, and an object `object({...})` whose optional or defaulted attributes are
 * `optional(T)` or `optional(T, default)`.
 */
import type { z } from "zod";
import type { Checked, Validation } from "../config/rules";
import { snake } from "../config/rules";
import { InternalError } from "../errors";

/** A schema's own definition (zod 4's public `def`), as far as this file reads it. */
interface Definition {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly defaultValue?: unknown;
  readonly values?: readonly unknown[];
}

const definition = (schema: z.ZodType) => schema.def as unknown as Definition;

/** Wrappers that change whether a value may be left out, not what it is. */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "nonoptional", "catch"]);

/** The schema under its wrappers (optional, default, refinements' pipes). */
export function unwrapped(schema: z.ZodType): z.ZodType {
  const d = definition(schema);
  if (WRAPPERS.has(d.type) && d.innerType) return unwrapped(d.innerType);
  if (d.type === "pipe" && d.in) return unwrapped(d.in);
  return schema;
}

/** The object schema of the settings group at `path` (`["spinnaker", "bake"]`) of `root`. */
export function groupSchema(root: z.ZodType, path: readonly string[]): z.ZodType {
  return path.reduce((schema, key) => {
    const shape = definition(unwrapped(schema)).shape;
    const next = shape?.[key];
    if (next === undefined) throw new InternalError(`the configuration schema has no group ${path.join(".")}`);
    return next;
  }, root);
}

/** Options of `hclType` for an object: what the input leaves out, renames, and the configured values. */
export interface ObjectTypeOptions {
  /** Settings of the group the input does not take (camelCase), such as those other inputs take. */
  readonly omit?: readonly string[];
  /** Attributes named otherwise than their setting snake_cased: `{ idleTimeoutSeconds: "idle_timeout" }`. */
  readonly names?: Readonly<Record<string, string>>;
  /**
   * The configured values of the group (camelCase keys), the defaults of its attributes: an input's
   * defaults are the configuration's choices. An attribute without a value has the schema's own
   * default, or none: optional without a default is null when left out. A group that is always
   * present (a default or prefault object) takes the values of its own attributes the same way.
   */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** An attribute of an object input. */
export interface InputAttribute {
  /** The setting's name in the configuration's group (camelCase). */
  readonly setting: string;
  /** The attribute's name in the input (snake_case). */
  readonly name: string;
  /** `T`, `optional(T)` or `optional(T, default)`. */
  readonly type: string;
  /** Null when the caller leaves it out: optional without a default. */
  readonly nullable: boolean;
  /** An always-present group's own attributes. */
  readonly attributes?: readonly InputAttribute[];
}

/** The Terraform type expression of `schema`; for an object, `options` shape its attributes. */
export function hclType(schema: z.ZodType, options: ObjectTypeOptions = {}): string {
  const inner = unwrapped(schema);
  const d = definition(inner);
  switch (d.type) {
    case "string":
    case "enum":
    case "template_literal":
      return "string";
    case "literal":
      return typeof d.values?.[0] === "number" ? "number" : typeof d.values?.[0] === "boolean" ? "bool" : "string";
    case "number":
      return "number";
    case "boolean":
      return "bool";
    case "array":
      return `list(${hclType(d.element as z.ZodType)})`;
    case "record":
      return `map(${hclType(d.valueType as z.ZodType)})`;
    case "object":
      return objectType(inputAttributes(inner, options));
    default:
      throw new InternalError(`a module input cannot take the schema type ${d.type}`);
  }
}

/** The object type of `attributes`. */
export const objectType = (attributes: readonly InputAttribute[]) =>
  `object({ ${attributes.map((a) => `${a.name} = ${a.type}`).join(", ")} })`;

/** The attributes of the object input of the group `schema`, in the schema's order. */
export function inputAttributes(
  schema: z.ZodType,
  { omit = [], names = {}, values }: ObjectTypeOptions = {},
): InputAttribute[] {
  const shape = definition(unwrapped(schema)).shape;
  if (shape === undefined) throw new InternalError(`a ${definition(unwrapped(schema)).type} schema has no attributes`);
  return Object.entries(shape)
    .filter(([key]) => !omit.includes(key))
    .map(([key, attribute]) => ({
      setting: key,
      name: names[key] ?? snake(key),
      ...attributeType(attribute, values?.[key] === undefined ? { given: false } : { given: true, value: values[key] }),
    }));
}

type Configured = { readonly given: false } | { readonly given: true; readonly value: unknown };

/** An attribute's type: required, `optional(T)`, or `optional(T, default)`. */
function attributeType(
  schema: z.ZodType,
  configured: Configured,
): Pick<InputAttribute, "type" | "nullable" | "attributes"> {
  const kind = definition(schema).type;
  const present = kind === "default" || kind === "prefault";
  const optional = (defaultValue?: unknown) => ({
    type:
      defaultValue === undefined
        ? `optional(${hclType(schema)})`
        : `optional(${hclType(schema)}, ${hclValue(schema, defaultValue)})`,
    nullable: defaultValue === undefined,
  });
  if (configured.given) {
    const { value } = configured;
    // A group that is always there takes its attributes' values one by one, so that an input
    // which sets one attribute keeps the configured others.
    if (present && isRecord(value) && definition(unwrapped(schema)).type === "object") {
      const attributes = inputAttributes(schema, { values: value });
      return { type: `optional(${objectType(attributes)}, {})`, nullable: false, attributes };
    }
    return optional(value);
  }
  if (present) return optional(definition(schema).defaultValue);
  if (kind === "optional" || kind === "nullable") return optional();
  return { type: hclType(schema), nullable: false };
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A value of `schema` as an HCL literal (HCL's object syntax also takes JSON's): an object's
 * attributes snake_cased, a map's keys as they are, unset attributes left out.
 */
export function hclValue(schema: z.ZodType, value: unknown): string {
  return literal(snakeValue(schema, value) ?? null);
}

/** An HCL literal as `terraform fmt` would leave it: `["a", "b"]`, `{ key = "value" }`. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).map(
      ([k, v]) => `${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)} = ${literal(v)}`,
    );
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}

/** A configured value in the shape of the input's type: object attributes snake_cased. */
export function snakeValue(schema: z.ZodType, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const d = definition(unwrapped(schema));
  if (d.type === "object" && isRecord(value)) {
    const shape = d.shape ?? {};
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => shape[key] !== undefined && v !== undefined && v !== null)
        .map(([key, v]) => [snake(key), snakeValue(shape[key], v)]),
    );
  }
  if (d.type === "array" && Array.isArray(value)) return value.map((v) => snakeValue(d.element as z.ZodType, v));
  if (d.type === "record" && isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snakeValue(d.valueType as z.ZodType, v)]));
  }
  return value;
}

/**
 * The settings of a list entry's object (`spinnaker.accounts.aws`'s) that may be null in the input,
 * dotted for a nested object's (`permissions.read`, when `permissions` may be null).
 */
export function nullableSettings(list: z.ZodType): string[] {
  const element = definition(unwrapped(list)).element;
  if (element === undefined) throw new InternalError("nullableSettings reads a list of objects");
  const shape = definition(unwrapped(element)).shape ?? {};
  return inputAttributes(element)
    .filter((a) => a.nullable)
    .flatMap((a) => {
      const inner = definition(unwrapped(shape[a.setting])).shape ?? {};
      return [a.setting, ...Object.keys(inner).map((key) => `${a.setting}.${key}`)];
    });
}

/** A group's rules by setting (camelCase); an always-present group nested in it has its own. */
export interface GroupRules {
  readonly [setting: string]: Pick<Checked<z.ZodType>, "validations"> | GroupRules;
}

/**
 * The validations of an object input's attributes, each from its setting's rule: `setting` and
 * `ref` name the input (`load_balancer`, `var.load_balancer`). An attribute that may be null (an
 * optional one without a default) passes when null. Every attribute but a switch has a rule, or
 * is one of `elsewhere`, validated by the caller (an attribute of an optional object, read
 * through try()): an attribute added to the schema without one is an error here, not a value
 * Terraform lets through.
 */
export function attributeValidations(
  attributes: readonly InputAttribute[],
  groupRules: GroupRules,
  setting: string,
  ref: string,
  elsewhere: readonly string[] = [],
): Validation[] {
  return attributes.flatMap((a) => {
    const rule = groupRules[a.setting];
    const name = `${setting}.${a.name}`;
    const at = `${ref}.${a.name}`;
    if (rule === undefined) {
      if (a.type.startsWith("optional(bool") || a.type === "bool" || elsewhere.includes(a.setting)) return [];
      throw new InternalError(`the module input ${name} has no rule: add ${a.setting} to its group's rules`);
    }
    if ("validations" in rule && typeof rule.validations === "function") {
      return (rule as Pick<Checked<z.ZodType>, "validations">).validations(name, at, a.nullable);
    }
    if (a.attributes === undefined) throw new InternalError(`the module input ${name} is not a group of settings`);
    return attributeValidations(a.attributes, rule as GroupRules, name, at);
  });
}
