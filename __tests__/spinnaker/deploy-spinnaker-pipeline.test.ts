import {
  type DeploySpinnakerValues,
  deploySpinnakerPipeline,
  PIPELINE_NAME,
} from "../../modules/spinnaker/deploy-spinnaker-pipeline";
import { pipelineIdName, uuidv5Url } from "../../modules/spinnaker/pipeline-id";
import { spinnakerApplication } from "../../modules/spinnaker/spinnaker-application";

/** What the ha stack passes for the default configuration, as Terraform would fill it in. */
const VALUES: DeploySpinnakerValues = {
  id: "e6f9eff0-a635-5649-9021-242c39beea5a",
  application: "armoryspinnaker",
  stack: "preprod",
  account: "spinnaker-self",
  region: "us-west-2",
  availabilityZones: ["us-west-2a", "us-west-2b"],
  subnetPurpose: "spinnaker",
  instanceType: "m5.2xlarge",
  instanceProfileName: "armoryspinnaker-preprod-instance",
  keyPair: null,
  targetGroups: ["tf-20260101000000000000000001", "tf-20260101000000000000000002"],
  securityGroups: ["sg-0123456789abcdef0"],
  nonPollingCapacity: 3,
  healthCheckGracePeriodSeconds: 900,
  rootDeviceName: "/dev/sda1",
  rootVolumeSizeGiB: 100,
  userDataBase64: "Q29udGVudC1UeXBlOiBtdWx0aXBhcnQvbWl4ZWQ=",
  pollingTags: { SpinnakerRole: "polling", "managed-by": "spinnaker" },
  nonPollingTags: { SpinnakerRole: "nonpolling", "managed-by": "spinnaker" },
  version: "2026.4.0",
  bake: true,
  baseOs: "ubuntu-noble",
  bakePackages: "docker.io docker-compose-v2",
};

type Stage = Record<string, unknown>;
interface Pipeline {
  id: string;
  name: string;
  application: string;
  triggers: unknown[];
  parameterConfig: Record<string, unknown>[];
  limitConcurrent: boolean;
  stages: Stage[];
}
const pipelineOf = (values: Partial<DeploySpinnakerValues> = {}) =>
  deploySpinnakerPipeline({ ...VALUES, ...values }) as unknown as Pipeline;
const stageNamed = (p: Pipeline, name: string) => {
  const stage = p.stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
};

test("the pipeline has a stable id, derived from <name>-<environment>, as RFC 4122 version 5 in the URL namespace", () => {
  // Python's uuid.uuid5(uuid.NAMESPACE_URL, ...) gives the same ids (an implementation of its own).
  expect(uuidv5Url("https://www.python.org")).toBe("30709ed8-a35e-547c-8ef0-c6bf5e229681");
  expect(uuidv5Url(pipelineIdName("armoryspinnaker-preprod"))).toBe(VALUES.id);
  expect(uuidv5Url(pipelineIdName("acme-prod"))).not.toBe(VALUES.id);
  const p = pipelineOf();
  expect(p.id).toBe(VALUES.id);
  expect(p.name).toBe(PIPELINE_NAME);
  expect(p.application).toBe("armoryspinnaker");
  expect(p.limitConcurrent).toBe(true);
});

test("it is started by hand, with the Spinnaker version as a required parameter that must be the configured one", () => {
  const p = pipelineOf();
  expect(p.triggers).toEqual([]);
  expect(p.parameterConfig).toEqual([
    expect.objectContaining({ name: "version", label: "Spinnaker version", default: "2026.4.0", required: true }),
  ]);
  expect(stageNamed(p, "Configuration")).toEqual({
    refId: "1",
    requisiteStageRefIds: [],
    type: "checkPreconditions",
    name: "Configuration",
    preconditions: [
      {
        type: "expression",
        failPipeline: true,
        context: {
          expression: "trigger['parameters']['version'] == '2026.4.0'",
          failureMessage: expect.stringMatching(/^The configuration runs Spinnaker 2026\.4\.0: set spinnaker\.version/),
        },
      },
    ],
  });
});

test.each([
  [true, ["checkPreconditions", "bake", "disableCluster", "deploy", "deploy"]],
  [false, ["checkPreconditions", "findImage", "disableCluster", "deploy", "deploy"]],
])(
  "with the bakery %s: configuration, image, disable polling, then deploy polling; deploy non-polling beside it",
  (bake, types) => {
    const p = pipelineOf({ bake });
    expect(p.stages.map((s) => s.type)).toEqual(types);
    expect(p.stages.map((s) => [s.refId, s.requisiteStageRefIds])).toEqual([
      ["1", []],
      ["2", ["1"]],
      ["3", ["2"]],
      ["4", ["3"]],
      ["5", ["2"]],
    ]);
    expect(p.stages.map((s) => s.name)).toEqual([
      "Configuration",
      bake ? "Bake Spinnaker" : "Find the running image",
      "Disable polling",
      "Deploy polling",
      "Deploy non-polling",
    ]);
  },
);

