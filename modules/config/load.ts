/**
 * Turns the configuration file and the environment into validated `Settings`. Only the entry point
 * calls this; constructs receive `Settings` and never read a file or the environment themselves.
 */
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors";
import { didYouMean, nearestWords } from "../spelling";
import { ConfigSchema, resolve, type Settings } from "./schema";

/** Environment variables for the values that differ per account; each overrides one setting. */
export const ENVIRONMENT_OVERRIDES = {
  SPINNAKER_NAME: { path: ["name"], list: false },
  SPINNAKER_ENVIRONMENT: { path: ["environment"], list: false },
  SPINNAKER_REGION: { path: ["region"], list: false },
  SPINNAKER_VPC_ID: { path: ["network", "vpcId"], list: false },
  SPINNAKER_INSTANCE_SUBNET_IDS: { path: ["network", "instanceSubnetIds"], list: true },
  SPINNAKER_LOAD_BALANCER_SUBNET_IDS: { path: ["network", "loadBalancerSubnetIds"], list: true },
  SPINNAKER_USER_CIDRS: { path: ["network", "userCidrs"], list: true },
  SPINNAKER_SSH_CIDRS: { path: ["network", "sshCidrs"], list: true },
  SPINNAKER_KEY_NAME: { path: ["instance", "keyName"], list: false },
  SPINNAKER_CERTIFICATE_ARN: { path: ["loadBalancer", "certificateArn"], list: false },
  SPINNAKER_STATE_BUCKET: { path: ["state", "bucket"], list: false },
  SPINNAKER_STATE_BACKEND: { path: ["state", "backend"], list: false },
} as const satisfies Record<string, { path: readonly string[]; list: boolean }>;

/** SPINNAKER_* variables the entry point reads itself; every other SPINNAKER_* name is a typo. */
export const ENTRY_POINT_VARIABLES = ["SPINNAKER_CONFIG"] as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration file: its top-level settings, and one set per entry of `environments`. */
export interface Configuration {
  /**
   * The top-level settings: the `standalone` and `ha` stacks' when there is no `environments` map,
   * and always the `state` stack's and the modules'.
   */
  readonly settings: Settings;
  /**
   * One per entry of `environments`, in the file's order: the top level deep-merged with the entry
   * and validated as a whole. Empty without an `environments` map.
   */
  readonly environments: readonly Settings[];
}

/**
 * The top-level settings of a configuration (see `loadConfiguration`).
 *
 * @param text the configuration file's contents (YAML or JSON)
 * @param source the file name, for messages
 * @param env the process environment (only the SPINNAKER_* names above are read; any other
 *   SPINNAKER_* name is refused)
 */
export function loadSettings(text: string, source: string, env: Environment = {}): Settings {
  return loadConfiguration(text, source, env).settings;
}

/**
 * Parses and validates a configuration with its `environments`. Each environment is the top level
 * with the entry's settings merged over it (mappings merge key by key; lists and values replace),
 * then the SPINNAKER_* overrides, which win over both.
 */
export function loadConfiguration(text: string, source: string, env: Environment = {}): Configuration {
  let document: unknown;
  try {
    document = text.trim() === "" ? {} : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${source} is not valid YAML: ${(e as Error).message}`);
  }
  return loadConfigurationObject(document, source, env);
}

/**
 * `loadConfiguration` for a configuration already in memory (such as a `Config` literal in a cdktf
 * app), with the same validation, defaults and messages.
 *
 * @param source what to call the configuration in messages
 */
export function loadConfigurationObject(
  document: unknown,
  source = "the configuration",
  env: Environment = {},
): Configuration {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new ConfigError(`${source} must hold a mapping of settings, got ${JSON.stringify(document)}`);
  }
  const overrides = environmentOverrides(env);
  const { environments: entries, ...topLevel } = document as Record<string, unknown>;
  const problems: string[] = [];

  const settings = validate(withOverrides(topLevel, overrides), overrides, "", problems);
  const environments: Settings[] = [];
  // The top level is every environment's base: its own errors are reported once, at the top level.
  if (settings !== undefined && entries !== undefined && entries !== null) {
    if (!isMapping(entries)) {
      problems.push(
        `environments: expected a mapping of environment names to their settings, got ${JSON.stringify(entries)}`,
      );
    } else if (overrides.has("environment")) {
      problems.push(
        "environments: SPINNAKER_ENVIRONMENT cannot pick one of them: each entry has its own stacks (cdktf deploy standalone-<environment>)",
      );
    } else {
      for (const [name, entry] of Object.entries(entries)) {
        const own = entry ?? {};
        if (!isMapping(own)) {
          problems.push(`environments.${name}: expected a mapping of settings, got ${JSON.stringify(entry)}`);
          continue;
        }
        if ("environment" in own || "environments" in own) {
          const key = "environment" in own ? "environment" : "environments";
          problems.push(
            `environments.${name}.${key}: not allowed here: the entry's key, ${name}, names the environment`,
          );
          continue;
        }
        const merged = deepMerge(topLevel, { ...own, environment: name });
        const one = validate(withOverrides(merged, overrides), overrides, `environments.${name}`, problems);
        if (one) environments.push(one);
      }
    }
  }
  if (problems.length > 0 || settings === undefined) {
    throw new ConfigError(`${source} has ${plural(problems.length, "invalid setting")}:`, problems);
  }
  return { settings, environments };
}

