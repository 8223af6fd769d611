import { TerraformVariable, Testing } from "cdktf";
import {
  type Architecture,
  architectureOf,
  MachineImage,
  OFFICIAL_IMAGES,
  type OperatingSystem,
} from "../../modules/constructs/machine-image";

function build(
  os: OperatingSystem,
  amiId?: (scope: TerraformVariable["node"]["scope"]) => string | undefined,
  architecture?: Architecture,
) {
  let image: MachineImage | undefined;
  const json = Testing.synthScope((scope) => {
    image = new MachineImage(scope, "image", { os, amiId: amiId?.(scope), architecture });
  });
  return { json: JSON.parse(json), image: image as MachineImage };
}

test.each(Object.entries(OFFICIAL_IMAGES))("%s: looks up the newest official x86_64 image", (os, official) => {
  const { json } = build(os as OperatingSystem);
  const lookup = Object.values(json.data.aws_ami)[0] as { owners: string[]; most_recent: boolean; filter: unknown[] };
  expect(lookup.owners).toEqual([official.owner]);
  expect(lookup.most_recent).toBe(true);
  expect(lookup.filter).toEqual(
    expect.arrayContaining([
      { name: "name", values: [official.namePattern.x86_64] },
      { name: "architecture", values: ["x86_64"] },
    ]),
  );
});

test.each(Object.entries(OFFICIAL_IMAGES))("%s: looks up the arm64 image for Graviton", (os, official) => {
  const { json } = build(os as OperatingSystem, undefined, "arm64");
  const lookup = Object.values(json.data.aws_ami)[0] as { filter: unknown[] };
  expect(lookup.filter).toEqual(
    expect.arrayContaining([
      { name: "name", values: [official.namePattern.arm64] },
      { name: "architecture", values: ["arm64"] },
    ]),
  );
});

test.each([
  ["m4.2xlarge", "x86_64"],
  ["m7i.4xlarge", "x86_64"],
  ["c5ad.large", "x86_64"],
  ["g5.xlarge", "x86_64"],
  ["m7g.2xlarge", "arm64"],
  ["c6gn.xlarge", "arm64"],
  ["r8gd.large", "arm64"],
  ["t4g.xlarge", "arm64"],
  ["im4gn.large", "arm64"],
  ["g5g.xlarge", "arm64"],
  ["a1.large", "arm64"],
  ["p6e-gb200.36xlarge", "arm64"],
  ["g6e.xlarge", "x86_64"],
  ["m7i-flex.large", "x86_64"],
])("%s is %s", (type, architecture) => {
  expect(architectureOf(type)).toBe(architecture);
});

test("an instance type known only at plan time chooses the architecture in Terraform", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const type = new TerraformVariable(scope, "instance_type", { type: "string" });
      new MachineImage(scope, "image", { os: "ubuntu", architecture: architectureOf(type.stringValue) });
    }),
  );
  const lookup = Object.values(json.data.aws_ami)[0] as { filter: { name: string; values: string[] }[] };
  const architecture = 'can(regex("^([a-z]+[0-9]+g[a-z]*|a1|p6e-gb200)[.]", var.instance_type)) ? "arm64" : "x86_64"';
  expect(lookup.filter.find((f) => f.name === "architecture")?.values).toEqual([`\${${architecture}}`]);
});

test("an explicit AMI id needs no lookup", () => {
  const { json, image } = build("ubuntu", () => "ami-0123456789abcdef0");
  expect(json.data).toBeUndefined();
  expect(image.imageId).toBe("ami-0123456789abcdef0");
  expect(image.rootDeviceName).toBe("/dev/sda1");
});

test("a variable AMI id looks up the official image only when the variable is null", () => {
  const { json } = build("rhel", (scope) => {
    const v = new TerraformVariable(scope as never, "ami_id", { type: "string", nullable: true });
    return v.stringValue;
  });
  const lookup = Object.values(json.data.aws_ami)[0] as { count: string };
  expect(lookup.count).toBe("${(var.ami_id == null) ? 1 : 0}");
});

test("with official, the lookup and the image follow that boolean, not the AMI id's nullness (unknown at plan)", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const amiId = new TerraformVariable(scope, "ami_id", { type: "string", nullable: true });
      const official = new TerraformVariable(scope, "official_image", { type: "bool" });
      const image = new MachineImage(scope, "image", {
        os: "ubuntu",
        amiId: amiId.stringValue,
        official: official.booleanValue,
      });
      new TerraformVariable(scope, "image_id", { type: "string", default: image.imageId });
    }),
  );
  const lookup = Object.values(json.data.aws_ami)[0] as { count: string };
  expect(lookup.count).toBe("${var.official_image ? 1 : 0}");
  expect(JSON.stringify(json)).not.toContain("var.ami_id == null");
});
