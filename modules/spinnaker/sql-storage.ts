/**
 * front50's and orca's settings for SQL storage (a MySQL 8 database), merged into their
 * `*-local.yml`. Property names are the services' own, read in their sources (the monorepo
 * spinnaker/spinnaker): kork-sql's `SqlProperties` (`sql.*`, with named `connectionPools` and a
 * `migration` user for Liquibase), front50-sql's `SqlConfiguration` (`sql.enabled`) and front50-s3's
 * `S3Config` (`spinnaker.s3.enabled`), orca-sql's `SqlConfiguration` (`execution-repository.sql.enabled`),
 * orca-redis's `RedisConfiguration` (`execution-repository.redis.enabled`, on unless set false) and
 * `RedisActiveExecutionsMonitor` (`monitor.active-executions.redis`, on unless set false).
 */

import { secretsManagerReference } from "./profiles";

/** The services that keep their data in SQL; each has a schema and two users of its name. */
export const SQL_SERVICES = ["front50", "orca"] as const;
export type SqlService = (typeof SQL_SERVICES)[number];

/** The keys of a service's secret that the boot step fills (templates/database-secrets.sh). */
export const PASSWORD_KEYS = { service: "service_password", migrate: "migrate_password" } as const;

export interface SqlStorageOptions {
  /** The writer's DNS name (may be a Terraform value). */
  readonly endpoint: string;
  /** As text: a module's is a Terraform value. */
  readonly port: string;
  /** Per service, the secret holding its users' passwords, in `region`. */
  readonly secretArns: Readonly<Record<SqlService, string>>;
  /** The deployment's region, where those secrets are. */
  readonly region: string;
  /**
   * Connections per service and instance. kork's default is 20; a small stand-alone database
   * (max_connections follows its memory) needs fewer. @default 20
   */
  readonly maxPoolSize?: number;
}

/** A service's users: `<service>_service` for its queries, `<service>_migrate` for its schema changes. */
export function sqlUsers(service: SqlService): { service: string; migrate: string } {
  return { service: `${service}_service`, migrate: `${service}_migrate` };
}

/**
 * The JDBC URL of a service's schema. TLS is required (the database refuses anything else); the
 * server's certificate is not verified, as the RDS CA is not in the JVM's trust store.
 */
export function jdbcUrl(o: SqlStorageOptions, service: SqlService): string {
  return `jdbc:mysql://${o.endpoint}:${o.port}/${service}?sslMode=REQUIRED&characterEncoding=UTF-8`;
}

/** kork-sql's settings for one service: its pool (the only one, so the default) and Liquibase's user. */
function korkSql(o: SqlStorageOptions, service: SqlService): Record<string, unknown> {
  const users = sqlUsers(service);
  const password = (key: string) => secretsManagerReference(o.secretArns[service], { region: o.region, jsonKey: key });
  const url = jdbcUrl(o, service);
  return {
    enabled: true,
    connectionPools: {
      default: {
        default: true,
        jdbcUrl: url,
        user: users.service,
        password: password(PASSWORD_KEYS.service),
        maxPoolSize: o.maxPoolSize ?? 20,
      },
    },
    migration: { jdbcUrl: url, user: users.migrate, password: password(PASSWORD_KEYS.migrate) },
  };
}

/** What front50-local.yml holds with SQL storage: SQL on, and S3 storage off (its beans and all). */
export function front50SqlProfile(o: SqlStorageOptions): Record<string, unknown> {
  return { sql: korkSql(o, "front50"), spinnaker: { s3: { enabled: false } } };
}

/**
 * What orca-local.yml adds with SQL storage: executions in SQL, the Redis repository and monitor
 * off. orca's work queue (keiko) stays on Redis, as spinnaker.io's orca-sql page describes
 * ("Redis is still required for the work queue").
 */
export function orcaSqlProfile(o: SqlStorageOptions): Record<string, unknown> {
  return {
    sql: korkSql(o, "orca"),
    "execution-repository": { sql: { enabled: true }, redis: { enabled: false } },
    monitor: { "active-executions": { redis: false } },
  };
}
