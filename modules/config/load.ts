/**
 * Turns the configuration file and the environment into validated `Settings`. Only the entry point
 * calls this; constructs receive `Settings` and never read a file or the environment themselves.
 */
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors";
import { ConfigSchema, resolve, type Settings } from "./schema";

/** Environment variables for the values that differ per account; each overrides one setting. */
export const ENVIRONMENT_OVERRIDES = {
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

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * @param text the configuration file's contents (YAML or JSON)
 * @param source the file name, for messages
 * @param env the process environment (only the SPINNAKER_* names above are read)
 */
export function loadSettings(text: string, source: string, env: Environment = {}): Settings {
  let document: unknown;
  try {
    document = text.trim() === "" ? {} : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${source} is not valid YAML: ${(e as Error).message}`);
  }
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new ConfigError(`${source} must hold a mapping of settings, got ${JSON.stringify(document)}`);
  }

  const fromEnv = new Map<string, string>();
  const merged = structuredClone(document) as Record<string, unknown>;
  for (const [name, { path, list }] of Object.entries(ENVIRONMENT_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const value = list
      ? raw
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== "")
      : raw.trim();
    setPath(merged, path, value);
    fromEnv.set(path.join("."), name);
  }

  const result = ConfigSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      `${source} has ${plural(result.error.issues.length, "invalid setting")}:`,
      result.error.issues.map((issue) => describeIssue(issue, fromEnv)),
    );
  }
  return resolve(result.data);
}

function describeIssue(issue: z.core.$ZodIssue, fromEnv: Map<string, string>): string {
  const path = issue.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .slice(1);
  const key = issue.path.filter((p) => typeof p === "string").join(".");
  const envName = [...fromEnv.entries()].find(([k]) => key === k || key.startsWith(`${k}.`))?.[1];
  const where = `${path || "(top level)"}${envName ? ` (from ${envName})` : ""}`;
  let message = issue.message;
  if (issue.code === "invalid_key" && issue.issues[0]) {
    // A record's key failed its own rule (a tag key): report that rule, not "Invalid key".
    message = issue.issues[0].message;
  }
  if (issue.code === "unrecognized_keys") {
    message = `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  // A rule joining two settings reports the object that holds them; the message names both instead.
  const input = "input" in issue ? issue.input : undefined;
  const shown = input !== undefined && issue.code !== "unrecognized_keys" && !isMapping(input);
  const got = shown ? `, got ${JSON.stringify(input)}` : "";
  return `${where}: ${message}${got}`;
}

function isMapping(value: unknown): boolean {
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
