import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { RdsCluster, type RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, type ITerraformDependable, TerraformIterator, TerraformLocal, type TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { type Condition, countWhen, interpolate, pick, pickList } from "../terraform-values";
import { withTags } from "./tags";

/** MySQL's port, on RDS as everywhere. */
export const MYSQL_PORT = 3306;
/** The master user's name; the boot step reads it from the master secret, where RDS keeps it with the password. */
const MASTER_USERNAME = "spinnaker";

/**
 * Settings that the cluster and the instance both take under the same name. A key only one of them
 * has (the cluster's `master_username` is the instance's `username`) would be dropped from the other
 * without a word, since cdktf writes only the keys a resource knows; this type refuses it.
 */
type SharedDatabaseConfig = Partial<Pick<DbInstanceConfig, keyof DbInstanceConfig & keyof RdsClusterConfig>>;

/**
 * Aurora MySQL 3 (MySQL 8.0 compatible) as a cluster: a writer and `readers` readers, each in the
 * next AZ of the subnets. Aurora's own failover promotes a reader.
 */
export interface AuroraEngine {
  readonly kind: "aurora-mysql";
  /** Such as `8.0.mysql_aurora.3.10.4`; the parameter group family follows its first two numbers. */
  readonly version: string;
  /** Such as `db.r7g.large`, or `db.serverless` for Aurora Serverless v2 (not configured here). */
  readonly instanceClass: string;
  /** Readers beside the writer: one or more for a failover target. */
  readonly readers: number;
}

/** RDS for MySQL 8 as one Single-AZ instance: the cheapest MySQL at rest. */
export interface MysqlEngine {
  readonly kind: "mysql";
  /**
   * Such as `8.4`: a major.minor prefix, so AWS's minor upgrades (on by default) are no diff for
   * Terraform (the provider compares the prefix); or a full version to pin one.
   */
  readonly version: string;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling's ceiling. */
  readonly maxAllocatedStorageGiB: number;
}

export interface ManagedDatabaseProps {
  /** `<name>-<environment>`; the database is `<prefix>-db`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Private subnets in two AZs or more: RDS refuses a DB subnet group that covers one AZ. */
  readonly subnetIds: string[];
  /** The Spinnaker instances' group: the only one that may connect. */
  readonly clientSecurityGroupId: string;
  readonly engine: AuroraEngine | MysqlEngine;
  /**
   * The customer managed KMS key for the storage, its snapshots and the master password's secret.
   * @default - the AWS managed keys (aws/rds, aws/secretsmanager)
   */
  readonly kmsKeyArn?: string;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** A boolean, or a module's Terraform boolean. @default true */
  readonly deletionProtection?: Condition;
  /**
   * Whether to create it, when that is known only at plan time (a module's input): every resource
   * then has a count of 0 or 1 (the cluster's members 0 or theirs), and the attributes below read
   * the one instance or null. @default true: created, without counts
   */
  readonly create?: Condition;
  readonly tags?: Record<string, string>;
}

/**
 * The MySQL database front50 and orca keep their data in (Spinnaker's SQL storage), as an AWS
 * service: encrypted at rest, TLS required of every connection (`require_secure_transport`), the
 * master password made and kept by RDS in Secrets Manager (`manage_master_user_password`), reachable
 * only from the Spinnaker instances, with automated backups, deletion protection and a final
 * snapshot. The schemas and the services' users are made at first boot by the boot step, with the
 * master secret (topologies/sql-storage.ts).
 */
export class ManagedDatabase extends Construct {
  readonly securityGroup: SecurityGroup;
  /** The RDS cluster (Aurora) or instance (MySQL). */
  readonly database: RdsCluster | DbInstance;
  /** What must exist before a client connects: the instance, or the cluster and its members. */
  readonly ready: ITerraformDependable[];
  /** The writer's DNS name (null with a count of 0). */
  readonly endpoint: string;
  /** Aurora's reader endpoint; none for a single instance. */
  readonly readerEndpoint?: string;
  readonly port: number;
  /** The secret RDS keeps the master user's `{"username", "password"}` in (null with a count of 0). */
  readonly masterSecretArn: string;

  constructor(scope: Construct, id: string, props: ManagedDatabaseProps) {
    super(scope, id);
    const { engine, tags } = props;
    const create = props.create ?? true;
    if (create === false)
      throw invalidProp(
        this.node.path,
        "create",
        "must be true or a Terraform condition: leave the construct out instead",
        false,
      );
    const count = countWhen(create);
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    if (!Token.isUnresolved(backupRetentionDays) && !(backupRetentionDays >= 1 && backupRetentionDays <= 35)) {
      // 0 would turn automated backups off, which a store of pipelines must not do silently.
      throw invalidProp(
        this.node.path,
        "backupRetentionDays",
        "must be a whole number of days from 1 to 35",
        backupRetentionDays,
      );
    }
    if (
      engine.kind === "aurora-mysql" &&
      !Token.isUnresolved(engine.readers) &&
      !(engine.readers >= 1 && engine.readers <= 15)
    ) {
      throw invalidProp(
        this.node.path,
        "engine.readers",
        "must be a whole number from 1 to 15 (Multi-AZ needs one)",
        engine.readers,
      );
    }
    const name = `${props.namePrefix}-db`;
    // An attribute of a resource that may have a count: `one(<resource>[*].<name>)` then.
    const attribute = (resource: TerraformResource, attributeName: string, direct: string): string =>
      count === undefined ? direct : Token.asString(Fn.one(Fn.lookupNested(resource, ["*", attributeName])));

    this.port = MYSQL_PORT;
    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      count,
      namePrefix: `${name}-`,
      description: "Spinnaker's database: only from the Spinnaker instances",
      vpcId: props.vpcId,
      tags: withTags(tags, { Name: name }),
      lifecycle: { createBeforeDestroy: true },
    });
    const securityGroupId = attribute(this.securityGroup, "id", this.securityGroup.id);
    new VpcSecurityGroupIngressRule(this, "FromInstances", {
      count,
      securityGroupId,
      description: "MySQL from the Spinnaker instances",
      ipProtocol: "tcp",
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: props.clientSecurityGroupId,
      tags,
    });
    new VpcSecurityGroupEgressRule(this, "ToDatabase", {
      count,
      securityGroupId: props.clientSecurityGroupId,
      description: "MySQL on RDS (front50's and orca's SQL storage)",
      ipProtocol: "tcp",
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: securityGroupId,
      tags,
    });

    const subnets = new DbSubnetGroup(this, "SubnetGroup", {
      count,
      namePrefix: `${name}-`,
      description: "Spinnaker's database",
      subnetIds: props.subnetIds,
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    const subnetGroupName = attribute(subnets, "name", subnets.name);
    const common = {
      count,
      // RDS's defaults for MySQL 8 are utf8mb4 already; front50's and orca's schemas say
      // utf8mb4_unicode_ci (their db/database-mysql.sql), which the server then uses too.
      parameter: [
        // ON and 1 are the names each engine's parameter list gives (AWS's "Requiring SSL/TLS for all
        // connections" pages for RDS for MySQL and Aurora MySQL).
        { name: "require_secure_transport", value: engine.kind === "aurora-mysql" ? "ON" : "1" },
        { name: "character_set_server", value: "utf8mb4" },
        { name: "collation_server", value: "utf8mb4_unicode_ci" },
      ],
      // A new family replaces the group, which must exist before the database moves to it.
      namePrefix: `${name}-`,
      description: "Spinnaker's database: TLS only, utf8mb4",
      tags,
      lifecycle: { createBeforeDestroy: true },
    };
    const storage: SharedDatabaseConfig = {
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      backupRetentionPeriod: backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection ?? true,
      skipFinalSnapshot: false,
      // Fixed: a later destroy of a database of the same name needs this snapshot renamed or
      // deleted first (RDS refuses an existing identifier).
      finalSnapshotIdentifier: `${name}-final`,
      tags,
    };

    if (engine.kind === "aurora-mysql") {
      const parameters = new RdsClusterParameterGroup(this, "ClusterParameters", {
        ...common,
        family: parameterFamily("aurora-mysql", engine.version),
      });
      const cluster = new RdsCluster(this, "Cluster", {
        ...storage,
        count,
        clusterIdentifier: name,
        masterUsername: MASTER_USERNAME,
        engine: "aurora-mysql",
        engineVersion: engine.version,
        port: MYSQL_PORT,
        dbSubnetGroupName: subnetGroupName,
        vpcSecurityGroupIds: [securityGroupId],
        dbClusterParameterGroupName: attribute(parameters, "name", parameters.name),
      });
      this.database = cluster;
      // The writer and the readers, each in the next zone of the subnets: a reader in another AZ
      // than the writer is what Aurora fails over to.
      // Looked up only while the database is created: an offline plan without it asks EC2 nothing.
      const each = TerraformIterator.fromList(pickList(create, props.subnetIds, []));
      const subnet = new DataAwsSubnet(this, "Subnet", { forEach: each, id: each.value });
      const zones = new TerraformLocal(
        this,
        "Zones",
        interpolate(`sort(distinct([for s in data.aws_subnet.${subnet.friendlyUniqueId} : s.availability_zone]))`),
      );
      zones.overrideLogicalId("database_availability_zones");
      const size = Token.isUnresolved(engine.readers)
        ? Token.asNumber(Fn.sum([engine.readers, 1]))
        : engine.readers + 1;
      const members = new RdsClusterInstance(this, "Member", {
        count: pick(create, size, 0),
        identifier: `${name}-${interpolate("count.index")}`,
        clusterIdentifier: attribute(cluster, "id", cluster.id),
        engine: "aurora-mysql",
        engineVersion: engine.version,
        instanceClass: engine.instanceClass,
        availabilityZone: interpolate("element(local.database_availability_zones, count.index)"),
        dbSubnetGroupName: subnetGroupName,
        publiclyAccessible: false,
        // AWS advises against minor upgrades of a long-term support version (3.10's release notes):
        // the version is the setting's, changed by an apply.
        autoMinorVersionUpgrade: false,
        copyTagsToSnapshot: true,
        tags,
      });
      this.ready = [cluster, members];
      this.endpoint = attribute(cluster, "endpoint", cluster.endpoint);
      this.readerEndpoint = attribute(cluster, "reader_endpoint", cluster.readerEndpoint);
      this.masterSecretArn = masterSecret(cluster, count);
    } else {
      const parameters = new DbParameterGroup(this, "Parameters", {
        ...common,
        family: parameterFamily("mysql", engine.version),
      });
      const instance = new DbInstance(this, "Instance", {
        ...storage,
        count,
        identifier: name,
        // A DB instance names it `username`, not `master_username` as a cluster does: RDS refuses to
        // create MySQL without one, though the provider's schema (and so validate) leaves it optional.
        username: MASTER_USERNAME,
        engine: "mysql",
        engineVersion: engine.version,
        instanceClass: engine.instanceClass,
        allocatedStorage: engine.allocatedStorageGiB,
        maxAllocatedStorage: engine.maxAllocatedStorageGiB,
        storageType: "gp3",
        port: MYSQL_PORT,
        multiAz: false,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        dbSubnetGroupName: subnetGroupName,
        vpcSecurityGroupIds: [securityGroupId],
        parameterGroupName: attribute(parameters, "name", parameters.name),
      });
      this.database = instance;
      this.ready = [instance];
      this.endpoint = attribute(instance, "address", instance.address);
      this.masterSecretArn = masterSecret(instance, count);
    }
  }
}

/** The ARN of the master user's secret that RDS made (`master_user_secret[0].secret_arn`). */
function masterSecret(database: RdsCluster | DbInstance, count: number | undefined): string {
  if (count === undefined) return database.masterUserSecret.get(0).secretArn;
  // `.0.` is Terraform's index written as an attribute: cdktf writes a number in a path so.
  return Token.asString(Fn.one(Fn.lookupNested(database, ["*", "master_user_secret", 0, "secret_arn"])));
}

/**
 * The parameter group family of an engine version: the engine and the version's first two numbers
 * (`aurora-mysql8.0` for 8.0.mysql_aurora.3.10.4, `mysql8.4` for 8.4 or 8.4.7). A version that is a
 * Terraform value (a module's input) is mapped by Terraform the same way.
 */
export function parameterFamily(engine: "aurora-mysql" | "mysql", version: string): string {
  if (!Token.isUnresolved(version)) return `${engine}${version.split(".").slice(0, 2).join(".")}`;
  return Token.asString(Fn.format(`${engine}%s`, [Fn.join(".", Fn.slice(Fn.split(".", version), 0, 2))]));
}
