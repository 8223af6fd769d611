import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { type Condition, pickList } from "../terraform-values";

/** The subnet tag clouddriver reads a subnet's purpose from (clouddriver-aws's `SubnetData.METADATA_TAG_KEY`). */
export const SUBNET_METADATA_TAG = "immutable_metadata";

export interface SubnetPurposeTagsProps {
  /** The subnets to tag: they are the caller's, so the tag is one resource per subnet, not the subnet. */
  readonly subnetIds: string[];
  /** The purpose clouddriver shows and deploy stages name as their `subnetType`, such as `spinnaker`. */
  readonly purpose: string;
  /** A Terraform condition when a module's input decides. @default true */
  readonly when?: Condition;
}

/**
 * Gives subnets a purpose for clouddriver, which picks a deploy's subnets in each zone by the
 * `immutable_metadata` tag, JSON `{"purpose": ..., "target": "ec2"}` (clouddriver-aws's
 * `SubnetData.groovy`; target `ec2` for server groups, `elb` for load balancers). Only that tag:
 * any other tag of the subnet stays its owner's.
 */
export class SubnetPurposeTags extends Construct {
  constructor(scope: Construct, id: string, props: SubnetPurposeTagsProps) {
    super(scope, id);
    const subnets = TerraformIterator.fromList(pickList(props.when ?? true, props.subnetIds, []));
    const metadata = { purpose: props.purpose, target: "ec2" };
    new Ec2Tag(this, "Tag", {
      forEach: subnets,
      resourceId: subnets.value,
      key: SUBNET_METADATA_TAG,
      value: Token.isUnresolved(props.purpose) ? Token.asString(Fn.jsonencode(metadata)) : JSON.stringify(metadata),
    });
  }
}
