/** The configuration reference (docs/configuration.md) and its list of stack variables keep up with the code. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { ConfigSchema } from "../modules/config/schema";
import { settingsFrom, synthStack } from "./helpers";

const REFERENCE = readFileSync(join(__dirname, "..", "docs", "configuration.md"), "utf8");

/** Dotted paths of every setting, through defaults and optionals, not into lists. */
function settingPaths(schema: z.ZodType, prefix = ""): string[] {
  const def = (
    schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } } }
  )._zod.def;
  // An optional group (loadBalancer.accessLogs) is one setting; defaulted groups are documented by member.
  if (def.type === "optional") return [prefix];
  if (def.innerType) return settingPaths(def.innerType, prefix);
  if (def.type !== "object" || !def.shape) return [prefix];
  return Object.entries(def.shape).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const nested = settingPaths(child, path);
    // A group is documented through its members; a leaf by itself.
    return nested.length === 1 && nested[0] === path ? [path] : nested;
  });
}

const paths = settingPaths(ConfigSchema);

test("finds the settings it checks", () => {
  expect(paths).toEqual(expect.arrayContaining(["name", "network.vpcId", "spinnaker.accounts.aws", "state.bucket"]));
});

test.each(paths)("the configuration reference documents %s", (path) => {
  expect(REFERENCE).toContain(`| \`${path}\` |`);
});

const variables = (stack: "standalone" | "ha") =>
  Object.keys(
    synthStack(
      settingsFrom({
        loadBalancer: {
          certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/a",
          hostname: "spinnaker.example.com",
        },
      }),
      stack,
    ).variable ?? {},
  );

test.each([...new Set([...variables("standalone"), ...variables("ha")])])(
  "the configuration reference names the Terraform variable %s",
  (name) => {
    expect(REFERENCE).toContain(`\`${name}\``);
  },
);
