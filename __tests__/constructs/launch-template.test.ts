import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import {
  SpinnakerLaunchTemplate,
  type SpinnakerLaunchTemplateProps,
  USER_DATA_LIMIT,
} from "../../modules/constructs/launch-template";

const props: SpinnakerLaunchTemplateProps = {
  name: "armoryspinnaker-preprod",
  imageId: "ami-0123456789abcdef0",
  rootDeviceName: "/dev/sda1",
  instanceType: "m4.2xlarge",
  rootVolumeSizeGiB: 100,
  instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/spin",
  securityGroupIds: ["sg-0123456789abcdef0"],
  userData: "#cloud-config\nruncmd: []\n",
  instanceTags: { SpinnakerConfigBucket: "my-bucket" },
};

function synth(overrides: Partial<SpinnakerLaunchTemplateProps> = {}) {
  return Testing.synthScope((scope) => new SpinnakerLaunchTemplate(scope, "lt", { ...props, ...overrides }));
}

test("requires IMDSv2 with hop limit 1", () => {
  expect(synth()).toHaveResourceWithProperties(LaunchTemplate, {
    metadata_options: expect.objectContaining({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
      // The boot scripts read the bucket name from the instance's tags.
      instance_metadata_tags: "enabled",
    }),
  });
});

test("no public IP; the security groups sit on the network interface", () => {
  expect(synth()).toHaveResourceWithProperties(LaunchTemplate, {
    network_interfaces: [
      expect.objectContaining({
        associate_public_ip_address: "false",
        device_index: 0,
        security_groups: ["sg-0123456789abcdef0"],
      }),
    ],
  });
});

test("encrypted gp3 root volume of the configured size on the image's root device", () => {
  expect(synth({ rootVolumeSizeGiB: 200 })).toHaveResourceWithProperties(LaunchTemplate, {
    block_device_mappings: [
      {
        device_name: "/dev/sda1",
        ebs: expect.objectContaining({ encrypted: "true", volume_type: "gp3", volume_size: 200 }),
      },
    ],
  });
});

test("user data is a file beside the configuration, templates/cloud-init.yaml, that Terraform encodes", () => {
  const template = Object.values(JSON.parse(synth()).resource.aws_launch_template)[0] as { user_data: string };
  expect(template.user_data).toBe('${filebase64("${path.module}/templates/cloud-init.yaml")}');
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "spinnaker-launch-template-")), skipValidation: true });
  const stack = new TerraformStack(app, "lt");
  new SpinnakerLaunchTemplate(stack, "One", props);
  // A second template with the same text shares the file.
  new SpinnakerLaunchTemplate(stack, "Two", { ...props, name: "armoryspinnaker-preprod-polling" });
  app.synth();
  try {
    expect(readFileSync(join(app.outdir, "stacks", "lt", "templates", "cloud-init.yaml"), "utf8")).toBe(props.userData);
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
});

test("two texts under one file name in a stack are this package's bug, said as such", () => {
  expect(() =>
    Testing.synthScope((scope) => {
      new SpinnakerLaunchTemplate(scope, "One", props);
      new SpinnakerLaunchTemplate(scope, "Two", { ...props, userData: "#cloud-config\n" });
    }),
  ).toThrow(
    "Two different texts were given for templates/cloud-init.yaml of one stack. This is a bug in cdktf-spinnaker-aws",
  );
});

test("instance tags carry the boot-time values, only on the instance", () => {
  const template = Object.values(JSON.parse(synth()).resource.aws_launch_template)[0] as {
    tag_specifications: { resource_type: string; tags: Record<string, string> }[];
  };
  const byType = Object.fromEntries(template.tag_specifications.map((t) => [t.resource_type, t.tags]));
  expect(byType.instance.SpinnakerConfigBucket).toBe("my-bucket");
  expect(byType.volume.SpinnakerConfigBucket).toBeUndefined();
});

test("user data over the EC2 limit is refused with its size", () => {
  expect(() => synth({ userData: "x".repeat(USER_DATA_LIMIT + 1) })).toThrow(
    `userData must be at most 16384 bytes (the EC2 limit), got "16385 bytes"`,
  );
});

