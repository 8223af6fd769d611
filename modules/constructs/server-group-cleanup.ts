import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { Fn, type ITerraformDependable, type TerraformElement, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";

/**
 * How long the clean-up waits for the groups and their instances to go: under Lambda's 15-minute
 * limit (the function's timeout), so that a slow termination fails the destroy with a message
 * instead of a timeout without one.
 */
export const CLEANUP_WAIT_SECONDS = 840;

export interface ServerGroupCleanupProps {
  /** `<name>-<environment>`: the function, its role and log group are `<prefix>-server-group-cleanup`. */
  readonly namePrefix: string;
  readonly partition: string;
  readonly region: string;
  /** The clusters whose server groups (`<cluster>-vNNN`) and launch templates (`<cluster>-v...`) go. */
  readonly clusters: string[];
  /** Terraform's own launch templates, which Terraform deletes itself. */
  readonly keepLaunchTemplates: string[];
  /** The function's Python source, as Terraform reads it (`file(...)`): templates/server-group-cleanup.py. */
  readonly code: string;
  /**
   * What the server groups use, which Terraform must delete only after them: their stacks, launch
   * templates, security groups, load balancers, target groups and instance profile.
   */
  readonly dependsOn: ITerraformDependable[];
  /** A Terraform count, when whether Spinnaker deploys itself is a module's input. @default - one of each */
  readonly count?: number;
  readonly tags?: Record<string, string>;
}

/**
 * The step that lets `terraform destroy` remove the server groups Spinnaker made (ha.selfDeploy):
 * a Lambda function that Terraform invokes when it destroys the invocation (aws_lambda_invocation,
 * lifecycle_scope CRUD), which force-deletes every server group of the deployment's clusters, waits
 * for their instances, and deletes Spinnaker's launch templates. The invocation depends on what the
 * groups use, so Terraform destroys it first and the rest finds nothing in use. The function is
 * defined inline in a CloudFormation stack (`Code.ZipFile`): no archive to build or ship, no tool
 * beyond the AWS provider. It may delete only groups named after the clusters, and launch
 * templates in the region (clouddriver creates them untagged, and their ARN holds an id, not a name).
 */
export class ServerGroupCleanup extends Construct {
  readonly invocation: LambdaInvocation;

  constructor(scope: Construct, id: string, props: ServerGroupCleanupProps) {
    super(scope, id);
    const { partition, region, count } = props;
    const name = `${props.namePrefix}-server-group-cleanup`;
    // With a count, the one instance's attribute.
    const attribute = (element: TerraformElement & { getStringAttribute(name: string): string }, name: string) =>
      count === undefined ? element.getStringAttribute(name) : Token.asString(Fn.lookupNested(element, ["0", name]));

    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      count,
      // Lambda's own log group name for the function, created here so that destroy removes it.
      name: `/aws/lambda/${name}`,
      retentionInDays: 365,
      tags: props.tags,
    });
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
      ],
    });
    const role = new IamRole(this, "Role", {
      count,
      name,
      description: "Deletes the server groups Spinnaker made for itself when Terraform destroys the deployment",
      assumeRolePolicy: trust.json,
      tags: props.tags,
    });
    const inRegion = { test: "StringEquals", variable: "aws:RequestedRegion", values: [region] };
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      count,
      statement: [
        {
          sid: "Read",
          actions: ["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances", "ec2:DescribeLaunchTemplates"],
          resources: ["*"],
          condition: [inRegion],
        },
        {
          sid: "DeleteTheClustersServerGroups",
          actions: ["autoscaling:DeleteAutoScalingGroup"],
          resources: props.clusters.map(
            (cluster) =>
              `arn:${partition}:autoscaling:${region}:*:autoScalingGroup:*:autoScalingGroupName/${cluster}-v*`,
          ),
        },
        {
          sid: "DeleteLaunchTemplatesInTheRegion",
          actions: ["ec2:DeleteLaunchTemplate"],
          resources: [`arn:${partition}:ec2:${region}:*:launch-template/*`],
          condition: [inRegion],
        },
        {
          sid: "WriteOwnLog",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${attribute(logGroup, "arn")}:*`],
        },
      ],
    });
    const policy = new IamRolePolicy(this, "RolePolicy", {
      count,
      name: "server-group-cleanup",
      role: attribute(role, "id"),
      policy: attribute(permissions, "json"),
    });
    const functionStack = new CloudformationStack(this, "Function", {
      count,
      name,
      templateBody: Fn.jsonencode({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: "Deletes the server groups Spinnaker made for itself when Terraform destroys the deployment",
        Resources: {
          Function: {
            Type: "AWS::Lambda::Function",
            Properties: {
              FunctionName: name,
              Description: `Force-deletes the server groups of ${props.clusters.join(" and ")} at terraform destroy`,
              Runtime: "python3.12",
              Handler: "index.handler",
              Timeout: 900,
              MemorySize: 128,
              Role: attribute(role, "arn"),
              // In a local value: cdktf cannot nest file()'s interpolated path inside jsonencode.
              Code: { ZipFile: new TerraformLocal(this, "Code", props.code).expression },
            },
          },
        },
        Outputs: { FunctionName: { Value: { Ref: "Function" } } },
      }),
      // Its permissions and log group exist before it first runs.
      dependsOn: [policy, logGroup],
      tags: props.tags,
    });
    this.invocation = new LambdaInvocation(this, "Invocation", {
      count,
      functionName: Token.asString(
        Fn.lookupNested(
          count === undefined ? functionStack.outputs : Fn.lookupNested(functionStack, ["0", "outputs"]),
          ["FunctionName"],
        ),
      ),
      // Invoked at create, update and destroy; the function acts only on destroy.
      lifecycleScope: "CRUD",
      input: Fn.jsonencode({
        clusters: props.clusters,
        keep_launch_templates: props.keepLaunchTemplates,
        wait_seconds: CLEANUP_WAIT_SECONDS,
      }),
      dependsOn: [...props.dependsOn, functionStack, policy, logGroup],
    });
  }
}
