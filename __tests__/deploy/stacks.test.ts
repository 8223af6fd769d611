/**
 * The deploy tier for the cdktf stacks: `state`, then `standalone` (defaults: HTTP, no sign-in) and
 * `ha` (HTTPS and sign-in) on the S3 backend it creates, each applied to the AWS emulator, planned
 * again (which must propose nothing) and destroyed the way the README tells users to. One test per
 * stack and step, in order.
 *
 * Not run here, because the emulator cannot: ElastiCache replication groups and parameter groups
 * (the `ha` stack uses its "existing Redis" path; `terraform test` with a mock provider applies the
 * created Redis in the tools tier) and instance refresh (applies create groups; nothing refreshes).
 */
import { expectSuccess } from "../tools/harness";
import {
  AppliedRoots,
  type Backend,
  EmulatedRoot,
  expectRefused,
  networkVars,
  startTier,
  type Tier,
  varArgs,
} from "./tier";

const STATE_BUCKET = "spinnaker-deploy-tier-state";
const S3: Backend = { kind: "s3" };

let tier: Tier;
const roots = new AppliedRoots();
const root = (name: string) => roots.get(name);

beforeAll(async () => {
  tier = await startTier(STATE_BUCKET);
});

afterAll(async () => {
  await tier?.emulator.stop();
});

describe("state", () => {
  test("apply: the state bucket", () => {
    const state = EmulatedRoot.ofStack("state", tier.emulator, tier.stacks.state, { kind: "local" });
    state.init();
    state.apply();
    expect(state.outputs().state_bucket_name).toBe(STATE_BUCKET);
    roots.add("state", state);
  });

  test("plan after apply is empty", () => {
    root("state").expectEmptyPlan();
  });

  test("destroy is refused: the bucket holds every stack's state", () => {
    expectRefused(root("state").destroy(), "Instance cannot be destroyed");
  });
});

describe.each([
  ["standalone", {}, "http://"],
  // The explicit AMI path: no image lookup at all; HTTPS, as sign-in needs.
  ["ha", { ami_id: "ami-0a1b2c3d4e5f60003" }, "https://spinnaker.example.com:8084"],
])("%s on the S3 backend", (name, extraVars, gateUrl) => {
  const vars = () => ({ ...networkVars(tier.network), ...extraVars });

  test("apply", () => {
    const r = EmulatedRoot.ofStack(name, tier.emulator, tier.stacks[name], S3);
    r.init(S3);
    r.apply(vars());
    roots.add(name, r);
    expect(String(r.outputs().gate_url)).toContain(gateUrl);
  });

  test("plan after apply is empty", () => {
    root(name).expectEmptyPlan(vars());
  });

  test("a second plan is refused while another run holds the state lock", async () => {
    const r = root(name);
    // An apply with a change to approve (here: turning deletion protection off) holds the lock at its prompt.
    const holder = await r.holdLock({ ...vars(), deletion_protection: false });
    try {
      const second = r.terraform(["plan", "-input=false", "-lock-timeout=0s", ...varArgs(vars())]);
      // S3's conditional write of `<key>.tflock` fails with 412 Precondition Failed.
      expectRefused(second, "Error acquiring the state lock");
      expectRefused(second, "412");
    } finally {
      await holder.release();
    }
  });

  test("destroy, after turning deletion protection off as the README says", () => {
    const r = root(name);
    const unprotected = { ...vars(), deletion_protection: false };
    r.apply(unprotected);
    expectSuccess(r.destroy(unprotected), `terraform destroy (${name})`);
    const left = r.terraform(["state", "list"]);
    expectSuccess(left, "terraform state list");
    expect(left.stdout.trim()).toBe("");
  });
});
