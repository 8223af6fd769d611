/**
 * rosco's AWS bakery: the base image of each OS the instances run, and rosco's profile. rosco runs
 * packer's amazon-ebs builder with its `aws-ebs.json` template and, with no access key configured,
 * packer takes the instance role's credentials. Sources: rosco's `rosco.yml` (`aws.bakeryDefaults`),
 * `RoscoAWSConfiguration.groovy` (its keys) and `AWSBakeHandler.groovy` (the packer variables), in
 * the spinnaker/spinnaker monorepo; orca's `default.bake.account` in `AmazonServerGroupCreator.groovy`.
 */
import type { OperatingSystem } from "../constructs/machine-image";
import { type Condition, conditionText } from "../terraform-values";

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
}

/** `rosco-local.yml`: the AWS bakery on, in the deployment's region, VPC and subnet. */
export function roscoProfile(bake: BakeProfile, region: string): Record<string, unknown> {
  const enabled = conditionText(bake.enabled);
  return {
    // rosco's account for base images given by name (AWSBakeHandler); ours are AMI ids.
    ...(bake.account !== undefined ? { bakeAccount: bake.account } : {}),
    aws: {
      enabled,
      bakeryDefaults: {
        awsVpcId: bake.vpcId,
        awsSubnetId: bake.subnetId,
        // packer reaches the instance from rosco over the VPC; the subnet is private.
        awsAssociatePublicIpAddress: false,
        defaultVirtualizationType: "hvm",
        templateFile: "aws-ebs.json",
        // A list in a profile replaces rosco.yml's (placeholder Ubuntu 12.04 and 14.04 AMIs).
        baseImages: (Object.keys(BASE_IMAGES) as OperatingSystem[]).map((os) => {
          const image = BASE_IMAGES[os];
          return {
            baseImage: {
              id: image.id,
              shortDescription: image.description,
              detailedDescription: image.description,
              packageType: image.packageType,
              templateFile: "aws-ebs.json",
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
