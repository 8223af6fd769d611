import { createHash } from "node:crypto";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, Op, type TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { REDIS_PORT } from "../spinnaker/services";
import { namedValue } from "../terraform-values";
import { withTags } from "./tags";

export interface ManagedRedisProps {
  /** `<name>-<environment>`; the replication group is `<prefix>-redis`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Private subnets in two AZs or more, for the primary and its replica. */
  readonly subnetIds: string[];
  /** The Spinnaker instances' group: the only one that may connect. */
  readonly clientSecurityGroupId: string;
  /** @default "cache.r7g.large" */
  readonly nodeType?: string;
  /** @default "7.1" */
  readonly engineVersion?: string;
  /** Read replicas beside the primary; one or more gives automatic failover. @default 1 */
  readonly replicas?: number;
  /** @default 7 */
  readonly snapshotRetentionDays?: number;
  /**
   * The AUTH token: a sensitive Terraform variable, never a literal. It reaches Spinnaker only inside
   * the Secrets Manager secret `urlSecretArn` points at.
   */
  readonly authToken: string;
  /**
   * A Terraform count (0 or 1) when whether to create Redis is known only at plan time (a module's
   * input): every resource takes it, and the attributes below read the one instance or null.
   * @default - created, without a count
   */
  readonly count?: number;
  readonly tags?: Record<string, string>;
}

/**
 * Redis as an AWS service for HA: an ElastiCache replication group across AZs with automatic
 * failover, encryption in transit and at rest, an AUTH token, and the keyspace notifications gate's
 * sessions need set in its parameter group (ElastiCache blocks CONFIG, so gate cannot set them).
 * Spinnaker reads the connection URL, token included, from a Secrets Manager secret at start.
 */
export class ManagedRedis extends Construct {
  readonly replicationGroup: ElasticacheReplicationGroup;
  readonly securityGroup: SecurityGroup;
  /** The secret holding `rediss://:<token>@<primary endpoint>:6379`. */
  readonly urlSecretArn: string;
  /** Its current value: a new endpoint or token makes a new version, which must restart the services. */
  readonly urlSecretVersion: SecretsmanagerSecretVersion;
  /** The version's id (null with a count of 0). */
  readonly urlSecretVersionId: string;
  /** The primary endpoint's address (null with a count of 0). */
  readonly primaryEndpointAddress: string;

