/**
 * The Terraform CLI on the synthesized stacks: init against the local provider mirror, validate,
 * plan with placeholder credentials, and `terraform test` with a mock provider that applies every
 * resource and exercises the variables' validation blocks.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { parse as parseYaml } from "yaml";
import { addStacks } from "../../modules/app";
import { loadConfiguration } from "../../modules/config/load";
import type { Config, Settings } from "../../modules/config/schema";
import { TEMPLATES_DIR } from "../../modules/constructs/template-file";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { rememberTemplates, settingsFrom, writeTemplates } from "../helpers";
import {
  expectSuccess,
  expectTerraformTest,
  mockProvider,
  type Run,
  requireTool,
  tempDir,
  terraform,
  terraformEnvironment,
  terraformTest,
  terraformWorkdir,
  writeLookupsOverride,
} from "./harness";

const TIMEOUT = 240_000;
/** The same network values as NETWORK_VARS, for a `variables` block of a .tftest.hcl file. */
const NETWORK_TFVARS = `  vpc_id              = "vpc-0123456789abcdef0"
  instance_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  user_cidrs          = ["10.0.0.0/8"]
`;
const NETWORK_VARS = [
  "-var=vpc_id=vpc-0123456789abcdef0",
  '-var=instance_subnet_ids=["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]',
  '-var=user_cidrs=["10.0.0.0/8"]',
];

interface Configuration {
  terraform?: { backend?: { s3?: { key: string } } };
  data?: Record<string, Record<string, unknown>>;
  resource: Record<string, Record<string, unknown>>;
}

/** Synthesizes the app the way `cdktf synth` does and returns one stack's JSON. */
function synthesize(settings: Settings | Parameters<typeof addStacks>[1], stack: string): Configuration {
  const outdir = tempDir("synth");
  const app = new App({ outdir });
  addStacks(app, settings);
  app.synth();
  const dir = join(outdir, "stacks", stack);
  const configuration = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  const templates = join(dir, TEMPLATES_DIR);
  // The state stack has none.
  const names = existsSync(templates) ? readdirSync(templates) : [];
  rememberTemplates(configuration, new Map(names.map((name) => [name, readFileSync(join(templates, name), "utf8")])));
  return configuration;
}

function initialized(name: string, configuration: Configuration) {
  const workdir = terraformWorkdir(name, configuration);
  expectSuccess(terraform(workdir, ["init", "-input=false"]), `terraform init (${name})`);
  return workdir;
}

function planJson(workdir: ReturnType<typeof initialized>, vars: string[]): { planned_values: unknown } {
  expectSuccess(terraform(workdir, ["plan", "-input=false", "-out=plan.bin", ...vars]), "terraform plan");
  const shown = terraform(workdir, ["show", "-json", "plan.bin"]);
  expectSuccess(shown, "terraform show");
  return JSON.parse(shown.stdout);
}

interface PlannedResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}

function plannedResources(plan: { planned_values: unknown }): PlannedResource[] {
  const root = (plan.planned_values as { root_module: { resources: PlannedResource[] } }).root_module;
  return root.resources;
}

/** A command Terraform must refuse, with this message in its (whitespace-folded) diagnostics. */
function expectRefused(result: Run, message: string): void {
  expect(result.status).not.toBe(0);
  expect(result.stderr.replace(/\s+/g, " ")).toContain(message);
}

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform 1.10 or newer (the S3 backend uses use_lockfile)");
});

