/**
 * The errors this package raises for bad input. Each names the setting, the rule and the value, so
 * the entry point can print it and exit without a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    summary: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length === 0 ? summary : `${summary}\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** A construct prop that cannot work; `setting` is the prop or configuration key. */
export function invalidProp(construct: string, setting: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(`${construct}: ${setting} ${rule}, got ${JSON.stringify(value)}`);
}

/**
 * A broken invariant of this package, not of the configuration: no setting can fix it, so the
 * message asks for a report instead of naming one.
 */
export class InternalError extends Error {
  override readonly name = "InternalError";

  constructor(what: string) {
    super(
      `${what}. This is a bug in cdktf-spinnaker-aws, not in your configuration: please report it with the configuration file and the command that failed.`,
    );
  }
}
