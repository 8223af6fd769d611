/**
 * SQL storage in the stacks (`storage.type: sql`): what each topology creates, what front50, orca and
 * the compose project read, what the instance role may do, and the bring-your-own path.
 */
import { parse } from "yaml";
import { ConfigSchema } from "../../modules/config/schema";
import { resourcesOf, type Synthesized, settingsFrom, synthStack, templateOf } from "../helpers";

const SQL = { storage: { type: "sql" } } as const;
const OWN = {
  storage: {
    type: "sql",
    existingEndpoint: "spinnaker.cluster-abc.us-west-2.rds.amazonaws.com",
    existingMasterSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-admin-AbCdEf",
    existingSecurityGroupId: "sg-0fedcba9876543210",
  },
} as const;

const standalone = synthStack(settingsFrom(SQL), "standalone");
const ha = synthStack(settingsFrom(SQL), "ha");

/** A file of the configuration, read from the templates/ folder where it is one. */
function file(json: Synthesized, key: string): string {
  const object = Object.values(resourcesOf(json, "aws_s3_object")).find((o) => o.key === `config/${key}`);
  if (object === undefined) throw new Error(`no configuration file ${key}`);
  const content = String(object.content);
  return content.startsWith('${file("') ? templateOf(json, content) : content;
}

function policyStatements(json: Synthesized): { sid: string; actions: string[]; resources: string[] }[] {
  const documents = (json.data?.aws_iam_policy_document ?? {}) as Record<string, { statement?: unknown[] }>;
  return Object.values(documents).flatMap(
    (d) => (d.statement ?? []) as { sid: string; actions: string[]; resources: string[] }[],
  );
}

test("HA: an Aurora MySQL cluster with a writer and a reader; stand-alone: one small RDS for MySQL instance", () => {
  expect(Object.values(resourcesOf(ha, "aws_rds_cluster"))).toEqual([
    expect.objectContaining({ engine: "aurora-mysql", engine_version: "8.0.mysql_aurora.3.10.4" }),
  ]);
  expect(Object.values(resourcesOf(ha, "aws_rds_cluster_instance"))[0]).toMatchObject({
    count: 2,
    instance_class: "db.r7g.large",
  });
  expect(Object.values(resourcesOf(standalone, "aws_db_instance"))).toEqual([
    expect.objectContaining({
      engine: "mysql",
      engine_version: "8.4",
      instance_class: "db.t4g.micro",
      max_allocated_storage: 100,
    }),
  ]);
  expect(resourcesOf(standalone, "aws_rds_cluster")).toEqual({});
});

test("outputs: the writer's endpoint and the master secret, and Aurora's reader endpoint", () => {
  expect(ha.output?.database_endpoint).toMatchObject({ value: "${local.database_endpoint}" });
  expect(ha.output?.database_master_secret_arn).toMatchObject({ value: "${local.database_master_secret_arn}" });
  expect(ha.output?.database_reader_endpoint?.value).toMatch(
    /^\$\{aws_rds_cluster\.database_cluster\.reader_endpoint\}$/,
  );
  expect(standalone.output?.database_reader_endpoint).toBeUndefined();
  expect(synthStack(settingsFrom(), "standalone").output?.database_endpoint).toBeUndefined();
});

test("s3-redis, the default, creates none of it and leaves the profiles as they were", () => {
  const plain = synthStack(settingsFrom(), "ha");
  for (const type of ["aws_rds_cluster", "aws_db_instance", "aws_db_subnet_group"])
    expect(resourcesOf(plain, type)).toEqual({});
  expect(Object.values(resourcesOf(plain, "aws_secretsmanager_secret")).map((s) => s.name_prefix)).toEqual([
    "armoryspinnaker-preprod-redis-url-",
  ]);
  expect(parse(file(plain, "front50-local.yml"))).toMatchObject({ spinnaker: { s3: { enabled: true } } });
  expect(parse(file(plain, "orca-local.yml")).sql).toBeUndefined();
});

test.each([
  ["standalone", standalone, 10],
  ["ha", ha, 20],
])(
  "%s: front50 and orca on SQL, S3 storage and Redis executions off, the passwords only referenced",
  (_name, json, pool) => {
    const front50 = parse(file(json, "front50-local.yml"));
    expect(front50.spinnaker).toEqual({ s3: { enabled: false } });
    expect(front50.sql.connectionPools.default).toMatchObject({ user: "front50_service", maxPoolSize: pool });
    expect(front50.sql.connectionPools.default.jdbcUrl).toMatch(
      /^jdbc:mysql:\/\/\$\{.+\}:3306\/front50\?sslMode=REQUIRED/,
    );
    expect(front50.sql.migration.password).toMatch(
      /^encrypted:secrets-manager!r:\$\{data\.aws_region\.current\.id\}!s:\$\{local\.database_front50_secret_arn\}!k:migrate_password$/,
    );
    const orca = parse(file(json, "orca-local.yml"));
    expect(orca["execution-repository"]).toEqual({ sql: { enabled: true }, redis: { enabled: false } });
    expect(orca.kayenta).toBeDefined();
  },
);

