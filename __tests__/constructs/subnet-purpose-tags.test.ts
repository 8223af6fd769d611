import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Fn, TerraformVariable, Testing, Token } from "cdktf";
import { SubnetPurposeTags } from "../../modules/constructs/subnet-purpose-tags";

test("tags each subnet with clouddriver's immutable_metadata: the purpose, for EC2", () => {
  const json = Testing.synthScope((scope) => {
    const subnets = new TerraformVariable(scope, "subnets", { type: "list(string)" });
    new SubnetPurposeTags(scope, "purpose", { subnetIds: subnets.listValue, purpose: "spinnaker" });
  });
  expect(json).toHaveResourceWithProperties(Ec2Tag, {
    for_each: "${toset(var.subnets)}",
    resource_id: "${each.value}",
    key: "immutable_metadata",
    value: '{"purpose":"spinnaker","target":"ec2"}',
  });
});

test("a module's inputs decide at plan: no tag unless its condition holds, the purpose as JSON from the input", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const subnets = new TerraformVariable(scope, "subnets", { type: "list(string)" });
      const input = new TerraformVariable(scope, "self", { type: "object({ purpose = string, on = bool })" });
      new SubnetPurposeTags(scope, "purpose", {
        subnetIds: subnets.listValue,
        purpose: Token.asString(Fn.lookupNested(input.value, ["purpose"])),
        when: Fn.lookupNested(input.value, ["on"]),
      });
    }),
  );
  const tag = Object.values(json.resource.aws_ec2_tag)[0] as Record<string, string>;
  expect(tag.value).toBe('${jsonencode({"purpose" = var.self.purpose, "target" = "ec2"})}');
  expect(tag.for_each).toMatch(/\? var\.subnets : \[\]/);
});
