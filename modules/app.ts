import type { App, TerraformStack } from "cdktf";
import type { Configuration } from "./config/load";
import type { Settings } from "./config/schema";
import { HighAvailabilityStack } from "./stacks/high-availability-stack";
import { StandaloneStack } from "./stacks/standalone-stack";
import { StateStack } from "./stacks/state-stack";

/**
 * Adds every stack to the app: the state bucket (when configured); one stack per topology, or one
 * per topology and environment (`standalone-<environment>`, `ha-<environment>`) when the
 * configuration has `environments`; and each topology again as a child module for existing
 * Terraform (`<topology>-module`: no provider, no backend), from the top-level settings.
 *
 * @param configuration the top-level settings, or a whole configuration with its environments
 */
export function addStacks(app: App, configuration: Settings | Configuration): Record<string, TerraformStack> {
  const { settings, environments } =
    "environments" in configuration ? configuration : { settings: configuration, environments: [] };
  const perEnvironment: Record<string, TerraformStack> =
    environments.length === 0
      ? {
          standalone: new StandaloneStack(app, "standalone", settings),
          ha: new HighAvailabilityStack(app, "ha", settings),
        }
      : Object.fromEntries(
          environments.flatMap((e) => [
            [`standalone-${e.environment}`, new StandaloneStack(app, `standalone-${e.environment}`, e)],
            [`ha-${e.environment}`, new HighAvailabilityStack(app, `ha-${e.environment}`, e)],
          ]),
        );
  return {
    ...(settings.state.bucket === undefined ? {} : { state: new StateStack(app, "state", settings) }),
    ...perEnvironment,
    "standalone-module": new StandaloneStack(app, "standalone-module", settings, { module: true }),
    "ha-module": new HighAvailabilityStack(app, "ha-module", settings, { module: true }),
  };
}
