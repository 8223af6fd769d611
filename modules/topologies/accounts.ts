/**
 * The managed accounts of a topology: the roles clouddriver assumes, the secrets and objects it
 * reads kubeconfigs from, and the one managed role it may create. A stack knows them from the
 * configuration and writes literals; a module takes them as its `accounts` input and lets Terraform
 * derive the same values at plan time (`local.managed_accounts`). clouddriver's profile is a
 * template both render alike (profile-templates.ts).
 */
import { Fn, Op, TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import type { InstanceRole } from "../constructs/instance-role";
import { ManagedAccountRole } from "../constructs/managed-account-role";
import { managedRoleArn } from "../spinnaker/profiles";
import { renamedAddress, TOPOLOGY_IDS } from "../stacks/addresses";
import { CURRENT_REGION } from "../stacks/spinnaker-stack";
import { hclLocal, interpolate } from "../terraform-values";

/** The managed role to create in the account being deployed into. */
export interface RoleToCreate {
  /** Construct id, which names the role's addresses. */
  readonly id: string;
  readonly roleName: string;
  readonly accountId: string;
  /** A Terraform count when whether it exists is a module's input. @default - one */
  readonly count?: number;
  /**
   * Construct ids the role had before, under the same scope: `moved` blocks carry their state
   * (a module synthesized from a configuration named the role after its account). @default - none
   */
  readonly previousIds?: readonly string[];
  /** The setting that asked for it, for the plan-time account check's message. */
  readonly setting: string;
}

export interface ManagedAccounts {
  /** The roles clouddriver assumes, one per AWS account. */
  readonly roleArns: string[];
  /** Kubeconfigs kept in Secrets Manager. */
  readonly kubeconfigSecretArns: string[];
  /** Kubeconfigs kept in S3, as object ARNs. */
  readonly kubeconfigObjectArns: string[];
  readonly rolesToCreate: readonly RoleToCreate[];
  /**
   * A module's first AWS account name as a JSON literal (`"prod"`, or `null` without one) and its
   * first region (else the deployment's), for deck. @default - a stack's: derived by renderProfiles
   */
  readonly defaultAwsAccountJson?: string;
  readonly defaultAwsRegion?: string;
}

type AccountSettings = Pick<Deployment, "spinnaker" | "partition" | "accountsInput">;

export function managedAccounts(scope: Construct, settings: AccountSettings): ManagedAccounts {
  if (settings.accountsInput !== undefined) {
    // Before the accounts input, a module held its configuration's createRole account as ManagedAccountRole-<name>.
    const previousIds = settings.spinnaker.accounts.aws
      .filter((a) => a.createRole)
      .map((a) => `ManagedAccountRole-${a.name}`);
    return fromInput(scope, settings.accountsInput, previousIds);
  }
  const { aws, kubernetes } = settings.spinnaker.accounts;
  return {
    roleArns: aws.map((a) => managedRoleArn(settings.partition, a.accountId, a.roleName)),
    kubeconfigSecretArns: kubernetes.flatMap((k) => (k.kubeconfigSecretArn ? [k.kubeconfigSecretArn] : [])),
    kubeconfigObjectArns: kubernetes.flatMap((k) =>
      k.kubeconfigS3Uri ? [`arn:${settings.partition}:s3:::${k.kubeconfigS3Uri.slice("s3://".length)}`] : [],
    ),
    rolesToCreate: aws
      .filter((a) => a.createRole)
      .map((a) => ({
        id: `ManagedAccountRole-${a.name}`,
        roleName: a.roleName,
        accountId: a.accountId,
        setting: `spinnaker.accounts.aws (${a.name}): createRole`,
      })),
  };
}

/**
 * The same values from a module's `accounts` input (`var.accounts`), as one local value. Partition
 * and region are referenced by address: their names are fixed (`current`).
 */
function fromInput(scope: Construct, accounts: string, previousIds: readonly string[]): ManagedAccounts {
  const partition = interpolate("data.aws_partition.current.partition");
  const region = CURRENT_REGION;
  const roleArn = managedRoleArn(partition, interpolate("a.account_id"), interpolate("a.role_name"));
  const hcl = `{
  role_arns = [for a in ${accounts}.aws : "${roleArn}"]
  kubeconfig_secret_arns = [for k in ${accounts}.kubernetes : k.kubeconfig_secret_arn if k.kubeconfig_secret_arn != null]
  kubeconfig_object_arns = [for k in ${accounts}.kubernetes : "arn:${partition}:s3:::${interpolate('trimprefix(k.kubeconfig_s3_uri, "s3://")')}" if k.kubeconfig_s3_uri != null]
  role_to_create = one([for a in ${accounts}.aws : a if a.create_role])
  default_aws_account = try(${accounts}.aws[0].name, null)
  default_aws_region = try(${accounts}.aws[0].regions[0], ${region})
}`;
  const attribute = hclLocal(scope, "ManagedAccounts", "managed_accounts", hcl);
  const toCreate = attribute("role_to_create");
  const ofRoleToCreate = (name: string) => Token.asString(Fn.lookupNested(toCreate, [name]));
  return {
    roleArns: Token.asList(attribute("role_arns")),
    kubeconfigSecretArns: Token.asList(attribute("kubeconfig_secret_arns")),
    kubeconfigObjectArns: Token.asList(attribute("kubeconfig_object_arns")),
    defaultAwsAccountJson: Token.asString(Fn.jsonencode(attribute("default_aws_account"))),
    defaultAwsRegion: Token.asString(attribute("default_aws_region")),
    rolesToCreate: [
      {
        id: "ManagedAccountRole",
        roleName: ofRoleToCreate("role_name"),
        accountId: ofRoleToCreate("account_id"),
        count: Token.asNumber(Fn.conditional(Op.eq(toCreate, Token.nullValue()), 0, 1)),
        previousIds,
        setting: "accounts.aws: create_role",
      },
    ],
  };
}

/** The managed role of the account being deployed into, when one is marked `createRole`. */
export function createManagedAccountRoles(
  scope: Construct,
  accounts: ManagedAccounts,
  instanceRole: InstanceRole,
  settings: Pick<Deployment, "partition" | "tags">,
): ManagedAccountRole[] {
  const moved: { from: string; to: string }[] = [];
  const roles = accounts.rolesToCreate.map((r) => {
    const role = new ManagedAccountRole(scope, r.id, {
      roleName: r.roleName,
      accountId: r.accountId,
      instanceRoleArn: instanceRole.role.arn,
      // The instance role's own document for it: the same statement, read once.
      trustPolicy: instanceRole.managedRoleTrustPolicy,
      partition: settings.partition,
      count: r.count,
      setting: r.setting,
      tags: settings.tags,
    });
    for (const previousId of r.previousIds ?? []) {
      for (const resource of role.resources) {
        const to = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
        const from = renamedAddress(resource, { from: previousId, to: r.id }, TOPOLOGY_IDS);
        moved.push({ from, to: r.count === undefined ? to : `${to}[0]` });
      }
    }
    return role;
  });
  if (moved.length > 0) TerraformStack.of(scope).addOverride("moved", moved);
  return roles;
}
