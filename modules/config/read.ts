import { readFileSync } from "node:fs";
import { ConfigError } from "../errors";
import { type Configuration, type Environment, loadConfiguration } from "./load";
import type { Settings } from "./schema";

export const DEFAULT_CONFIG_FILE = "spinnaker.config.yaml";

/**
 * Reads the configuration file named by SPINNAKER_CONFIG (default `spinnaker.config.yaml`) and the
 * SPINNAKER_* overrides. For entry points only: constructs receive the result, never the environment.
 */
export function readConfiguration(env: Environment): Configuration {
  const file = env.SPINNAKER_CONFIG ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`SPINNAKER_CONFIG: cannot read the configuration file "${file}": ${(e as Error).message}`);
  }
  return loadConfiguration(text, file, env);
}

/** The top-level settings of the configuration `readConfiguration` reads. */
export function readSettings(env: Environment): Settings {
  return readConfiguration(env).settings;
}