describe("standalone stack", () => {
  const config: Config = {};
  let workdir: ReturnType<typeof initialized>;
  let configuration: Configuration;

  beforeAll(() => {
    configuration = synthesize(settingsFrom(config), "standalone");
    workdir = initialized("standalone", configuration);
  }, TIMEOUT);

  test("validates", () => {
    expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
  });

  test(
    "plans every resource offline, and the planned user data is exactly what the package rendered",
    () => {
      const plan = planJson(workdir, [...NETWORK_VARS, "-var=ami_id=ami-0123456789abcdef0"]);
      const resources = plannedResources(plan);
      const types = new Set(resources.map((r) => r.type));
      for (const type of [
        "aws_autoscaling_group",
        "aws_launch_template",
        "aws_lb",
        "aws_lb_listener",
        "aws_lb_target_group",
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_s3_bucket",
        "aws_s3_object",
        "aws_iam_role",
        "aws_iam_instance_profile",
      ]) {
        expect([type, types.has(type)]).toEqual([type, true]);
      }
      const template = resources.find((r) => r.type === "aws_launch_template");
      const userData = Buffer.from(String(template?.values.user_data), "base64").toString();
      expect(userData).toBe(userDataText());
      expect(template?.values.image_id).toBe("ami-0123456789abcdef0");
    },
    TIMEOUT,
  );

  test.each([
    ["vpc_id", "-var=vpc_id=vpc-XYZ", 'vpc_id: expected a VPC id such as vpc-0123456789abcdef0, got "vpc-XYZ".'],
    ["user_cidrs", '-var=user_cidrs=["10.0.0.300/8"]', "user_cidrs[*]: expected an IPv4 CIDR block"],
    ["user_cidrs", "-var=user_cidrs=[]", "user_cidrs: expected at least one CIDR block, got []."],
    // The cases issue 9 found passing this gate.
    [
      "user_cidrs",
      '-var=user_cidrs=["10.1.2.3/8"]',
      'user_cidrs[*]: expected an IPv4 CIDR block without host bits, such as 10.0.0.0/16 (not 10.1.2.3/16), got ["10.1.2.3/8"].',
    ],
    [
      "egress_cidrs",
      "-var=egress_cidrs=[]",
      "egress_cidrs: expected at least one CIDR block: the instances install Docker and pull images at boot, got [].",
    ],
    [
      "ssh_cidrs",
      '-var=ssh_cidrs=["0.0.0.0/0"]',
      'ssh_cidrs[*]: expected a CIDR block of /8 or narrower: SSH from anywhere is refused (Session Manager is the way in without SSH), got ["0.0.0.0/0"].',
    ],
    [
      "instance_subnet_ids",
      '-var=instance_subnet_ids=["subnet-0123456789abcdef0","subnet-0123456789abcdef0"]',
      'instance_subnet_ids: expected distinct subnets: one is listed twice, got ["subnet-0123456789abcdef0","subnet-0123456789abcdef0"].',
    ],
    ["key_name", "-var=key_name=", 'key_name: expected null or an EC2 key pair name of 1 to 255 characters, got "".'],
    [
      "instance_type",
      "-var=instance_type=huge",
      'instance_type: expected an EC2 instance type such as m4.2xlarge, got "huge".',
    ],
    [
      "root_volume_size",
      "-var=root_volume_size=10",
      "root_volume_size: expected a whole number from 30 to 16384 GiB, got 10.",
    ],
    ["ami_id", "-var=ami_id=ubuntu", 'ami_id: expected null or an AMI id such as ami-0123456789abcdef0, got "ubuntu".'],
    [
      "instance_subnet_ids",
      '-var=instance_subnet_ids=["sn-1"]',
      'instance_subnet_ids[*]: expected a subnet id such as subnet-0123456789abcdef0, got ["sn-1"].',
    ],
    [
      "load_balancer_subnet_ids",
      '-var=instance_subnet_ids=["subnet-0123456789abcdef0"]',
      'The load balancer needs subnets in two AZs or more: set load_balancer_subnet_ids, or give two instance_subnet_ids. Got [] and instance_subnet_ids ["subnet-0123456789abcdef0"].',
    ],
  ])(
    "plan refuses a bad %s with a message naming it and the value",
    (_name, bad, message) => {
      const result: Run = terraform(workdir, ["plan", "-input=false", ...NETWORK_VARS, bad]);
      expectRefused(result, message);
    },
    TIMEOUT,
  );

  test(
    "terraform test: mock-applies every resource, looks up the AMI only without ami_id",
    () => {
      const amiLookup = Object.keys(configuration.data?.aws_ami ?? {})[0];
      const template = Object.keys(configuration.resource.aws_launch_template)[0];
      const group = Object.keys(configuration.resource.aws_autoscaling_group)[0];
      const typeLookup = Object.keys(configuration.data?.aws_ec2_instance_type ?? {})[0];
      expect(amiLookup).toBeDefined();
      expect(typeLookup).toBeDefined();
      expectTerraformTest(
        workdir,
        "standalone.tftest.hcl",
        `${mockProvider(`  override_data {
    target = data.aws_ami.${amiLookup}
    values = { id = "ami-0aaaaaaaaaaaaaaaa", root_device_name = "/dev/sda1" }
  }
`)}
variables {
${NETWORK_TFVARS}}

run "official_image" {
  command = apply
  assert {
    condition     = aws_launch_template.${template}.image_id == "ami-0aaaaaaaaaaaaaaaa"
    error_message = "the launch template must use the looked-up official image"
  }
  assert {
    condition     = aws_autoscaling_group.${group}.name == "armoryspinnaker-preprod-v000"
    error_message = "the server group must be named for Spinnaker"
  }
}

run "explicit_image" {
  command = apply
  variables {
    ami_id = "ami-0bbbbbbbbbbbbbbbb"
  }
  assert {
    condition     = length(data.aws_ami.${amiLookup}) == 0 && aws_launch_template.${template}.image_id == "ami-0bbbbbbbbbbbbbbbb"
    error_message = "an explicit ami_id must skip the lookup"
  }
}

run "refuses_too_little_memory_at_plan" {
  command = plan
  variables {
    instance_type = "c5.xlarge"
  }
  override_data {
    target = data.aws_ec2_instance_type.${typeLookup}
    values = { memory_size = 8192, instance_type = "c5.xlarge" }
  }
  expect_failures = [data.aws_ec2_instance_type.${typeLookup}]
}

run "rejects_world_open_ssh_typo" {
  command = plan
  variables {
    ssh_cidrs = ["0.0.0.0"]
  }
  expect_failures = [var.ssh_cidrs]
}

run "refuses_an_instance_type_ec2_does_not_offer_at_plan" {
  command = plan
  variables {
    instance_type = "m7z.2xlarge"
  }
  override_data {
    target = data.aws_ec2_instance_types.offered
    values = { instance_types = ["m7a.2xlarge", "m7g.2xlarge", "m7i.2xlarge"] }
  }
  expect_failures = [data.aws_ec2_instance_types.offered]
}
`,
        5,
      );
    },
    TIMEOUT,
  );

  // What a deployer sees: EC2 would refuse to describe the type in the memory lookup, naming no
  // setting; our lookup of the types it offers like it refuses first (EC2's DescribeInstanceTypes
  // takes the wildcard m7*.2xlarge for m7z.2xlarge).
  test(
    "an instance type EC2 does not offer: the plan names instance_type and the types of its family and size",
    () => {
      const run = (types: string[]) => `
run "unknown_${types.length}" {
  command = plan
  variables {
    instance_type = "m7z.2xlarge"
  }
  override_data {
    target = data.aws_ec2_instance_types.offered
    values = { instance_types = ${JSON.stringify(types)} }
  }
}
`;
      // One file each: a failed run skips the runs after it.
      const refusal = (types: string[]) => {
        const result = terraformTest(
          workdir,
          `unknown-type-${types.length}.tftest.hcl`,
          `${mockProvider()}\nvariables {\n${NETWORK_TFVARS}}\n${run(types)}`,
        );
        expect(result.stdout).toContain("0 passed, 1 failed");
        return `${result.stdout}\n${result.stderr}`.replace(/\s+/g, " ");
      };
      expect(refusal(["m7i.2xlarge", "m7a.2xlarge"])).toContain(
        'instance_type: expected an instance type EC2 offers in this region, got "m7z.2xlarge" (did you mean one of m7a.2xlarge, m7i.2xlarge?).',
      );
      expect(refusal([])).toContain(
        'instance_type: expected an instance type EC2 offers in this region, got "m7z.2xlarge".',
      );
    },
    TIMEOUT,
  );
});