test("the compose project's SQL overlay prepares the database before front50 and orca, with the images in compose.env", () => {
  expect(Object.keys(parse(file(standalone, "compose-polling.yaml")).services)).not.toContain("database-init");
  const overlay = parse(file(standalone, "compose-polling.sql.yaml"));
  expect(Object.keys(overlay.services)).toEqual(expect.arrayContaining(["database-secrets", "database-init"]));
  expect(overlay.services.orca.depends_on["database-init"]).toEqual({ condition: "service_completed_successfully" });
  const env = file(standalone, "compose.env");
  expect(env).toContain("\nAWS_CLI_IMAGE=public.ecr.aws/aws-cli/aws-cli:");
  expect(env).toContain("\nDATABASE_CLIENT_IMAGE=docker.io/library/mysql:8.4\n");
  const database = file(standalone, "database.env");
  expect(database).toMatch(/^DATABASE_HOST=\$\{local\.database_endpoint\}$/m);
  expect(database).toMatch(
    /^DATABASE_SERVICE_SECRETS=front50=\$\{local\.database_front50_secret_arn\} orca=\$\{local\.database_orca_secret_arn\}$/m,
  );
  expect(file(standalone, "database-init.sh")).toMatch(/^#!\/usr\/bin\/env bash\n/);
});

test("the instance role reads the master's and the services' secrets, and may fill only the services'", () => {
  const statements = policyStatements(standalone);
  const fill = statements.find((s) => s.sid === "FillDatabaseSecrets");
  expect(fill?.actions).toEqual(["secretsmanager:PutSecretValue"]);
  expect(fill?.resources).toHaveLength(2);
  expect(fill?.resources).toEqual(["${local.database_front50_secret_arn}", "${local.database_orca_secret_arn}"]);
  const locals = (standalone as { locals?: Record<string, string> }).locals ?? {};
  expect(locals.database_front50_secret_arn).toMatch(/^\$\{aws_secretsmanager_secret\.front50_database_secret\.arn\}$/);
  expect(locals.database_endpoint).toMatch(/^\$\{aws_db_instance\.database_instance\.address\}$/);
  expect(statements.find((s) => s.sid === "GeneratePasswords")?.actions).toEqual(["secretsmanager:GetRandomPassword"]);
  const read = statements.find((s) => s.sid === "Secrets")?.resources ?? [];
  expect(read).toEqual(expect.arrayContaining([...(fill?.resources ?? []), "${local.database_master_secret_arn}"]));
});

test("the instances boot only once the database and its members exist", () => {
  const groups = Object.values(resourcesOf(ha, "aws_autoscaling_group"));
  for (const group of groups) {
    expect(group.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_rds_cluster\./),
        expect.stringMatching(/^aws_rds_cluster_instance\./),
      ]),
    );
  }
});

test("your own database: no RDS resource, an egress rule to its group, and its endpoint and master secret", () => {
  const json = synthStack(settingsFrom(OWN), "standalone");
  expect(resourcesOf(json, "aws_db_instance")).toEqual({});
  expect(Object.values(resourcesOf(json, "aws_vpc_security_group_egress_rule"))).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ referenced_security_group_id: "sg-0fedcba9876543210", from_port: 3306, to_port: 3306 }),
    ]),
  );
  const database = file(json, "database.env");
  expect(database).toContain(`\nDATABASE_HOST=${OWN.storage.existingEndpoint}\n`);
  expect(database).toContain(`\nDATABASE_MASTER_SECRET_ARN=${OWN.storage.existingMasterSecretArn}\n`);
});

describe("the configuration's rules", () => {
  const issues = (storage: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const result = ConfigSchema.safeParse({ state: { backend: "local" }, storage, ...extra });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  test("a database is created or yours, never half of each", () => {
    expect(issues({ type: "sql", createDatabase: true, existingEndpoint: OWN.storage.existingEndpoint })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^storage\.createDatabase: must be false with storage\.existingEndpoint/),
      ]),
    );
    expect(issues({ type: "sql", createDatabase: false })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^storage\.createDatabase: needs storage\.existingEndpoint/)]),
    );
    expect(issues({ type: "sql", existingEndpoint: OWN.storage.existingEndpoint })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /storage\.existingMasterSecretArn go together|storage\.existingEndpoint and storage\.existingMasterSecretArn go together/,
        ),
      ]),
    );
  });

  test("versions and sizes of the engines' own kinds, backups never off", () => {
    expect(issues({ auroraVersion: "8.0.36" })).toEqual([
      expect.stringMatching(
        /^storage\.auroraVersion: .*an Aurora MySQL 3 engine version such as 8\.0\.mysql_aurora\.3\.10\.4/,
      ),
    ]);
    expect(issues({ mysqlVersion: "5.7" })).toEqual([expect.stringMatching(/^storage\.mysqlVersion: /)]);
    expect(issues({ backupRetentionDays: 0 })).toEqual([expect.stringMatching(/^storage\.backupRetentionDays: /)]);
    expect(issues({ subnetIds: ["subnet-0123456789abcdef0"] })).toEqual([
      expect.stringMatching(/^storage\.subnetIds: .*two subnets/),
    ]);
  });

  test("a 2027 release runs with sql and is refused with s3-redis, naming the setting", () => {
    expect(issues({ type: "sql" }, { spinnaker: { version: "2027.0.0" } })).toEqual([]);
    expect(issues({ type: "s3-redis" }, { spinnaker: { version: "2027.0.0" } })).toEqual([
      expect.stringMatching(
        /^spinnaker\.version: must be before 2027\.0\.0 while storage\.type is s3-redis: .*\(set storage\.type to sql\)/,
      ),
    ]);
  });
});
