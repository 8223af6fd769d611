/**
 * The user data of every Spinnaker instance: one cloud-init document, `templates/cloud-init.yaml`,
 * written as a file a reviewer reads and the same text for every topology, role, operating system
 * and option. It installs Docker Engine and Compose v2 for the OS it finds, then a systemd unit that
 * pulls the configuration from the config bucket and starts the role's compose project at every
 * boot. Everything that varies reaches the instance as an instance tag (`INSTANCE_TAGS`) or a file
 * of the configuration (`BOOT_FILES`), never as a change of the user data.
 */
import type { ComposeOverlay } from "./compose";
import type { Role } from "./roles";
import { templateText } from "./template-texts";

export const SPINNAKER_HOME = "/opt/spinnaker";

/** The user data's file name in a stack's or module's `templates/` folder. */
export const USER_DATA_FILE = "cloud-init.yaml";

/**
 * Instance tags the boot scripts read through the metadata service: values Terraform only knows at
 * apply time (a generated bucket name) and the instance's role, kept out of the user data so that
 * one text serves every instance. The region is read there too (`placement/region`).
 */
export const INSTANCE_TAGS = {
  configBucket: "SpinnakerConfigBucket",
  configVersion: "SpinnakerConfigVersion",
  /** `polling` or `nonpolling`: which compose project of the configuration the instance runs. */
  role: "SpinnakerRole",
  /** The aws-cli image that syncs the configuration: needed before the configuration is on disk. */
  awsCliImage: "SpinnakerAwsCliImage",
} as const;

/** Files of the configuration (config/ in the bucket) that the boot scripts read. */
export const BOOT_FILES = {
  /** The compose project of a role. */
  compose: (role: Role) => `compose-${role}.yaml`,
  /** An option's overlay of a role's project, passed after it (sync-config installs `compose-<role>.*.yaml`). */
  composeOverlay: (role: Role, overlay: ComposeOverlay) => `compose-${role}.${overlay}.yaml`,
  /** Each container's memory minimum, weight and compose profile (compose-env). */
  memoryBudget: "memory-budget",
  /** The images and `COMPOSE_PROFILES`, as compose variables. */
  composeEnvironment: "compose.env",
  /** The interservice target groups, one ARN per line (HA); without it the instance joins none. */
  interserviceTargets: "interservice-target-groups",
} as const;

/**
 * The text of `templates/cloud-init.yaml`: beside this file's folder in the sources and in the
 * built package alike (`npm run build` copies the folder).
 */
export function userDataText(): string {
  return templateText(USER_DATA_FILE);
}
