import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { given } from "../terraform-values";

export interface InstanceRoleProps {
  /** `<name>-<environment>`; the role and profile are named `<prefix>-instance`. */
  readonly namePrefix: string;
  /** The config bucket: the only bucket the instances may read and write. */
  readonly configBucketArn: string;
  /**
   * Key prefixes the services write under (front50's data, kayenta's); everything else in the
   * bucket, the rendered configuration included, is read-only to the instances.
   */
  readonly writablePrefixes: readonly string[];
  /** Roles clouddriver assumes in the managed accounts. @default - no sts:AssumeRole at all */
  readonly managedAccountRoleArns?: readonly string[];
  /** Secrets the services resolve at start (Redis auth token, kubeconfigs). @default - none */
  readonly secretArns?: readonly string[];
  /** S3 objects the services fetch at start, as `arn:aws:s3:::bucket/key`. @default - none */
  readonly extraObjectArns?: readonly string[];
  /** The KMS key of the config bucket, when it is not SSE-S3. @default - none */
  readonly configBucketKmsKeyArn?: string;
  /** ARN partition, for the managed policy. @default "aws" */
  readonly partition?: string;
  readonly tags?: Record<string, string>;
}

/**
 * What the instances may do, and nothing more: this one bucket and its objects, the EC2 describe
 * calls clouddriver makes before it assumes a managed role, those roles, and Session Manager (the
 * way in instead of SSH).
 */
export class InstanceRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  /** The trust policy each managed account's role needs: it lets exactly this role assume it. */
  readonly managedRoleTrustPolicy: string;

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    const partition = props.partition ?? "aws";
    const name = `${props.namePrefix}-instance`;

    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        },
      ],
    });
    this.role = new IamRole(this, "Role", {
      name,
      description: "Spinnaker instances: config bucket, managed-account roles, Session Manager",
      assumeRolePolicy: trust.json,
      tags: props.tags,
    });
    this.instanceProfile = new IamInstanceProfile(this, "Profile", { name, role: this.role.name, tags: props.tags });
    this.managedRoleTrustPolicy = new DataAwsIamPolicyDocument(this, "ManagedRoleTrust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [this.role.arn] }] }],
    }).json;

    new IamRolePolicyAttachment(this, "SessionManager", {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });

    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "ConfigBucket",
        actions: ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
        resources: [props.configBucketArn],
      },
      {
        sid: "ReadConfigObjects",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [`${props.configBucketArn}/*`],
      },
      {
        sid: "WriteServiceData",
        actions: ["s3:PutObject", "s3:DeleteObject"],
        resources: props.writablePrefixes.map((prefix) => `${props.configBucketArn}/${prefix}/*`),
      },
      {
        // clouddriver lists regions and zones before it assumes any managed-account role.
        sid: "DescribeRegions",
        actions: ["ec2:DescribeRegions", "ec2:DescribeAvailabilityZones"],
        resources: ["*"],
      },
    ];
    const keyStatement = {
      sid: "ConfigBucketKey",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [props.configBucketKmsKeyArn ?? ""],
    };
    const key = given(props.configBucketKmsKeyArn);
    if (key === true) statements.push(keyStatement);
    if (props.managedAccountRoleArns && props.managedAccountRoleArns.length > 0) {
      statements.push({
        sid: "ManagedAccounts",
        actions: ["sts:AssumeRole"],
        resources: [...props.managedAccountRoleArns],
      });
    }
    if (props.secretArns && props.secretArns.length > 0) {
      statements.push({ sid: "Secrets", actions: ["secretsmanager:GetSecretValue"], resources: [...props.secretArns] });
    }
    if (props.extraObjectArns && props.extraObjectArns.length > 0) {
      statements.push({ sid: "ExtraObjects", actions: ["s3:GetObject"], resources: [...props.extraObjectArns] });
    }
    const policy = new DataAwsIamPolicyDocument(this, "Permissions", { statement: statements });
    if (typeof key !== "boolean") {
      // A key that is a Terraform value (a module's input) may be null: one statement while it is not.
      policy.addOverride("dynamic.statement", {
        for_each: Fn.conditional(key, [keyStatement.sid], []),
        content: { sid: keyStatement.sid, actions: keyStatement.actions, resources: keyStatement.resources },
      });
    }
    new IamRolePolicy(this, "Policy", { name: "spinnaker", role: this.role.id, policy: policy.json });
  }
}
