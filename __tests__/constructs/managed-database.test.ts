import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { TerraformOutput, TerraformVariable, Testing } from "cdktf";
import type { Construct } from "constructs";
import {
  type AuroraEngine,
  ManagedDatabase,
  type ManagedDatabaseProps,
  type MysqlEngine,
  parameterFamily,
} from "../../modules/constructs/managed-database";

const AURORA: AuroraEngine = {
  kind: "aurora-mysql",
  version: "8.0.mysql_aurora.3.10.4",
  instanceClass: "db.r7g.large",
  readers: 1,
};
const MYSQL: MysqlEngine = {
  kind: "mysql",
  version: "8.4",
  instanceClass: "db.t4g.micro",
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 100,
};

function synth(overrides: Partial<ManagedDatabaseProps> = {}) {
  return Testing.synthScope((scope: Construct) => {
    const database = new ManagedDatabase(scope, "database", {
      namePrefix: "armoryspinnaker-preprod",
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      clientSecurityGroupId: "sg-0123456789abcdef0",
      engine: AURORA,
      ...overrides,
    });
    new TerraformOutput(scope, "master", { value: database.masterSecretArn });
  });
}

type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string }>;
};
const parsed = (overrides: Partial<ManagedDatabaseProps> = {}) => JSON.parse(synth(overrides)) as Json;
const only = (json: Json, type: string) => Object.values(json.resource[type] ?? {});

