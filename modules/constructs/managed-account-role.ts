import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Op } from "cdktf";
import { Construct } from "constructs";

export interface ManagedAccountRoleProps {
  /** The role clouddriver assumes, such as `spinnakerManaged`. */
  readonly roleName: string;
  /** The account it must be created in: a plan in any other account fails with that mismatch. */
  readonly accountId: string;
  /** The instance role that assumes it. */
  readonly instanceRoleArn: string;
  /** @default "aws" */
  readonly partition?: string;
  readonly tags?: Record<string, string>;
}

/**
 * The managed-account role of spinnaker.io's AWS provider setup, for the account Spinnaker runs in:
 * PowerUserAccess, and iam:PassRole only towards EC2 (server groups launch with an instance
 * profile). It trusts exactly the Spinnaker instance role.
 */
export class ManagedAccountRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ManagedAccountRoleProps) {
    super(scope, id);
    const partition = props.partition ?? "aws";
    const caller = new DataAwsCallerIdentity(this, "Caller");
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "AWS", identifiers: [props.instanceRoleArn] }],
        },
      ],
    });
    this.role = new IamRole(this, "Role", {
      name: props.roleName,
      description: "Spinnaker managed account: clouddriver assumes this role to deploy here",
      assumeRolePolicy: trust.json,
      tags: props.tags,
      lifecycle: {
        precondition: [
          {
            condition: Op.eq(caller.accountId, props.accountId),
            errorMessage: `spinnaker.accounts.aws: createRole is set for account ${props.accountId}, but this stack deploys into another account; create ${props.roleName} there instead.`,
          },
        ],
      },
    });
    new IamRolePolicyAttachment(this, "PowerUser", {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/PowerUserAccess`,
    });
    const passRole = new DataAwsIamPolicyDocument(this, "PassRole", {
      statement: [
        {
          actions: ["iam:PassRole"],
          resources: [`arn:${partition}:iam::${props.accountId}:role/*`],
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com"] }],
        },
      ],
    });
    new IamRolePolicy(this, "PassRolePolicy", { name: "pass-role-to-ec2", role: this.role.id, policy: passRole.json });
  }
}
