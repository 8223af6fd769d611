/**
 * Spinnaker deploys itself (ha.selfDeploy, the ha module's `self_deploy` input): what it adds to the
 * high-availability topology, on Spinnaker's side. clouddriver gets an account for the AWS account
 * Spinnaker runs in, with launch templates for Spinnaker's application; deck shows their settings;
 * the instance subnets get the purpose clouddriver picks them by; the polling instance creates the
 * application and the pipeline "Deploy Spinnaker" at each start (templates/seed-spinnaker.sh); and
 * clouddriver assumes a role that may deploy exactly Spinnaker's own server groups. Terraform hands
 * the v000 groups over (ServerGroup's `handOver`: CloudFormation creates them, Terraform tracks the
 * stacks) and, at destroy, first removes every group Spinnaker made (ServerGroupCleanup).
 *
 * A stack knows whether it is on from its configuration and creates nothing when it is off; a
 * module decides at plan (counts, conditional files), so that with it off no object, resource or
 * file content changes.
 */

import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn, type ITerraformDependable, Lazy, TerraformIterator, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import type { InstanceRole } from "../constructs/instance-role";
import type { MachineImage } from "../constructs/machine-image";
import { SelfDeployRole } from "../constructs/self-deploy-role";
import type { ServerGroup } from "../constructs/server-group";
import { ServerGroupCleanup } from "../constructs/server-group-cleanup";
import type { ConditionalFile } from "../constructs/spinnaker-configuration";
import { SubnetPurposeTags } from "../constructs/subnet-purpose-tags";
import { fileText, TemplateFiles } from "../constructs/template-file";
import { InternalError } from "../errors";
import { BASE_IMAGES } from "../spinnaker/bakery";
import { INSTANCE_TAGS, USER_DATA_FILE, userDataText } from "../spinnaker/cloud-init";
import { SEED_SCRIPT } from "../spinnaker/compose";
import {
  BAKE_PACKAGES,
  type DeploySpinnakerValues,
  deploySpinnakerPipeline,
} from "../spinnaker/deploy-spinnaker-pipeline";
import { jsonTemplate, variable } from "../spinnaker/json-template";
import { pipelineIdName, uuidv5Url } from "../spinnaker/pipeline-id";
import type { Role } from "../spinnaker/roles";
import { selfDeployText } from "../spinnaker/self-deploy-files";
import { spinnakerApplication } from "../spinnaker/spinnaker-application";
import {
  both,
  type Condition,
  conditionText,
  countWhen,
  ec2Arn,
  interpolate,
  namedValue,
  pickList,
  possible,
} from "../terraform-values";

/** The configuration files it adds (config/ in the bucket), as the seeding script reads them. */
export const SELF_DEPLOY_FILES = {
  pipeline: "self-deploy-pipeline.json",
  application: "self-deploy-application.json",
  /** The application's name and the pipeline's id, `key=value` a line. */
  settings: "self-deploy.env",
  script: SEED_SCRIPT,
} as const;

/** What the high-availability topology passes in: the pieces the deploys use. */
export interface SelfDeployParts {
  /** The instances' security group. */
  readonly securityGroupId: string;
  /** deck's and gate's target groups. */
  readonly targetGroups: readonly LbTargetGroup[];
  readonly nonPollingCapacity: number;
  /** The config bucket's name, which the new instances read from their tags. */
  readonly bucketName: string;
}

/** What the rest of the topology takes from it. */
export interface SelfDeployment {
  readonly enabled: Condition;
  /** clouddriver-local.yml's `self_deploy` value: the account, or null. */
  readonly clouddriverAccount: unknown;
  /** Appended to deck's settings-local.js: its server-group settings, or "". */
  readonly deckSettings: string;
  /** The configuration files of the seeding step, which exist while it is on. */
  readonly files: Readonly<Record<string, ConditionalFile>>;
  /**
   * Once the instance role, the image and the server groups exist: the role clouddriver assumes, the
   * instance role's permissions, and the clean-up at destroy of the groups' clusters.
   */
  complete(o: {
    readonly instanceRole: InstanceRole;
    readonly image: MachineImage;
    /** Each server group Terraform creates, with its cluster (its name less `-v000`). */
    readonly groups: readonly { readonly cluster: string; readonly group: ServerGroup }[];
    /** What the groups' instances use besides their stacks and launch templates: deleted after them. */
    readonly inUse: ITerraformDependable[];
  }): void;
}

