import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { TerraformOutput, TerraformVariable, Testing } from "cdktf";
import { SpinnakerConfiguration } from "../../modules/constructs/spinnaker-configuration";

function build(files: Record<string, string>) {
  const json = Testing.synthScope((scope) => {
    const configuration = new SpinnakerConfiguration(scope, "config", { bucket: "my-bucket", prefix: "config", files });
    new TerraformOutput(scope, "version", { value: configuration.version });
  });
  return { json };
}

test("stores each file under the prefix with its content", () => {
  const { json } = build({ "gate-local.yml": "a: 1\n", "settings-local.js": "x = 1;\n" });
  expect(json).toHaveResourceWithProperties(S3Object, {
    bucket: "my-bucket",
    key: "config/gate-local.yml",
    content: "a: 1\n",
    content_type: "application/yaml",
  });
  expect(json).toHaveResourceWithProperties(S3Object, {
    key: "config/settings-local.js",
    content_type: "application/javascript",
  });
});

test("its version is a digest of every object's version id, so any change shows", () => {
  const json = JSON.parse(build({ "a.yml": "a\n", "b.yml": "b\n" }).json);
  const [a, b] = Object.keys(json.resource.aws_s3_object);
  expect(json.output.version.value).toBe(
    `\${sha256(join(",", [aws_s3_object.${a}.version_id, aws_s3_object.${b}.version_id]))}`,
  );
});

test("objects wait for what they depend on (the bucket's versioning and encryption)", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const versioning = new S3BucketVersioningA(scope, "versioning", {
        bucket: "my-bucket",
        versioningConfiguration: { status: "Enabled" },
      });
      new SpinnakerConfiguration(scope, "config", {
        bucket: "my-bucket",
        prefix: "config",
        files: { "a.yml": "a\n" },
        dependsOn: [versioning],
      });
    }),
  );
  const [object] = Object.values(json.resource.aws_s3_object) as { depends_on: string[] }[];
  expect(object.depends_on).toEqual(["aws_s3_bucket_versioning.versioning"]);
});

test("refuses text that Terraform would read as a template", () => {
  expect(() => build({ "bad.yml": "password: ${SECRET}\n" })).toThrow(
    'configuration file bad.yml contains "${", which Terraform would read as template syntax',
  );
  expect(() => build({ "bad.yml": "x: %{if}\n" })).toThrow('contains "%{"');
});

describe("files that exist only while a condition holds", () => {
  const synth = (when: boolean | "input") =>
    JSON.parse(
      Testing.synthScope((scope) => {
        const on = new TerraformVariable(scope, "on", { type: "bool" });
        const configuration = new SpinnakerConfiguration(scope, "config", {
          bucket: "my-bucket",
          prefix: "config",
          files: { "a.yml": "a\n", "c.yml": "c\n" },
          conditionalFiles: { "b.json": { content: "{}\n", when: when === "input" ? on.booleanValue : when } },
        });
        new TerraformOutput(scope, "version", { value: configuration.version });
      }),
    );

  test("are no object when off, and the version is what it would be without them", () => {
    const off = synth(false);
    expect(Object.values(off.resource.aws_s3_object).map((o) => (o as { key: string }).key)).toEqual([
      "config/a.yml",
      "config/c.yml",
    ]);
    const [a, c] = Object.keys(off.resource.aws_s3_object);
    expect(off.output.version.value).toBe(
      `\${sha256(join(",", [aws_s3_object.${a}.version_id, aws_s3_object.${c}.version_id]))}`,
    );
  });

  test("are plain objects when on", () => {
    const on = synth(true);
    const objects = Object.values(on.resource.aws_s3_object) as { key: string; count?: unknown }[];
    expect(objects.map((o) => o.key)).toEqual(["config/a.yml", "config/b.json", "config/c.yml"]);
    expect(objects.every((o) => o.count === undefined)).toBe(true);
  });

  test("are counted on a module's input, and add their version ids only when they exist, in name order", () => {
    const json = synth("input");
    const [a, b, c] = Object.keys(json.resource.aws_s3_object);
    expect(json.resource.aws_s3_object[b]).toMatchObject({ key: "config/b.json", count: "${var.on ? 1 : 0}" });
    expect(json.output.version.value).toBe(
      `\${sha256(join(",", flatten([[aws_s3_object.${a}.version_id], aws_s3_object.${b}[*].version_id, [aws_s3_object.${c}.version_id]])))}`,
    );
  });
});
