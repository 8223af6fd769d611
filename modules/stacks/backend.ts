import { join } from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { Settings } from "../config/schema";

/**
 * Where one topology's state lives for one deployment: `<name>-<environment>` is in the key, so two
 * environments (or two names) never share a state, whatever their stacks are called.
 */
export function stateKey(
  settings: Pick<Settings, "namePrefix" | "state">,
  topology: "standalone" | "ha",
): { s3Key: string; localFile: string } {
  return {
    s3Key: [settings.state.keyPrefix, settings.namePrefix, `${topology}.tfstate`].filter((p) => p !== "").join("/"),
    localFile: `terraform.${settings.namePrefix}.${topology}.tfstate`,
  };
}

/**
 * The stack's Terraform state: an S3 backend with native S3 locking (`use_lockfile`, Terraform 1.10+),
 * plus a DynamoDB lock table only when one is configured for older Terraform. `local` keeps the
 * state in `terraform.<name>-<environment>.<topology>.tfstate` in the directory synthesis runs in
 * (beside cdktf.json, as cdktf's own default does), for evaluation.
 */
export function configureBackend(
  stack: TerraformStack,
  topology: "standalone" | "ha",
  settings: Pick<Settings, "namePrefix" | "state">,
): void {
  const { state } = settings;
  const key = stateKey(settings, topology);
  if (state.backend === "local") {
    // An absolute path: Terraform runs in cdktf.out/stacks/<stack>, which every synthesis replaces.
    new LocalBackend(stack, { path: join(process.cwd(), key.localFile) });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket ?? "",
    key: key.s3Key,
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyId,
    dynamodbTable: state.dynamodbTable,
  });
  // cdktf 0.21's S3Backend has no useLockfile option.
  backend.addOverride("use_lockfile", true);
}