/** Spinnaker's deploys of itself, or undefined when the configuration leaves them off. */
export function selfDeployment(
  scope: Construct,
  settings: Deployment,
  parts: SelfDeployParts,
): SelfDeployment | undefined {
  const { selfDeploy } = settings.ha;
  const enabled = selfDeploy.enabled;
  if (!possible(enabled)) return undefined;
  const construct = new Construct(scope, "SelfDeploy");
  const { namePrefix, partition, region, network } = settings;

  const tagSubnets = both(enabled, selfDeploy.tagSubnets);
  if (possible(tagSubnets)) {
    new SubnetPurposeTags(construct, "SubnetPurpose", {
      subnetIds: network.instanceSubnetIds,
      purpose: selfDeploy.subnetPurpose,
      when: tagSubnets,
    });
  }

  // Known once the instance role, the image and the role exist, which the topology makes after the
  // configuration that names them: read when the stack is synthesized.
  let completed: { instanceRole: InstanceRole; image: MachineImage; role: SelfDeployRole } | undefined;
  const later = (what: string, read: (c: NonNullable<typeof completed>) => string) =>
    Lazy.stringValue({
      produce: () => {
        if (completed === undefined) throw new InternalError(`self-deploy's ${what} was read before complete()`);
        return read(completed);
      },
    });
  const roleArn = later("role ARN", (c) => c.role.roleArn);

  // Spinnaker's application and stack: the server groups' `<name>-<environment>`.
  const application = settings.name;
  const stack = settings.environment;
  // Terraform's uuidv5("url", ...) for a module's name, which is an input: the same id. Named: the
  // pipeline and the seeding settings read it.
  const pipelineId = Token.isUnresolved(namePrefix)
    ? namedValue(
        construct,
        "PipelineId",
        "self_deploy_pipeline_id",
        Token.asString(Fn.uuidv5("url", pipelineIdName(namePrefix))),
      )
    : uuidv5Url(pipelineIdName(namePrefix));

  const templates = TemplateFiles.of(scope);
  const pipeline = Token.asString(
    Fn.templatefile(templates.add(`${SELF_DEPLOY_FILES.pipeline}.tftpl`, PIPELINE_TEMPLATE), {
      ...pipelineVariables(construct, settings, parts, { application, stack, pipelineId, later }),
    }),
  );
  const applicationJson = Token.asString(
    Fn.templatefile(templates.add(`${SELF_DEPLOY_FILES.application}.tftpl`, APPLICATION_TEMPLATE), {
      application,
      stack,
    }),
  );
  const when = enabled;
  const files: Record<string, ConditionalFile> = {
    [SELF_DEPLOY_FILES.pipeline]: { content: pipeline, when },
    [SELF_DEPLOY_FILES.application]: { content: applicationJson, when },
    [SELF_DEPLOY_FILES.settings]: { content: `application=${application}\npipeline_id=${pipelineId}\n`, when },
    [SELF_DEPLOY_FILES.script]: {
      content: fileText(templates.add(SELF_DEPLOY_FILES.script, selfDeployText("seed-spinnaker.sh"))),
      when,
    },
  };

  const account = {
    account: selfDeploy.account,
    account_id: Token.asString(Fn.element(Fn.split(":", roleArn), 4)),
    role_arn: roleArn,
    application,
  };
  const deck = selfDeployText("settings-self-deploy.js");
  return {
    enabled,
    clouddriverAccount: enabled === true ? account : Fn.conditional(enabled, account, Token.nullValue()),
    deckSettings:
      enabled === true
        ? deck
        : Token.asString(Fn.conditional(enabled, fileText(templates.add("settings-self-deploy.js", deck)), "")),
    files,
    complete: ({ instanceRole, image, groups, inUse }) => {
      const role = new SelfDeployRole(construct, "Role", {
        namePrefix,
        partition,
        region,
        ec2Arn: ec2Arn(scope, settings),
        instanceRoleArn: instanceRole.role.arn,
        trustPolicy: instanceRole.managedRoleTrustPolicy,
        instanceProfileArn: instanceRole.instanceProfile.arn,
        subnetIds: network.instanceSubnetIds,
        securityGroupId: parts.securityGroupId,
        targetGroupArns: parts.targetGroups.map((t) => t.arn),
        count: countWhen(enabled),
        tags: settings.tags,
      });
      completed = { instanceRole, image, role };
      instanceRolePermissions(construct, settings, instanceRole, role.roleArn, enabled);
      new ServerGroupCleanup(construct, "Cleanup", {
        namePrefix,
        partition,
        region,
        clusters: groups.map((g) => g.cluster),
        keepLaunchTemplates: groups.map((g) => g.group.launchTemplate.name),
        code: fileText(templates.add("server-group-cleanup.py", selfDeployText("server-group-cleanup.py"))),
        dependsOn: [
          ...groups.flatMap(({ group }) => [
            group.launchTemplate,
            ...(group.handOverStack ? [group.handOverStack] : []),
          ]),
          ...inUse,
        ],
        count: countWhen(enabled),
        tags: settings.tags,
      });
    },
  };
}

