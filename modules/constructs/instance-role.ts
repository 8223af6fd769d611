import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { type Condition, given, nonEmpty } from "../terraform-values";

export interface InstanceRoleProps {
  /** `<name>-<environment>`; the role and profile are named `<prefix>-instance`. */
  readonly namePrefix: string;
  /** The config bucket: the only bucket the instances may read and write. */
  readonly configBucketArn: string;
  /**
   * Key prefixes the services write under (front50's data, kayenta's); everything else in the
   * bucket, the rendered configuration included, is read-only to the instances.
   */
  readonly writablePrefixes: string[];
  /** Roles clouddriver assumes in the managed accounts. @default - no sts:AssumeRole at all */
  readonly managedAccountRoleArns?: string[];
  /** Secrets the services resolve at start (Redis auth token, kubeconfigs). @default - none */
  readonly secretArns?: string[];
  /**
   * Secrets the instances fill once when they find them empty (the passwords of the database users
   * of SQL storage), besides reading them: `secretArns` must list them too. @default - none
   */
  readonly fillableSecretArns?: string[];
  /** S3 objects the services fetch at start, as `arn:aws:s3:::bucket/key`. @default - none */
  readonly extraObjectArns?: string[];
  /**
   * Target groups the instances register themselves in and deregister from (HA's interservice
   * ones, which are not their server groups'). @default - none
   */
  readonly targetGroupArns?: string[];
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

    const writable = Token.isUnresolved(props.writablePrefixes)
      ? Token.asList(Fn.formatlist("%s/%s/*", [props.configBucketArn, props.writablePrefixes]))
      : props.writablePrefixes.map((prefix) => `${props.configBucketArn}/${prefix}/*`);
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
      { sid: "WriteServiceData", actions: ["s3:PutObject", "s3:DeleteObject"], resources: writable },
      {
        // clouddriver lists regions and zones before it assumes any managed-account role.
        sid: "DescribeRegions",
        actions: ["ec2:DescribeRegions", "ec2:DescribeAvailabilityZones"],
        resources: ["*"],
      },
    ];
    // Statements that exist only when there is something to allow: literal when that is known at
    // synthesis, a dynamic block when it is a module's input (one block while the condition holds).
    const optional: { when: Condition; statement: DataAwsIamPolicyDocumentStatement }[] = [
      {
        when: given(props.configBucketKmsKeyArn),
        statement: {
          sid: "ConfigBucketKey",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [props.configBucketKmsKeyArn ?? ""],
        },
      },
      {
        when: nonEmpty(props.managedAccountRoleArns ?? []),
        statement: {
          sid: "ManagedAccounts",
          actions: ["sts:AssumeRole"],
          resources: props.managedAccountRoleArns ?? [],
        },
      },
      {
        when: nonEmpty(props.secretArns ?? []),
        statement: { sid: "Secrets", actions: ["secretsmanager:GetSecretValue"], resources: props.secretArns ?? [] },
      },
      {
        when: nonEmpty(props.fillableSecretArns ?? []),
        statement: {
          sid: "FillDatabaseSecrets",
          actions: ["secretsmanager:PutSecretValue"],
          resources: props.fillableSecretArns ?? [],
        },
      },
      {
        // Secrets Manager's password generator: it reads or changes nothing, and takes no resource.
        when: nonEmpty(props.fillableSecretArns ?? []),
        statement: { sid: "GeneratePasswords", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
      },
      {
        when: nonEmpty(props.targetGroupArns ?? []),
        statement: {
          sid: "InterserviceTargets",
          actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
          resources: props.targetGroupArns ?? [],
        },
      },
      {
        when: nonEmpty(props.extraObjectArns ?? []),
        statement: { sid: "ExtraObjects", actions: ["s3:GetObject"], resources: props.extraObjectArns ?? [] },
      },
    ];
    for (const { when, statement } of optional) if (when === true) statements.push(statement);
    const policy = new DataAwsIamPolicyDocument(this, "Permissions", { statement: statements });
    const dynamic = optional.filter(({ when }) => typeof when !== "boolean");
    if (dynamic.length > 0) {
      // cdktf drops an iterator's dynamic block here; the override writes Terraform's own.
      policy.addOverride(
        "dynamic.statement",
        dynamic.map(({ when, statement }) => ({
          for_each: Fn.conditional(when, [statement.sid], []),
          content: { sid: statement.sid, actions: statement.actions, resources: statement.resources },
        })),
      );
    }
    new IamRolePolicy(this, "Policy", { name: "spinnaker", role: this.role.id, policy: policy.json });
  }
}
