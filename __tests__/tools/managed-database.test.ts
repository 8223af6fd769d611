/**
 * The SQL storage's database (modules/constructs/managed-database.ts) as Terraform reads it: both
 * engines, created or chosen at plan, pass `terraform validate` against the provider's schema. Not
 * yet in a stack or module.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { ManagedDatabase, type ManagedDatabaseProps } from "../../modules/constructs/managed-database";
import { expectSuccess, terraform, terraformWorkdir } from "./harness";

function configuration(engine: ManagedDatabaseProps["engine"], planTime: boolean): object {
  const app = Testing.app() as App;
  const stack = new TerraformStack(app, "database");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  const create = new TerraformVariable(stack, "create", { type: "bool", default: true });
  new ManagedDatabase(stack, "Database", {
    namePrefix: "armoryspinnaker-preprod",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    clientSecurityGroupId: "sg-0123456789abcdef0",
    engine,
    kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/01234567-89ab-cdef-0123-456789abcdef",
    create: planTime ? create.booleanValue : true,
  });
  return JSON.parse(Testing.synth(stack));
}

const ENGINES: [string, ManagedDatabaseProps["engine"]][] = [
  [
    "Aurora MySQL",
    { kind: "aurora-mysql", version: "8.0.mysql_aurora.3.10.4", instanceClass: "db.r7g.large", readers: 1 },
  ],
  [
    "RDS for MySQL",
    {
      kind: "mysql",
      version: "8.4",
      instanceClass: "db.t4g.micro",
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
    },
  ],
];

describe.each(ENGINES)("%s", (_name, engine) => {
  test.each([false, true])("validates (created at plan: %s)", (planTime) => {
    const workdir = terraformWorkdir("database", configuration(engine, planTime));
    expectSuccess(terraform(workdir, ["init", "-backend=false", "-input=false"]), "terraform init");
    expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
  });
});