test("a root volume under 30 GiB is refused", () => {
  expect(() => synth({ rootVolumeSizeGiB: 8 })).toThrow("rootVolumeSizeGiB must be at least 30 GiB, got 8");
});

test("a root volume size from a Terraform variable is left to the variable's validation", () => {
  const json = Testing.synthScope((scope) => {
    const size = new TerraformVariable(scope, "root_volume_size", { type: "number" });
    new SpinnakerLaunchTemplate(scope, "lt", { ...props, rootVolumeSizeGiB: size.numberValue });
  });
  expect(json).toHaveResourceWithProperties(LaunchTemplate, {
    block_device_mappings: [
      expect.objectContaining({ ebs: expect.objectContaining({ volume_size: "${var.root_volume_size}" }) }),
    ],
  });
});

// EC2's DescribeInstanceTypes refuses a type it does not know (InvalidInstanceType), naming no
// setting; its `instance-type` filter takes wildcards (EC2 API reference, DescribeInstanceTypes).
describe("an instance type EC2 does not offer", () => {
  type Lookups = {
    data: {
      aws_ec2_instance_types: Record<
        string,
        {
          filter: { name: string; values: string[] }[];
          lifecycle: { postcondition: { condition: string; error_message: string }[] };
        }
      >;
      aws_ec2_instance_type: Record<string, { depends_on?: string[] }>;
    };
  };
  const lookups = (json: string) => (JSON.parse(json) as Lookups).data;

  test("is refused at plan naming instance_type and the types of its family and size, before the memory lookup", () => {
    const json = Testing.synthScope((scope) => {
      const type = new TerraformVariable(scope, "instance_type", { type: "string" });
      new SpinnakerLaunchTemplate(scope, "lt", { ...props, instanceType: type.stringValue, minimumMemoryMiB: 8948 });
    });
    const data = lookups(json);
    const [[name, offered]] = Object.entries(data.aws_ec2_instance_types);
    // m7z.2xlarge -> m7*.2xlarge: the family's letters and generation, any suffix, the same size.
    expect(offered.filter).toEqual([
      { name: "instance-type", values: ['${replace(var.instance_type, "/^([a-z-]*[0-9]*)[^.]*/", "$1*")}'] },
    ]);
    const [check] = offered.lifecycle.postcondition;
    expect(check.condition).toBe("${contains(self.instance_types, var.instance_type)}");
    expect(check.error_message).toBe(
      'instance_type: expected an instance type EC2 offers in this region, got ${jsonencode(var.instance_type)}${(length(self.instance_types) >= 1) ? " (did you mean one of ${join(", ", sort(self.instance_types))}?)" : ""}.',
    );
    // The memory lookup, which EC2 would fail on, is read only once the type is known to exist.
    const [memory] = Object.values(data.aws_ec2_instance_type);
    expect(memory.depends_on).toEqual([`data.aws_ec2_instance_types.${name}`]);
  });

  test("a literal type gets its wildcard in TypeScript, and the templates of a scope share the lookup", () => {
    const json = Testing.synthScope((scope) => {
      new SpinnakerLaunchTemplate(scope, "One", { ...props, instanceType: "m7z.2xlarge", minimumMemoryMiB: 1 });
      new SpinnakerLaunchTemplate(scope, "Two", { ...props, instanceType: "m7z.2xlarge", minimumMemoryMiB: 1 });
      new SpinnakerLaunchTemplate(scope, "Three", { ...props, instanceType: "u-6tb1.metal", minimumMemoryMiB: 1 });
    });
    const offered = Object.values(lookups(json).aws_ec2_instance_types);
    expect(offered.map((o) => o.filter[0].values)).toEqual([["m7*.2xlarge"], ["u-6*.metal"]]);
    expect(offered[0].lifecycle.postcondition[0].condition).toBe('${contains(self.instance_types, "m7z.2xlarge")}');
  });

  test("without a memory check, nothing is looked up", () => {
    expect(JSON.parse(synth()).data?.aws_ec2_instance_types).toBeUndefined();
  });
});
