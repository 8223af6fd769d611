import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { addStacks } from "../../modules/app";
import { loadConfiguration } from "../../modules/config/load";
import { SpinnakerStack } from "../../modules/stacks/spinnaker-stack";
import { StateStack } from "../../modules/stacks/state-stack";
import { settingsFrom } from "../helpers";
import { CHOICES, configOf } from "../policy/choices";
import { tempDir } from "../tools/harness";

const CONFIG = `state:
  bucket: example-terraform-state
spinnaker:
  kayenta: true
  accounts:
    aws:
      - { name: home, accountId: "123456789012", createRole: true }
environments:
  staging: {}
  prod:
    loadBalancer: { hostname: spinnaker.example.com, certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc-123" }
`;

function synthesizeAll(): Record<string, string> {
  const outdir = tempDir("synthesis");
  const app = new App({ outdir });
  const stacks = addStacks(app, loadConfiguration(CONFIG, "test.yaml"));
  app.synth();
  return Object.fromEntries(
    Object.keys(stacks).map((name) => [name, readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")]),
  );
}

test("skipping cdktf's preparing pass leaves every stack's JSON as it was", () => {
  const fast = synthesizeAll();
  const stacks = [SpinnakerStack.prototype, StateStack.prototype];
  const prepares = stacks.map((stack) => Object.getOwnPropertyDescriptor(stack, "prepareStack"));
  try {
    for (const stack of stacks) stack.prepareStack = TerraformStack.prototype.prepareStack;
    const full = synthesizeAll();
    expect(Object.keys(fast).sort()).toEqual(Object.keys(full).sort());
    expect(Object.keys(fast)).toHaveLength(7);
    for (const name of Object.keys(full)) expect([name, fast[name]]).toEqual([name, full[name]]);
  } finally {
    stacks.forEach((stack, i) => {
      const prepare = prepares[i];
      if (prepare) Object.defineProperty(stack, "prepareStack", prepare);
    });
  }
});

test("every stack's JSON is the one cdktf's own toTerraform resolves", () => {
  const configurations = [
    loadConfiguration(readFileSync(join(__dirname, "..", "..", "spinnaker.config.yaml"), "utf8"), "default.yaml"),
    loadConfiguration(CONFIG, "test.yaml"),
    // TLS, sign-in, an existing Redis, kayenta, managed accounts...: every value a choice adds.
    settingsFrom(configOf(new Set(CHOICES))),
  ];
  for (const configuration of configurations) {
    const stacks = addStacks(Testing.app(), configuration);
    for (const [name, stack] of Object.entries(stacks)) {
      expect([name, stack.toTerraform()]).toStrictEqual([name, TerraformStack.prototype.toTerraform.call(stack)]);
    }
  }
});
