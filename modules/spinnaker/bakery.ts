/**
 * rosco's AWS bakery: the base image of each OS the instances run, and rosco's profile. rosco runs
 * packer's amazon-ebs builder with our template (`templates/packer-aws-ebs.json.tftpl`, which tags
 * what packer launches) and, with no access key configured, packer takes the instance role's
 * credentials. Sources: rosco's `rosco.yml` (`rosco.configDir`, `aws.bakeryDefaults`),
 * `RoscoAWSConfiguration.groovy` (its keys), `AWSBakeHandler.groovy` (the packer variables) and
 * `CloudProviderBakeHandler.groovy` (the template's path), in the spinnaker/spinnaker monorepo;
 * orca's `default.bake.account` in `AmazonServerGroupCreator.groovy`.
 */
import { posix } from "node:path";
import type { OperatingSystem } from "../constructs/machine-image";
import { type Condition, conditionText } from "../terraform-values";
import { CONFIG_DIR } from "./compose";

/**
 * The tag packer gives what it creates for a bake (templates/packer-aws-ebs.json.tftpl); its value is
 * the deployment's `<name>-<environment>`. The instance role may launch instances and volumes only
 * with it and stop, terminate and image only instances that have it, so a bake touches its own.
 */
export const BAKE_TAG_KEY = "spinnaker:bake";

/** Our packer template's name among the synced configuration files (the config bucket's config/). */
export const PACKER_TEMPLATE = "packer-aws-ebs.json";

/**
 * rosco's packer directory in its image, which holds `install_packages.sh` that the template runs
 * (rosco.yml's `rosco.configDir`, written again in the profile so that the path below holds).
 */
export const ROSCO_PACKER_DIR = "/opt/rosco/config/packer";

/**
 * rosco runs packer on `<rosco.configDir>/<templateFile>` (CloudProviderBakeHandler), so a template
 * elsewhere is named relative to that directory: ours is among the synced files, which compose
 * mounts into every container at the same path as on the instance.
 */
export const PACKER_TEMPLATE_FILE = posix.relative(ROSCO_PACKER_DIR, posix.join(CONFIG_DIR, PACKER_TEMPLATE));

/** How rosco names and logs in to a base image: its id in bake stages, package type and SSH user. */
export const BASE_IMAGES: Readonly<
  Record<OperatingSystem, { id: string; description: string; packageType: "deb" | "rpm"; sshUserName: string }>
> = {
  // SSH users: AWS's "Manage system users" page (ubuntu for Ubuntu, ec2-user for RHEL and CentOS).
  ubuntu: {
    id: "ubuntu-noble",
    description: "Ubuntu 24.04 LTS (Noble Numbat)",
    packageType: "deb",
    sshUserName: "ubuntu",
  },
  rhel: { id: "rhel-9", description: "Red Hat Enterprise Linux 9", packageType: "rpm", sshUserName: "ec2-user" },
  centos: { id: "centos-stream-9", description: "CentOS Stream 9", packageType: "rpm", sshUserName: "ec2-user" },
};

export interface BakeProfile {
  /** A boolean, or a module's Terraform boolean. */
  readonly enabled: Condition;
  /** The account orca and rosco bake in; undefined leaves orca's own default (`default`). */
  readonly account?: string;
  readonly vpcId: string;
  /** The subnet packer launches in: private, with the instances' way out to package repositories. */
  readonly subnetId: string;
  readonly instanceType: string;
  /** The base AMI of each OS in the deployment's region (may be Terraform strings). */
  readonly baseImages: Readonly<Record<OperatingSystem, string>>;
  /**
   * The regions images are made for: the deployment's, where packer bakes, and those it copies the
   * image to (may be a Terraform list).
   */
  readonly regions: string[];
  /** The value of `BAKE_TAG_KEY` on what packer creates: the deployment's `<name>-<environment>`. */
  readonly tagValue: string;
  /** Our packer template (`PACKER_TEMPLATE`), as Terraform renders it for this deployment. */
  readonly packerTemplate: string;
}

/** `rosco-local.yml`: the AWS bakery on, in the deployment's region, VPC and subnet. */
export function roscoProfile(bake: BakeProfile, region: string): Record<string, unknown> {
  const enabled = conditionText(bake.enabled);
  return {
    // rosco's account for base images given by name (AWSBakeHandler); ours are AMI ids.
    ...(bake.account !== undefined ? { bakeAccount: bake.account } : {}),
    // rosco.yml's own value: PACKER_TEMPLATE_FILE is relative to it.
    rosco: { configDir: ROSCO_PACKER_DIR },
    aws: {
      enabled,
      bakeryDefaults: {
        awsVpcId: bake.vpcId,
        awsSubnetId: bake.subnetId,
        // packer reaches the instance from rosco over the VPC; the subnet is private.
        awsAssociatePublicIpAddress: false,
        defaultVirtualizationType: "hvm",
        templateFile: PACKER_TEMPLATE_FILE,
        // A list in a profile replaces rosco.yml's (placeholder Ubuntu 12.04 and 14.04 AMIs).
        baseImages: (Object.keys(BASE_IMAGES) as OperatingSystem[]).map((os) => {
          const image = BASE_IMAGES[os];
          return {
            baseImage: {
              id: image.id,
              shortDescription: image.description,
              detailedDescription: image.description,
              // No templateFile: a base image without one bakes with bakeryDefaults' (AWSBakeHandler).
              packageType: image.packageType,
            },
            virtualizationSettings: [
              {
                region,
                virtualizationType: "hvm",
                instanceType: bake.instanceType,
                sourceAmi: bake.baseImages[os],
                sshUserName: image.sshUserName,
              },
            ],
          };
        }),
      },
    },
  };
}

/** orca's part: the account bake stages use unless they name one. */
export function orcaBakeAccount(bake: BakeProfile): Record<string, unknown> {
  return bake.account !== undefined ? { default: { bake: { account: bake.account } } } : {};
}
