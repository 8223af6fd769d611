/**
 * The templates of ha.selfDeploy, rendered by Terraform as the stacks and modules render them: the
 * pipeline "Deploy Spinnaker" must be what the TypeScript builder gives for the same values (with
 * and without the bakery), its id Terraform's uuidv5 of what the stacks compute, and the user data
 * Spinnaker deploys with the boothook and the unchanged boot document, under EC2's limit.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { USER_DATA_LIMIT } from "../../modules/constructs/launch-template";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { type DeploySpinnakerValues, deploySpinnakerPipeline } from "../../modules/spinnaker/deploy-spinnaker-pipeline";
import { pipelineIdName, uuidv5Url } from "../../modules/spinnaker/pipeline-id";
import { selfDeployText } from "../../modules/spinnaker/self-deploy-files";
import { spinnakerApplication } from "../../modules/spinnaker/spinnaker-application";
import { APPLICATION_TEMPLATE, PIPELINE_TEMPLATE, PIPELINE_VARIABLES } from "../../modules/topologies/self-deploy";
import { expectSuccess, requireTool, run, tempDir } from "./harness";

const VALUES: DeploySpinnakerValues = {
  id: uuidv5Url(pipelineIdName("acme-prod")),
  application: "acme",
  stack: "prod",
  account: "spinnaker-self",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1c"],
  subnetPurpose: "spinnaker",
  instanceType: "m7g.2xlarge",
  instanceProfileName: "acme-prod-instance",
  keyPair: "ops",
  targetGroups: ["tf-20260101000000000000000001", "tf-20260101000000000000000002"],
  securityGroups: ["sg-0123456789abcdef0"],
  nonPollingCapacity: 4,
  healthCheckGracePeriodSeconds: 600,
  rootDeviceName: "/dev/xvda",
  rootVolumeSizeGiB: 150,
  userDataBase64: "dXNlcg==",
  // A tag value holds anything a tag may: quotes, a dollar and brace, which nothing may re-read.
  pollingTags: { SpinnakerRole: "polling", team: 'the "platform" ${team}' },
  nonPollingTags: { SpinnakerRole: "nonpolling" },
  version: "2026.3.1",
  bake: true,
  baseOs: "ubuntu-noble",
  bakePackages: "docker.io docker-compose-v2",
};

/** The template variables of the values, as the stack passes them (PIPELINE_VARIABLES). */
const variablesOf = (v: DeploySpinnakerValues) =>
  Object.fromEntries(
    Object.entries(PIPELINE_VARIABLES).map(([name, field]) => [name, v[field as keyof DeploySpinnakerValues]]),
  );

const dir = tempDir("self-deploy-templates");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let outputs: Record<string, string>;

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform >= 1.11 (see README)");
  writeFileSync(join(dir, "pipeline.json.tftpl"), PIPELINE_TEMPLATE);
  writeFileSync(join(dir, "application.json.tftpl"), APPLICATION_TEMPLATE);
  writeFileSync(join(dir, "user-data.tftpl"), selfDeployText("self-deploy-user-data.tftpl"));
  writeFileSync(join(dir, "cloud-init.yaml"), userDataText());
  const cases = { baked: VALUES, running: { ...VALUES, bake: false, keyPair: null } };
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      variable: Object.fromEntries(Object.keys(cases).map((n) => [n, { type: "any" }])),
      output: {
        ...Object.fromEntries(
          Object.keys(cases).map((n) => [
            n,
            { value: `\${templatefile("\${path.module}/pipeline.json.tftpl", var.${n})}` },
          ]),
        ),
        id: { value: '${uuidv5("url", "urn:cdktf-spinnaker-aws:deploy-spinnaker:acme-prod")}' },
        application: {
          value: '${templatefile("${path.module}/application.json.tftpl", { application = "acme", stack = "prod" })}',
        },
        user_data: {
          value:
            '${templatefile("${path.module}/user-data.tftpl", { cloud_init_file = "${path.module}/cloud-init.yaml" })}',
        },
      },
    }),
  );
  writeFileSync(
    join(dir, "terraform.tfvars.json"),
    JSON.stringify(Object.fromEntries(Object.entries(cases).map(([n, v]) => [n, variablesOf(v)]))),
  );
  const env = { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  expectSuccess(run("terraform", ["init", "-backend=false"], { cwd: dir, env }), "terraform init");
  expectSuccess(run("terraform", ["apply", "-auto-approve"], { cwd: dir, env }), "terraform apply");
  const result = run("terraform", ["output", "-json"], { cwd: dir, env });
  expectSuccess(result, "terraform output");
  outputs = Object.fromEntries(
    Object.entries(JSON.parse(result.stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
  );
}, 120_000);

test.each([
  ["baked", VALUES],
  ["running", { ...VALUES, bake: false, keyPair: null }],
])("Terraform renders the %s pipeline as the builder gives it, as valid JSON", (name, values) => {
  expect(JSON.parse(outputs[name])).toEqual(deploySpinnakerPipeline(values as DeploySpinnakerValues));
  // The layout the seeding script relies on: an opening brace alone on the first line.
  expect(outputs[name].startsWith("{\n")).toBe(true);
});

test("Terraform's uuidv5 gives the id a stack computes, and the application renders as the builder gives it", () => {
  expect(outputs.id).toBe(VALUES.id);
  expect(JSON.parse(outputs.application)).toEqual(spinnakerApplication("acme", "prod"));
});

test("the user data is a MIME document: the boothook, then the unchanged boot document, under EC2's limit", () => {
  const userData = outputs.user_data;
  expect(Buffer.byteLength(userData)).toBeLessThan(USER_DATA_LIMIT);
  const parts = userData.split("--==cdktf-spinnaker-aws==");
  expect(parts).toHaveLength(4);
  expect(parts[1]).toMatch(/^\nContent-Type: text\/cloud-boothook; charset="us-ascii"\n\n#!\/bin\/sh\n/);
  expect(parts[2]).toBe(`\nContent-Type: text/cloud-config; charset="us-ascii"\n\n${userDataText()}\n`);
  expect(parts[3]).toBe("--\n");
});
