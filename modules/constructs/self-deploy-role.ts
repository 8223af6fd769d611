import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, ref, Token } from "cdktf";
import { Construct } from "constructs";
import { concatLists, namedValue } from "../terraform-values";

export interface SelfDeployRoleProps {
  /** `<name>-<environment>`: the role is `<prefix>-self-deploy`, the server groups `<prefix>-*`. */
  readonly namePrefix: string;
  readonly partition: string;
  readonly region: string;
  /** `arn:<partition>:ec2:<region>`, when the stack names it. @default - from partition and region */
  readonly ec2Arn?: string;
  /** The Spinnaker instances' role: the only principal that may assume this one. */
  readonly instanceRoleArn: string;
  /**
   * The trust policy (JSON) that lets exactly that role assume this one, when the stack has it
   * already (`InstanceRole.managedRoleTrustPolicy`). @default - one made here
   */
  readonly trustPolicy?: string;
  /** Its instance profile: the only one the new server groups may launch with. */
  readonly instanceProfileArn: string;
  /** The instance subnets: the only ones the new server groups may launch in. */
  readonly subnetIds: string[];
  /** The instances' security group: the only one they may launch with. */
  readonly securityGroupId: string;
  /** deck's and gate's target groups: the only ones the server groups may join and leave. */
  readonly targetGroupArns: string[];
  /**
   * A Terraform count, when whether Spinnaker deploys itself is a module's input. @default - one role
   */
  readonly count?: number;
  readonly tags?: Record<string, string>;
}

/**
 * What clouddriver may do in the account Spinnaker runs in, for Spinnaker's deploys of itself
 * (ha.selfDeploy) and nothing wider: create, change and delete the auto scaling groups named
 * `<name>-<environment>-*`, launch them only with Spinnaker's instance profile, in its subnets and
 * security group, behind deck's and gate's target groups; register and deregister in those target
 * groups; pass the instance role to EC2 alone; and read what it caches.
 *
 * clouddriver assumes this role, although it runs in the same account: once any AWS account is
 * configured it loads every account as an assume-role account (clouddriver-aws's
 * `AmazonCredentialsInitializer`, whose `AssumeRoleAmazonCredentials` requires `assumeRole`), so an
 * account on the instance role alone would not load. Launch templates are the one thing scoped by
 * region only: clouddriver creates them without tags, and a launch template's ARN holds its id, not
 * its name, so nothing narrower can name them.
 */