/**
 * The instance role may assume the self-deploy role (clouddriver's account), and turn on instance
 * tags in the metadata service of the deployment's own instances (the boothook of the user data
 * Spinnaker deploys with, templates/self-deploy-user-data.tftpl).
 */
function instanceRolePermissions(
  scope: Construct,
  settings: Deployment,
  instanceRole: InstanceRole,
  roleArn: string,
  enabled: Condition,
): void {
  const { region } = settings;
  const policy = new DataAwsIamPolicyDocument(scope, "InstancePermissions", {
    count: countWhen(enabled),
    statement: [
      { sid: "AssumeSelfDeployRole", actions: ["sts:AssumeRole"], resources: [roleArn] },
      {
        sid: "InstanceTagsInMetadataOfOwnInstances",
        actions: ["ec2:ModifyInstanceMetadataOptions"],
        resources: [`${ec2Arn(scope, settings)}:*:instance/*`],
        condition: [
          { test: "StringEquals", variable: "aws:RequestedRegion", values: [region] },
          { test: "ArnEquals", variable: "ec2:InstanceProfile", values: [instanceRole.instanceProfile.arn] },
        ],
      },
    ],
  });
  new IamRolePolicy(scope, "InstanceRolePolicy", {
    count: countWhen(enabled),
    name: "self-deploy",
    role: instanceRole.role.id,
    policy: enabled === true ? policy.json : Token.asString(Fn.lookupNested(policy, ["0", "json"])),
  });
}

