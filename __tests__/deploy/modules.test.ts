/**
 * The deploy tier for the child modules, as existing Terraform uses them: a root with its own VPC
 * calls `standalone-module`, another calls `ha-module` in an existing network and turns
 * `self_deploy` on, off and on again as docs/operations.md says (with it on, does what Spinnaker's
 * deploys do to the server groups, which must leave every plan empty, and destroys what Spinnaker
 * made with the rest), both with SQL storage and a created database
 * (RDS for MySQL, and Aurora MySQL); and the published layout's `examples/environments` calls the
 * module once per environment with `for_each` in us-east-1. Each is applied to the AWS emulator,
 * planned again (nothing may change) and destroyed.
 * Last, the tier's own check: a perpetual diff planted in a scratch copy must fail it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REGISTRY_NAME } from "../../modules/registry/layout";
import { expectSuccess, run } from "../tools/harness";
import {
  AppliedRoots,
  applyNetwork,
  EmulatedRoot,
  emulatorProvider,
  type Network,
  networkVars,
  REGION,
  startTier,
  type Tier,
  varArgs,
} from "./tier";

let tier: Tier;
const roots = new AppliedRoots();
const root = (name: string) => roots.get(name);

beforeAll(async () => {
  tier = await startTier("spinnaker-deploy-tier-modules");
});

afterAll(async () => {
  await tier?.emulator.stop();
});

/** A root module that owns the provider and calls a synthesized module, as a user's would. */
function callerRoot(
  name: string,
  module: string,
  inputs: Record<string, unknown>,
  { variable, ...extra }: Record<string, unknown>,
) {
  return new EmulatedRoot(
    name,
    tier.emulator,
    {
      "main.tf.json": {
        provider: { aws: emulatorProvider(tier.emulator) },
        variable: { deletion_protection: { type: "bool", default: true }, ...(variable as object) },
        module: {
          spinnaker: { source: "./spinnaker", deletion_protection: "${var.deletion_protection}", ...inputs },
        },
        output: {
          deck_url: { value: "${module.spinnaker.deck_url}" },
          config_bucket_name: { value: "${module.spinnaker.config_bucket_name}" },
        },
        ...extra,
      },
    },
    { spinnaker: tier.stacks[module] },
  );
}

interface StateResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}

/** Every resource in the state of the root's child modules, by module address. */
function moduleResources(r: EmulatedRoot): Record<string, StateResource[]> {
  const shown = r.terraform(["show", "-json"]);
  expectSuccess(shown, `terraform show (${r.name})`);
  const modules = JSON.parse(shown.stdout).values.root_module.child_modules as {
    address: string;
    resources: StateResource[];
  }[];
  return Object.fromEntries(modules.map((m) => [m.address, m.resources]));
}

/**
 * SQL storage with a created database, in both module roots (Aurora MySQL in ha-module's, RDS for
 * MySQL in standalone-module's), so that it rides on applies the tier makes anyway. Its deletion
 * protection follows the root's `deletion_protection`: the apply that unprotects the load balancers
 * unprotects the database too, as Destroy in docs/operations.md says.
 */
const SQL_STORAGE = { type: "sql", deletion_protection: "${var.deletion_protection}" };

/**
 * The module's database as applied: protected, its master password in the secret RDS made, and
 * that secret and the services' empty ones named in `config/database.env`.
 */
function expectDatabase(r: EmulatedRoot, type: "aws_db_instance" | "aws_rds_cluster"): StateResource[] {
  const resources = moduleResources(r)["module.spinnaker"];
  const database = resources.filter((x) => x.type === type);
  expect(database).toHaveLength(1);
  expect(database[0].values).toMatchObject({ deletion_protection: true, storage_encrypted: true });
  const [masterSecret] = database[0].values.master_user_secret as { secret_arn: string }[];
  expect(masterSecret.secret_arn).toMatch(/^arn:aws:secretsmanager:/);
  const environment = String(resources.find((x) => x.values.key === "config/database.env")?.values.content);
  expect(environment).toContain(`DATABASE_MASTER_SECRET_ARN=${masterSecret.secret_arn}\n`);
  const userSecrets = resources.filter((x) => x.type === "aws_secretsmanager_secret").map((x) => x.values.arn);
  expect(userSecrets).toHaveLength(2);
  for (const arn of userSecrets) expect(environment).toContain(`=${arn}`);
  return resources;
}

const ROOTS = {
  // The caller's own VPC and subnets, created in the same apply as the module.
  "standalone-module": () =>
    callerRoot(
      "standalone-root",
      "standalone-module",
      {
        vpc_id: "${aws_vpc.spinnaker.id}",
        instance_subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}"],
        user_cidrs: ["10.0.0.0/8"],
        storage: SQL_STORAGE,
      },
      {
        resource: {
          aws_vpc: { spinnaker: { cidr_block: "10.30.0.0/16" } },
          aws_subnet: {
            a: { vpc_id: "${aws_vpc.spinnaker.id}", cidr_block: "10.30.1.0/24", availability_zone: `${REGION}a` },
            b: { vpc_id: "${aws_vpc.spinnaker.id}", cidr_block: "10.30.2.0/24", availability_zone: `${REGION}b` },
          },
        },
      },
    ),
};

