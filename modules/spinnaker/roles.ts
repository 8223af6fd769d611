/**
 * What makes a polling instance different from a non-polling one. Only one instance may run igor's
 * build polling and echo's scheduler, or every trigger fires once per instance; the same instance
 * runs clouddriver's caching agents. Sources: igor `spinnaker.build.pollingEnabled`, echo
 * `scheduler.enabled`, clouddriver `caching.write-enabled`; written as environment variables in
 * Spring's relaxed form so that they win over any profile.
 */
import type { SpinnakerService } from "../config/schema";

export const ROLES = ["polling", "nonpolling"] as const;
export type Role = (typeof ROLES)[number];

export function roleEnvironment(role: Role): Partial<Record<SpinnakerService, Record<string, string>>> {
  const polling = role === "polling";
  return {
    igor: { SPINNAKER_BUILD_POLLINGENABLED: String(polling) },
    echo: { SCHEDULER_ENABLED: String(polling) },
    clouddriver: {
      CACHING_WRITEENABLED: String(polling),
      // The 2017 installer's name for a node without caching agents; operators add settings to
      // clouddriver-nonpolling.yml in the config bucket. This variable replaces kork's default
      // include ("composite", which lets services start without a Spring Cloud Config server), so
      // it is kept.
      ...(polling ? {} : { SPRING_PROFILES_INCLUDE: "composite,nonpolling" }),
    },
  };
}
