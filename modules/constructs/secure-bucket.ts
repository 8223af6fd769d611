import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Fn, type IResolvable, type ITerraformDependable, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { given, pick } from "../terraform-values";

export interface SecureBucketProps {
  /** Exact bucket name. @default - a unique name from `bucketPrefix` */
  readonly bucketName?: string;
  /** Prefix of a generated name; ignored when `bucketName` is set. @default - Terraform's own `terraform-` prefix */
  readonly bucketPrefix?: string;
  /** Customer managed KMS key for SSE-KMS. @default - SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Days before an overwritten or deleted object version is removed. @default - kept forever */
  readonly noncurrentVersionExpirationDays?: number;
  /** Allow `terraform destroy` to empty the bucket: a boolean, or a module's Terraform boolean. @default false */
  readonly forceDestroy?: boolean | IResolvable;
  /** Refuse any plan that destroys the bucket (for Terraform state). @default false */
  readonly preventDestroy?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * An S3 bucket with every control the scanners ask for: versioning, encryption, all public access
 * blocked, ACLs disabled (BucketOwnerEnforced) and a policy that refuses plain-HTTP requests.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /**
   * Versioning, which comes after encryption: objects written before these exist are neither
   * versioned nor encrypted by them.
   */
  readonly controls: ITerraformDependable[];
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id);
    const forceDestroy = props.forceDestroy ?? false;
    const preventDestroy = props.preventDestroy ?? false;
    if (forceDestroy === true && preventDestroy) {
      throw invalidProp(this.node.path, "forceDestroy", "cannot be true together with preventDestroy", forceDestroy);
    }

    this.bucket = new S3Bucket(this, "Bucket", {
      bucket: props.bucketName,
      bucketPrefix: bucketPrefix(props),
      forceDestroy,
      tags: props.tags,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    // The key may be a Terraform value that is null (a module's input): SSE-S3 then.
    const kms = given(props.kmsKeyArn);
    const encryption = new S3BucketServerSideEncryptionConfiguration(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: pick(kms, "aws:kms", "AES256"),
            ...(kms === false ? {} : { kmsMasterKeyId: props.kmsKeyArn }),
          },
          // S3 Bucket Keys cut KMS request costs; they do nothing for SSE-S3.
          bucketKeyEnabled: kms,
        },
      ],
    });
    // Versioning after encryption, so that the objects wait for both by depending on versioning
    // alone (one reference in each object rather than two).
    const versioning = new S3BucketVersioning(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
      dependsOn: [encryption],
    });
    this.controls = [versioning];
    const publicAccess = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "Ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    if (props.noncurrentVersionExpirationDays !== undefined) {
      new S3BucketLifecycleConfiguration(this, "Lifecycle", {
        bucket: this.bucket.id,
        rule: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: [{}],
            noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
      });
    }

    const tlsOnly = new DataAwsIamPolicyDocument(this, "TlsOnlyPolicy", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: tlsOnly.json,
      // S3 rejects a bucket policy while the public access block is still being applied.
      dependsOn: [publicAccess],
    });
  }
}

/** The generated name's prefix, used only without an exact name (which may be a null Terraform value). */
function bucketPrefix(props: SecureBucketProps): string | undefined {
  if (props.bucketName === undefined) return props.bucketPrefix;
  if (!Token.isUnresolved(props.bucketName) || props.bucketPrefix === undefined) return undefined;
  return Token.asString(
    Fn.conditional(Op.eq(props.bucketName, Token.nullValue()), props.bucketPrefix, Token.nullValue()),
  );
}
