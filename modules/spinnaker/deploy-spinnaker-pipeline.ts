/**
 * The pipeline "Deploy Spinnaker", by which Spinnaker deploys its own server groups, as front50
 * stores it (the JSON deck saves): the picture of Armory's architecture page, Configuration -> Bake
 * Spinnaker -> Disable Polling -> Deploy Polling (red/black, one instance), with Deploy Non-polling
 * beside it. Every value may be a template variable (json-template.ts), so that Terraform fills in
 * what only it knows (ids, names, zones) and one template serves every stack and module.
 *
 * Field names, from the sources of the spinnaker/spinnaker monorepo:
 * - deploy stage clusters: clouddriver's `BasicAmazonDeployDescription.groovy` (account -> credentials,
 *   application, stack, freeFormDetails, availabilityZones, capacity, subnetType, instanceType,
 *   iamRole, keyPair, targetGroups by name, securityGroups, blockDevices, base64UserData,
 *   userDataOverride, tags, setLaunchTemplate, requireIMDSv2, copySource* switches); the strategy's
 *   strategy, maxRemainingAsgs and scaleDown: orca's red/black strategy and deck's
 *   deploymentStrategy fields;
 * - findImage (cluster, credentials, regions, onlyEnabled, selectionStrategy): orca's
 *   `FindImageFromClusterStage`/`FindImageFromClusterTask.groovy`;
 * - disableCluster (cluster, credentials, regions, remainingEnabledServerGroups,
 *   preferLargerOverNewer): orca's `DisableClusterStage`;
 * - checkPreconditions with an `expression` precondition (context.expression, evaluated inside
 *   `${}` by orca's `ExpressionPreconditionTask`).
 */
import type { BASE_IMAGES } from "./bakery";
import { type Choice, choose, type Expression, key, type Text, text, type Value } from "./json-template";

/** The pipeline's name in deck, and the name front50 keeps it by. */
export const PIPELINE_NAME = "Deploy Spinnaker";

/** What the pipeline deploys, and where: literals, or template variables. */
export interface DeploySpinnakerValues {
  /** The stable id front50 keeps the pipeline by (pipeline-id.ts). */
  readonly id: Value<string>;
  /** Spinnaker's application of the server groups: the configuration's `name`. */
  readonly application: Value<string>;
  /** The Spinnaker stack: the configuration's `environment`. */
  readonly stack: Value<string>;
  /** clouddriver's account for the AWS account Spinnaker runs in. */
  readonly account: Value<string>;
  readonly region: Value<string>;
  /** The zones of the instance subnets, in which clouddriver picks a subnet of `subnetPurpose` each. */
  readonly availabilityZones: Value<string[]>;
  readonly subnetPurpose: Value<string>;
  readonly instanceType: Value<string>;
  /** The instance profile of the instances (clouddriver's `iamRole` is a profile name). */
  readonly instanceProfileName: Value<string>;
  /** The EC2 key pair, or null for none. */
  readonly keyPair: Value<string | null>;
  /** deck's and gate's target groups, by name: clouddriver looks them up by name. */
  readonly targetGroups: Value<string[]>;
  /** The instances' security groups by id: a deploy takes them only from this field. */
  readonly securityGroups: Value<string[]>;
  readonly nonPollingCapacity: Value<number>;
  readonly healthCheckGracePeriodSeconds: Value<number>;
  readonly rootDeviceName: Value<string>;
  readonly rootVolumeSizeGiB: Value<number>;
  /** The user data of the new server groups, base64-encoded. */
  readonly userDataBase64: Value<string>;
  /** Each role's instance tags, which the boot scripts read (cloud-init.ts `INSTANCE_TAGS`). */
  readonly pollingTags: Value<Record<string, string>>;
  readonly nonPollingTags: Value<Record<string, string>>;
  /** The Spinnaker release the configuration runs: the version parameter's default and the only one accepted. */
  readonly version: Value<string>;
  /** rosco's AWS bakery is on: bake a new image, else deploy the running one. */
  readonly bake: Value<boolean>;
  /** The bake's base OS (rosco's id, `BASE_IMAGES[os].id`) and packages. */
  readonly baseOs: Value<string>;
  readonly bakePackages: Value<string>;
}

/** A pipeline value: a literal (plain JSON) or a template part (json-template.ts). */
type Node =
  | string
  | number
  | boolean
  | null
  | Expression
  | Text
  | Choice
  | Node[]
  | { [key: string]: Node | undefined };

/** The cluster of the polling server group: `<name>-<environment>-polling`. */
export const POLLING_DETAIL = "polling";

/** The packages a bake installs on each OS: the container runtime the boot document would install. */
export const BAKE_PACKAGES = {
  // Ubuntu's own archive (universe), as templates/cloud-init.yaml installs them.
  ubuntu: "docker.io docker-compose-v2",
  // Docker's repository is not in the base images' sources: the boot document adds it.
  rhel: "",
  centos: "",
} as const satisfies Record<keyof typeof BASE_IMAGES, string>;

