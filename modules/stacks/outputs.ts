import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { InstanceRole } from "../constructs/instance-role";
import type { SecureBucket } from "../constructs/secure-bucket";
import type { SecurityGroups } from "../constructs/security-groups";
import type { UserFacingLoadBalancer } from "../constructs/user-facing-load-balancer";
import type { SqlStorage } from "../topologies/sql-storage";

export interface OutputSpec {
  readonly value: string;
  readonly description: string;
}

/** What every topology exposes. */
export interface TopologyOutputs {
  readonly loadBalancer: UserFacingLoadBalancer;
  readonly securityGroups: SecurityGroups;
  readonly configBucket: SecureBucket;
  readonly instanceRole: InstanceRole;
  /** With `storage.type` sql (or a module's storage input that may say so). */
  readonly sqlStorage?: SqlStorage;
}

/** The outputs every Spinnaker stack has, plus the topology's own; each with a description. */
export function spinnakerOutputs(scope: Construct, t: TopologyOutputs, extra: Record<string, OutputSpec>): void {
  const outputs: Record<string, OutputSpec> = {
    deck_url: { value: t.loadBalancer.deckUrl, description: "URL of deck, Spinnaker's UI." },
    gate_url: { value: t.loadBalancer.gateUrl, description: "URL of gate, Spinnaker's API." },
    load_balancer_dns_name: {
      value: t.loadBalancer.loadBalancer.dnsName,
      description: "DNS name of the user-facing load balancer (point your own DNS record here).",
    },
    user_facing_security_group_id: {
      value: t.securityGroups.userFacing.id,
      description: "Security group of the user-facing load balancer.",
    },
    internal_security_group_id: {
      value: t.securityGroups.internal.id,
      description: "Security group of the instances; add it to anything Spinnaker must reach.",
    },
    config_bucket_name: {
      value: t.configBucket.bucketName,
      description: "S3 bucket of Spinnaker's configuration (prefix config/) and front50's data.",
    },
    instance_role_arn: {
      value: t.instanceRole.role.arn,
      description: "IAM role of the instances: the principal that managed accounts' roles must trust.",
    },
    managed_role_trust_policy: {
      value: t.instanceRole.managedRoleTrustPolicy,
      description: "Trust policy (JSON) to give each managed account's role so that Spinnaker may assume it.",
    },
    ...(t.sqlStorage
      ? {
          database_endpoint: {
            value: t.sqlStorage.profile.endpoint,
            description:
              "DNS name of the MySQL database front50 and orca keep their data in (its writer); empty with storage type s3-redis.",
          },
          database_master_secret_arn: {
            value: t.sqlStorage.masterSecretArn,
            description:
              'Secrets Manager secret of the database\'s administrator ({"username", "password"}), which RDS keeps; empty with storage type s3-redis.',
          },
        }
      : {}),
    ...extra,
  };
  for (const [name, output] of Object.entries(outputs)) new TerraformOutput(scope, name, output);
}
