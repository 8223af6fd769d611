import { onlyResource, settingsFrom, synthStack } from "../helpers";

test("creates the configured state bucket, protected from destroy, with its own local state", () => {
  const json = synthStack(settingsFrom({ state: { bucket: "acme-spinnaker-state" } }), "state");
  expect(onlyResource(json, "aws_s3_bucket")).toMatchObject({
    bucket: "acme-spinnaker-state",
    lifecycle: { prevent_destroy: true },
  });
  expect(onlyResource(json, "aws_s3_bucket_versioning")).toMatchObject({
    versioning_configuration: { status: "Enabled" },
  });
  expect(json.terraform?.backend).toHaveProperty("local");
  expect(json.output?.state_bucket_name.description).toEqual(expect.any(String));
});
