import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { Fn, type IResolvable, Op, Token } from "cdktf";
import { Construct } from "constructs";
import type { OPERATING_SYSTEMS } from "../config/schema";
import { namedValue, stackLocal } from "../terraform-values";

export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

/** CPU architectures of the instances: EC2's names, as the AMI `architecture` filter takes them. */
export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * arm64 instance types: Graviton families with a `g` right after the generation digit (m7g, c6gn,
 * r8gd, t4g, im4gn), the first Graviton (a1) and Grace (p6e-gb200). Written without backslashes, as
 * a Terraform regex too.
 */
export const GRAVITON_TYPE_PATTERN = "^([a-z]+[0-9]+g[a-z]*|a1|p6e-gb200)[.]";

/** The architecture of an instance type, or a Terraform expression choosing it from a variable. */
export function architectureOf(instanceType: string): Architecture {
  if (!Token.isUnresolved(instanceType)) {
    return new RegExp(GRAVITON_TYPE_PATTERN).test(instanceType) ? "arm64" : "x86_64";
  }
  return Token.asString(
    Fn.conditional(Fn.can(Fn.regex(GRAVITON_TYPE_PATTERN, instanceType)), "arm64", "x86_64"),
  ) as Architecture;
}

/**
 * The official images per OS: the publisher's own account and its name pattern per architecture.
 * Sources: Canonical's and Red Hat's AMI locators, centos.org/download/aws-images.
 */
export const OFFICIAL_IMAGES: Record<
  OperatingSystem,
  { owner: string; namePattern: Record<Architecture, string>; rootDeviceName: string }
> = {
  ubuntu: {
    owner: "099720109477",
    namePattern: {
      x86_64: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
      arm64: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*",
    },
    rootDeviceName: "/dev/sda1",
  },
  rhel: {
    owner: "309956199498",
    namePattern: { x86_64: "RHEL-9.*_HVM-*-x86_64-*-Hourly2-GP3", arm64: "RHEL-9.*_HVM-*-arm64-*-Hourly2-GP3" },
    rootDeviceName: "/dev/sda1",
  },
  centos: {
    owner: "125523088429",
    namePattern: { x86_64: "CentOS Stream 9 x86_64 *", arm64: "CentOS Stream 9 aarch64 *" },
    rootDeviceName: "/dev/sda1",
  },
};

export interface MachineImageProps {
  /** The OS, or a Terraform string holding one (a module's `os` input): the lookup then selects by it. */
  readonly os: OperatingSystem;
  /** The instances' architecture (`architectureOf` the instance type). @default "x86_64" */
  readonly architecture?: Architecture;
  /**
   * An explicit AMI id, or a Terraform string that may be null (a variable): when it is null at plan
   * time the newest official image of `os` is used.
   * @default - the newest official image of `os`
   */
  readonly amiId?: string;
  /**
   * Root device of an explicit AMI; may be a Terraform string that is null (a variable).
   * @default - the OS's usual one, /dev/sda1
   */
  readonly rootDeviceName?: string;
  /**
   * Whether to use the newest official image of `os` (true) or `amiId` (false): a Terraform boolean
   * the caller of a module writes, read only when `amiId` is a Terraform value. Pass it whenever
   * the AMI id may be unknown at plan (another resource's attribute): the lookup's count follows
   * it, and a count must be known at plan. @default - whether amiId is null
   */
  readonly official?: IResolvable;
}

/**
 * Picks the AMI. The lookup is a data source with `count`, so a plan that supplies an AMI id never
 * calls EC2 for it, and one synthesized configuration serves both ways.
 */
export class MachineImage extends Construct {
  /** The AMI id the launch template uses. */
  readonly imageId: string;
  /**
   * The image's root device: read from the image when it is looked up, else the OS's usual one (a
   * wrong name would add a second volume instead of sizing the root volume).
   */
  readonly rootDeviceName: string;