/** Setting path (dotted) -> the value from the environment, and the variable it came from. */
type Overrides = ReadonlyMap<string, { path: readonly string[]; value: unknown; variable: string }>;

/** The SPINNAKER_* overrides; an unknown SPINNAKER_* name is refused with the list of known ones. */
function environmentOverrides(env: Environment): Overrides {
  const known: readonly string[] = [...ENTRY_POINT_VARIABLES, ...Object.keys(ENVIRONMENT_OVERRIDES)];
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith("SPINNAKER_") && !known.includes(name))
    .sort();
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown environment variable${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: a misspelt override would deploy the wrong thing. The known ones are ${[...known].sort().join(", ")}`,
    );
  }
  const values = new Map<string, { path: readonly string[]; value: unknown; variable: string }>();
  for (const [name, { path, list }] of Object.entries(ENVIRONMENT_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const value = list
      ? raw
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== "")
      : raw.trim();
    values.set(path.join("."), { path, value, variable: name });
  }
  return values;
}

function withOverrides(document: Record<string, unknown>, overrides: Overrides): Record<string, unknown> {
  const result = structuredClone(document);
  for (const { path, value } of overrides.values()) setPath(result, path, value);
  return result;
}

/** Validates one document; problems are appended with their setting under `prefix`. */
function validate(document: unknown, overrides: Overrides, prefix: string, problems: string[]): Settings | undefined {
  // jitless: zod would otherwise compile a parser for each object schema on its first parse, which
  // costs more than it saves for the one document (or one per environment) a synthesis validates
  // (half of validating, `npm run bench`); the rules and messages are the same.
  const result = ConfigSchema.safeParse(withoutNulls(document), {
    reportInput: true,
    error: inOurWords,
    jitless: true,
  });
  if (result.success) return resolve(result.data);
  const fromEnv = new Map([...overrides].map(([key, o]) => [key, o.variable]));
  problems.push(...result.error.issues.map((issue) => describeIssue(issue, fromEnv, prefix)));
  return undefined;
}

/**
 * A setting left empty (`keyName:`, or a section whose keys are all commented out) is not set: it
 * takes its default, as the README says of every setting. Only keys the schema declares are
 * dropped: a misspelt key, or an entry of a mapping such as `tags` or `images`, still meets its rule.
 */
function withoutNulls(value: unknown, schema: z.core.$ZodType = ConfigSchema): unknown {
  const shape = objectShape(schema);
  if (!isMapping(value) || shape === undefined) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(v === null && k in shape))
      .map(([k, v]) => [k, k in shape ? withoutNulls(v, shape[k]) : v]),
  );
}

/** The declared keys of an object schema, through default, prefault and optional wrappers. */
function objectShape(schema: z.core.$ZodType): Record<string, z.core.$ZodType> | undefined {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; innerType?: z.core.$ZodType };
  if (def.type === "object") return def.shape;
  return def.innerType ? objectShape(def.innerType) : undefined;
}

/** The keys a mapping may have: an object's settings, or the choices of a record's key (`spinnaker.images`). */
function knownKeys(schema: z.core.$ZodType): string[] {
  const shape = objectShape(schema);
  if (shape) return Object.keys(shape);
  const def = schema._zod.def as { type: string; keyType?: z.core.$ZodType; innerType?: z.core.$ZodType };
  if (def.type === "record" && def.keyType) {
    const key = def.keyType._zod.def as { type: string; entries?: Record<string, string> };
    return key.type === "enum" ? Object.values(key.entries ?? {}) : [];
  }
  return def.innerType ? knownKeys(def.innerType) : [];
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  object: "a mapping of settings",
  record: "a mapping",
  array: "a list",
};

/**
 * Messages for the rules that carry no message of their own (types, lengths, choices), in the
 * project's words rather than zod's; `describeIssue` appends the value received.
 */
function inOurWords(issue: z.core.$ZodRawIssue): string | undefined {
  const units: Record<string, [string, string]> = { string: ["character", "characters"], array: ["entry", "entries"] };
  const bound = (limit: unknown, origin: unknown) => {
    const unit = units[String(origin)];
    return unit ? `${limit} ${Number(limit) === 1 ? unit[0] : unit[1]}` : String(limit);
  };
  switch (issue.code) {
    case "invalid_type":
      // Absent where the rule needs it (an account without a name): "required", not a type.
      return issue.input === undefined
        ? `required: ${TYPE_NAMES[issue.expected] ?? issue.expected}`
        : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "string" && Number(issue.minimum) === 1
        ? "expected a non-empty string"
        : `expected at least ${bound(issue.minimum, issue.origin)}`;
    case "too_big":
      return `expected at most ${bound(issue.maximum, issue.origin)}`;
    default:
      return undefined;
  }
}

/**
 * `override` over `base`: mappings merge key by key, anything else (lists included) replaces. A
 * null in the override (a YAML section whose keys are all commented out) changes nothing.
 */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null || value === undefined) continue;
    const current = result[key];
    result[key] = isMapping(value) && isMapping(current) ? deepMerge(current, value) : value;
  }
  return result;
}

function describeIssue(issue: z.core.$ZodIssue, fromEnv: Map<string, string>, prefix = ""): string {
  const local = issue.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .slice(1);
  // An environment's name is the key of its entry: report the entry, not a setting it cannot have.
  const path = prefix !== "" && local === "environment" ? prefix : [prefix, local].filter((p) => p !== "").join(".");
  const key = issue.path.filter((p) => typeof p === "string").join(".");
  const envName = [...fromEnv.entries()].find(([k]) => key === k || key.startsWith(`${k}.`))?.[1];
  const where = `${path || "(top level)"}${envName ? ` (from ${envName})` : ""}`;
  let message = issue.message;
  if (issue.code === "invalid_key" && issue.issues[0]) {
    // A record's key failed its own rule (a tag key): report that rule, not "Invalid key".
    message = issue.issues[0].message;
  }
  if (issue.code === "unrecognized_keys") {
    // The keys the schema declares at that level, for the nearest to each unknown one.
    const known = knownKeys(schemaAt(ConfigSchema, issue.path));
    message = `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys
      .map((k) => `"${k}"${didYouMean(nearestWords(k, known), quoted)}`)
      .join(", ")}`;
  }
  // A rule joining two settings reports the object that holds them; the message names both instead.
  const input = "input" in issue ? issue.input : undefined;
  const shown = input !== undefined && issue.code !== "unrecognized_keys" && !isMapping(input);
  const got = shown ? `, got ${JSON.stringify(input)}` : "";
  // A misspelt choice: the nearest of the choices.
  const guess =
    issue.code === "invalid_value" && typeof input === "string"
      ? didYouMean(
          nearestWords(
            input,
            issue.values.map((v) => String(v)),
          ),
          quoted,
        )
      : "";
  return `${where}: ${message}${got}${guess}`;
}

const quoted = (word: string) => `"${word}"`;

/** The schema of the setting at `path`, through the wrappers, lists and mappings on the way. */
function schemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType {
  let current = schema;
  for (const key of path) {
    const next = childSchema(current, key);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

function childSchema(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType | undefined {
  const def = schema._zod.def as {
    type: string;
    shape?: Record<string, z.core.$ZodType>;
    element?: z.core.$ZodType;
    valueType?: z.core.$ZodType;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
  };
  if (def.type === "object") return def.shape?.[String(key)];
  if (def.type === "array") return def.element;
  if (def.type === "record") return def.valueType;
  const inner = def.innerType ?? def.in;
  return inner ? childSchema(inner, key) : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
