/**
 * The rules that join settings of different groups: each is reported on its subject in the
 * configuration, and is a validation block of the module input that holds that subject. That
 * Terraform refuses the same values is registry.test.ts's (tools tier).
 */
import { JOINING_RULES, type Joined, joiningIssues, joiningValidations } from "../../modules/config/joining-rules";
import { settingsFrom, synthStack } from "../helpers";

const BASE: Joined = {
  region: "us-west-2",
  spinnaker: {
    distribution: "oss",
    images: {},
    kayenta: false,
    bake: { enabled: true },
    accounts: { aws: [{ name: "prod", createRole: false }] },
  },
  loadBalancer: { certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/a" },
};
const spinnaker = (s: Partial<Joined["spinnaker"]>): Joined => ({ ...BASE, spinnaker: { ...BASE.spinnaker, ...s } });

test("a configuration that joins its settings well breaks none", () => {
  const two = [
    { name: "prod", createRole: true },
    { name: "test", createRole: false },
  ];
  // The account deployed into (createRole) is the bake account; without the bakery none is needed.
  expect(joiningIssues(spinnaker({ accounts: { aws: two } }))).toEqual([]);
  const neither = two.map((a) => ({ ...a, createRole: false }));
  expect(joiningIssues(spinnaker({ accounts: { aws: neither }, bake: { enabled: false } }))).toEqual([]);
  expect(joiningIssues(BASE)).toEqual([]);
  // Spinnaker's own account may share a managed account's name only while it is off.
  expect(joiningIssues({ ...BASE, ha: { selfDeploy: { enabled: false, account: "prod" } } })).toEqual([]);
  expect(joiningIssues({ ...BASE, ha: { selfDeploy: { enabled: true, account: "spinnaker-self" } } })).toEqual([]);
  expect(joiningIssues(spinnaker({ distribution: "armory", version: "2.36.3", auth: undefined }))).toEqual([]);
  expect(joiningIssues(spinnaker({ auth: {}, version: "2026.4.0", bake: { enabled: true, account: "prod" } }))).toEqual(
    [],
  );
  // A release that needs SQL storage runs with it.
  expect(joiningIssues({ ...spinnaker({ version: "2027.0.0" }), storage: { type: "sql" } })).toEqual([]);
  expect(joiningIssues({ ...spinnaker({ version: "2027.0.0" }), storage: { type: "s3-redis" } })).toHaveLength(1);
});

// rosco bakes in the region of its virtualization settings, the deployment's (its subnet is there),
// and packer's ami_regions copies the image (packer-plugin-amazon's docs/builders/ebs.mdx).
describe("bake regions", () => {
  const regions = (bakeRegions: string[], aws: Joined["spinnaker"]["accounts"]["aws"] = BASE.spinnaker.accounts.aws) =>
    spinnaker({ bake: { enabled: true, regions: bakeRegions }, accounts: { aws } });

  test("the deployment's region, with copies to regions of the bake account, breaks no rule", () => {
    expect(joiningIssues(regions(["us-west-2"]))).toEqual([]);
    const prod = [{ name: "prod", createRole: false, regions: ["eu-west-1", "us-west-2"] }];
    expect(joiningIssues(regions(["us-west-2", "eu-west-1"], prod))).toEqual([]);
    // Without AWS accounts there is no account's list to keep to.
    expect(joiningIssues(regions(["us-west-2", "ap-south-1"], []))).toEqual([]);
  });

  test.each<[string, Joined, RegExp]>([
    [
      "without the deployment's region",
      regions(["eu-west-1"], [{ name: "prod", createRole: false, regions: ["eu-west-1"] }]),
      /^must include the deployment's region \(region\): packer bakes there, .*got \{"region":"us-west-2","regions":\["eu-west-1"\]\}$/,
    ],
    [
      "a region the bake account does not list",
      regions(["us-west-2", "eu-west-1"], [{ name: "prod", createRole: false, regions: ["us-west-2"] }]),
      /^must be regions of the bake account .*clouddriver finds the account's images only there, got \{"accounts":\[\{"name":"prod","regions":\["us-west-2"\]\}\],"regions":\["us-west-2","eu-west-1"\]\}$/,
    ],
    [
      // An account without regions is in the deployment's.
      "a copy for an account without regions",
      regions(["us-west-2", "eu-west-1"]),
      /^must be regions of the bake account .*got \{"accounts":\[\{"name":"prod","regions":null\}\],"regions":\["us-west-2","eu-west-1"\]\}$/,
    ],
    [
      // The createRole account's regions, not the first account's.
      "a region only another account lists",
      regions(
        ["us-west-2", "eu-west-1"],
        [
          { name: "dev", createRole: false, regions: ["us-west-2", "eu-west-1"] },
          { name: "prod", createRole: true },
        ],
      ),
      /^must be regions of the bake account .*got \{"accounts":\[\{"name":"dev","regions":\["us-west-2","eu-west-1"\]\},\{"name":"prod","regions":null\}\],/,
    ],
  ])("%s is refused on spinnaker.bake.regions", (_, config, message) => {
    const issues = joiningIssues(config);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(["spinnaker", "bake", "regions"]);
    expect(issues[0].message).toMatch(message);
  });

  test("the module reads the provider's region and names it so", () => {
    const [inRegion, ofAccount] = joiningValidations("spinnaker").filter((v) =>
      v.errorMessage.startsWith("spinnaker.bake.regions:"),
    );
    expect(inRegion).toEqual({
      condition:
        "${var.spinnaker.bake.regions == null || try(contains(var.spinnaker.bake.regions, data.aws_region.current.id), false)}",
      errorMessage: expect.stringMatching(
        /^spinnaker\.bake\.regions: must include the deployment's region \(the provider's region\): .*, got \$\{jsonencode\(\{ region = data\.aws_region\.current\.id, regions = var\.spinnaker\.bake\.regions \}\)\}\.$/,
      ),
    });
    expect(ofAccount.condition).toContain("coalesce(a.regions, [data.aws_region.current.id])");
  });
});

test.each<[string, Joined, string[], RegExp]>([
  [
    "Armory without a version",
    spinnaker({ distribution: "armory" }),
    ["spinnaker", "version"],
    /^required when spinnaker\.distribution is armory/,
  ],
  [
    "Armory 2.26 without every image",
    spinnaker({ distribution: "armory", version: "2.26.6", images: { gate: "g:1" } }),
    ["spinnaker", "images"],
    /for an Armory release before 2\.27\.0.*got \{"version":"2\.26\.6","images":\["gate"\]\}$/,
  ],
  [
    "a release that needs SQL",
    spinnaker({ version: "2027.0.0" }),
    ["spinnaker", "version"],
    /^must be before 2027\.0\.0 while storage\.type is s3-redis: .*\(set storage\.type to sql\), got "2027\.0\.0"$/,
  ],
  [
    "sign-in on an old release",
    spinnaker({ version: "2025.1.2", auth: {} }),
    ["spinnaker", "auth"],
    /needs spinnaker\.distribution oss at 2025\.2\.0 or later/,
  ],
  [
    "sign-in without HTTPS",
    { ...spinnaker({ auth: {} }), loadBalancer: {} },
    ["loadBalancer", "certificateArn"],
    /^required when spinnaker\.auth is set: sign-in needs HTTPS/,
  ],
  [
    "a bake account that is no account",
    spinnaker({ bake: { enabled: true, account: "nowhere" } }),
    ["spinnaker", "bake", "account"],
    /^must name one of spinnaker\.accounts\.aws: .*got \{"account":"nowhere","accounts":\["prod"\]\}$/,
  ],
  [
    "several accounts and no bake account",
    spinnaker({
      accounts: {
        aws: [
          { name: "prod", createRole: false },
          { name: "test", createRole: false },
        ],
      },
    }),
    ["spinnaker", "bake", "account"],
    /^required when spinnaker\.accounts\.aws lists several accounts and none has createRole: .*got \["prod","test"\]$/,
  ],
  [
    "Spinnaker's own account named like a managed account",
    { ...BASE, ha: { selfDeploy: { enabled: true, account: "prod" } } },
    ["ha", "selfDeploy", "account"],
    /^must differ from every name in spinnaker\.accounts\.aws while ha\.selfDeploy\.enabled is true: clouddriver addresses accounts by name, .*got \{"account":"prod","accounts":\["prod"\]\}$/,
  ],
])("%s is reported on the setting to change", (_, config, path, message) => {
  const issues = joiningIssues(config);
  expect(issues).toHaveLength(1);
  expect(issues[0].path).toEqual(path);
  expect(issues[0].message).toMatch(message);
});

test("every rule is a validation of the module input that holds its subject, worded as the module spells it", () => {
  const json = synthStack(
    settingsFrom({
      loadBalancer: { certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/a", hostname: "s.example.com" },
    }),
    "ha-module",
  );
  const inputs = ["spinnaker", "auth", "load_balancer", "self_deploy"];
  expect(inputs.flatMap(joiningValidations)).toHaveLength(JOINING_RULES.length);
  for (const input of inputs) {
    const variable = json.variable?.[input] as { validation?: { condition: string; error_message: string }[] };
    const blocks = variable?.validation ?? [];
    for (const v of joiningValidations(input)) {
      expect(blocks).toContainEqual({ condition: v.condition, error_message: v.errorMessage });
      expect(v.errorMessage.startsWith(`${input}`)).toBe(true);
    }
  }
  const [certificate] = joiningValidations("load_balancer");
  expect(certificate).toEqual({
    condition: "${var.auth == null || var.load_balancer.certificate_arn != null}",
    errorMessage: expect.stringMatching(
      /^load_balancer\.certificate_arn: required when auth is set: .*, got \$\{jsonencode\(var\.load_balancer\.certificate_arn\)\}\.$/,
    ),
  });
});
