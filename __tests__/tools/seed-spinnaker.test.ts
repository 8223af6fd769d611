/**
 * The seeding step of ha.selfDeploy (modules/templates/seed-spinnaker.sh), run with sh and curl
 * against a stand-in for front50 and orca on 127.0.0.1 (a Node HTTP server of this test, stopped at
 * the end): the first run creates the application and the pipeline, the second sends nothing, and
 * a changed definition replaces the same pipeline. Also shellcheck on it and on the boothook of the
 * user data Spinnaker deploys with.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type DeploySpinnakerValues, deploySpinnakerPipeline } from "../../modules/spinnaker/deploy-spinnaker-pipeline";
import { selfDeployText } from "../../modules/spinnaker/self-deploy-files";
import { spinnakerApplication } from "../../modules/spinnaker/spinnaker-application";
import { expectSuccess, requireTool, run, runAsync, tempDir } from "./harness";

const PIPELINE_ID = "38c6057a-79a9-5b36-8786-0ad747cfb995";

/** front50 and orca as the script sees them: what it asked, and what front50 holds. */
class Stub {
  readonly requests: string[] = [];
  readonly applications = new Map<string, unknown>();
  readonly pipelines = new Map<string, Record<string, unknown>>();
  /** Health checks to fail before answering 200 (services still starting). */
  unhealthyChecks = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        const { method, url = "" } = request;
        this.requests.push(`${method} ${url}`);
        const reply = (status: number, value?: unknown) => {
          response.writeHead(status, { "Content-Type": "application/json" });
          response.end(value === undefined ? "" : JSON.stringify(value));
        };
        const application = /^\/v2\/applications\/([^/]+)$/.exec(url)?.[1];
        const pipeline = /^\/pipelines\/([^/]+)\/get$/.exec(url)?.[1];
        if (url === "/health") {
          if (this.unhealthyChecks > 0) {
            this.unhealthyChecks -= 1;
            return reply(503, { status: "DOWN" });
          }
          return reply(200, { status: "UP" });
        }
        if (method === "GET" && application !== undefined) {
          // front50 keeps applications by upper-case name (ApplicationsController.get).
          const found = this.applications.get(application.toUpperCase());
          return found === undefined ? reply(404, { error: "Not Found" }) : reply(200, found);
        }
        if (method === "POST" && url === "/v2/applications") {
          const app = JSON.parse(body) as { name: string };
          this.applications.set(app.name.toUpperCase(), app);
          return reply(200, app);
        }
        if (method === "GET" && pipeline !== undefined) {
          const found = this.pipelines.get(pipeline);
          // front50 writes its JSON compactly (Jackson); the script must not depend on formatting.
          return found === undefined ? reply(404, { error: "Not Found" }) : reply(200, found);
        }
        if (method === "POST" && url === "/pipelines") {
          // POST /pipelines with an id replaces the pipeline of that id (PipelineController.save).
          const saved = JSON.parse(body) as Record<string, unknown>;
          this.pipelines.set(String(saved.id), { ...saved, updateTs: String(Date.now()) });
          return reply(200, saved);
        }
        return reply(404, { error: `no route ${method} ${url}` });
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The requests that change something. */
  writes(): string[] {
    return this.requests.filter((r) => !r.startsWith("GET "));
  }
}

const VALUES: DeploySpinnakerValues = {
  id: PIPELINE_ID,
  application: "acme",
  stack: "prod",
  account: "spinnaker-self",
  region: "us-west-2",
  availabilityZones: ["us-west-2a", "us-west-2b"],
  subnetPurpose: "spinnaker",
  instanceType: "m5.2xlarge",
  instanceProfileName: "acme-prod-instance",
  keyPair: null,
  targetGroups: ["tf-1", "tf-2"],
  securityGroups: ["sg-0123456789abcdef0"],
  nonPollingCapacity: 3,
  healthCheckGracePeriodSeconds: 900,
  rootDeviceName: "/dev/sda1",
  rootVolumeSizeGiB: 100,
  userDataBase64: "dXNlcg==",
  pollingTags: { SpinnakerRole: "polling" },
  nonPollingTags: { SpinnakerRole: "nonpolling" },
  version: "2026.4.0",
  bake: true,
  baseOs: "ubuntu-noble",
  bakePackages: "docker.io docker-compose-v2",
};

const stub = new Stub();
const dir = tempDir("seed-spinnaker");
const config = join(dir, "config");
const script = join(dir, "seed-spinnaker");
let url: string;

/** Writes the configuration as the instance syncs it: the template's JSON (JSON.stringify's layout). */
function writeConfiguration(values: DeploySpinnakerValues): string {
  const pipeline = `${JSON.stringify(deploySpinnakerPipeline(values), null, 2)}\n`;
  writeFileSync(join(config, "self-deploy-pipeline.json"), pipeline);
  return createHash("sha256").update(pipeline).digest("hex");
}

