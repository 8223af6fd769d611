import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ProfileFiles } from "../spinnaker/profiles";
import { assertTemplateSafe } from "../terraform-text";

export interface SpinnakerConfigurationProps {
  /** The config bucket's name. */
  readonly bucket: string;
  /** Key prefix of the files, such as `config`; front50 keeps its own prefix beside it. */
  readonly prefix: string;
  readonly files: ProfileFiles;
  /** What must exist before the objects are written: the bucket's versioning and encryption. */
  readonly dependsOn?: ITerraformDependable[];
  readonly tags?: Record<string, string>;
}

/**
 * Spinnaker's rendered configuration, stored as objects in the config bucket (which keeps every
 * version). `version` changes whenever any file does; the launch templates carry it as an instance
 * tag, so a configuration change rolls the instances, and front50's prefix is never touched.
 */
export class SpinnakerConfiguration extends Construct {
  /** A digest of the object versions: Terraform knows it once the objects are written. */
  readonly version: string;

  constructor(scope: Construct, id: string, props: SpinnakerConfigurationProps) {
    super(scope, id);
    const names = Object.keys(props.files).sort();
    const objects = names.map(
      (name) =>
        new S3Object(this, `File-${name}`, {
          bucket: props.bucket,
          key: `${props.prefix}/${name}`,
          content: assertTemplateSafe(props.files[name], `configuration file ${name}`),
          contentType: contentType(name),
          tags: props.tags,
          dependsOn: props.dependsOn,
        }),
    );
    this.version = Fn.sha256(
      Fn.join(
        ",",
        objects.map((o) => o.versionId),
      ),
    );
  }
}

function contentType(name: string): string {
  if (name.endsWith(".js")) return "application/javascript";
  if (name.endsWith(".json")) return "application/json";
  if (name.endsWith(".yml") || name.endsWith(".yaml")) return "application/yaml";
  return "text/plain";
}
