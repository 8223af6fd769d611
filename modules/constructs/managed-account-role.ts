import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Fn, Op, type TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";

export interface ManagedAccountRoleProps {
  /** The role clouddriver assumes, such as `spinnakerManaged`. */
  readonly roleName: string;
  /** The account it must be created in: a plan in any other account fails with that mismatch. */
  readonly accountId: string;
  /** The instance role that assumes it. */
  readonly instanceRoleArn: string;
  /**
   * The trust policy (JSON) that lets exactly that role assume this one, when the stack has it
   * already (`InstanceRole.managedRoleTrustPolicy`). @default - one made here
   */
  readonly trustPolicy?: string;
  /** @default "aws" */
  readonly partition?: string;
  /** The setting that asked for the role, for the precondition's message. @default "spinnaker.accounts.aws: createRole" */
  readonly setting?: string;
  /**
   * A Terraform count, when whether the role exists is a module's input; the role's names then
   * come from that input too, and are read only when it does. @default - one role
   */
  readonly count?: number;
  readonly tags?: Record<string, string>;
}

/**
 * The managed-account role of spinnaker.io's AWS provider setup, for the account Spinnaker runs in:
 * PowerUserAccess, and iam:PassRole only towards EC2 (server groups launch with an instance
 * profile). It trusts exactly the Spinnaker instance role.
 */
export class ManagedAccountRole extends Construct {
  /** With a count, a list of one or none: reference `role[0]` (Fn.lookupNested), not `role.arn`. */
  readonly role: IamRole;
  /** The resources that hold state: the role, its managed policy attachment and its inline policy. */
  readonly resources: TerraformResource[];

  constructor(scope: Construct, id: string, props: ManagedAccountRoleProps) {
    super(scope, id);
    const partition = props.partition ?? "aws";
    // Read only when the role is created: it is the one call here that needs AWS at plan time.
    const caller = new DataAwsCallerIdentity(this, "Caller", { count: props.count });
    const callerAccount =
      props.count === undefined ? caller.accountId : Token.asString(Fn.lookupNested(caller, ["0", "account_id"]));
    const trust =
      props.trustPolicy ??
      new DataAwsIamPolicyDocument(this, "Trust", {
        statement: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "AWS", identifiers: [props.instanceRoleArn] }],
          },
        ],
      }).json;
    this.role = new IamRole(this, "Role", {
      count: props.count,
      name: props.roleName,
      description: "Spinnaker managed account: clouddriver assumes this role to deploy here",
      assumeRolePolicy: trust,
      tags: props.tags,
      lifecycle: {
        precondition: [
          {
            condition: Op.eq(callerAccount, props.accountId),
            errorMessage: `${props.setting ?? "spinnaker.accounts.aws: createRole"} is set for account ${props.accountId}, but this ${props.count === undefined ? "stack" : "module"} deploys into another account; create ${props.roleName} there instead.`,
          },
        ],
      },
    });
    // By name, not by the role's attributes: with a count, the role is a list. The precondition
    // above makes the caller's account the role's, so the pass-role ARN needs no input.
    const dependsOn = [this.role];
    const powerUser = new IamRolePolicyAttachment(this, "PowerUser", {
      count: props.count,
      role: props.roleName,
      dependsOn,
      policyArn: `arn:${partition}:iam::aws:policy/PowerUserAccess`,
    });
    const passRole = new DataAwsIamPolicyDocument(this, "PassRole", {
      count: props.count,
      statement: [
        {
          actions: ["iam:PassRole"],
          resources: [`arn:${partition}:iam::${callerAccount}:role/*`],
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com"] }],
        },
        {
          // clouddriver's AmazonCertificateCachingAgent lists server certificates every cycle
          // (spinnaker.io's "PassRole-and-Certificates" policy grants it); it has no resource scope.
          actions: ["iam:ListServerCertificates"],
          resources: ["*"],
        },
      ],
    });
    const passRolePolicy = new IamRolePolicy(this, "PassRolePolicy", {
      count: props.count,
      name: "pass-role-and-certificates",
      role: props.roleName,
      policy: props.count === undefined ? passRole.json : Token.asString(Fn.lookupNested(passRole, ["0", "json"])),
      dependsOn,
    });
    this.resources = [this.role, powerUser, passRolePolicy];
  }
}
