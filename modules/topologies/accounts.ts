/** The managed AWS accounts of a topology: the roles clouddriver assumes, and the one it may create. */
import type { Construct } from "constructs";
import type { Settings } from "../config/schema";
import type { InstanceRole } from "../constructs/instance-role";
import { ManagedAccountRole } from "../constructs/managed-account-role";

/** The roles clouddriver assumes, one per managed AWS account. */
export function managedAccountRoleArns(settings: Pick<Settings, "spinnaker" | "partition">): string[] {
  return settings.spinnaker.accounts.aws.map((a) => `arn:${settings.partition}:iam::${a.accountId}:role/${a.roleName}`);
}

/** Creates the managed role of the one account marked `createRole` (the account being deployed into). */
export function createManagedAccountRoles(
  scope: Construct,
  settings: Pick<Settings, "spinnaker" | "partition" | "tags">,
  instanceRole: InstanceRole,
): ManagedAccountRole[] {
  return settings.spinnaker.accounts.aws
    .filter((a) => a.createRole)
    .map(
      (a) =>
        new ManagedAccountRole(scope, `ManagedAccountRole-${a.name}`, {
          roleName: a.roleName,
          accountId: a.accountId,
          instanceRoleArn: instanceRole.role.arn,
          partition: settings.partition,
          tags: settings.tags,
        }),
    );
}
