/**
 * rosco's AWS bakery in a topology: the account it bakes in, the subnet packer launches in, the base
 * image of each OS (looked up unless given), and the permissions packer needs with the instance role.
 * A stack knows the settings; a module takes them in its `spinnaker.bake` input and `accounts`.
 */
import { DataAwsAmiIds } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn, ref, TerraformIterator, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { type Deployment, OPERATING_SYSTEMS } from "../config/schema";
import type { InstanceRole } from "../constructs/instance-role";
import {
  type Architecture,
  architectureOf,
  type OperatingSystem,
  officialImage,
  officialImageQuery,
} from "../constructs/machine-image";
import { TemplateFiles } from "../constructs/template-file";
import { InternalError } from "../errors";
import { BAKE_TAG_KEY, type BakeProfile } from "../spinnaker/bakery";
import { countWhen, ec2Arn, interpolate, namedValue, pickList, possible } from "../terraform-values";
import { templatedProfile } from "./parts";

/**
 * What packer's amazon-ebs builder calls in a bake with our template (packer-plugin-amazon's
 * builder/ebs steps; the minimal policy of its docs/builders/index.mdx): it creates a key pair
 * `packer_<uuid>` and a security group in the bake VPC, both tagged with the template's `run_tags`
 * as they are created, runs the instance with its `run_tags` and its volumes with `run_volume_tags`
 * (RunInstances' tag specifications), stops it, creates the image, tags the image and its snapshots
 * with the template's `tags`, and terminates the instance and deletes its key pair and group. The
 * rest of that minimal policy (volume attach and create, snapshot, register image, attribute
 * changes, and the deletes of volumes, snapshots and images that only follow a failed bake) serves
 * other builders or options our template leaves off, and is not granted: a failed bake may leave
 * its image behind, never delete another.
 */
const PACKER_DESCRIBES = [
  "ec2:DescribeImageAttribute",
  "ec2:DescribeImages",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribeKeyPairs",
  "ec2:DescribeRegions",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSnapshots",
  "ec2:DescribeSubnets",
  "ec2:DescribeTags",
  "ec2:DescribeVolumes",
  "ec2:DescribeVpcs",
];

/** The tags our template gives the image and its snapshots once they exist. */
const IMAGE_TAG_KEYS = ["appversion", "build_host", "build_info_url", BAKE_TAG_KEY];

/**
 * The resources an instance launch creates besides the instance and its volumes, which carry the
 * bake tag (RunInstances authorizes each); the subnet, image, key pair, security group, instance and
 * volumes have statements of their own.
 */
const LAUNCH_RESOURCES = ["network-interface"];

/**
 * The calls that tag on creation what packer creates with the template's `run_tags` and
 * `run_volume_tags`: EC2 authorizes each such tag as `ec2:CreateTags` with `ec2:CreateAction`.
 */
const TAGGED_ON_CREATION = ["RunInstances", "CreateKeyPair", "CreateSecurityGroup"];

/** The bake settings and base image lookups; `bakeryPermissions` adds what packer may do. */
export function bakery(scope: Construct, settings: Deployment): BakeProfile {
  const { bake } = settings.spinnaker;
  const enabled = bake.enabled;
  const construct = new Construct(scope, "Bakery");
  // Named: each base image lookup reads it twice.
  const architecture = namedValue(
    construct,
    "Architecture",
    "bake_architecture",
    architectureOf(bake.instanceType),
  ) as Architecture;
  const lookup = possible(enabled) ? baseImageLookup(construct, settings, architecture) : undefined;
  const baseImages = Object.fromEntries(
    OPERATING_SYSTEMS.map((os) => [
      os,
      // Named: rosco's profile reads each, and the lookup's expression is too long to read there.
      lookup === undefined
        ? ""
        : namedValue(construct, `BaseImage-${os}`, `bake_base_image_${os}`, baseImage(os, bake.baseImages, lookup)),
    ]),
  ) as Record<OperatingSystem, string>;
  const tagValue = settings.namePrefix;
  const regions = bakeRegions(construct, settings);
  return {
    enabled,
    account: bakeAccount(construct, settings),
    vpcId: settings.network.vpcId,
    subnetId: firstOf(settings.network.instanceSubnetIds),
    instanceType: bake.instanceType,
    baseImages,
    regions,
    tagValue,
    packerTemplate: possible(enabled)
      ? templatedProfile(TemplateFiles.of(scope), "packer-aws-ebs.json", {
          tag_key: BAKE_TAG_KEY,
          tag_value: tagValue,
          region: settings.region,
          regions,
        })
      : "",
  };
}