describe("Aurora MySQL for HA", () => {
  test("encrypted, backed up, protected from deletion, a final snapshot, the master password kept by RDS", () => {
    expect(synth()).toHaveResourceWithProperties(RdsCluster, {
      cluster_identifier: "armoryspinnaker-preprod-db",
      engine: "aurora-mysql",
      engine_version: "8.0.mysql_aurora.3.10.4",
      master_username: "spinnaker",
      storage_encrypted: true,
      manage_master_user_password: true,
      backup_retention_period: 7,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "armoryspinnaker-preprod-db-final",
      copy_tags_to_snapshot: true,
      port: 3306,
    });
    const [cluster] = only(parsed(), "aws_rds_cluster");
    // No password of any kind is written: RDS makes it and keeps it in Secrets Manager.
    expect(
      Object.keys(cluster).filter((key) => key.includes("password") && key !== "manage_master_user_password"),
    ).toEqual([]);
  });

  test("a writer and a reader, never public, each in the next zone of the subnets, no automatic minor upgrades", () => {
    const [members] = only(parsed(), "aws_rds_cluster_instance");
    expect(members).toMatchObject({
      count: 2,
      identifier: "armoryspinnaker-preprod-db-${count.index}",
      instance_class: "db.r7g.large",
      publicly_accessible: false,
      auto_minor_version_upgrade: false,
      availability_zone: "${element(local.database_availability_zones, count.index)}",
    });
    expect(JSON.parse(synth()).locals.database_availability_zones).toMatch(
      /^\$\{sort\(distinct\(\[for s in data\.aws_subnet\.\w+ : s\.availability_zone\]\)\)\}$/,
    );
    expect(only(parsed({ engine: { ...AURORA, readers: 2 } }), "aws_rds_cluster_instance")[0].count).toBe(3);
  });

  test("TLS required and utf8mb4 in the cluster parameter group, whose family follows the version", () => {
    expect(synth()).toHaveResourceWithProperties(RdsClusterParameterGroup, {
      family: "aurora-mysql8.0",
      parameter: [
        { name: "require_secure_transport", value: "ON" },
        { name: "character_set_server", value: "utf8mb4" },
        { name: "collation_server", value: "utf8mb4_unicode_ci" },
      ],
    });
  });

  test("the bucket's KMS key encrypts the storage and the master secret", () => {
    const key = "arn:aws:kms:us-west-2:123456789012:key/0123";
    const json = parsed({ kmsKeyArn: key });
    expect(only(json, "aws_rds_cluster")[0]).toMatchObject({ kms_key_id: key, master_user_secret_kms_key_id: key });
  });

  test("reachable on 3306 only from the instances' group, which gets the matching egress rule", () => {
    const json = parsed();
    const [ingress] = only(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toMatchObject({
      from_port: 3306,
      to_port: 3306,
      referenced_security_group_id: "sg-0123456789abcdef0",
    });
    expect(ingress).not.toHaveProperty("cidr_ipv4");
    const [egress] = only(json, "aws_vpc_security_group_egress_rule");
    expect(egress).toMatchObject({ security_group_id: "sg-0123456789abcdef0", from_port: 3306, to_port: 3306 });
  });

  test("the master's secret is RDS's own", () => {
    expect(parsed().output.master.value).toMatch(/^\$\{aws_rds_cluster\.\w+\.master_user_secret\[0\]\.secret_arn\}$/);
  });

  test("the master user is named, as RDS requires of a new cluster", () => {
    expect(only(parsed(), "aws_rds_cluster")[0]).toMatchObject({ master_username: "spinnaker" });
  });

  test("backups cannot be turned off, and readers stay within Aurora's fifteen", () => {
    expect(() => synth({ backupRetentionDays: 0 })).toThrow(
      "stack/database: backupRetentionDays must be a whole number of days from 1 to 35, got 0",
    );
    expect(() => synth({ engine: { ...AURORA, readers: 0 } })).toThrow(
      "stack/database: engine.readers must be a whole number from 1 to 15 (Multi-AZ needs one), got 0",
    );
  });
});

describe("RDS for MySQL for stand-alone", () => {
  test("one Single-AZ gp3 instance with the same protections, TLS required in its parameter group", () => {
    expect(synth({ engine: MYSQL })).toHaveResourceWithProperties(DbInstance, {
      identifier: "armoryspinnaker-preprod-db",
      engine: "mysql",
      engine_version: "8.4",
      // RDS refuses to create MySQL without a master user name; a DB instance calls it username.
      username: "spinnaker",
      instance_class: "db.t4g.micro",
      allocated_storage: 20,
      max_allocated_storage: 100,
      storage_type: "gp3",
      multi_az: false,
      publicly_accessible: false,
      storage_encrypted: true,
      manage_master_user_password: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      backup_retention_period: 7,
    });
    expect(synth({ engine: MYSQL })).toHaveResourceWithProperties(DbParameterGroup, {
      family: "mysql8.4",
      parameter: expect.arrayContaining([{ name: "require_secure_transport", value: "1" }]),
    });
    expect(only(parsed({ engine: MYSQL }), "aws_rds_cluster")).toEqual([]);
  });

  // The instance calls it `username`, the cluster `master_username`: without it the provider refuses
  // to create the instance ("username": required field is not set), which only an apply shows.
  test("the master user is named under the instance's own key", () => {
    const [instance] = only(parsed({ engine: MYSQL }), "aws_db_instance");
    expect(instance).toMatchObject({ username: "spinnaker" });
    expect(instance).not.toHaveProperty("master_username");
  });
});

describe("created at plan time (a module's input)", () => {
  test("every resource takes the count, and the attributes read the one instance", () => {
    const json = JSON.parse(
      Testing.synthScope((scope: Construct) => {
        const create = new TerraformVariable(scope, "create", { type: "bool" });
        const database = new ManagedDatabase(scope, "database", {
          namePrefix: "armoryspinnaker-preprod",
          vpcId: "vpc-0123456789abcdef0",
          subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
          clientSecurityGroupId: "sg-0123456789abcdef0",
          engine: AURORA,
          create: create.booleanValue,
        });
        new TerraformOutput(scope, "master", { value: database.masterSecretArn });
        new TerraformOutput(scope, "endpoint", { value: database.endpoint });
      }),
    ) as Json;
    expect(json.output.master.value).toMatch(
      /^\$\{one\(aws_rds_cluster\.\w+\[\*\]\.master_user_secret\.0\.secret_arn\)\}$/,
    );
    expect(json.output.endpoint.value).toMatch(/^\$\{one\(aws_rds_cluster\.\w+\[\*\]\.endpoint\)\}$/);
    for (const type of ["aws_rds_cluster", "aws_db_subnet_group", "aws_security_group"]) {
      expect(only(json, type)[0].count).toBe("${var.create ? 1 : 0}");
    }
    expect(only(json, "aws_rds_cluster_instance")[0].count).toBe("${var.create ? 2 : 0}");
  });
});

test("parameter families: the engine and the version's first two numbers, in TypeScript or in Terraform", () => {
  expect(parameterFamily("aurora-mysql", "8.0.mysql_aurora.3.10.4")).toBe("aurora-mysql8.0");
  expect(parameterFamily("mysql", "8.4")).toBe("mysql8.4");
  expect(parameterFamily("mysql", "8.0.40")).toBe("mysql8.0");
});
