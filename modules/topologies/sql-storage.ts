/**
 * SQL storage (`storage.type: sql`): the MySQL database front50 and orca keep their data in, created
 * (ManagedDatabase) or the deployer's own, the secrets of the services' database users, and what the
 * instances need to prepare it at boot. Whether it is on, and whether the database is created, are
 * known in a stack and are a module's inputs at plan; both are written with counts then.
 */
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import { type AuroraEngine, ManagedDatabase, MYSQL_PORT, type MysqlEngine } from "../constructs/managed-database";
import { SQL_SERVICES, type SqlService, type SqlStorageOptions, sqlUsers } from "../spinnaker/sql-storage";
import {
  both,
  type Condition,
  countWhen,
  namedList,
  namedValue,
  not,
  pick,
  pickList,
  possible,
} from "../terraform-values";

export interface SqlStorage {
  /** SQL storage is on: a boolean in a stack, a module's `storage.type == "sql"`. */
  readonly sql: Condition;
  /** The database, when this deployment creates it. */
  readonly database?: ManagedDatabase;
  /** What front50's and orca's profiles read. */
  readonly profile: SqlStorageOptions;
  /** The administrator's secret the boot steps read: RDS's, or the deployer's ("" when off). */
  readonly masterSecretArn: string;
  /** The secrets the instances read at boot and start: the master's and the services' (empty when off). */
  readonly readableSecretArns: string[];
  /** The services' secrets, which the boot step fills when empty (empty when off). */
  readonly fillableSecretArns: string[];
  /** `database.env` in the configuration: what the boot steps connect with (no secret, only ARNs). */
  readonly environmentFile: string;
}

/**
 * The database and its secrets, or undefined when SQL storage is surely off.
 * @param engine Aurora MySQL for HA, RDS for MySQL for stand-alone
 * @param maxPoolSize connections per service and instance
 */
export function sqlStorage(
  scope: Construct,
  settings: Deployment,
  o: { clientSecurityGroupId: string; engine: AuroraEngine | MysqlEngine; maxPoolSize: number },
): SqlStorage | undefined {
  const { storage, namePrefix, tags } = settings;
  const sql = storage.sql ?? storage.type === "sql";
  if (!possible(sql)) return undefined;
  const create = both(sql, storage.createDatabase);
  const existing = both(sql, not(storage.createDatabase));
  const kmsKeyArn = settings.configBucket.kmsKeyArn;

  const database = possible(create)
    ? new ManagedDatabase(scope, "Database", {
        namePrefix,
        vpcId: settings.network.vpcId,
        subnetIds: storage.subnetIds ?? settings.network.instanceSubnetIds,
        clientSecurityGroupId: o.clientSecurityGroupId,
        engine: o.engine,
        kmsKeyArn,
        backupRetentionDays: storage.backupRetentionDays,
        deletionProtection: storage.deletionProtection,
        create,
        tags,
      })
    : undefined;
  if (possible(existing)) {
    new VpcSecurityGroupEgressRule(scope, "ToExistingDatabase", {
      count: countWhen(existing),
      securityGroupId: o.clientSecurityGroupId,
      description: "MySQL (the deployer's own database)",
      ipProtocol: "tcp",
      fromPort: storage.existingPort,
      toPort: storage.existingPort,
      referencedSecurityGroupId: storage.existingSecurityGroupId,
      tags,
    });
  }

  // A value the profiles and the boot steps' file read: "" while SQL storage is off in a module, so
  // that the texts holding it render (Terraform renders every local value, chosen or not).
  const whileOn = (value: string) => (sql === true ? value : pick(sql, value, ""));

  // The services' users' passwords: created empty, so that no password is in Terraform's state; the
  // boot step fills each once (templates/database-secrets.sh).
  const secretArns = Object.fromEntries(
    SQL_SERVICES.map((service) => {
      const users = sqlUsers(service);
      const secret = new SecretsmanagerSecret(scope, `${service}DatabaseSecret`, {
        count: countWhen(sql),
        namePrefix: `${namePrefix}-db-${service}-`,
        description: `The passwords of ${service}'s database users ${users.service} and ${users.migrate}: set at first boot by the instances, read by ${service}`,
        kmsKeyId: kmsKeyArn,
        tags,
      });
      const arn = sql === true ? secret.arn : Token.asString(Fn.one(Fn.lookupNested(secret, ["*", "arn"])));
      return [
        service,
        namedValue(scope, `${service}DatabaseSecretArn`, `database_${service}_secret_arn`, whileOn(arn)),
      ];
    }),
  ) as Record<SqlService, string>;

  // Created or the deployer's own: named, as the profiles and the boot steps' file read them.
  const chosen = (created: () => string, own: string | undefined): string => {
    if (storage.createDatabase === true) return created();
    if (storage.createDatabase === false) return own ?? "";
    return pick(storage.createDatabase, database ? created() : "", own ?? "");
  };
  const endpoint = namedValue(
    scope,
    "DatabaseEndpoint",
    "database_endpoint",
    whileOn(chosen(() => (database as ManagedDatabase).endpoint, storage.existingEndpoint)),
  );
  const masterSecretArn = namedValue(
    scope,
    "DatabaseMasterSecretArn",
    "database_master_secret_arn",
    whileOn(chosen(() => (database as ManagedDatabase).masterSecretArn, storage.existingMasterSecretArn)),
  );
  // Text: it is written into a URL and a file.
  const port =
    storage.createDatabase === true
      ? String(MYSQL_PORT)
      : namedValue(
          scope,
          "DatabasePort",
          "database_port",
          Token.asString(pick(storage.createDatabase, MYSQL_PORT, storage.existingPort)),
        );

  const services = SQL_SERVICES.map((service) => secretArns[service]);
  const environment = [
    "# Rendered by cdktf-spinnaker-aws: the database the boot steps prepare (templates/database-*.sh).",
    `AWS_REGION=${settings.region}`,
    `DATABASE_HOST=${endpoint}`,
    `DATABASE_PORT=${port}`,
    `DATABASE_MASTER_SECRET_ARN=${masterSecretArn}`,
    `DATABASE_SERVICE_SECRETS=${SQL_SERVICES.map((service) => `${service}=${secretArns[service]}`).join(" ")}`,
    `DATABASE_SERVICES=${SQL_SERVICES.join(" ")}`,
    "",
  ].join("\n");
  return {
    sql,
    database,
    profile: { endpoint, port, secretArns, region: settings.region, maxPoolSize: o.maxPoolSize },
    masterSecretArn,
    readableSecretArns: pickList(sql, [masterSecretArn, ...services], []),
    fillableSecretArns: namedList(
      scope,
      "DatabaseUserSecretArns",
      "database_user_secret_arns",
      pickList(sql, services, []),
    ),
    environmentFile: environment,
  };
}
