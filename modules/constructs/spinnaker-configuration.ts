import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Fn, type ITerraformDependable, ref, Token } from "cdktf";
import { Construct } from "constructs";
import type { ProfileFiles } from "../spinnaker/profiles";
import { assertTemplateSafe } from "../terraform-text";
import { type Condition, countWhen, possible } from "../terraform-values";

/** A file of the configuration that exists only while `when` holds (a module's input decides at plan). */
export interface ConditionalFile {
  readonly content: string;
  readonly when: Condition;
}

export interface SpinnakerConfigurationProps {
  /** The config bucket's name. */
  readonly bucket: string;
  /** Key prefix of the files, such as `config`; front50 keeps its own prefix beside it. */
  readonly prefix: string;
  readonly files: ProfileFiles;
  /**
   * Files that exist only while their condition holds. One whose condition is off at plan is no
   * object and adds nothing to `version`, so switching an option on or off rolls the instances and
   * an option left off changes nothing. @default - none
   */
  readonly conditionalFiles?: Readonly<Record<string, ConditionalFile>>;
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
    const files: Record<string, ConditionalFile> = {
      ...Object.fromEntries(Object.entries(props.files).map(([name, content]) => [name, { content, when: true }])),
      ...Object.fromEntries(Object.entries(props.conditionalFiles ?? {}).filter(([, f]) => possible(f.when))),
    };
    const names = Object.keys(files).sort();
    const objects = names.map(
      (name) =>
        new S3Object(this, `File-${name}`, {
          count: countWhen(files[name].when),
          bucket: props.bucket,
          key: `${props.prefix}/${name}`,
          content: assertTemplateSafe(files[name].content, `configuration file ${name}`),
          contentType: contentType(name),
          tags: props.tags,
          dependsOn: props.dependsOn,
        }),
    );
    const counted = objects.some((o) => o.count !== undefined);
    this.version = Fn.sha256(
      counted
        ? // The version ids of the objects that exist, in the same order: an object of none adds nothing.
          Fn.join(
            ",",
            Fn.flatten(
              objects.map((o) =>
                o.count === undefined
                  ? [o.versionId]
                  : Token.asList(ref(`${o.terraformResourceType}.${o.friendlyUniqueId}[*].version_id`)),
              ),
            ),
          )
        : Fn.join(
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
