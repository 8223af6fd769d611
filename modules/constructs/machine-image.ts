import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { Fn, Op, Token } from "cdktf";
import { Construct } from "constructs";
import type { OPERATING_SYSTEMS } from "../config/schema";

export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

/**
 * The official images per OS: the publisher's own account and its name pattern. Sources: Canonical's
 * and Red Hat's AMI locators, centos.org/download/aws-images.
 */
export const OFFICIAL_IMAGES: Record<OperatingSystem, { owner: string; namePattern: string; rootDeviceName: string }> =
  {
    ubuntu: {
      owner: "099720109477",
      namePattern: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
      rootDeviceName: "/dev/sda1",
    },
    rhel: {
      owner: "309956199498",
      namePattern: "RHEL-9.*_HVM-*-x86_64-*-Hourly2-GP3",
      rootDeviceName: "/dev/sda1",
    },
    centos: {
      owner: "125523088429",
      namePattern: "CentOS Stream 9 x86_64 *",
      rootDeviceName: "/dev/sda1",
    },
  };

export interface MachineImageProps {
  /** The OS, or a Terraform string holding one (a module's `os` input): the lookup then selects by it. */
  readonly os: OperatingSystem;
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
    const image = Token.isUnresolved(props.os) ? selectedImage(props.os) : OFFICIAL_IMAGES[props.os];
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

    const lookup = new DataAwsAmi(this, "Official", {
      mostRecent: true,
      owners: [image.owner],
      filter: [
        { name: "name", values: [image.namePattern] },
        { name: "architecture", values: ["x86_64"] },
        { name: "virtualization-type", values: ["hvm"] },
        { name: "root-device-type", values: ["ebs"] },
      ],
    });
    if (explicit === undefined) {
      this.imageId = lookup.id;
      this.rootDeviceName = lookup.rootDeviceName;
      return;
    }
    const noAmiGiven = Op.eq(explicit, Token.nullValue());
    lookup.count = Token.asNumber(Fn.conditional(noAmiGiven, 1, 0));
    // With count set, the lookup is a list: element 0 exists only when no AMI id was given.
    this.imageId = Fn.conditional(noAmiGiven, Fn.lookupNested(lookup, ["0", "id"]), explicit);
    this.rootDeviceName = Fn.conditional(
      noAmiGiven,
      Fn.lookupNested(lookup, ["0", "root_device_name"]),
      explicitRootDevice,
    );
  }
}

/** The official image of an OS known only at plan time: a lookup in the same table, by Terraform. */
function selectedImage(os: string): (typeof OFFICIAL_IMAGES)[OperatingSystem] {
  const field = (name: keyof (typeof OFFICIAL_IMAGES)[OperatingSystem]) =>
    Token.asString(Fn.lookup(Object.fromEntries(Object.entries(OFFICIAL_IMAGES).map(([o, i]) => [o, i[name]])), os));
  return { owner: field("owner"), namePattern: field("namePattern"), rootDeviceName: field("rootDeviceName") };
}
