import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { Settings } from "../config/schema";

/**
 * The stack's Terraform state: an S3 backend with native S3 locking (`use_lockfile`, Terraform 1.10+),
 * plus a DynamoDB lock table only when one is configured for older Terraform. `local` leaves cdktf's
 * state in `terraform.<stack>.tfstate` beside cdktf.json, for evaluation.
 */
export function configureBackend(stack: TerraformStack, stackName: string, state: Settings["state"]): void {
  if (state.backend === "local") {
    new LocalBackend(stack);
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket ?? "",
    key: [state.keyPrefix, `${stackName}.tfstate`].filter((p) => p !== "").join("/"),
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyId,
    dynamodbTable: state.dynamodbTable,
  });
  // cdktf 0.21's S3Backend has no useLockfile option.
  backend.addOverride("use_lockfile", true);
}