/**
 * The regions images are made for: those set (their rules are in joining-rules.ts), else the
 * deployment's. A module's input may be null, which means its provider's region.
 */
function bakeRegions(scope: Construct, settings: Deployment): string[] {
  const { regions } = settings.spinnaker.bake;
  if (regions === undefined) return [settings.region];
  if (!Token.isUnresolved(regions)) return [...regions];
  // Named: the template and the policy read it.
  const local = new TerraformLocal(scope, "Regions", Fn.coalesce([regions, [settings.region]]));
  local.overrideLogicalId("bake_regions");
  return local.asList;
}

/**
 * The account orca bakes in: the one set, else the account the stack deploys into (createRole),
 * else Spinnaker's own account when it deploys itself (ha.selfDeploy: the account the instances run
 * in, by definition), else the only AWS account (with several, one of the first two is required:
 * joining-rules.ts); none leaves orca's own default. A module decides at plan time.
 */
function bakeAccount(scope: Construct, settings: Deployment): string | undefined {
  const { bake, accounts } = settings.spinnaker;
  const { selfDeploy } = settings.ha;
  if (settings.accountsInput === undefined || settings.spinnakerInput === undefined) {
    return (
      bake.account ??
      accounts.aws.find((a) => a.createRole)?.name ??
      (selfDeploy.enabled === true ? selfDeploy.account : undefined) ??
      accounts.aws[0]?.name
    );
  }
  const input = settings.accountsInput;
  const self = settings.selfDeployInput;
  // coalesce fails on a null account and try moves on; "default" is orca's own default
  // (default.bake.account), written when there is no account.
  const local = new TerraformLocal(
    scope,
    "Account",
    interpolate(
      `try(coalesce(${settings.spinnakerInput}.bake.account), [for a in ${input}.aws : a.name if a.create_role][0], ${self === undefined ? "" : `coalesce(${self}.enabled ? ${self}.account : null), `}${input}.aws[0].name, "default")`,
    ),
  );
  local.overrideLogicalId("bake_account");
  return local.asString;
}

/** The first of a list that may be a Terraform value. */
function firstOf(list: string[]): string {
  return Token.isUnresolved(list) ? Token.asString(Fn.element(list, 0)) : list[0];
}