/** The pipeline, as front50 stores it. */
export function deploySpinnakerPipeline(v: DeploySpinnakerValues): Node {
  const clusterName = (detail?: string) =>
    detail === undefined ? text(v.application, "-", v.stack) : text(v.application, "-", v.stack, "-", detail);
  const where = { cloudProvider: "aws", cloudProviderType: "aws", credentials: v.account, regions: [v.region] };
  return {
    id: v.id,
    name: PIPELINE_NAME,
    application: v.application,
    description:
      "Deploys Spinnaker's own server groups red/black: the polling one (one instance) after disabling it, the non-polling one beside it. Written by cdktf-spinnaker-aws at boot, and again whenever its definition changes (config/self-deploy-pipeline.json in the config bucket).",
    keepWaitingPipelines: false,
    // Never two deploys of Spinnaker at once.
    limitConcurrent: true,
    // Started by hand: no trigger, one parameter.
    triggers: [],
    parameterConfig: [
      {
        name: "version",
        label: "Spinnaker version",
        description:
          "The release the new server groups run. It must be the one the configuration names (spinnaker.version): the images come from config/compose.env in the config bucket, which Terraform writes.",
        default: v.version,
        required: true,
        hasOptions: false,
        options: [],
      },
    ],
    stages: [
      {
        refId: "1",
        requisiteStageRefIds: [],
        type: "checkPreconditions",
        name: "Configuration",
        preconditions: [
          {
            type: "expression",
            failPipeline: true,
            context: {
              expression: text("trigger['parameters']['version'] == '", v.version, "'"),
              failureMessage: text(
                "The configuration runs Spinnaker ",
                v.version,
                // The polling instance writes this pipeline when its services start, not at an apply.
                ": set spinnaker.version to the release you want, apply it with Terraform, restart the polling instance's services (sudo systemctl restart spinnaker), which write this pipeline anew, then run it again.",
              ),
            },
          },
        ],
      },
      choose(
        v.bake,
        {
          refId: "2",
          requisiteStageRefIds: ["1"],
          type: "bake",
          name: "Bake Spinnaker",
          cloudProviderType: "aws",
          regions: [v.region],
          baseOs: v.baseOs,
          baseLabel: "release",
          package: v.bakePackages,
          vmType: "hvm",
          storeType: "ebs",
          user: "cdktf-spinnaker-aws",
        },
        {
          refId: "2",
          requisiteStageRefIds: ["1"],
          type: "findImage",
          name: "Find the running image",
          ...where,
          cluster: clusterName(),
          onlyEnabled: true,
          selectionStrategy: "NEWEST",
        },
      ),
      {
        refId: "3",
        requisiteStageRefIds: ["2"],
        type: "disableCluster",
        name: "Disable polling",
        ...where,
        cluster: clusterName(POLLING_DETAIL),
        // No polling instance enabled while the new one starts: one poller fires each trigger once.
        remainingEnabledServerGroups: 0,
        preferLargerOverNewer: false,
      },
      {
        refId: "4",
        requisiteStageRefIds: ["3"],
        type: "deploy",
        name: "Deploy polling",
        clusters: [cluster(v, { detail: POLLING_DETAIL, capacity: 1, scaleDown: true, tags: v.pollingTags })],
      },
      {
        refId: "5",
        requisiteStageRefIds: ["2"],
        type: "deploy",
        name: "Deploy non-polling",
        clusters: [cluster(v, { capacity: v.nonPollingCapacity, scaleDown: false, tags: v.nonPollingTags })],
      },
    ],
  };
}

/** A red/black deploy of one of Spinnaker's clusters. */
function cluster(
  v: DeploySpinnakerValues,
  o: {
    readonly detail?: string;
    readonly capacity: Value<number>;
    /** Scale the previous server group to nothing once the new one is up. */
    readonly scaleDown: boolean;
    readonly tags: Value<Record<string, string>>;
  },
): Node {
  return {
    cloudProvider: "aws",
    provider: "aws",
    account: v.account,
    application: v.application,
    stack: v.stack,
    freeFormDetails: o.detail ?? "",
    availabilityZones: { [key(v.region)]: v.availabilityZones },
    subnetType: v.subnetPurpose,
    instanceType: v.instanceType,
    iamRole: v.instanceProfileName,
    keyPair: v.keyPair,
    targetGroups: v.targetGroups,
    loadBalancers: [],
    securityGroups: v.securityGroups,
    capacity: { min: o.capacity, max: o.capacity, desired: o.capacity },
    useSourceCapacity: false,
    strategy: "redblack",
    maxRemainingAsgs: 2,
    scaleDown: o.scaleDown,
    rollback: { onFailure: true },
    healthCheckType: "ELB",
    healthCheckGracePeriod: v.healthCheckGracePeriodSeconds,
    associatePublicIpAddress: false,
    setLaunchTemplate: true,
    requireIMDSv2: true,
    // The encrypted root volume of the launch template Terraform made; clouddriver's per-type
    // defaults would not encrypt it.
    blockDevices: [
      {
        deviceName: v.rootDeviceName,
        size: v.rootVolumeSizeGiB,
        volumeType: "gp3",
        encrypted: true,
        deleteOnTermination: true,
      },
    ],
    useAmiBlockDeviceMappings: false,
    copySourceCustomBlockDeviceMappings: false,
    copySourceScalingPoliciesAndActions: false,
    // The boot document alone: no user data of clouddriver's own providers before it, whose text
    // would hide the MIME and cloud-config headers.
    base64UserData: v.userDataBase64,
    userDataOverride: { enabled: true, tokenizerName: "default" },
    tags: o.tags,
    instanceMonitoring: true,
    terminationPolicies: ["Default"],
    suspendedProcesses: [],
    enabledMetrics: [],
  };
}