function seed(timeoutSeconds = 20) {
  return runAsync("sh", [script], {
    env: {
      SEED_CONFIG_DIR: config,
      SEED_FRONT50_URL: url,
      SEED_ORCA_URL: url,
      SEED_TIMEOUT_SECONDS: String(timeoutSeconds),
      SEED_INTERVAL_SECONDS: "1",
    },
  });
}

beforeAll(async () => {
  requireTool("curl", ["--version"], "apt-get install -y curl");
  mkdirSync(config, { recursive: true });
  writeFileSync(script, selfDeployText("seed-spinnaker.sh"));
  writeFileSync(join(config, "self-deploy.env"), `application=acme\npipeline_id=${PIPELINE_ID}\n`);
  writeFileSync(
    join(config, "self-deploy-application.json"),
    `${JSON.stringify(spinnakerApplication("acme", "prod"), null, 2)}\n`,
  );
  url = await stub.start();
});

afterAll(async () => {
  await stub.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("the first run waits for front50 and orca, then creates the application and the pipeline", async () => {
  const digest = writeConfiguration(VALUES);
  stub.unhealthyChecks = 2;
  const first = await seed();
  expectSuccess(first, "seed-spinnaker");
  expect(stub.requests.filter((r) => r === "GET /health").length).toBeGreaterThanOrEqual(4);
  expect(stub.writes()).toEqual(["POST /v2/applications", "POST /pipelines"]);
  expect(stub.applications.get("ACME")).toEqual(spinnakerApplication("acme", "prod"));
  expect([...stub.pipelines.keys()]).toEqual([PIPELINE_ID]);
  expect(stub.pipelines.get(PIPELINE_ID)).toMatchObject({
    ...(deploySpinnakerPipeline(VALUES) as object),
    definitionDigest: digest,
  });
  expect(first.stderr).toContain("created application acme");
}, 60_000);

test("a second run sends no create and no update", async () => {
  stub.requests.length = 0;
  const second = await seed();
  expectSuccess(second, "seed-spinnaker");
  expect(stub.writes()).toEqual([]);
  expect(stub.requests).toContain(`GET /pipelines/${PIPELINE_ID}/get`);
  expect(second.stderr).toContain("left as it is");
  expect(second.stderr).toContain("is up to date");
}, 60_000);

test("a changed definition replaces the same pipeline, by its id", async () => {
  const digest = writeConfiguration({ ...VALUES, nonPollingCapacity: 5 });
  stub.requests.length = 0;
  const third = await seed();
  expectSuccess(third, "seed-spinnaker");
  expect(stub.writes()).toEqual(["POST /pipelines"]);
  expect([...stub.pipelines.keys()]).toEqual([PIPELINE_ID]);
  expect(stub.pipelines.get(PIPELINE_ID)).toMatchObject({ definitionDigest: digest });
  const { stages } = stub.pipelines.get(PIPELINE_ID) as { stages: { clusters?: { capacity: unknown }[] }[] };
  expect(stages[4].clusters?.[0].capacity).toEqual({ min: 5, max: 5, desired: 5 });
}, 60_000);

test("it gives up, failing, when front50 or orca never become healthy within its bound", async () => {
  stub.unhealthyChecks = 1_000;
  stub.requests.length = 0;
  const started = Date.now();
  const failed = await seed(2);
  stub.unhealthyChecks = 0;
  expect(failed.status).toBe(1);
  expect(failed.stderr).toContain("was not healthy within 2 seconds");
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(stub.writes()).toEqual([]);
}, 60_000);

describe("shellcheck", () => {
  beforeAll(() => requireTool("shellcheck", ["--version"], "apt-get install -y shellcheck"));

  test("finds nothing in the seeding script (POSIX sh: front50's image is Alpine)", () => {
    expectSuccess(run("shellcheck", ["--shell=sh", script]), "shellcheck seed-spinnaker");
  });

  test("finds nothing in the boothook of the user data Spinnaker deploys with", () => {
    const mime = selfDeployText("self-deploy-user-data.tftpl");
    const hook = /Content-Type: text\/cloud-boothook[^\n]*\n\n([\s\S]*?)\n--==cdktf-spinnaker-aws==/.exec(mime)?.[1];
    expect(hook).toMatch(/^#!\/bin\/sh\n/);
    const file = join(dir, "boothook.sh");
    writeFileSync(file, `${hook}\n`);
    expectSuccess(run("shellcheck", ["--shell=sh", file]), "shellcheck the boothook");
  });
});