describe("ha stack", () => {
  const REDIS_TOKEN = "-var=redis_auth_token=placeholder-token-0123456789";
  let workdir: ReturnType<typeof initialized>;
  let configuration: Configuration;

  beforeAll(() => {
    configuration = synthesize(settingsFrom(), "ha");
    workdir = initialized("ha", configuration);
  }, TIMEOUT);

  test("validates", () => {
    expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
  });

  test(
    "plans every resource offline; each launch template carries its role's rendering",
    () => {
      const resources = plannedResources(
        planJson(workdir, [...NETWORK_VARS, "-var=ami_id=ami-0123456789abcdef0", REDIS_TOKEN]),
      );
      const types = new Set(resources.map((r) => r.type));
      for (const type of [
        "aws_elasticache_replication_group",
        "aws_elasticache_parameter_group",
        "aws_elasticache_subnet_group",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_version",
        "aws_lb",
        "aws_autoscaling_group",
      ]) {
        expect([type, types.has(type)]).toEqual([type, true]);
      }
      expect(resources.filter((r) => r.type === "aws_lb")).toHaveLength(2);
      // Both roles boot the one user data, read by Terraform from templates/ (the role is an
      // instance tag, which the plan does not know yet: the bucket name in the same map is unknown).
      for (const name of ["armoryspinnaker-preprod-polling", "armoryspinnaker-preprod"]) {
        const template = resources.find((r) => r.type === "aws_launch_template" && r.values.name === name);
        expect(Buffer.from(String(template?.values.user_data), "base64").toString()).toBe(userDataText());
      }
    },
    TIMEOUT,
  );

  test(
    "plan refuses one instance subnet: the interservice load balancer and Multi-AZ Redis need two AZs",
    () => {
      const result = terraform(workdir, [
        "plan",
        "-input=false",
        ...NETWORK_VARS,
        '-var=instance_subnet_ids=["subnet-0123456789abcdef0"]',
        '-var=load_balancer_subnet_ids=["subnet-0aaaaaaaaaaaaaaaa","subnet-0bbbbbbbbbbbbbbbb"]',
        "-var=ami_id=ami-0123456789abcdef0",
        REDIS_TOKEN,
      ]);
      expectRefused(
        result,
        "instance_subnet_ids: expected at least 2 subnets in different AZs: the ha stack's interservice load balancer and Multi-AZ Redis need them, got",
      );
    },
    TIMEOUT,
  );

  test(
    "the plan never prints the Redis token",
    () => {
      const token = "placeholder-token-0123456789";
      const result = terraform(workdir, [
        "plan",
        "-input=false",
        ...NETWORK_VARS,
        "-var=ami_id=ami-0123456789abcdef0",
        `-var=redis_auth_token=${token}`,
      ]);
      expectSuccess(result, "terraform plan");
      expect(result.stdout).toContain("(sensitive value)");
      expect(result.stdout + result.stderr).not.toContain(token);
    },
    TIMEOUT,
  );

  test(
    "terraform test: mock-applies every resource, with one polling instance and three others",
    () => {
      const groups = Object.entries(configuration.resource.aws_autoscaling_group).map(
        ([key, group]) => [key, (group as { name: string }).name] as const,
      );
      const polling = groups.find(([, name]) => name.endsWith("-polling-v000"))?.[0];
      const nonPolling = groups.find(([, name]) => !name.endsWith("-polling-v000"))?.[0];
      expectTerraformTest(
        workdir,
        "ha.tftest.hcl",
        `${mockProvider()}
variables {
${NETWORK_TFVARS}  ami_id              = "ami-0123456789abcdef0"
  redis_auth_token    = "placeholder-token-0123456789"
}

run "apply" {
  command = apply
  assert {
    condition     = aws_autoscaling_group.${polling}.max_size == 1 && aws_autoscaling_group.${nonPolling}.desired_capacity == 3
    error_message = "exactly one polling instance and three non-polling ones by default"
  }
}

run "capacity_variable" {
  command = plan
  variables {
    non_polling_capacity = 0
  }
  expect_failures = [var.non_polling_capacity]
}
`,
        2,
      );
    },
    TIMEOUT,
  );
});

