/**
 * The deploy tier for the child modules, as existing Terraform uses them: a root with its own VPC
 * calls `standalone-module`, another calls `ha-module` in an existing network; each is applied to the
 * AWS emulator, planned again (nothing may change) and destroyed. Last, the tier's own check: a
 * perpetual diff planted in a scratch copy must fail it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectSuccess } from "../tools/harness";
import { AppliedRoots, EmulatedRoot, emulatorProvider, REGION, startTier, type Tier } from "./tier";

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
function callerRoot(name: string, module: string, inputs: Record<string, unknown>, extra: Record<string, unknown>) {
  return new EmulatedRoot(
    name,
    tier.emulator,
    {
      "main.tf.json": {
        provider: { aws: emulatorProvider(tier.emulator) },
        variable: { deletion_protection: { type: "bool", default: true } },
        module: {
          spinnaker: { source: "./spinnaker", deletion_protection: "${var.deletion_protection}", ...inputs },
        },
        output: {
          deck_url: { value: "${module.spinnaker.deck_url}" },
          region: { value: "${module.spinnaker.region}" },
        },
        ...extra,
      },
    },
    { spinnaker: tier.stacks[module] },
  );
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
  // An existing network, where the deployer's Redis lives.
  "ha-module": () =>
    callerRoot(
      "ha-root",
      "ha-module",
      { vpc_id: tier.network.vpcId, instance_subnet_ids: tier.network.subnetIds, user_cidrs: ["10.0.0.0/8"] },
      {},
    ),
};

describe.each(Object.keys(ROOTS) as (keyof typeof ROOTS)[])("a root calling %s", (module) => {
  test("apply", () => {
    const r = ROOTS[module]();
    r.init();
    r.apply();
    expect(r.outputs().region).toBe(REGION);
    roots.add(module, r);
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
