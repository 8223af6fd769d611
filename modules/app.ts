import type { App } from "cdktf";
import type { Settings } from "./config/schema";
import { HighAvailabilityStack } from "./stacks/high-availability-stack";
import { StandaloneStack } from "./stacks/standalone-stack";
import { StateStack } from "./stacks/state-stack";

/**
 * Adds every stack to the app: the state bucket (when configured), one stack per topology, and each
 * topology again as a child module for existing Terraform (`<topology>-module`: no provider, no backend).
 */
export function addStacks(app: App, settings: Settings) {
  return {
    state: settings.state.bucket === undefined ? undefined : new StateStack(app, "state", settings),
    standalone: new StandaloneStack(app, "standalone", settings),
    ha: new HighAvailabilityStack(app, "ha", settings),
    "standalone-module": new StandaloneStack(app, "standalone-module", settings, { module: true }),
    "ha-module": new HighAvailabilityStack(app, "ha-module", settings, { module: true }),
  };
}
