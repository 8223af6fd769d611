/**
 * What a Spinnaker instance runs, rendered once per role for a topology: the compose project and
 * the cloud-init user data around it. Both topologies call this; only its inputs differ.
 */
import type { Settings } from "../config/schema";
import { renderUserData } from "../spinnaker/cloud-init";
import { memoryShares, renderCompose } from "../spinnaker/compose";
import { imageReferences } from "../spinnaker/images";
import type { Role } from "../spinnaker/roles";

export const CONFIG_PREFIX = "config";

export interface InstanceSoftwareOptions {
  readonly settings: Pick<Settings, "region" | "instance" | "spinnaker">;
  readonly role: Role;
  readonly localRedis: boolean;
}

export function renderInstanceUserData(o: InstanceSoftwareOptions): string {
  const { spinnaker } = o.settings;
  const compose = renderCompose({
    role: o.role,
    images: imageReferences(spinnaker),
    kayenta: spinnaker.kayenta,
    localRedis: o.localRedis,
    redisImage: spinnaker.redisImage,
  });
  return renderUserData({
    os: o.settings.instance.os,
    role: o.role,
    compose,
    memoryShares: memoryShares({ kayenta: spinnaker.kayenta, localRedis: o.localRedis }),
    region: o.settings.region,
    configPrefix: CONFIG_PREFIX,
    awsCliImage: spinnaker.awsCliImage,
  });
}