/** The instance role may run packer in the bake subnet; the instances may SSH to what it launches. */
export function bakeryPermissions(
  scope: Construct,
  settings: Deployment,
  bake: BakeProfile,
  role: InstanceRole,
  securityGroupId: string,
): void {
  const enabled = bake.enabled;
  if (!possible(enabled)) return;
  const { partition } = settings;
  // EC2 ARNs in the deployment's region: a statement on them keeps to the region without a
  // condition; only those on "*" (describes) need aws:RequestedRegion.
  const inTheRegion = ec2Arn(scope, settings);
  const arn = (type: string) => `${inTheRegion}:*:${type}`;
  const image = `${inTheRegion}::image/*`;
  const snapshot = `${inTheRegion}::snapshot/*`;
  // Describes, the copies of the image and their tags: in the regions images are made for.
  const inBakeRegions = { test: "StringEquals", variable: "aws:RequestedRegion", values: bake.regions };
  // A copy is made in its destination region, from the image in the deployment's: any region's ARN,
  // held to the bake regions by the region the request is sent to.
  const anyRegion = (type: string) => `arn:${partition}:ec2:*::${type}`;
  const inBakeVpc = { test: "StringLike", variable: "ec2:Vpc", values: [arn(`vpc/${bake.vpcId}`)] };
  // What packer creates for a bake carries the bake tag from its creation (the template's run_tags
  // and run_volume_tags): a launch must give it, and only what has it may be stopped or imaged.
  const requestsTheBakeTag = {
    test: "StringEquals",
    variable: `aws:RequestTag/${BAKE_TAG_KEY}`,
    values: [bake.tagValue],
  };
  const hasTheBakeTag = { test: "StringEquals", variable: `ec2:ResourceTag/${BAKE_TAG_KEY}`, values: [bake.tagValue] };
  // packer's instance besides: the bake instance type, and no instance profile (our template gives
  // it none; the Spinnaker instances, and most others, have one).
  const bakeInstance = [
    { test: "StringEquals", variable: "ec2:InstanceType", values: [bake.instanceType] },
    { test: "Null", variable: "ec2:InstanceProfile", values: ["true"] },
  ];
  const policy = new DataAwsIamPolicyDocument(scope, "BakeryPolicy", {
    count: countWhen(enabled),
    statement: [
      { sid: "PackerDescribes", actions: PACKER_DESCRIBES, resources: ["*"], condition: [inBakeRegions] },
      {
        // Its own key pairs only: packer names them packer_<uuid>, and a key pair's ARN is its name.
        sid: "PackerKeyPairs",
        actions: ["ec2:CreateKeyPair", "ec2:DeleteKeyPair"],
        resources: [arn("key-pair/packer_*")],
      },
      {
        sid: "PackerCreatesSecurityGroupsInTheBakeVpc",
        actions: ["ec2:CreateSecurityGroup"],
        resources: [arn(`vpc/${bake.vpcId}`), arn("security-group/*")],
      },
      {
        sid: "PackerSecurityGroupsInTheBakeVpc",
        actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:RunInstances"],
        resources: [arn("security-group/*")],
        condition: [inBakeVpc],
      },
      {
        // Launches only in the bake subnet, with its own key pair, from any image.
        sid: "PackerLaunchesInTheBakeSubnet",
        actions: ["ec2:RunInstances"],
        resources: [
          arn(`subnet/${bake.subnetId}`),
          image,
          arn("key-pair/packer_*"),
          ...LAUNCH_RESOURCES.map((type) => arn(`${type}/*`)),
        ],
      },
      {
        sid: "PackerLaunchesTheBakeInstanceTagged",
        actions: ["ec2:RunInstances"],
        resources: [arn("instance/*")],
        condition: [...bakeInstance, requestsTheBakeTag],
      },
      {
        sid: "PackerLaunchesItsVolumesTagged",
        actions: ["ec2:RunInstances"],
        resources: [arn("volume/*")],
        condition: [requestsTheBakeTag],
      },
      {
        // Tags only as a resource is created, never later: no existing instance can be given the tag.
        sid: "PackerTagsWhatItCreates",
        actions: ["ec2:CreateTags"],
        resources: [arn("instance/*"), arn("volume/*"), arn("key-pair/packer_*"), arn("security-group/*")],
        condition: [
          { test: "StringEquals", variable: "ec2:CreateAction", values: TAGGED_ON_CREATION },
          requestsTheBakeTag,
        ],
      },
      {
        sid: "PackerStopsAndImagesItsInstance",
        actions: ["ec2:StopInstances", "ec2:TerminateInstances", "ec2:CreateImage"],
        resources: [arn("instance/*")],
        condition: [...bakeInstance, hasTheBakeTag],
      },
      {
        sid: "PackerCreatesImages",
        actions: ["ec2:CreateImage"],
        resources: [image, snapshot],
      },
      {
        // The template's ami_regions, and the tags of the image, its copies and their snapshots
        // (CopyImage copies the snapshots too: EC2's "Grant permissions to copy Amazon EC2 AMIs").
        // packer's CopyImage sends no tags, and ForAllValues holds for a request without tag keys:
        // the keys' condition limits the tagging only.
        sid: "PackerCopiesAndTagsImages",
        actions: ["ec2:CopyImage", "ec2:CreateTags"],
        resources: [anyRegion("image/*"), anyRegion("snapshot/*")],
        condition: [
          inBakeRegions,
          { test: "ForAllValues:StringEquals", variable: "aws:TagKeys", values: IMAGE_TAG_KEYS },
        ],
      },
    ],
  });
  const json = typeof enabled === "boolean" ? policy.json : Token.asString(Fn.lookupNested(policy, ["0", "json"]));
  new IamRolePolicy(scope, "BakeryRolePolicy", {
    count: countWhen(enabled),
    name: "packer-bake",
    role: role.role.id,
    policy: json,
  });
  // packer connects to its instance over SSH from rosco (a private address: no public IP).
  const cidrs = TerraformIterator.fromList(pickList(enabled, settings.network.egressCidrs, []));
  new VpcSecurityGroupEgressRule(scope, "BakerySshEgress", {
    forEach: cidrs,
    securityGroupId,
    description: "SSH from rosco's packer to the instances it bakes on",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: cidrs.value,
    tags: settings.tags,
  });
}

