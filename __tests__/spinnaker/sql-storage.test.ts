import {
  front50SqlProfile,
  jdbcUrl,
  orcaSqlProfile,
  type SqlStorageOptions,
  sqlUsers,
} from "../../modules/spinnaker/sql-storage";
import { toYaml } from "../../modules/spinnaker/yaml";

const OPTIONS: SqlStorageOptions = {
  endpoint: "armoryspinnaker-preprod-db.cluster-abc.us-west-2.rds.amazonaws.com",
  port: "3306",
  region: "us-west-2",
  secretArns: {
    front50: "arn:aws:secretsmanager:us-west-2:123456789012:secret:armoryspinnaker-preprod-db-front50-AbCdEf",
    orca: "arn:aws:secretsmanager:us-west-2:123456789012:secret:armoryspinnaker-preprod-db-orca-AbCdEf",
  },
};

test("each service's schema over TLS, on the writer", () => {
  expect(jdbcUrl(OPTIONS, "orca")).toBe(
    "jdbc:mysql://armoryspinnaker-preprod-db.cluster-abc.us-west-2.rds.amazonaws.com:3306/orca?sslMode=REQUIRED&characterEncoding=UTF-8",
  );
  expect(sqlUsers("front50")).toEqual({ service: "front50_service", migrate: "front50_migrate" });
});

test("front50: kork-sql's default pool as its service user, Liquibase as its migrate user, S3 storage off", () => {
  const profile = front50SqlProfile(OPTIONS);
  expect(profile).toEqual({
    sql: {
      enabled: true,
      connectionPools: {
        default: {
          default: true,
          jdbcUrl: jdbcUrl(OPTIONS, "front50"),
          user: "front50_service",
          password: `encrypted:secrets-manager!r:us-west-2!s:${OPTIONS.secretArns.front50}!k:service_password`,
          maxPoolSize: 20,
        },
      },
      migration: {
        jdbcUrl: jdbcUrl(OPTIONS, "front50"),
        user: "front50_migrate",
        password: `encrypted:secrets-manager!r:us-west-2!s:${OPTIONS.secretArns.front50}!k:migrate_password`,
      },
    },
    spinnaker: { s3: { enabled: false } },
  });
});

test("orca: executions in SQL, the Redis repository and its monitor explicitly off (both default on)", () => {
  const profile = orcaSqlProfile({ ...OPTIONS, maxPoolSize: 8 });
  expect(profile).toMatchObject({
    sql: {
      enabled: true,
      connectionPools: { default: { user: "orca_service", maxPoolSize: 8 } },
      migration: { user: "orca_migrate" },
    },
    "execution-repository": { sql: { enabled: true }, redis: { enabled: false } },
    monitor: { "active-executions": { redis: false } },
  });
  // The work queue stays where it is: no keiko or queue keys.
  expect(Object.keys(profile).sort()).toEqual(["execution-repository", "monitor", "sql"]);
});

test("no password in the rendered YAML: only references the service resolves at start", () => {
  const yaml = toYaml(front50SqlProfile(OPTIONS)) + toYaml(orcaSqlProfile(OPTIONS));
  const lines = yaml.split("\n").filter((l) => l.includes("password:"));
  expect(lines).toHaveLength(4);
  for (const line of lines) {
    expect(line).toMatch(
      /password: encrypted:secrets-manager!r:us-west-2!s:arn:aws:secretsmanager:\S+!k:(service|migrate)_password$/,
    );
  }
});