/** The pipeline's template variables: each value the deploys need, as Terraform knows it. */
function pipelineVariables(
  scope: Construct,
  settings: Deployment,
  parts: SelfDeployParts,
  o: {
    application: string;
    stack: string;
    pipelineId: string;
    later: (what: string, read: (c: { instanceRole: InstanceRole; image: MachineImage }) => string) => string;
  },
): Record<keyof typeof PIPELINE_VARIABLES, unknown> {
  const { spinnaker, instance, network } = settings;
  // The zones of the instance subnets: clouddriver picks one subnet of the purpose in each.
  const subnets = TerraformIterator.fromList(pickList(settings.ha.selfDeploy.enabled, network.instanceSubnetIds, []));
  const subnet = new DataAwsSubnet(scope, "Subnet", { forEach: subnets, id: subnets.value });
  const zones = new TerraformLocal(
    scope,
    "Zones",
    interpolate(`distinct([for s in data.aws_subnet.${subnet.friendlyUniqueId} : s.availability_zone])`),
  );
  zones.overrideLogicalId("self_deploy_availability_zones");
  // Tags: a map in a local value, whose literal strings Terraform's JSON escapes (a function's
  // arguments do not), read by the template.
  const tags = (role: Role) => {
    const own = {
      // Spinnaker manages these server groups (the stack's resources say terraform).
      "managed-by": "spinnaker",
      [INSTANCE_TAGS.configBucket]: parts.bucketName,
      [INSTANCE_TAGS.role]: role,
      [INSTANCE_TAGS.awsCliImage]: spinnaker.awsCliImage,
    };
    const local = new TerraformLocal(
      scope,
      `Tags-${role}`,
      Token.isUnresolved(settings.tags) ? Fn.merge([settings.tags, own]) : { ...settings.tags, ...own },
    );
    local.overrideLogicalId(`self_deploy_${role}_tags`);
    return local.expression;
  };
  const os = instance.os;
  const bySystem = (values: Readonly<Record<string, string>>) =>
    Token.isUnresolved(os) ? Token.asString(Fn.lookup(values, os)) : values[os];
  const templates = TemplateFiles.of(scope);
  // The boothook and the boot document of every instance, as one MIME document (named: a function
  // of a function's result is not something cdktf writes reliably).
  const userData = new TerraformLocal(
    scope,
    "UserData",
    Fn.templatefile(templates.add("self-deploy-user-data.tftpl", selfDeployText("self-deploy-user-data.tftpl")), {
      cloud_init_file: templates.add(USER_DATA_FILE, userDataText()),
    }),
  );
  userData.overrideLogicalId("self_deploy_user_data");
  return {
    pipeline_id: o.pipelineId,
    application: o.application,
    stack: o.stack,
    account: settings.ha.selfDeploy.account,
    region: settings.region,
    availability_zones: zones.expression,
    subnet_purpose: settings.ha.selfDeploy.subnetPurpose,
    instance_type: instance.type,
    instance_profile_name: o.later("instance profile", (c) => c.instanceRole.instanceProfile.name),
    key_pair: instance.keyName ?? Token.nullValue(),
    target_groups: parts.targetGroups.map((t) => t.name),
    security_groups: [parts.securityGroupId],
    non_polling_capacity: parts.nonPollingCapacity,
    health_check_grace_period: instance.healthCheckGracePeriodSeconds,
    root_device_name: o.later("root device", (c) => c.image.rootDeviceName),
    root_volume_size: instance.rootVolumeSizeGiB,
    user_data_base64: Fn.base64encode(userData.asString),
    polling_tags: tags("polling"),
    non_polling_tags: tags("nonpolling"),
    version: spinnaker.version,
    bake: conditionText(spinnaker.bake.enabled),
    base_os: bySystem(Object.fromEntries(Object.entries(BASE_IMAGES).map(([k, v]) => [k, v.id]))),
    bake_packages: bySystem(BAKE_PACKAGES),
  };
}

/** The pipeline's template variables, by the field of the values each stands for. */
export const PIPELINE_VARIABLES = {
  pipeline_id: "id",
  application: "application",
  stack: "stack",
  account: "account",
  region: "region",
  availability_zones: "availabilityZones",
  subnet_purpose: "subnetPurpose",
  instance_type: "instanceType",
  instance_profile_name: "instanceProfileName",
  key_pair: "keyPair",
  target_groups: "targetGroups",
  security_groups: "securityGroups",
  non_polling_capacity: "nonPollingCapacity",
  health_check_grace_period: "healthCheckGracePeriodSeconds",
  root_device_name: "rootDeviceName",
  root_volume_size: "rootVolumeSizeGiB",
  user_data_base64: "userDataBase64",
  polling_tags: "pollingTags",
  non_polling_tags: "nonPollingTags",
  version: "version",
  bake: "bake",
  base_os: "baseOs",
  bake_packages: "bakePackages",
} as const satisfies Record<string, keyof DeploySpinnakerValues>;

/** The pipeline as a template whose every value is one of PIPELINE_VARIABLES: one text for every deployment. */
export const PIPELINE_TEMPLATE = jsonTemplate(
  deploySpinnakerPipeline(
    Object.fromEntries(
      Object.entries(PIPELINE_VARIABLES).map(([name, field]) => [field, variable(name)]),
    ) as unknown as DeploySpinnakerValues,
  ),
);

/** The application as a template of `application` and `stack`. */
export const APPLICATION_TEMPLATE = jsonTemplate(spinnakerApplication(variable("application"), variable("stack")));
