import { choose, jsonTemplate, key, text, variable } from "../../modules/spinnaker/json-template";

test("literal values are JSON as JSON.stringify writes it, two spaces a level", () => {
  const value = { name: "Deploy Spinnaker", stages: [{ refId: "1", n: 1, on: true, none: null }], empty: [], also: {} };
  expect(jsonTemplate(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
});

test("literal text that looks like Terraform's template syntax is escaped, so Spinnaker receives it unchanged", () => {
  expect(jsonTemplate({ expression: "${trigger['parameters']['version']}", directive: "%{x}" })).toBe(
    '{\n  "expression": "$${trigger[\'parameters\'][\'version\']}",\n  "directive": "%%{x}"\n}\n',
  );
});

test("a variable is written as its JSON, whatever its type; text with variables stays one string", () => {
  const template = jsonTemplate({
    zones: variable("availability_zones"),
    cluster: text(variable("application"), "-", variable("stack"), "-polling"),
    [key(variable("region"))]: 1,
  });
  expect(template).toBe(
    '{\n  "zones": ${jsonencode(availability_zones)},\n  "cluster": "${application}-${stack}-polling",\n  "${region}": 1\n}\n',
  );
});

test("a literal choice is made here; a variable's is a template directive around one whole list entry", () => {
  expect(choose(true, "a", "b")).toBe("a");
  expect(choose(false, "a", "b")).toBe("b");
  expect(text("a", "b")).toBe("ab");
  expect(key("us-west-2")).toBe("us-west-2");
  const template = jsonTemplate([
    choose(variable("bake"), { type: "bake" }, { type: "findImage" }),
    { type: "deploy" },
  ]);
  expect(template).toBe(
    [
      "[",
      "%{ if bake ~}",
      '  {\n    "type": "bake"\n  },',
      "%{ else ~}",
      '  {\n    "type": "findImage"\n  },',
      "%{ endif ~}",
      '  {\n    "type": "deploy"\n  }',
      "]",
      "",
    ].join("\n"),
  );
});

test("a choice anywhere but in a list is refused", () => {
  expect(() => jsonTemplate({ stage: choose(variable("bake"), 1, 2) })).toThrow(/only for an entry of a list/);
});
