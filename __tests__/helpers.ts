import { type App, Testing } from "cdktf";
import { addStacks } from "../modules/app";
import { type Config, ConfigSchema, resolve, type Settings } from "../modules/config/schema";
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

/** The synthesized JSON of one stack of the app. */
export function synthStack(settings: Settings, stack = "standalone"): Synthesized {
  const app = Testing.app();
  const stacks = addStacks(app as App, settings);
  const chosen = stacks[stack];
  if (!chosen) throw new Error(`no ${stack} stack was added`);
  return JSON.parse(Testing.synth(chosen)) as Synthesized;
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
  return JSON.parse(Testing.synth(stack)) as Synthesized;
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
  kubernetesAccounts: [],
};