describe("standalone stack with TLS", () => {
  test(
    "validates and plans HTTPS listeners with the redirect",
    () => {
      const configuration = synthesize(
        settingsFrom({
          loadBalancer: {
            certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc-123",
            hostname: "spinnaker.example.com",
          },
        }),
        "standalone",
      );
      const workdir = initialized("standalone-tls", configuration);
      expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
      const listeners = plannedResources(planJson(workdir, [...NETWORK_VARS, "-var=ami_id=ami-0123456789abcdef0"]))
        .filter((r) => r.type === "aws_lb_listener")
        .map((r) => [r.values.port, r.values.protocol]);
      expect(listeners).toEqual(
        expect.arrayContaining([
          [443, "HTTPS"],
          [8084, "HTTPS"],
          [80, "HTTP"],
        ]),
      );
    },
    TIMEOUT,
  );
});

describe("standalone stack with an internet-facing load balancer", () => {
  test(
    "plan refuses to put it in the private instance subnets",
    () => {
      const workdir = initialized(
        "standalone-public",
        synthesize(settingsFrom({ loadBalancer: { scheme: "internet-facing" } }), "standalone"),
      );
      const refused = terraform(workdir, [
        "plan",
        "-input=false",
        ...NETWORK_VARS,
        "-var=ami_id=ami-0123456789abcdef0",
      ]);
      expectRefused(
        refused,
        "An internet-facing load balancer needs load_balancer_subnet_ids: public subnets in two AZs or more. Got [].",
      );
      const planned = terraform(workdir, [
        "plan",
        "-input=false",
        ...NETWORK_VARS,
        "-var=ami_id=ami-0123456789abcdef0",
        '-var=load_balancer_subnet_ids=["subnet-0aaaaaaaaaaaaaaaa","subnet-0bbbbbbbbbbbbbbbb"]',
      ]);
      expectSuccess(planned, "terraform plan");
    },
    TIMEOUT,
  );
});

