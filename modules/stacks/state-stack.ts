import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, type TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct, Node } from "constructs";
import type { Settings } from "../config/schema";
import { SecureBucket } from "../constructs/secure-bucket";
import { ConfigError } from "../errors";
import { ReadableAddresses } from "./addresses";
import { REQUIRED_AWS_PROVIDER, REQUIRED_TERRAFORM } from "./spinnaker-stack";
import { terraformJson } from "./terraform-json";

/**
 * The `state` stack: the S3 bucket that holds the other stacks' Terraform state. It keeps its own
 * state locally (it must exist before any S3 backend can), and Terraform refuses to destroy it.
 */
export class StateStack extends TerraformStack {
  readonly bucket: SecureBucket;
  private readonly addresses = new ReadableAddresses(this);

  constructor(scope: Construct, id: string, settings: Settings) {
    super(scope, id);
    const { state } = settings;
    if (state.bucket === undefined) {
      throw new ConfigError("state.bucket: required to create the state bucket, got nothing");
    }
    // Its own state stays beside cdktf.json: the bucket must exist before any S3 backend can use it.
    new LocalBackend(this);
    new AwsProvider(this, "aws", {
      region: state.region,
      defaultTags: [{ tags: { ...settings.tags, "managed-by": "terraform" } }],
    });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    this.addOverride("terraform.required_providers.aws.version", REQUIRED_AWS_PROVIDER);
    this.bucket = new SecureBucket(this, "StateBucket", {
      bucketName: state.bucket,
      preventDestroy: true,
      noncurrentVersionExpirationDays: 365,
      tags: settings.tags,
    });
    new TerraformOutput(this, "state_bucket_name", {
      value: this.bucket.bucketName,
      description: "S3 bucket of the Terraform state of the Spinnaker stacks.",
    });
  }

  /**
   * Without cdktf's preparing resolve pass, for cross-stack references, which this stack never makes
   * (as SpinnakerStack); its backend is its own local one.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /** The same JSON as cdktf's, without its repeated resolving (terraform-json.ts). */
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    return terraformJson(this);
  }

  /** Readable, stable addresses such as `aws_s3_bucket.state_bucket` (see addresses.ts). */
  override allocateLogicalId(element: TerraformElement | Node): string {
    return this.addresses.allocate(element);
  }
}
