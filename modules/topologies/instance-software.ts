/**
 * What a topology's instances run, beside Spinnaker's own profiles in the configuration: the compose
 * project of each role and the memory budget, the same text whatever options are switched on; the
 * overlays of the options that add containers, each a file while its option is on; and
 * `compose.env`, which carries the images and the optional services. Both topologies call this;
 * only their roles and Redis differ. The user data around it is one file for every instance
 * (`templates/cloud-init.yaml`, cloud-init.ts).
 */
import { Fn, TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Settings } from "../config/schema";
import type { ConditionalFile } from "../constructs/spinnaker-configuration";
import { fileText, type TemplateFiles } from "../constructs/template-file";
import { BOOT_FILES } from "../spinnaker/cloud-init";
import {
  COMPOSE_OVERLAYS,
  type ComposeOverlay,
  composeEnvironment,
  databaseImageLines,
  renderCompose,
  renderComposeOverlay,
} from "../spinnaker/compose";
import { imageReferences } from "../spinnaker/images";
import { renderMemoryBudget } from "../spinnaker/memory";
import type { Role } from "../spinnaker/roles";
import { OPTIONAL_SERVICES, type OptionalService } from "../spinnaker/services";
import { type Condition, namedValue, pick, possible } from "../terraform-values";

export interface InstanceSoftwareOptions {
  /** The roles the topology's instances take. */
  readonly roles: readonly Role[];
  /** Redis runs in a container on the instance (stand-alone). */
  readonly localRedis: boolean;
}

/**
 * Rendered files by their inputs: every environment (and each topology's module) boots the same
 * texts, and rendering their YAML is most of what this costs.
 */
const rendered = new Map<string, Readonly<Record<string, string>>>();

/** The files of the configuration that are fixed by the topology: stacks write them as template files. */
export function instanceSoftwareFiles(o: InstanceSoftwareOptions): Readonly<Record<string, string>> {
  const key = JSON.stringify([o.roles, o.localRedis]);
  let files = rendered.get(key);
  if (files === undefined) {
    files = {
      ...Object.fromEntries(
        o.roles.map((role) => [BOOT_FILES.compose(role), renderCompose({ role, localRedis: o.localRedis })]),
      ),
      [BOOT_FILES.memoryBudget]: renderMemoryBudget(o),
    };
    rendered.set(key, files);
  }
  return files;
}

/**
 * The overlays of the options switched on, for each role that takes them, as files of the
 * configuration that exist only while their option is on (`compose-<role>.<option>.yaml`). Each
 * overlay is one template file (`templates/compose.<option>.yaml`) whatever the role.
 */
export function composeOverlayFiles(
  templates: TemplateFiles,
  roles: readonly Role[],
  on: Readonly<Record<ComposeOverlay, Condition>>,
): Record<string, ConditionalFile> {
  const files: Record<string, ConditionalFile> = {};
  for (const overlay of Object.keys(COMPOSE_OVERLAYS) as ComposeOverlay[]) {
    const when = on[overlay];
    if (!possible(when)) continue;
    const takers = roles.filter((role) => (COMPOSE_OVERLAYS[overlay] as readonly Role[]).includes(role));
    if (takers.length === 0) continue;
    const content = fileText(templates.add(`compose.${overlay}.yaml`, renderComposeOverlay(overlay)));
    for (const role of takers) files[BOOT_FILES.composeOverlay(role, overlay)] = { content, when };
  }
  return files;
}

/**
 * `compose.env`: every container's image and the optional services that run. Its values may be a
 * module's inputs, so it is rendered per deployment, not as a template file; the two lines that
 * inputs switch are local values of the stack (`local.compose_profiles`, `local.database_images`
 * in a module), so each line of the file reads as one setting.
 */
export function instanceEnvironment(
  scope: Construct,
  spinnaker: Pick<
    Settings["spinnaker"],
    "registry" | "version" | "images" | "redisImage" | "awsCliImage" | "databaseClientImage"
  >,
  optional: Readonly<Record<OptionalService, Condition>>,
  localRedis: boolean,
  sql: Condition = false,
): string {
  // Named only when they are expressions; a stack's literal text stays where it is.
  const named = (id: string, name: string, value: string) =>
    Token.isUnresolved(value) ? namedValue(TerraformStack.of(scope), id, name, value) : value;
  const databaseImages = databaseImageLines(spinnaker.awsCliImage, spinnaker.databaseClientImage);
  return composeEnvironment(
    imageReferences(spinnaker),
    named("ComposeProfiles", "compose_profiles", composeProfiles(optional)),
    localRedis ? spinnaker.redisImage : undefined,
    sql === false
      ? undefined
      : sql === true
        ? databaseImages
        : named("DatabaseImages", "database_images", Token.asString(Fn.conditional(sql, databaseImages, ""))),
  );
}

/** `COMPOSE_PROFILES`: the optional services that run, comma-separated. */
function composeProfiles(optional: Readonly<Record<OptionalService, Condition>>): string {
  const names = OPTIONAL_SERVICES.map((name) => pick(optional[name], name, ""));
  if (names.some((name) => Token.isUnresolved(name))) return Token.asString(Fn.join(",", Fn.compact(names)));
  return names.filter((name) => name !== "").join(",");
}