export class SelfDeployRole extends Construct {
  /** With a count, a list of one or none: read `arn` through `roleArn`. */
  readonly role: IamRole;
  /** The role's ARN (null when a count of none). */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: SelfDeployRoleProps) {
    super(scope, id);
    const { partition, region } = props;
    const inTheRegion = props.ec2Arn ?? `arn:${partition}:ec2:${region}`;
    const ec2 = (resource: string) => `${inTheRegion}:*:${resource}`;
    const inRegion = { test: "StringEquals", variable: "aws:RequestedRegion", values: [region] };
    const withOwnProfile = { test: "ArnEquals", variable: "ec2:InstanceProfile", values: [props.instanceProfileArn] };
    // Named in a module (two statements read it, and it is too long for one line there).
    const serverGroups = namedValue(
      this,
      "ServerGroupsArn",
      "self_deploy_server_groups_arn",
      `arn:${partition}:autoscaling:${region}:*:autoScalingGroup:*:autoScalingGroupName/${props.namePrefix}-*`,
    );

    const trust =
      props.trustPolicy ??
      new DataAwsIamPolicyDocument(this, "Trust", {
        statement: [
          { actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [props.instanceRoleArn] }] },
        ],
      }).json;
    this.role = new IamRole(this, "Role", {
      count: props.count,
      name: `${props.namePrefix}-self-deploy`,
      description: "Spinnaker deploys itself: clouddriver assumes this role for its own server groups",
      assumeRolePolicy: trust,
      tags: props.tags,
    });
    this.roleArn =
      props.count === undefined
        ? this.role.arn
        : Token.asString(
            Fn.one(Token.asList(ref(`${this.role.terraformResourceType}.${this.role.friendlyUniqueId}[*].arn`))),
          );

    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        // What clouddriver caches of the account and reads before a deploy: read-only.
        sid: "Read",
        actions: [
          "ec2:Describe*",
          "autoscaling:Describe*",
          "elasticloadbalancing:Describe*",
          "cloudwatch:DescribeAlarms",
          "iam:ListServerCertificates",
        ],
        resources: ["*"],
      },
      {
        sid: "CreateOwnServerGroupsBehindOwnTargetGroups",
        actions: ["autoscaling:CreateAutoScalingGroup", "autoscaling:AttachLoadBalancerTargetGroups"],
        resources: [serverGroups],
        condition: [
          { test: "ForAllValues:StringEquals", variable: "autoscaling:TargetGroupARNs", values: props.targetGroupArns },
        ],
      },
      {
        // A red/black deploy disables (suspends, deregisters), resizes and finally destroys the old group.
        sid: "ChangeOwnServerGroups",
        actions: [
          "autoscaling:UpdateAutoScalingGroup",
          "autoscaling:DeleteAutoScalingGroup",
          "autoscaling:SuspendProcesses",
          "autoscaling:ResumeProcesses",
          "autoscaling:SetDesiredCapacity",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
          "autoscaling:DetachLoadBalancerTargetGroups",
          "autoscaling:CreateOrUpdateTags",
          "autoscaling:DeleteTags",
          "autoscaling:EnableMetricsCollection",
          "autoscaling:DisableMetricsCollection",
        ],
        resources: [serverGroups],
      },
      {
        sid: "LaunchTemplatesInTheRegion",
        actions: [
          "ec2:CreateLaunchTemplate",
          "ec2:CreateLaunchTemplateVersion",
          "ec2:ModifyLaunchTemplate",
          "ec2:DeleteLaunchTemplate",
          "ec2:DeleteLaunchTemplateVersions",
        ],
        resources: [ec2("launch-template/*")],
        condition: [inRegion],
      },
      {
        // Auto Scaling checks that whoever creates a group from a launch template may launch it.
        sid: "LaunchWithOwnProfile",
        actions: ["ec2:RunInstances"],
        resources: [ec2("instance/*")],
        condition: [inRegion, withOwnProfile],
      },
      {
        sid: "LaunchInOwnSubnetsAndSecurityGroup",
        actions: ["ec2:RunInstances"],
        resources: concatLists(subnetArns(inTheRegion, props.subnetIds), [
          ec2(`security-group/${props.securityGroupId}`),
          ec2("launch-template/*"),
          `${inTheRegion}::image/*`,
          ec2("volume/*"),
          ec2("network-interface/*"),
          ec2("key-pair/*"),
        ]),
        condition: [inRegion],
      },
      {
        sid: "TagWhatALaunchCreates",
        actions: ["ec2:CreateTags"],
        resources: [ec2("instance/*"), ec2("volume/*"), ec2("network-interface/*")],
        condition: [inRegion, { test: "StringEquals", variable: "ec2:CreateAction", values: ["RunInstances"] }],
      },
      {
        // Destroying a server group terminates its instances: only Spinnaker's own.
        sid: "TerminateOwnInstances",
        actions: ["ec2:TerminateInstances"],
        resources: [ec2("instance/*")],
        condition: [inRegion, withOwnProfile],
      },
      {
        sid: "PassOwnInstanceRoleToEc2",
        actions: ["iam:PassRole"],
        resources: [props.instanceRoleArn],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com"] }],
      },
      {
        // Enabling and disabling a server group registers and deregisters its instances.
        sid: "OwnTargetGroups",
        actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        resources: props.targetGroupArns,
      },
    ];
    const policy = new DataAwsIamPolicyDocument(this, "Permissions", { count: props.count, statement: statements });
    new IamRolePolicy(this, "Policy", {
      count: props.count,
      name: "self-deploy",
      role: props.count === undefined ? this.role.id : Token.asString(Fn.lookupNested(this.role, ["0", "id"])),
      policy: props.count === undefined ? policy.json : Token.asString(Fn.lookupNested(policy, ["0", "json"])),
    });
  }
}

/** The ARN of each subnet of a list that may be a Terraform value, after `arn:<partition>:ec2:<region>`. */
function subnetArns(inTheRegion: string, ids: string[]): string[] {
  return Token.isUnresolved(ids)
    ? Token.asList(Fn.formatlist("%s:*:subnet/%s", [inTheRegion, ids]))
    : ids.map((id) => `${inTheRegion}:*:subnet/${id}`);
}
