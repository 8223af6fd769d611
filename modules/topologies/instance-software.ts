/**
 * What a Spinnaker instance runs, rendered once per role for a topology: the compose project and
 * the cloud-init user data around it. Both topologies call this; only its inputs differ. The images
 * are not here: they are the configuration's `compose.env`.
 */
import { CONFIG_PREFIX, type Settings } from "../config/schema";
import { renderUserData } from "../spinnaker/cloud-init";
import { renderCompose } from "../spinnaker/compose";
import { memoryBudget } from "../spinnaker/memory";
import type { Role } from "../spinnaker/roles";

export interface InstanceSoftwareOptions {
  /** What the user data follows: the OS and which optional services run, known for each text. */
  readonly settings: {
    readonly instance: Pick<Settings["instance"], "os">;
    readonly spinnaker: Pick<Settings["spinnaker"], "kayenta" | "fiat">;
  };
  readonly role: Role;
  readonly localRedis: boolean;
  /** The instance joins the interservice target groups itself (HA). @default false */
  readonly interserviceTargets?: boolean;
}

/**
 * Rendered user data by its inputs: every environment (and each topology's module) with the same
 * instance and Spinnaker settings boots the same text, and rendering its YAML was about half of
 * constructing a stack (`--cpu-prof` with 21 environments).
 */
const rendered = new Map<string, string>();

export function renderInstanceUserData(o: InstanceSoftwareOptions): string {
  const { instance, spinnaker } = o.settings;
  const key = JSON.stringify([
    instance.os,
    spinnaker.kayenta,
    spinnaker.fiat,
    o.role,
    o.localRedis,
    o.interserviceTargets === true,
  ]);
  let userData = rendered.get(key);
  if (userData === undefined) {
    userData = render(o);
    rendered.set(key, userData);
  }
  return userData;
}

function render(o: InstanceSoftwareOptions): string {
  const { spinnaker } = o.settings;
  const containers = { kayenta: spinnaker.kayenta, fiat: spinnaker.fiat, localRedis: o.localRedis };
  const compose = renderCompose({ role: o.role, ...containers });
  return renderUserData({
    os: o.settings.instance.os,
    role: o.role,
    compose,
    memoryBudget: memoryBudget(containers),
    configPrefix: CONFIG_PREFIX,
    interserviceTargets: o.interserviceTargets,
  });
}
