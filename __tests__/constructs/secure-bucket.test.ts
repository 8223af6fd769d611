import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { SecureBucket, type SecureBucketProps } from "../../modules/constructs/secure-bucket";

function synth(props: SecureBucketProps = {}) {
  return Testing.synthScope((scope) => new SecureBucket(scope, "bucket", props));
}

test("versioned, encrypted with SSE-S3 by default, all public access blocked, ACLs disabled", () => {
  const json = synth({ bucketPrefix: "spin-" });
  expect(json).toHaveResourceWithProperties(S3Bucket, { bucket_prefix: "spin-", force_destroy: false });
  expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
  expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
    rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: false }],
  });
  expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  });
  expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
    rule: { object_ownership: "BucketOwnerEnforced" },
  });
});

test("a KMS key switches to SSE-KMS with a bucket key", () => {
  const key = "arn:aws:kms:us-west-2:123456789012:key/abc";
  expect(synth({ kmsKeyArn: key })).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
    rule: [
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key },
        bucket_key_enabled: true,
      },
    ],
  });
});

test("the bucket policy denies every request without TLS", () => {
  const json = JSON.parse(synth());
  const statement = Object.values(json.data.aws_iam_policy_document as Record<string, { statement: unknown[] }>)[0]
    .statement[0];
  expect(statement).toMatchObject({
    effect: "Deny",
    actions: ["s3:*"],
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  });
});

test("an exact name wins over a prefix", () => {
  const json = synth({ bucketName: "exact-name", bucketPrefix: "ignored-" });
  const bucket = Object.values(JSON.parse(json).resource.aws_s3_bucket)[0] as Record<string, unknown>;
  expect(bucket.bucket).toBe("exact-name");
  expect(bucket.bucket_prefix).toBeUndefined();
});

test("preventDestroy protects the bucket; noncurrent versions expire when asked", () => {
  const json = synth({ bucketName: "state", preventDestroy: true, noncurrentVersionExpirationDays: 30 });
  expect(json).toHaveResourceWithProperties(S3Bucket, { lifecycle: { prevent_destroy: true } });
  expect(json).toContain('"noncurrent_days": 30');
});

test("forceDestroy and preventDestroy together are refused", () => {
  expect(() => synth({ forceDestroy: true, preventDestroy: true })).toThrow(
    "forceDestroy cannot be true together with preventDestroy, got true",
  );
});
