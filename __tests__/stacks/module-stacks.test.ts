import { settingsFrom, synthStack } from "../helpers";

describe.each(["standalone-module", "ha-module"] as const)("%s", (stack) => {
  const json = synthStack(settingsFrom(), stack);

  test("is a clean child module: no provider block, no backend, a minimum provider version", () => {
    expect(json.provider).toBeUndefined();
    expect(json.terraform?.backend).toBeUndefined();
    expect(json.terraform?.required_providers).toEqual({ aws: { source: "aws", version: ">= 5.100.0, < 6.0.0" } });
    expect(json.terraform?.required_version).toBe(">= 1.10");
  });

  test("refuses, at plan time, a caller's provider for another region than it was synthesized for", () => {
    expect(json.output?.region).toMatchObject({
      value: "${data.aws_region.current.name}",
      precondition: [
        {
          condition: '${(data.aws_region.current.name == "us-west-2")}',
          error_message: expect.stringContaining("synthesized for us-west-2"),
        },
      ],
    });
  });

  test("has the same resources and variables as the stack it mirrors", () => {
    const full = synthStack(settingsFrom(), stack === "ha-module" ? "ha" : "standalone");
    const addresses = (j: typeof json) =>
      Object.entries(j.resource ?? {})
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
    expect(addresses(json)).toEqual(addresses(full));
    expect(Object.keys(json.variable ?? {}).sort()).toEqual(Object.keys(full.variable ?? {}).sort());
  });

  test("its resources carry the tags a provider's default_tags would have added", () => {
    const rules = Object.values(json.resource?.aws_vpc_security_group_ingress_rule ?? {});
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.tags).toMatchObject({ "spinnaker:topology": expect.any(String), "managed-by": "terraform" });
    }
  });
});
