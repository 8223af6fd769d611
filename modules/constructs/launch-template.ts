import { DataAwsEc2InstanceType } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type";
import { DataAwsEc2InstanceTypes } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-types";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Fn, ref, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../errors";
import { atLeast, nonEmpty } from "../terraform-values";
import { withTags } from "./tags";
import { TemplateFiles } from "./template-file";

/** EC2 refuses user data over 16 KiB (before base64). */
export const USER_DATA_LIMIT = 16384;

export interface SpinnakerLaunchTemplateProps {
  /** Launch template name, such as `armoryspinnaker-preprod-polling`. */
  readonly name: string;
  readonly imageId: string;
  /** The image's root device (`/dev/sda1` or `/dev/xvda`), so the size applies to the root volume. */
  readonly rootDeviceName: string;
  readonly instanceType: string;
  /**
   * The least memory (MiB) the instance type must have; plan fails for a smaller type (the type's
   * data from EC2). May be a Terraform number. @default - no check
   */
  readonly minimumMemoryMiB?: number;
  readonly rootVolumeSizeGiB: number;
  /** KMS key for the root volume. @default - the account's default EBS key */
  readonly rootVolumeKmsKeyId?: string;
  /** EC2 key pair; null or absent launches without one (Session Manager still works). @default - none */
  readonly keyName?: string;
  readonly instanceProfileArn: string;
  readonly securityGroupIds: string[];
  /**
   * Cloud-init user data, known at synthesis (no Terraform tokens): written to the stack's
   * `templates/` folder as `userDataFile` and read from there with `filebase64()`, so the
   * configuration names a file a reviewer reads and a plan changes it only when the file changes.
   * Values known only to Terraform reach the instance as `instanceTags`.
   */
  readonly userData: string;
  /**
   * The user data's file name in `templates/`; launch templates of one stack that share a name
   * share the file, so they must share the text. @default "cloud-init.yaml"
   */
  readonly userDataFile?: string;
  /**
   * Values the instance reads at boot from its own tags through the metadata service (bucket name,
   * configuration version). They may be Terraform tokens; a change makes a new template version and
   * so rolls the group.
   */
  readonly instanceTags?: Record<string, string>;
  readonly tags?: Record<string, string>;
}

/**
 * The launch template of a Spinnaker server group. Hardened the way the scanners check it: IMDSv2
 * only, hop limit 1 (containers use host networking, so they still reach the metadata service), no
 * public IP, encrypted gp3 root volume.
 */
export class SpinnakerLaunchTemplate extends Construct {
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: SpinnakerLaunchTemplateProps) {
    super(scope, id);
    const userData = this.userDataFromFile(props.userData, props.userDataFile ?? "cloud-init.yaml");
    if (!Token.isUnresolved(props.rootVolumeSizeGiB) && props.rootVolumeSizeGiB < 30) {
      // Nine JVM images and their layers need about 15 GiB before any logs or bakes.
      throw invalidProp(this.node.path, "rootVolumeSizeGiB", "must be at least 30 GiB", props.rootVolumeSizeGiB);
    }

    this.launchTemplate = new LaunchTemplate(this, "Template", {
      name: props.name,
      description: `Spinnaker server group ${props.name}`,
      imageId: props.imageId,
      instanceType: props.instanceType,
      keyName: props.keyName,
      // Each apply that changes the template makes the new version the default one.
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: props.instanceProfileArn },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        // The boot scripts read instanceTags from here; tags hold no secrets.
        instanceMetadataTags: "enabled",
      },
      blockDeviceMappings: [
        {
          deviceName: props.rootDeviceName,
          ebs: {
            volumeSize: props.rootVolumeSizeGiB,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: props.rootVolumeKmsKeyId,
            deleteOnTermination: "true",
          },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: "false",
          deleteOnTermination: "true",
          securityGroups: props.securityGroupIds,
        },
      ],
      monitoring: { enabled: true },
      userData,
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: withTags(props.tags, { ...(resourceType === "instance" ? props.instanceTags : {}), Name: props.name }),
      })),
      tags: props.tags,
    });
    if (props.minimumMemoryMiB !== undefined) this.requireMemory(props.instanceType, props.minimumMemoryMiB);
  }

  /**
   * Fails the plan when the instance type has less memory than `minimum`: the type may be a
   * variable, so only EC2 knows its memory. A type EC2 does not offer is refused first, by
   * `offeredLike`: EC2's own error for it names no setting.
   */
  private requireMemory(instanceType: string, minimum: number) {
    const scope = this.node.scope ?? this;
    // One lookup per scope, type and minimum: the launch templates of one topology share it.
    const lookups = memoryLookups.get(scope) ?? new Map<string, DataAwsEc2InstanceType>();
    memoryLookups.set(scope, lookups);
    const key = `${instanceType} ${minimum}`;
    if (lookups.has(key)) return;
    const offered = offeredLike(scope, instanceType);
    const type = new DataAwsEc2InstanceType(
      scope,
      `LaunchTemplateInstanceType${lookups.size === 0 ? "" : lookups.size + 1}`,
      { instanceType, dependsOn: [offered] },
    );
    lookups.set(key, type);
    type.addOverride("lifecycle.postcondition", [
      {
        condition: atLeast(ref("self.memory_size"), minimum),
        error_message: `Instance type \${self.instance_type} has \${self.memory_size} MiB of memory, less than the ${minimum} MiB Spinnaker's containers and the OS need: choose a larger instance_type.`,
      },
    ]);
  }

  /** Checks the user data and writes it as a template file; `filebase64()` encodes it as EC2 expects. */
  private userDataFromFile(text: string, name: string): string {
    if (Token.isUnresolved(text)) {
      throw invalidProp(
        this.node.path,
        "userData",
        "must be known at synthesis; pass Terraform values as instanceTags",
        "(a token)",
      );
    }
    if (Buffer.byteLength(text) > USER_DATA_LIMIT) {
      throw invalidProp(
        this.node.path,
        "userData",
        `must be at most ${USER_DATA_LIMIT} bytes (the EC2 limit)`,
        `${Buffer.byteLength(text)} bytes`,
      );
    }
    return Token.asString(Fn.filebase64(TemplateFiles.of(this).add(name, text)));
  }
}