describe.each([
  ["standalone-module", ""],
  ["ha-module", '  redis_auth_token = "placeholder-token-0123456789"\n'],
] as const)("%s used as a child module by existing Terraform", (stack, extraInputs) => {
  test(
    "a root calls it with for_each over two environments in its own region: names differ, ARNs and profiles follow the provider",
    () => {
      const dir = tempDir(`${stack}-root`);
      const moduleDir = join(dir, "spinnaker");
      mkdirSync(moduleDir);
      const module = synthesize(settingsFrom(), stack);
      writeFileSync(join(moduleDir, "main.tf.json"), JSON.stringify(module));
      writeTemplates(module, moduleDir);
      writeLookupsOverride(moduleDir, module);
      // GovCloud: another region and another partition than the module's defaults know of.
      writeFileSync(
        join(dir, "main.tf"),
        `provider "aws" {
  region                      = "us-gov-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

module "spinnaker" {
  source   = "./spinnaker"
  for_each = toset(["staging", "prod"])

  environment = each.key
  tags        = { team = "platform" }
${NETWORK_TFVARS}${extraInputs}  ami_id         = "ami-0123456789abcdef0"
  official_image = false
}

output "deck_urls" {
  value = { for environment, spinnaker in module.spinnaker : environment => spinnaker.deck_url }
}
`,
      );
      const workdir = { dir, env: terraformEnvironment(dir) };
      expectSuccess(terraform(workdir, ["init", "-input=false"]), "terraform init");
      expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
      const plan = planJson(workdir, []);
      const modules = (
        plan.planned_values as { root_module: { child_modules: { address: string; resources: PlannedResource[] }[] } }
      ).root_module.child_modules;
      expect(modules.map((m) => m.address).sort()).toEqual(['module.spinnaker["prod"]', 'module.spinnaker["staging"]']);

      // Account- or region-wide names; an inline policy's name is its role's own.
      const names = (m: (typeof modules)[number]) =>
        m.resources
          .filter((r) => r.type !== "aws_iam_role_policy")
          .flatMap((r) =>
            ["name", "name_prefix", "bucket_prefix", "replication_group_id"]
              .map((key) => r.values?.[key])
              .filter((v): v is string => typeof v === "string"),
          );
      const [prod, staging] = modules.sort((a, b) => a.address.localeCompare(b.address)).map(names);
      expect(staging.length).toBeGreaterThan(5);
      expect(staging.filter((n) => prod.includes(n))).toEqual([]);
      expect(staging).toContain("armoryspinnaker-staging-v000");

      for (const m of modules) {
        const text = JSON.stringify(m.resources);
        expect(text).not.toContain("us-west-2");
        expect(text).not.toMatch(/arn:aws:/);
        const attachment = m.resources.find((r) => r.type === "aws_iam_role_policy_attachment");
        expect(attachment?.values.policy_arn).toBe("arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore");
        // clouddriver's profile is known at plan (front50's names the bucket, known only at apply).
        const clouddriver = m.resources.find((r) => r.values?.key === "config/clouddriver-local.yml");
        expect(parseYaml(String(clouddriver?.values.content)).aws.defaultRegions).toEqual([{ name: "us-gov-west-1" }]);
        const group = m.resources.find((r) => r.type === "aws_security_group");
        expect(group?.values.tags).toMatchObject({ team: "platform", "managed-by": "terraform" });
      }
    },
    TIMEOUT,
  );
});