describe.each(Object.keys(ROOTS) as (keyof typeof ROOTS)[])("a root calling %s", (module) => {
  test("apply", () => {
    const r = ROOTS[module]();
    r.init();
    r.apply();
    expect(r.outputs().deck_url).toMatch(/^http:\/\/.+/);
    roots.add(module, r);
    const [instance] = expectDatabase(r, "aws_db_instance").filter((x) => x.type === "aws_db_instance");
    expect(instance.values).toMatchObject({ engine: "mysql", multi_az: false });
  });

  test("plan after apply is empty", () => {
    root(module).expectEmptyPlan();
  });

  test("destroy, after turning deletion protection off", () => {
    const r = root(module);
    r.apply({ deletion_protection: false });
    expectSuccess(r.destroy({ deletion_protection: false }), `terraform destroy (${module})`);
  });
});

/** What Spinnaker does to a server group, through the AWS API (spinnaker_steps.py). */
function spinnakerStep(step: string, cluster: string): string {
  const result = run("python3", [join(__dirname, "spinnaker_steps.py"), tier.emulator.endpoint, REGION, step, cluster]);
  expectSuccess(result, `Spinnaker's ${step} of ${cluster}`);
  return result.stdout;
}

/** The names of a cluster's server groups (`<cluster>-vNNN`). */
function groupNames(cluster: string): string[] {
  return (JSON.parse(spinnakerStep("list", cluster)).groups as { name: string }[]).map((g) => g.name);
}

// With self_deploy on, Terraform hands the server groups over to Spinnaker: each thing Spinnaker
// does to v000 and the groups it makes leaves the caller's plan empty, and destroy removes them all.
// The root starts with the setting off and turns it on, off and on again as docs/operations.md says
// ("Turning the setting on or off for a running deployment"), on the one emulator and database.
describe("a root calling ha-module with SQL storage in an existing network: self_deploy turned on, off and on while Spinnaker deploys itself", () => {
  const CLUSTERS = ["armoryspinnaker-preprod", "armoryspinnaker-preprod-polling"];
  const OFF = { self_deploy: false };
  const ha = () =>
    callerRoot(
      "ha-root",
      "ha-module",
      {
        vpc_id: tier.network.vpcId,
        instance_subnet_ids: tier.network.subnetIds,
        user_cidrs: ["10.0.0.0/8"],
        self_deploy: { enabled: "${var.self_deploy}" },
        storage: SQL_STORAGE,
      },
      { variable: { self_deploy: { type: "bool", default: true } } },
    );

  /** The CloudFormation stacks that own v000 while self_deploy is on (`*_server_group_hand_over`). */
  const serverGroupStacks = (r: EmulatedRoot) =>
    (moduleResources(r)["module.spinnaker"] ?? []).filter(
      (x) => x.type === "aws_cloudformation_stack" && x.address.includes("server_group_hand_over"),
    );

  test("apply with self_deploy off: Terraform's own v000", () => {
    const r = ha();
    r.init();
    r.apply(OFF);
    expect(r.outputs().deck_url).toMatch(/^http:\/\/.+/);
    roots.add("ha-module", r);
    for (const cluster of CLUSTERS) expect(groupNames(cluster)).toEqual([`${cluster}-v000`]);
    expect(serverGroupStacks(r)).toEqual([]);
    // The writer and its reader, each in an AZ of its own.
    const members = expectDatabase(r, "aws_rds_cluster").filter((x) => x.type === "aws_rds_cluster_instance");
    expect(members.map((m) => m.values.availability_zone).sort()).toEqual([`${REGION}a`, `${REGION}b`]);
    root("ha-module").expectEmptyPlan(OFF);
  });

  test("turning it on takes one apply, v000 is then CloudFormation's, and the plan after it is empty", () => {
    const r = root("ha-module");
    r.apply();
    for (const cluster of CLUSTERS) expect(groupNames(cluster)).toEqual([`${cluster}-v000`]);
    expect(serverGroupStacks(r)).toHaveLength(2);
    r.expectEmptyPlan();
  });

  // Deploy Spinnaker's red/black on the non-polling cluster, a plan after each step; then the same
  // on the polling cluster, one plan at the end.
  test.each(["clone", "disable", "detach", "scale0", "delete"])(
    "after Spinnaker's %s of the non-polling v000, the plan is still empty",
    (step) => {
      spinnakerStep(step, CLUSTERS[0]);
      root("ha-module").expectEmptyPlan();
    },
  );

  test("after Spinnaker deployed the polling cluster too, the plan is still empty", () => {
    for (const step of ["clone", "disable", "detach", "scale0", "delete"]) spinnakerStep(step, CLUSTERS[1]);
    for (const cluster of CLUSTERS) {
      expect(groupNames(cluster)).toEqual([`${cluster}-v001`]);
    }
    root("ha-module").expectEmptyPlan();
  });

  test("turning it off: destroying the clean-up invocation removes Spinnaker's groups, one apply brings Terraform's v000 back, the plan after it is empty", () => {
    const r = root("ha-module");
    const cleanup = r.terraform([
      "destroy",
      "-auto-approve",
      "-input=false",
      "-target=module.spinnaker.aws_lambda_invocation.self_deploy_cleanup_invocation[0]",
      ...varArgs(OFF),
    ]);
    expectSuccess(cleanup, "terraform destroy -target (the clean-up invocation)");
    for (const cluster of CLUSTERS) expect(groupNames(cluster)).toEqual([]);
    r.apply(OFF);
    for (const cluster of CLUSTERS) expect(groupNames(cluster)).toEqual([`${cluster}-v000`]);
    expect(serverGroupStacks(r)).toEqual([]);
    r.expectEmptyPlan(OFF);
  });

  test("on again, and Spinnaker clones both clusters", () => {
    const r = root("ha-module");
    r.apply();
    for (const cluster of CLUSTERS) spinnakerStep("clone", cluster);
    for (const cluster of CLUSTERS) expect(groupNames(cluster)).toEqual([`${cluster}-v000`, `${cluster}-v001`]);
    r.expectEmptyPlan();
  });

  test("destroy removes Spinnaker's server groups, their launch templates and instances, and everything else", () => {
    const r = root("ha-module");
    r.apply({ deletion_protection: false });
    expectSuccess(r.destroy({ deletion_protection: false }), "terraform destroy (ha-module)");
    for (const cluster of CLUSTERS) {
      expect(JSON.parse(spinnakerStep("list", cluster))).toEqual({
        groups: [],
        launch_templates: [],
        live_instances: 0,
      });
    }
    const left = r.terraform(["state", "list"]);
    expectSuccess(left, "terraform state list");
    expect(left.stdout.trim()).toBe("");
  });
});