/** The memory lookups, per scope, instance type and minimum: the launch templates of one topology share one. */
const memoryLookups = new WeakMap<Construct, Map<string, DataAwsEc2InstanceType>>();

/** The lookups of `offeredLike`, per scope and instance type: the launch templates of one topology share one. */
const offeredLookups = new WeakMap<Construct, Map<string, DataAwsEc2InstanceTypes>>();

/**
 * The instance types EC2 offers in the region with the family prefix and size of `instanceType`
 * (`m7*.2xlarge` for `m7z.2xlarge`), which fails the plan, naming `instance_type` and those types,
 * when `instanceType` is not among them. The memory lookups depend on it: EC2 refuses to describe a
 * type it does not know, with an error that names no setting, and a failed check stops the plan
 * before anything that depends on it is read. (The synthesis-time warning of a type this package
 * does not know is memory.ts's `unknownInstanceTypeWarning`.)
 */
function offeredLike(scope: Construct, instanceType: string): DataAwsEc2InstanceTypes {
  const lookups = offeredLookups.get(scope) ?? new Map<string, DataAwsEc2InstanceTypes>();
  offeredLookups.set(scope, lookups);
  const existing = lookups.get(instanceType);
  if (existing !== undefined) return existing;
  // The instance type validation (INSTANCE_TYPE_PATTERN) makes both parts exist.
  // The family's leading letters and generation, a wildcard for the rest of it, the size.
  const prefix = "/^([a-z-]*[0-9]*)[^.]*/";
  const pattern = Token.isUnresolved(instanceType)
    ? Fn.replace(instanceType, prefix, "$1*")
    : instanceType.replace(/^([a-z-]*[0-9]*)[^.]*/, "$1*");
  const lookup = new DataAwsEc2InstanceTypes(scope, `Offered${lookups.size === 0 ? "" : lookups.size + 1}`, {
    filter: [{ name: "instance-type", values: [pattern] }],
  });
  const types = Token.asList(ref("self.instance_types"));
  // The same size of the same family prefix: few, and the likely meant ones. With none, the message
  // says only what it got (a line of the Registry module's HCL stays under 160 characters).
  const near = Fn.join(", ", Fn.sort(types));
  lookup.addOverride("lifecycle.postcondition", [
    {
      condition: Fn.contains(types, instanceType),
      error_message: `instance_type: expected an instance type EC2 offers in this region, got ${Fn.jsonencode(instanceType)}${Fn.conditional(nonEmpty(types), ` (did you mean one of ${near}?)`, "")}.`,
    },
  ]);
  lookups.set(instanceType, lookup);
  return lookup;
}