describe("two environments of one configuration", () => {
  const configuration = loadConfiguration(
    `state:\n  bucket: example-terraform-state\nenvironments:\n  staging: {}\n  prod:\n    instance:\n      type: m5.4xlarge\n`,
    "environments.yaml",
  );

  test.each(["staging", "prod"])(
    "standalone-%s validates and mock-applies under its own names",
    (environment) => {
      const stack = synthesize(configuration, `standalone-${environment}`);
      const workdir = initialized(`standalone-${environment}`, stack);
      expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
      const group = Object.keys(stack.resource.aws_autoscaling_group)[0];
      expectTerraformTest(
        workdir,
        "environment.tftest.hcl",
        `${mockProvider()}
variables {
${NETWORK_TFVARS}  ami_id = "ami-0bbbbbbbbbbbbbbbb"
}

run "named_for_the_environment" {
  command = apply
  assert {
    condition     = aws_autoscaling_group.${group}.name == "armoryspinnaker-${environment}-v000"
    error_message = "the server group must carry the environment's name"
  }
}
`,
        1,
      );
    },
    TIMEOUT,
  );

  test("each environment's stacks have their own state", () => {
    const keys = ["standalone-staging", "standalone-prod", "ha-staging", "ha-prod"].map(
      (name) => synthesize(configuration, name).terraform?.backend?.s3?.key,
    );
    expect(keys).toEqual([
      "spinnaker/armoryspinnaker-staging/standalone.tfstate",
      "spinnaker/armoryspinnaker-prod/standalone.tfstate",
      "spinnaker/armoryspinnaker-staging/ha.tfstate",
      "spinnaker/armoryspinnaker-prod/ha.tfstate",
    ]);
  });

  test(
    "ha-prod validates",
    () => {
      const workdir = initialized("ha-prod", synthesize(configuration, "ha-prod"));
      expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
    },
    TIMEOUT,
  );
});