test("the bake stage bakes the instances' OS in the region, with the container runtime installed", () => {
  expect(p2(pipelineOf({ bake: true }))).toEqual({
    refId: "2",
    requisiteStageRefIds: ["1"],
    type: "bake",
    name: "Bake Spinnaker",
    cloudProviderType: "aws",
    regions: ["us-west-2"],
    baseOs: "ubuntu-noble",
    baseLabel: "release",
    package: "docker.io docker-compose-v2",
    vmType: "hvm",
    storeType: "ebs",
    user: "cdktf-spinnaker-aws",
  });
});

test("without the bakery, the deploys take the image of the enabled non-polling server group", () => {
  expect(p2(pipelineOf({ bake: false }))).toEqual({
    refId: "2",
    requisiteStageRefIds: ["1"],
    type: "findImage",
    name: "Find the running image",
    cloudProvider: "aws",
    cloudProviderType: "aws",
    credentials: "spinnaker-self",
    regions: ["us-west-2"],
    cluster: "armoryspinnaker-preprod",
    onlyEnabled: true,
    selectionStrategy: "NEWEST",
  });
});

function p2(p: Pipeline): Stage {
  return p.stages[1];
}

test("Disable polling leaves no polling server group enabled before the new one deploys", () => {
  expect(stageNamed(pipelineOf(), "Disable polling")).toEqual({
    refId: "3",
    requisiteStageRefIds: ["2"],
    type: "disableCluster",
    name: "Disable polling",
    cloudProvider: "aws",
    cloudProviderType: "aws",
    credentials: "spinnaker-self",
    regions: ["us-west-2"],
    cluster: "armoryspinnaker-preprod-polling",
    remainingEnabledServerGroups: 0,
    preferLargerOverNewer: false,
  });
});

/** The fields both deploys share. */
const SHARED = {
  cloudProvider: "aws",
  provider: "aws",
  account: "spinnaker-self",
  application: "armoryspinnaker",
  stack: "preprod",
  availabilityZones: { "us-west-2": ["us-west-2a", "us-west-2b"] },
  subnetType: "spinnaker",
  instanceType: "m5.2xlarge",
  iamRole: "armoryspinnaker-preprod-instance",
  keyPair: null,
  targetGroups: ["tf-20260101000000000000000001", "tf-20260101000000000000000002"],
  loadBalancers: [],
  securityGroups: ["sg-0123456789abcdef0"],
  useSourceCapacity: false,
  strategy: "redblack",
  maxRemainingAsgs: 2,
  rollback: { onFailure: true },
  healthCheckType: "ELB",
  healthCheckGracePeriod: 900,
  associatePublicIpAddress: false,
  setLaunchTemplate: true,
  requireIMDSv2: true,
  blockDevices: [{ deviceName: "/dev/sda1", size: 100, volumeType: "gp3", encrypted: true, deleteOnTermination: true }],
  useAmiBlockDeviceMappings: false,
  copySourceCustomBlockDeviceMappings: false,
  copySourceScalingPoliciesAndActions: false,
  base64UserData: "Q29udGVudC1UeXBlOiBtdWx0aXBhcnQvbWl4ZWQ=",
  userDataOverride: { enabled: true, tokenizerName: "default" },
  instanceMonitoring: true,
  terminationPolicies: ["Default"],
  suspendedProcesses: [],
  enabledMetrics: [],
};

test("Deploy polling: red/black, one instance, the old group scaled down, at most two kept, field by field", () => {
  const stage = stageNamed(pipelineOf(), "Deploy polling");
  expect(stage).toMatchObject({ refId: "4", requisiteStageRefIds: ["3"], type: "deploy" });
  expect(stage.clusters).toEqual([
    {
      ...SHARED,
      freeFormDetails: "polling",
      capacity: { min: 1, max: 1, desired: 1 },
      scaleDown: true,
      tags: { SpinnakerRole: "polling", "managed-by": "spinnaker" },
    },
  ]);
});

test("Deploy non-polling: red/black at the configured capacity, field by field", () => {
  const stage = stageNamed(pipelineOf({ nonPollingCapacity: 5, keyPair: "ops" }), "Deploy non-polling");
  expect(stage).toMatchObject({ refId: "5", requisiteStageRefIds: ["2"], type: "deploy" });
  expect(stage.clusters).toEqual([
    {
      ...SHARED,
      keyPair: "ops",
      freeFormDetails: "",
      capacity: { min: 5, max: 5, desired: 5 },
      scaleDown: false,
      tags: { SpinnakerRole: "nonpolling", "managed-by": "spinnaker" },
    },
  ]);
});

test("the application is the server groups' Frigga app, with the email front50 requires", () => {
  expect(spinnakerApplication("armoryspinnaker", "preprod")).toEqual({
    name: "armoryspinnaker",
    email: "spinnaker@armoryspinnaker-preprod.invalid",
    description: expect.stringContaining("Deploy Spinnaker"),
    cloudProviders: "aws",
  });
});
