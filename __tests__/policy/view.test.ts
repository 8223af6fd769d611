/**
 * The planned view on hand-written fragments of `terraform show -json`: what is unknown stays
 * unknown, with the module's expression, and a rule that needs it says it cannot be evaluated. The
 * tools tier runs the rules on a real plan (__tests__/tools/policy-modules.test.ts).
 */
import { settingsFrom } from "../helpers";
import { RULES, viewViolations } from "./invariants";
import { plannedViews, type ShownPlan, synthesizedView, Unknown } from "./view";

const MODULE = 'module.ha["tls"]';

/** One instance with one launch template, planned with `metadataOptions` and `unknown`. */
function planOf(metadataOptions: object, unknown: object): ShownPlan {
  return {
    resource_changes: [
      {
        module_address: MODULE,
        mode: "managed",
        type: "aws_launch_template",
        name: "polling_launch_template",
        change: {
          actions: ["create"],
          after: { metadata_options: [metadataOptions], name: "spin" },
          after_unknown: { metadata_options: [unknown], id: true },
        },
      },
    ],
    configuration: {
      root_module: {
        module_calls: {
          ha: {
            module: {
              resources: [
                {
                  address: "aws_launch_template.polling_launch_template",
                  expressions: {
                    metadata_options: [
                      { http_tokens: { constant_value: "${var.tokens}", references: ["var.tokens"] } },
                    ],
                    name: { constant_value: "spin" },
                  },
                },
              ],
              variables: { redis_auth_token: { sensitive: true, default: null }, user_cidrs: {} },
            },
          },
        },
      },
    },
  };
}

const IMDS = RULES.find((r) => r.id.startsWith("IMDSv2")) as (typeof RULES)[number];
const settings = settingsFrom({ network: { userCidrs: ["10.0.0.0/8"] } });
/** What the IMDS rule says (the fragment has no network interface or volume: other rules break too). */
const imds = (view: Parameters<typeof viewViolations>[0]) =>
  viewViolations(view, settings).filter((v) => v.startsWith(IMDS.id));

test("a planned instance: known values as planned, unknown ones with the module's expression", () => {
  const view = plannedViews(planOf({ http_put_response_hop_limit: 1 }, { http_tokens: true }), () => ({
    user_cidrs: ["10.0.0.0/8"],
  })).get(MODULE);
  const template = view?.resources[0];
  if (template === undefined) throw new Error("no launch template in the view");
  expect(template.name).toBe("polling_launch_template");
  const options = (template.values.metadata_options as Record<string, unknown>[])[0];
  expect(options.http_put_response_hop_limit).toBe(1);
  expect(options.http_tokens).toEqual(new Unknown("${var.tokens}"));
  expect(template.values.id).toBeInstanceOf(Unknown);
  expect(view?.sensitive).toEqual(new Set(["redis_auth_token"]));
  // What the caller leaves out takes the module's default.
  expect(view?.inputs).toEqual({ redis_auth_token: null, user_cidrs: ["10.0.0.0/8"] });
});

test("a rule that needs a value known only at apply reports that it cannot be evaluated, never passes", () => {
  const view = plannedViews(planOf({ http_put_response_hop_limit: 1 }, { http_tokens: true }), () => ({
    user_cidrs: ["10.0.0.0/8"],
  })).get(MODULE);
  if (view === undefined) throw new Error("no view");
  expect(imds(view)).toEqual([
    `${IMDS.id}: cannot be evaluated: polling_launch_template metadata_options.http_tokens is known only at apply (\${var.tokens})`,
  ]);
});

test.each([
  ["required", []],
  [
    "optional",
    [
      `${IMDS.id}: polling_launch_template metadata_options [{"http_tokens":"optional","http_put_response_hop_limit":1}]`,
    ],
  ],
])("known http_tokens %s: judged as planned", (tokens, expected) => {
  const view = plannedViews(planOf({ http_tokens: tokens, http_put_response_hop_limit: 1 }, {}), () => ({
    user_cidrs: ["10.0.0.0/8"],
  })).get(MODULE);
  if (view === undefined) throw new Error("no view");
  expect(imds(view)).toEqual(expected);
});

test("a synthesized stack: its blocks as written, its variables' defaults as the inputs", () => {
  const view = synthesizedView({
    resource: { aws_lb: { user_facing: { drop_invalid_header_fields: true, name: "${var.name}" } } },
    variable: { redis_auth_token: { sensitive: true }, user_cidrs: { default: ["10.0.0.0/8"] } },
  });
  expect(view.resources).toEqual([
    {
      type: "aws_lb",
      name: "user_facing",
      values: { drop_invalid_header_fields: true, name: "${var.name}" },
      configuration: JSON.stringify({ drop_invalid_header_fields: true, name: "${var.name}" }),
    },
  ]);
  expect(view.inputs).toEqual({ redis_auth_token: undefined, user_cidrs: ["10.0.0.0/8"] });
  expect(view.sensitive).toEqual(new Set(["redis_auth_token"]));
});