  constructor(scope: Construct, id: string, props: ManagedRedisProps) {
    super(scope, id);
    const replicas = props.replicas ?? 1;
    if (!Token.isUnresolved(replicas) && (!Number.isInteger(replicas) || replicas < 1 || replicas > 5)) {
      throw invalidProp(
        this.node.path,
        "replicas",
        "must be a whole number from 1 to 5 (Multi-AZ needs one)",
        replicas,
      );
    }
    if (!Token.isUnresolved(props.authToken)) {
      throw invalidProp(
        this.node.path,
        "authToken",
        "must be a sensitive Terraform variable, not a literal",
        "(a literal)",
      );
    }
    const name = `${props.namePrefix}-redis`;
    const { count } = props;
    // An attribute of a resource that may have a count: `one(<resource>[*].<name>)` then.
    const attribute = (resource: TerraformResource, attributeName: string, direct: string): string =>
      count === undefined ? direct : Token.asString(Fn.one(Fn.lookupNested(resource, ["*", attributeName])));

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      count,
      namePrefix: `${name}-`,
      description: "Spinnaker's Redis: only from the Spinnaker instances",
      vpcId: props.vpcId,
      tags: withTags(props.tags, { Name: name }),
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(this, "FromInstances", {
      count,
      securityGroupId: attribute(this.securityGroup, "id", this.securityGroup.id),
      description: "Redis from the Spinnaker instances",
      ipProtocol: "tcp",
      tags: props.tags,
      fromPort: REDIS_PORT,
      toPort: REDIS_PORT,
      referencedSecurityGroupId: props.clientSecurityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, "ToRedis", {
      count,
      securityGroupId: props.clientSecurityGroupId,
      description: "Redis on ElastiCache",
      ipProtocol: "tcp",
      tags: props.tags,
      fromPort: REDIS_PORT,
      toPort: REDIS_PORT,
      referencedSecurityGroupId: attribute(this.securityGroup, "id", this.securityGroup.id),
    });

    const subnets = new ElasticacheSubnetGroup(this, "SubnetGroup", {
      count,
      name,
      description: "Spinnaker's Redis",
      subnetIds: props.subnetIds,
      tags: props.tags,
    });
    const engineVersion = props.engineVersion ?? "7.1";
    const description = "Keyspace notifications for gate's Spring Session (gxE)";
    // Named: the group's name carries it too.
    const family = namedValue(this, "ParameterFamily", "redis_parameter_group_family", parameterFamily(engineVersion));
    const parameters = new ElasticacheParameterGroup(this, "Parameters", {
      count,
      // Family and description force a replacement, which creates the new group before the old one
      // is deleted (the replication group still uses it); a name fixed across replacements would be
      // refused by ElastiCache as existing. So the name carries both.
      name: parameterGroupName(name, family, description),
      family,
      description,
      parameter: [{ name: "notify-keyspace-events", value: "gxE" }],
      tags: props.tags,
      lifecycle: { createBeforeDestroy: true },
    });

    this.replicationGroup = new ElasticacheReplicationGroup(this, "ReplicationGroup", {
      count,
      replicationGroupId: name,
      description: "Spinnaker's Redis",
      engine: "redis",
      engineVersion,
      nodeType: props.nodeType ?? "cache.r7g.large",
      port: REDIS_PORT,
      // The primary and its replicas; a Terraform value (a module input) is added up by Terraform.
      numCacheClusters: Token.isUnresolved(replicas) ? Token.asNumber(Op.add(replicas, 1)) : replicas + 1,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: "true",
      authToken: props.authToken,
      // How a changed token is applied: ROTATE, ElastiCache's change without interrupting clients (the
      // old token stays accepted beside the new one). It is what 5.x does when unset; 6.x has no default
      // and requires the argument with `auth_token`.
      authTokenUpdateStrategy: "ROTATE",
      subnetGroupName: attribute(subnets, "name", subnets.name),
      parameterGroupName: attribute(parameters, "name", parameters.name),
      securityGroupIds: [attribute(this.securityGroup, "id", this.securityGroup.id)],
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 7,
      autoMinorVersionUpgrade: "true",
      tags: props.tags,
    });

    this.primaryEndpointAddress = attribute(
      this.replicationGroup,
      "primary_endpoint_address",
      this.replicationGroup.primaryEndpointAddress,
    );

    const secret = new SecretsmanagerSecret(this, "UrlSecret", {
      count,
      namePrefix: `${name}-url-`,
      description: "Spinnaker's Redis connection URL, AUTH token included; read by the services at start",
      tags: props.tags,
    });
    this.urlSecretVersion = new SecretsmanagerSecretVersion(this, "UrlSecretValue", {
      count,
      secretId: attribute(secret, "id", secret.id),
      // The token is percent-encoded: ElastiCache allows characters (# ^ < >) that end a URL's user part.
      secretString: `rediss://:${Fn.urlencode(props.authToken)}@${this.primaryEndpointAddress}:${REDIS_PORT}`,
    });
    this.urlSecretArn = attribute(secret, "arn", secret.arn);
    this.urlSecretVersionId = attribute(this.urlSecretVersion, "version_id", this.urlSecretVersion.versionId);
  }
}

/**
 * The parameter group family of an engine version: ElastiCache names the Redis 6 family "redis6.x"
 * and later ones "redis7". A version that is a Terraform value (a module's input) is mapped by
 * Terraform the same way.
 */
function parameterFamily(engineVersion: string): string {
  if (!Token.isUnresolved(engineVersion)) {
    const major = engineVersion.split(".")[0];
    return Number(major) >= 7 ? `redis${major}` : `redis${major}.x`;
  }
  const major = Fn.element(Fn.split(".", engineVersion), 0);
  return Token.asString(
    Fn.conditional(Op.gte(Fn.tonumber(major), 7), Fn.format("redis%s", [major]), Fn.format("redis%s.x", [major])),
  );
}

/**
 * `<prefix>-redis-<family without dots>-<8 hex of SHA-256(family, description)>`: enough to tell
 * replacements of one group apart. Terraform computes the same digest when the family is its value.
 */
function parameterGroupName(name: string, family: string, description: string): string {
  if (!Token.isUnresolved(family)) {
    const digest = createHash("sha256").update(`${family}\n${description}`).digest("hex").slice(0, 8);
    return `${name}-${family.replace(".", "")}-${digest}`;
  }
  // Format, not a template string: cdktf drops the interpolation of a token inside a function's string argument.
  const digest = Fn.substr(Fn.sha256(Fn.format("%s\n%s", [family, description])), 0, 8);
  return `${name}-${Fn.replace(family, ".", "")}-${digest}`;
}