  constructor(scope: Construct, id: string, props: MachineImageProps) {
    super(scope, id);
    const architecture = props.architecture ?? "x86_64";
    const image = officialImage(props.os, architecture, this);
    const explicit = props.amiId;
    const explicitRootDevice =
      props.rootDeviceName !== undefined && Token.isUnresolved(props.rootDeviceName)
        ? Token.asString(Fn.coalesce([props.rootDeviceName, image.rootDeviceName]))
        : (props.rootDeviceName ?? image.rootDeviceName);
    if (explicit !== undefined && !Token.isUnresolved(explicit)) {
      this.imageId = explicit;
      this.rootDeviceName = explicitRootDevice;
      return;
    }

    const lookup = new DataAwsAmi(this, "Official", { mostRecent: true, ...officialImageQuery(image, architecture) });
    if (explicit === undefined) {
      this.imageId = lookup.id;
      this.rootDeviceName = lookup.rootDeviceName;
      return;
    }
    const official = props.official ?? Op.eq(explicit, Token.nullValue());
    lookup.count = Token.asNumber(Fn.conditional(official, 1, 0));
    // With count set, the lookup is a list: element 0 exists only for the official image.
    // Named: every launch template reads them (and self-deploy's pipeline the root device).
    this.imageId = namedValue(
      this,
      "ImageId",
      "image_id",
      Token.asString(Fn.conditional(official, Fn.lookupNested(lookup, ["0", "id"]), explicit)),
    );
    this.rootDeviceName = namedValue(
      this,
      "RootDeviceName",
      "root_device_name",
      Token.asString(Fn.conditional(official, Fn.lookupNested(lookup, ["0", "root_device_name"]), explicitRootDevice)),
    );
  }
}

/**
 * The owner and filters that find the official images of an OS and architecture (newest first with
 * `most_recent`, or all of them); either may be a Terraform string.
 */
export function officialImageQuery(
  image: Pick<ReturnType<typeof officialImage>, "owner" | "namePattern">,
  architecture: Architecture,
) {
  return {
    owners: [image.owner],
    filter: [
      { name: "name", values: [image.namePattern] },
      { name: "architecture", values: [architecture] },
      { name: "virtualization-type", values: ["hvm"] },
      { name: "root-device-type", values: ["ebs"] },
    ],
  };
}

/**
 * The official image of an OS and architecture: from the table when both are known, else a lookup
 * in the same table by Terraform (a module's `os`, a stack's `instance_type`); given a scope, the
 * table of name patterns is the stack's local `official_image_names`, which every lookup reads.
 */
export function officialImage(os: OperatingSystem, architecture: Architecture, scope?: Construct) {
  if (!Token.isUnresolved(os) && !Token.isUnresolved(architecture)) {
    const image = OFFICIAL_IMAGES[os];
    return { owner: image.owner, namePattern: image.namePattern[architecture], rootDeviceName: image.rootDeviceName };
  }
  const byOs = (pick: (image: (typeof OFFICIAL_IMAGES)[OperatingSystem]) => string) =>
    Token.isUnresolved(os)
      ? Token.asString(Fn.lookup(Object.fromEntries(Object.entries(OFFICIAL_IMAGES).map(([o, i]) => [o, pick(i)])), os))
      : pick(OFFICIAL_IMAGES[os]);
  const patterns = Object.fromEntries(
    Object.entries(OFFICIAL_IMAGES).flatMap(([o, i]) =>
      Object.entries(i.namePattern).map(([arch, pattern]) => [`${o}/${arch}`, pattern]),
    ),
  );
  const table =
    scope === undefined ? patterns : stackLocal(scope, "OfficialImageNames", "official_image_names", patterns);
  return {
    owner: byOs((i) => i.owner),
    namePattern: Token.asString(Fn.lookup(table, Fn.join("/", [os, architecture]))),
    rootDeviceName: byOs((i) => i.rootDeviceName),
  };
}