describe("the published examples/environments: for_each over two environments in us-east-1", () => {
  const EXAMPLE_REGION = "us-east-1";
  let network: Network;

  test("apply: both environments under their own names, in the provider's region", () => {
    network = applyNetwork(tier.emulator, EXAMPLE_REGION);
    const r = EmulatedRoot.ofExample(
      "environments",
      tier.emulator,
      join(__dirname, "..", "..", REGISTRY_NAME),
      "environments",
      EXAMPLE_REGION,
    );
    r.init();
    r.apply(networkVars(network));
    roots.add("environments", r);
    expect(r.outputs().server_groups).toEqual({
      staging: "armoryspinnaker-staging-v000",
      prod: "armoryspinnaker-prod-v000",
    });

    const byModule = moduleResources(r);
    expect(Object.keys(byModule).sort()).toEqual(['module.spinnaker["prod"]', 'module.spinnaker["staging"]']);
    const buckets = Object.values(byModule).map((resources) => {
      const bucket = resources.find((x) => x.type === "aws_s3_bucket");
      expect(bucket?.values.region ?? EXAMPLE_REGION).toBe(EXAMPLE_REGION);
      const front50 = resources.find((x) => x.values.key === "config/front50-local.yml");
      expect(String(front50?.values.content)).toContain(`region: ${EXAMPLE_REGION}`);
      const role = resources.find((x) => x.type === "aws_iam_role");
      expect(String(role?.values.arn)).toMatch(/^arn:aws:iam::/);
      const ami = resources.find((x) => x.type === "aws_launch_template");
      expect(String(ami?.values.image_id)).toMatch(/^ami-/);
      return bucket?.values.bucket;
    });
    expect(new Set(buckets).size).toBe(2);
  });

  test("plan after apply is empty", () => {
    root("environments").expectEmptyPlan(networkVars(network));
  });

  test("destroy, after turning deletion protection off", () => {
    const r = root("environments");
    const vars = { ...networkVars(network), deletion_protection: false };
    r.apply(vars);
    expectSuccess(r.destroy(vars), "terraform destroy (environments)");
  });
});

describe("the tier itself", () => {
  test("fails on a perpetual diff, naming the resource and the attribute", () => {
    // A scratch copy of the state stack whose bucket gets a tag that changes on every plan.
    const scratch = EmulatedRoot.ofStack("perpetual-diff", tier.emulator, tier.stacks.state, { kind: "local" });
    const file = join(scratch.dir, "main.tf.json");
    const configuration = JSON.parse(readFileSync(file, "utf8"));
    const buckets = configuration.resource.aws_s3_bucket as Record<string, { tags?: Record<string, string> }>;
    const [address] = Object.keys(buckets);
    buckets[address].tags = { ...buckets[address].tags, applied_at: "${timestamp()}" };
    writeFileSync(file, JSON.stringify(configuration));

    scratch.init();
    scratch.apply();
    // The bucket is named with what changes; what depends on it (its policy) follows.
    expect(() => scratch.expectEmptyPlan()).toThrow(
      new RegExp(`perpetual diff in[^]*\\baws_s3_bucket\\.${address} \\(update: tags, tags_all\\)`),
    );
  });
});
