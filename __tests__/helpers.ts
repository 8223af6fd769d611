import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type App, type TerraformStack, Testing } from "cdktf";
import { addStacks } from "../modules/app";
import { type Config, ConfigSchema, resolve, type Settings } from "../modules/config/schema";
import { TEMPLATES_DIR, TemplateFiles } from "../modules/constructs/template-file";
import type { ProfileOptions } from "../modules/spinnaker/profiles";
import { HighAvailabilityStack } from "../modules/stacks/high-availability-stack";
import { StandaloneStack } from "../modules/stacks/standalone-stack";

/** Settings as the entry point would produce them from this configuration. */
export function settingsFrom(config: Config = {}): Settings {
  return resolve(ConfigSchema.parse({ state: { bucket: "example-terraform-state" }, ...config }));
}

export interface Synthesized {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  variable?: Record<string, Record<string, unknown>>;
  output?: Record<string, Record<string, unknown>>;
  terraform?: Record<string, unknown>;
  provider?: Record<string, unknown[]>;
}

/** The files each synthesized JSON's stack writes to its templates/ folder (`templateOf`). */
const templateFiles = new WeakMap<object, ReadonlyMap<string, string>>();

/** A stack's JSON, remembering the texts of its template files. */
function synthesized(stack: TerraformStack): Synthesized {
  const json = JSON.parse(Testing.synth(stack)) as Synthesized;
  templateFiles.set(json, new Map(TemplateFiles.of(stack).contents));
  return json;
}

/**
 * The text of a file the stack writes to its templates/ folder, by the expression that reads it
 * (`${file("${path.module}/templates/<name>")}`, or `filebase64`) or by its name.
 */
export function templateOf(json: Synthesized, reference: unknown): string {
  const name = /templates\/([^"]+)"\)\}$/.exec(String(reference))?.[1] ?? String(reference);
  const text = templateFiles.get(json)?.get(name);
  if (text === undefined) throw new Error(`the stack writes no templates/${name} (from ${String(reference)})`);
  return text;
}

/** The texts of every file the stack writes to its templates/ folder. */
export function templatesOf(json: Synthesized): string[] {
  return [...(templateFiles.get(json)?.values() ?? [])];
}

/** Remembers the template files of a configuration read from a synthesized stack's folder. */
export function rememberTemplates(json: object, files: ReadonlyMap<string, string>): void {
  templateFiles.set(json, files);
}

/**
 * Writes the configuration's template files to `dir/templates/`, where its `file()` calls read them:
 * a copy of a synthesized configuration takes its folder along.
 */
export function writeTemplates(json: object, dir: string): void {
  const files = templateFiles.get(json);
  if (files === undefined) throw new Error("no template files are known for this configuration");
  mkdirSync(join(dir, TEMPLATES_DIR), { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, TEMPLATES_DIR, name), text);
}

/** Whether template files are known for this configuration. */
export function hasTemplates(json: object): boolean {
  return templateFiles.has(json);
}

/** The synthesized JSON of one stack of the app. */
export function synthStack(settings: Settings, stack = "standalone"): Synthesized {
  const app = Testing.app();
  const stacks = addStacks(app as App, settings);
  const chosen = stacks[stack];
  if (!chosen) throw new Error(`no ${stack} stack was added`);
  return synthesized(chosen);
}

/** All resources of one Terraform type, by name. */
export function resourcesOf(json: Synthesized, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: Synthesized, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** One topology's stack alone (faster than `synthStack`, which adds every stack of the app). */
export function synthTopology(settings: Settings, topology: "standalone" | "ha"): Synthesized {
  const app = Testing.app();
  const stack =
    topology === "standalone"
      ? new StandaloneStack(app, topology, settings)
      : new HighAvailabilityStack(app, topology, settings);
  return synthesized(stack);
}

/** The client secret of `SIGN_IN`. */
export const CLIENT_SECRET_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:spinnaker-oidc-AbCdEf";

/** Sign-in through gate, with the HTTPS it needs (settings of `settingsFrom`). */
export const SIGN_IN = {
  loadBalancer: {
    certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    hostname: "spinnaker.example.com",
  },
  spinnaker: {
    auth: {
      issuerUrl: "https://login.example.com/realms/spinnaker",
      clientId: "spinnaker",
      clientSecretArn: CLIENT_SECRET_ARN,
      adminRoles: ["spinnaker-admins"],
    },
  },
} satisfies Config;

/** What `renderProfiles` takes for a stand-alone instance without options: tests override parts. */
export const PROFILE_OPTIONS: ProfileOptions = {
  region: "us-west-2",
  partition: "aws",
  configBucket: "spin-config",
  front50Prefix: "front50",
  serviceHost: "localhost",
  deckUrl: "http://spin.example.com",
  gateUrl: "http://spin.example.com:8084",
  redisUrl: "redis://localhost:6379",
  managedRedis: false,
  kayenta: false,
  awsAccounts: [],
  // Terraform renders these from their templates; profile-templates.test.ts (tools tier) reads them.
  clouddriverProfile: "# clouddriver-local.yml, rendered by Terraform\n",
  igorProfile: "# igor-local.yml, rendered by Terraform\n",
};

/** The seed of the generated-case tests unless FUZZ_SEED says otherwise: every run the same cases. */
export const DEFAULT_FUZZ_SEED = 20261202;

/**
 * The seed of a generated-case test: fixed by default, so CI gives the same result every run;
 * `FUZZ_SEED=<n>` repeats a run, `FUZZ_SEED=random` draws a new one (the tests print it).
 */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.FUZZ_SEED;
  if (asked === undefined || asked === "") return DEFAULT_FUZZ_SEED;
  if (asked === "random") return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(asked);
  if (!Number.isInteger(seed))
    throw new Error(`FUZZ_SEED must be a whole number or "random", got ${JSON.stringify(asked)}`);
  return seed;
}
