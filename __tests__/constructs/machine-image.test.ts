import { TerraformVariable, Testing } from "cdktf";
import { MachineImage, OFFICIAL_IMAGES, type OperatingSystem } from "../../modules/constructs/machine-image";

function build(os: OperatingSystem, amiId?: (scope: TerraformVariable["node"]["scope"]) => string | undefined) {
  let image: MachineImage | undefined;
  const json = Testing.synthScope((scope) => {
    image = new MachineImage(scope, "image", { os, amiId: amiId?.(scope) });
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
      { name: "name", values: [official.namePattern] },
      { name: "architecture", values: ["x86_64"] },
    ]),
  );
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