/**
 * The newest official images of the bake architecture in the region, of each OS whose base image is
 * not given: one lookup per OS (`for_each`), none while the bakery is off. `aws_ami_ids` finds none
 * without failing the plan. Undefined when every OS has its image.
 */
function baseImageLookup(
  scope: Construct,
  settings: Deployment,
  architecture: Architecture,
): DataAwsAmiIds | undefined {
  const { bake } = settings.spinnaker;
  let oses: string[];
  if (typeof bake.enabled === "boolean" && !Token.isUnresolved(bake.baseImages)) {
    oses = OPERATING_SYSTEMS.filter((os) => bake.baseImages[os] === undefined);
    if (oses.length === 0) return undefined;
  } else if (settings.spinnakerInput !== undefined) {
    // Whether the map has the OS, not whether its AMI id is null: the keys are what the caller
    // writes, known at plan even when an id is another resource's attribute, and for_each needs them.
    const input = `${settings.spinnakerInput}.bake`;
    const all = OPERATING_SYSTEMS.map((os) => JSON.stringify(os)).join(", ");
    oses = Token.asList(
      ref(`[for os in [${all}] : os if ${input}.enabled && !contains(keys(${input}.base_images), os)]`),
    );
  } else {
    throw new InternalError("the bakery's settings are Terraform values without the module's spinnaker input");
  }
  const each = TerraformIterator.fromList(oses);
  const os = Token.asString(each.key) as OperatingSystem;
  return new DataAwsAmiIds(scope, "Bakery", {
    forEach: each,
    ...officialImageQuery(officialImage(os, architecture, scope), architecture),
  });
}

/**
 * The base AMI of an OS: the one given, else the newest official image the lookup found, else ""
 * (a region without that OS's image: a bake of it then fails in rosco, "no base image found", and
 * the others still work).
 */
function baseImage(
  os: OperatingSystem,
  given: Readonly<Partial<Record<OperatingSystem, string>>>,
  lookup: DataAwsAmiIds | undefined,
): string {
  // The OS's instance by its key (`bakery["ubuntu"]`): Terraform reads no attribute of a for_each
  // data source itself.
  const ids = lookup && ref(`data.${lookup.terraformResourceType}.${lookup.friendlyUniqueId}["${os}"].ids[0]`);
  const newest = ids === undefined ? "" : Token.asString(Fn.try([ids, ""]));
  if (!Token.isUnresolved(given)) return given[os] ?? newest;
  return Token.asString(Fn.lookup(given, os, newest));
}