describe("state stack", () => {
  test(
    "validates and plans the protected state bucket",
    () => {
      const workdir = initialized(
        "state",
        synthesize(settingsFrom({ state: { bucket: "acme-spinnaker-state" } }), "state"),
      );
      expectSuccess(terraform(workdir, ["validate"]), "terraform validate");
      const bucket = plannedResources(planJson(workdir, [])).find((r) => r.type === "aws_s3_bucket");
      expect(bucket?.values.bucket).toBe("acme-spinnaker-state");
    },
    TIMEOUT,
  );
});

describe("standalone stack creating the managed role of its own account", () => {
  test(
    "terraform test: creates the role in that account, refuses any other",
    () => {
      const configuration = synthesize(
        settingsFrom({
          spinnaker: { accounts: { aws: [{ name: "home", accountId: "012345678901", createRole: true }] } },
        }),
        "standalone",
      );
      const role = "managed_account_role_home_role";
      const caller = "managed_account_role_home_caller";
      const workdir = initialized("standalone-managed", configuration);
      expectTerraformTest(
        workdir,
        "managed.tftest.hcl",
        `${mockProvider()}
variables {
${NETWORK_TFVARS}  ami_id              = "ami-0123456789abcdef0"
}

run "home_account" {
  command = apply
  override_data {
    target = data.aws_caller_identity.${caller}
    values = { account_id = "012345678901" }
  }
  assert {
    condition     = aws_iam_role.${role}.name == "spinnakerManaged"
    error_message = "the managed role must be created in its own account"
  }
}

run "other_account" {
  command = plan
  override_data {
    target = data.aws_caller_identity.${caller}
    values = { account_id = "999999999999" }
  }
  expect_failures = [aws_iam_role.${role}]
}
`,
        2,
      );
    },
    TIMEOUT,
  );
});

/**
 * A Terraform user's root that creates, in the same configuration, what it passes to a module: each
 * value is unknown until apply. Every choice the module makes with `count` or `for_each` must then
 * rest on values the root writes itself (such as `redis.create`), or the plan fails with "Invalid
 * count argument". Planned with the real provider offline, as a user plans.
 */
describe("a root that creates what it passes to the module", () => {
  // Both modules: the certificate of their HTTPS listeners, the image the instances run (and bake
  // on), and what choices without a count read: the bucket's key, the sign-in client's secret, the
  // access logs' bucket.
  const SHARED = {
    resources: `resource "aws_acm_certificate" "spinnaker" {
  domain_name       = "spinnaker.example.com"
  validation_method = "DNS"
}

resource "aws_ami_copy" "golden" {
  name              = "spinnaker-golden"
  source_ami_id     = "ami-0123456789abcdef0"
  source_ami_region = "us-west-2"
}

resource "aws_kms_key" "config" {}

resource "aws_secretsmanager_secret" "oidc_client" {
  name_prefix = "spinnaker-oidc-"
}

resource "aws_s3_bucket" "logs" {
  bucket_prefix = "spinnaker-logs-"
}
`,
    inputs: `  ami_id         = aws_ami_copy.golden.id
  official_image = false
  spinnaker = {
    bake = { base_images = { ubuntu = aws_ami_copy.golden.id, rhel = aws_ami_copy.golden.id, centos = aws_ami_copy.golden.id } }
  }
  config_bucket = { kms_key_arn = aws_kms_key.config.arn }
  auth = {
    issuer_url        = "https://login.example.com/realms/spinnaker"
    client_id         = "spinnaker"
    client_secret_arn = aws_secretsmanager_secret.oidc_client.arn
  }
  load_balancer = {
    https           = true
    certificate_arn = aws_acm_certificate.spinnaker.arn
    hostname        = "spinnaker.example.com"
    access_logs     = { bucket = aws_s3_bucket.logs.bucket }
  }
`,
  };
  const ROOTS = {
    "standalone-module": { resources: "", inputs: "" },
    "ha-module": {
      resources: `resource "aws_secretsmanager_secret" "redis_url" {
  name_prefix = "spinnaker-redis-url-"
}

resource "aws_security_group" "redis" {
  name_prefix = "spinnaker-redis-"
  vpc_id      = "vpc-0123456789abcdef0"
}
`,
      inputs: `  redis = {
    create                     = false
    existing_url_secret_arn    = aws_secretsmanager_secret.redis_url.arn
    existing_security_group_id = aws_security_group.redis.id
  }
`,
    },
  } as const;

  test.each(Object.keys(ROOTS) as (keyof typeof ROOTS)[])(
    "%s: plans, each choice following what the root writes",
    (stack) => {
      const dir = tempDir(`${stack}-same-root`);
      const moduleDir = join(dir, "spinnaker");
      mkdirSync(moduleDir);
      const module = synthesize(settingsFrom(), stack);
      writeFileSync(join(moduleDir, "main.tf.json"), JSON.stringify(module));
      writeTemplates(module, moduleDir);
      // Only the instance type's lookups are left out: the bakery's must follow base_images' keys.
      const lookups = ["aws_ec2_instance_type", "aws_ec2_instance_types"] as const;
      const instanceTypes = lookups.map((type) => Object.keys(module.data?.[type] ?? {}));
      for (const names of instanceTypes) expect(names.length).toBeGreaterThan(0);
      writeFileSync(
        join(moduleDir, "offline_instance_types_override.tf.json"),
        JSON.stringify({
          data: Object.fromEntries(
            lookups.map((type, i) => [type, Object.fromEntries(instanceTypes[i].map((name) => [name, { count: 0 }]))]),
          ),
        }),
      );
      writeFileSync(
        join(dir, "main.tf"),
        `provider "aws" {
  region                      = "us-west-2"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

${SHARED.resources}
${ROOTS[stack].resources}
module "spinnaker" {
  source = "./spinnaker"

${NETWORK_TFVARS}${SHARED.inputs}${ROOTS[stack].inputs}}
`,
      );
      const workdir = { dir, env: terraformEnvironment(dir) };
      expectSuccess(terraform(workdir, ["init", "-input=false"]), "terraform init");
      const plan = planJson(workdir, []) as {
        planned_values: { root_module: { child_modules: { resources: PlannedResource[] }[] } };
      };
      const resources = plan.planned_values.root_module.child_modules[0].resources;
      const addresses = resources.map((r) => r.address);
      // HTTPS: both listeners, and port 80 redirected.
      const listener = (name: string) =>
        resources.find((r) => r.address === `module.spinnaker.aws_lb_listener.${name}`);
      expect(listener("user_facing_load_balancer_deck_listener")?.values).toMatchObject({
        protocol: "HTTPS",
        port: 443,
      });
      expect(listener("user_facing_load_balancer_http_redirect[0]")?.values).toMatchObject({
        protocol: "HTTP",
        port: 80,
      });
      // The root's own images: no lookup of the official ones, for the instances or the bakery.
      expect(addresses.filter((a) => a.includes("data.aws_ami"))).toEqual([]);
      expect(addresses.filter((a) => a.startsWith("module.spinnaker.aws_launch_template.")).length).toBeGreaterThan(0);
      if (stack === "ha-module") {
        // The caller's Redis: no ElastiCache, a way through to its group.
        expect(addresses.filter((a) => a.includes("aws_elasticache_"))).toEqual([]);
        expect(addresses).toContain("module.spinnaker.aws_vpc_security_group_egress_rule.to_existing_redis[0]");
        // Sign-in: fiat behind the interservice load balancer, counted on the auth object.
        expect(addresses).toContain("module.spinnaker.aws_lb_listener.interservice_load_balancer_fiat_listener[0]");
      }
    },
    TIMEOUT,
  );
});
