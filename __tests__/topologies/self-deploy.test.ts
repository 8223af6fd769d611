/**
 * Spinnaker deploying itself (ha.selfDeploy) in the ha topology: what it adds on Spinnaker's side,
 * off by default, and refused by the stand-alone topology.
 */
import { Testing } from "cdktf";
import type { Config } from "../../modules/config/schema";
import { USER_DATA_LIMIT } from "../../modules/constructs/launch-template";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { type DeploySpinnakerValues, deploySpinnakerPipeline } from "../../modules/spinnaker/deploy-spinnaker-pipeline";
import { selfDeployText } from "../../modules/spinnaker/self-deploy-files";
import { StandaloneStack } from "../../modules/stacks/standalone-stack";
import {
  APPLICATION_TEMPLATE,
  PIPELINE_TEMPLATE,
  PIPELINE_VARIABLES,
  SELF_DEPLOY_FILES,
} from "../../modules/topologies/self-deploy";
import { StandaloneSpinnaker } from "../../modules/topologies/standalone";
import { type Synthesized, settingsFrom, synthStack, synthTopology, templateOf } from "../helpers";

const NETWORK: Config = {
  name: "acme",
  environment: "prod",
  network: { instanceSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], userCidrs: ["10.0.0.0/8"] },
};
const ON: Config = { ...NETWORK, ha: { selfDeploy: { enabled: true } } };
const ha = (config: Config) => synthTopology(settingsFrom(config), "ha");

type Body = Record<string, unknown>;
const resources = (json: Synthesized, type: string) => (json.resource?.[type] ?? {}) as Record<string, Body>;
const object = (json: Synthesized, name: string) =>
  Object.values(resources(json, "aws_s3_object")).find((o) => o.key === `config/${name}`);
const contentOf = (json: Synthesized, name: string) => String(object(json, name)?.content);

describe("off, as by default", () => {
  const json = ha(NETWORK);

  test("adds nothing: no role, tag, subnet lookup, configuration file or seeding container", () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/self_deploy_|self-deploy|aws_ec2_tag|seed-spinnaker/);
    expect(json.data?.aws_subnet).toBeUndefined();
    expect(templateOf(json, "compose-polling.yaml")).not.toContain("seed");
    expect(object(json, "compose-polling.self-deploy.yaml")).toBeUndefined();
  });

  test("clouddriver's template renders no account of its own (self_deploy is null)", () => {
    expect(contentOf(json, "clouddriver-local.yml")).toMatch(/"self_deploy" = null\}\)\}$/);
    expect(contentOf(json, "settings-local.js")).not.toContain("enableLaunchTemplates");
  });
});

describe("on", () => {
  const json = ha(ON);

  test("clouddriver gets an account for the account Spinnaker runs in, assuming the self-deploy role", () => {
    expect(contentOf(json, "clouddriver-local.yml")).toContain(
      '"self_deploy" = {"account" = "spinnaker-self", "account_id" = element(split(":", aws_iam_role.self_deploy_role.arn), 4), "role_arn" = aws_iam_role.self_deploy_role.arn, "application" = "acme"}',
    );
    const template = templateOf(json, "clouddriver-local.yml.tftpl");
    // clouddriver-aws's LaunchTemplateRollOutConfig reads these keys; allowed-applications is app:account:region.
    expect(template).toContain("  features:\n    launch-templates:\n      enabled: true\n");
    expect(template).toContain(
      'allowed-applications: ${jsonencode("${self_deploy.application}:${self_deploy.account}:${region}")}',
    );
    expect(template).toContain("      assumeRole: ${jsonencode(self_deploy.role_arn)}\n      # No key pair");
    expect(template).toContain('      defaultKeyPair: ""\n');
  });

  test("deck's settings-local.js ends with the server-group settings for launch templates and IMDSv2", () => {
    expect(contentOf(json, "settings-local.js").endsWith(selfDeployText("settings-self-deploy.js"))).toBe(true);
  });

  test("the polling instance runs the seeding container, from its project's overlay; the non-polling instances do not", () => {
    expect(templateOf(json, contentOf(json, "compose-polling.self-deploy.yaml"))).toContain("\n  seed:\n");
    expect(object(json, "compose-nonpolling.self-deploy.yaml")).toBeUndefined();
    for (const role of ["polling", "nonpolling"])
      expect(templateOf(json, `compose-${role}.yaml`)).not.toContain("seed");
  });

  test("the configuration holds the pipeline, the application, their names and the seeding script", () => {
    expect(contentOf(json, SELF_DEPLOY_FILES.settings)).toBe(
      // uuid.uuid5(uuid.NAMESPACE_URL, "urn:cdktf-spinnaker-aws:deploy-spinnaker:acme-prod") in Python.
      "application=acme\npipeline_id=38c6057a-79a9-5b36-8786-0ad747cfb995\n",
    );
    expect(contentOf(json, SELF_DEPLOY_FILES.script)).toBe('${file("${path.module}/templates/seed-spinnaker")}');
    expect(templateOf(json, "seed-spinnaker")).toBe(selfDeployText("seed-spinnaker.sh"));
    expect(contentOf(json, SELF_DEPLOY_FILES.application)).toBe(
      '${templatefile("${path.module}/templates/self-deploy-application.json.tftpl", {"application" = "acme", "stack" = "prod"})}',
    );
    expect(templateOf(json, "self-deploy-pipeline.json.tftpl")).toBe(PIPELINE_TEMPLATE);
  });

  test("the pipeline's template variables are Terraform's values of this deployment", () => {
    const content = contentOf(json, SELF_DEPLOY_FILES.pipeline);
    for (const name of Object.keys(PIPELINE_VARIABLES)) expect(content).toContain(`"${name}" = `);
    for (const value of [
      '"pipeline_id" = "38c6057a-79a9-5b36-8786-0ad747cfb995"',
      '"account" = "spinnaker-self"',
      '"availability_zones" = local.self_deploy_availability_zones',
      '"subnet_purpose" = "spinnaker"',
      '"instance_type" = var.instance_type',
      '"instance_profile_name" = aws_iam_instance_profile.instance_role_profile.name',
      '"key_pair" = var.key_name',
      '"target_groups" = [aws_lb_target_group.user_facing_load_balancer_deck_target_group.name, aws_lb_target_group.user_facing_load_balancer_gate_target_group.name]',
      '"security_groups" = [aws_security_group.security_groups_internal.id]',
      '"non_polling_capacity" = var.non_polling_capacity',
      '"root_volume_size" = var.root_volume_size',
      '"user_data_base64" = base64encode(local.self_deploy_user_data)',
      '"polling_tags" = local.self_deploy_polling_tags',
      '"bake" = true',
      '"base_os" = "ubuntu-noble"',
    ]) {
      expect(content).toContain(value);
    }
    const locals = (json as { locals?: Record<string, unknown> }).locals;
    expect(locals?.self_deploy_availability_zones).toBe(
      "${distinct([for s in data.aws_subnet.self_deploy_subnet : s.availability_zone])}",
    );
    expect(locals?.self_deploy_polling_tags).toMatchObject({ SpinnakerRole: "polling", "managed-by": "spinnaker" });
    expect(json.data?.aws_subnet?.self_deploy_subnet).toMatchObject({ for_each: "${toset(var.instance_subnet_ids)}" });
  });

  test("the instance subnets get the purpose clouddriver picks them by", () => {
    expect(resources(json, "aws_ec2_tag").self_deploy_subnet_purpose_tag).toMatchObject({
      for_each: "${toset(var.instance_subnet_ids)}",
      key: "immutable_metadata",
      value: '{"purpose":"spinnaker","target":"ec2"}',
    });
    const untagged = ha({ ...NETWORK, ha: { selfDeploy: { enabled: true, tagSubnets: false } } });
    expect(untagged.resource?.aws_ec2_tag).toBeUndefined();
  });

  test("the instance role may assume the self-deploy role, and turn on metadata tags of its own instances only", () => {
    const policy = json.data?.aws_iam_policy_document?.self_deploy_instance_permissions as { statement: Body[] };
    expect(policy.statement).toEqual([
      { sid: "AssumeSelfDeployRole", actions: ["sts:AssumeRole"], resources: ["${aws_iam_role.self_deploy_role.arn}"] },
      {
        sid: "InstanceTagsInMetadataOfOwnInstances",
        actions: ["ec2:ModifyInstanceMetadataOptions"],
        // local.ec2_arn: arn:<partition>:ec2:<region>, which the bakery's and self-deploy's ARNs share.
        resources: ["${local.ec2_arn}:*:instance/*"],
        condition: [
          { test: "StringEquals", variable: "aws:RequestedRegion", values: ["${data.aws_region.current.id}"] },
          {
            test: "ArnEquals",
            variable: "ec2:InstanceProfile",
            values: ["${aws_iam_instance_profile.instance_role_profile.arn}"],
          },
        ],
      },
    ]);
    expect(resources(json, "aws_iam_role_policy").self_deploy_instance_role_policy).toMatchObject({
      name: "self-deploy",
      role: "${aws_iam_role.instance_role.id}",
    });
  });

  test("bakes in Spinnaker's own account unless another is named", () => {
    const orca = (config: Config) => contentOf(ha(config), "orca-local.yml");
    expect(orca(ON)).toContain("default:\n  bake:\n    account: spinnaker-self\n");
    const withHome: Config = {
      ...ON,
      spinnaker: { accounts: { aws: [{ name: "home", accountId: "123456789012", createRole: true }] } },
    };
    expect(orca(withHome)).toContain("account: home\n");
    expect(orca(NETWORK)).not.toContain("bake");
  });
});

describe("the pipeline's template", () => {
  const values: DeploySpinnakerValues = {
    id: "38c6057a-79a9-5b36-8786-0ad747cfb995",
    application: "acme",
    stack: "prod",
    account: "spinnaker-self",
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    subnetPurpose: "spinnaker",
    instanceType: "m5.2xlarge",
    instanceProfileName: "acme-prod-instance",
    keyPair: null,
    targetGroups: ["tf-1", "tf-2"],
    securityGroups: ["sg-0123456789abcdef0"],
    nonPollingCapacity: 3,
    healthCheckGracePeriodSeconds: 900,
    rootDeviceName: "/dev/xvda",
    rootVolumeSizeGiB: 120,
    userDataBase64: "dXNlcg==",
    pollingTags: { SpinnakerRole: "polling", note: 'a "quoted" ${value}' },
    nonPollingTags: { SpinnakerRole: "nonpolling" },
    version: "2026.3.1",
    bake: false,
    baseOs: "rhel-9",
    bakePackages: "",
  };

  /**
   * The template rendered as Terraform's templatefile() does for these values (the tools tier has
   * Terraform render it): `%{ if }` blocks, `${jsonencode(x)}`, `${x}` in strings, and `$${`.
   */
  function render(template: string, v: DeploySpinnakerValues): unknown {
    const byName = Object.fromEntries(
      Object.entries(PIPELINE_VARIABLES).map(([name, field]) => [name, v[field as keyof DeploySpinnakerValues]]),
    );
    const text = template
      .replace(/%\{ if (\w+) ~\}\n([\s\S]*?)%\{ else ~\}\n([\s\S]*?)%\{ endif ~\}\n/g, (_, c, a, b) =>
        byName[c] ? a : b,
      )
      // One pass, as Terraform reads a template: a value put in is never read again.
      .replace(/\$\$\{|%%\{|\$\{jsonencode\((\w+)\)\}|\$\{(\w+)\}/g, (match, encoded, plain) => {
        if (match === "$${") return "${";
        if (match === "%%{") return "%{";
        return encoded !== undefined ? JSON.stringify(byName[encoded]) : String(byName[plain]);
      });
    return JSON.parse(text);
  }

  test.each([true, false])("renders what the builder gives for the same values (bakery %s)", (bake) => {
    expect(render(PIPELINE_TEMPLATE, { ...values, bake })).toEqual(deploySpinnakerPipeline({ ...values, bake }));
  });

  test("is one text for every deployment: every value a variable", () => {
    for (const literal of ["acme", "eu-west-1", "spinnaker-self", "m5.2xlarge", "2026.3.1"]) {
      expect(PIPELINE_TEMPLATE).not.toContain(literal);
    }
    expect(APPLICATION_TEMPLATE).toBe(
      '{\n  "name": ${jsonencode(application)},\n  "email": "spinnaker@${application}-${stack}.invalid",\n  "description": "Spinnaker itself: its server groups, which the pipeline Deploy Spinnaker deploys. Created by cdktf-spinnaker-aws at first boot.",\n  "cloudProviders": "aws"\n}\n',
    );
  });

  test("the user data Spinnaker deploys with is the boothook and the boot document of every instance, under EC2's limit", () => {
    const mime = selfDeployText("self-deploy-user-data.tftpl");
    expect(mime).toMatch(/^Content-Type: multipart\/mixed; boundary="==cdktf-spinnaker-aws=="\n/);
    expect(mime).toContain('Content-Type: text/cloud-boothook; charset="us-ascii"\n\n#!/bin/sh\n');
    expect(mime).toContain('Content-Type: text/cloud-config; charset="us-ascii"\n\n${file(cloud_init_file)}\n');
    const rendered = mime.replace("${file(cloud_init_file)}", userDataText());
    expect(Buffer.byteLength(rendered)).toBeLessThan(USER_DATA_LIMIT);
    // clouddriver's default tokenizer replaces %%app%%-style tokens in user data it is given.
    expect(rendered).not.toContain("%%");
  });
});

describe("the ha module", () => {
  const json = synthStack(settingsFrom(NETWORK), "ha-module");

  test("takes self_deploy as an input, with the configuration's values as defaults and the setting's rules", () => {
    const input = json.variable?.self_deploy as {
      type: string;
      default: unknown;
      validation: { error_message: string }[];
    };
    expect(input.type).toBe(
      'object({ enabled = optional(bool, false), account = optional(string, "spinnaker-self"), subnet_purpose = optional(string, "spinnaker"), tag_subnets = optional(bool, true) })',
    );
    expect(input.default).toEqual({});
    const messages = input.validation.map((v) => v.error_message);
    expect(messages).toContainEqual(
      expect.stringMatching(/^self_deploy\.account: expected the name of clouddriver's account/),
    );
    expect(messages).toContainEqual(expect.stringMatching(/^self_deploy\.subnet_purpose: expected a subnet purpose/));
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^self_deploy\.account: must differ from every name in accounts\.aws while self_deploy\.enabled is true/,
      ),
    );
  });

  test("creates its pieces only while the input says so, and changes no file content while off", () => {
    expect(resources(json, "aws_iam_role").self_deploy_role.count).toBe("${var.self_deploy.enabled ? 1 : 0}");
    expect(object(json, SELF_DEPLOY_FILES.pipeline)?.count).toBe("${var.self_deploy.enabled ? 1 : 0}");
    expect(resources(json, "aws_ec2_tag").self_deploy_subnet_purpose_tag.for_each).toBe(
      "${toset((var.self_deploy.enabled && var.self_deploy.tag_subnets) ? var.instance_subnet_ids : [])}",
    );
    // The role's project is the same text either way; the seeding container is an overlay beside it.
    expect(contentOf(json, "compose-polling.yaml")).toBe('${file("${path.module}/templates/compose-polling.yaml")}');
    expect(object(json, "compose-polling.self-deploy.yaml")).toMatchObject({
      count: "${var.self_deploy.enabled ? 1 : 0}",
      content: '${file("${path.module}/templates/compose.self-deploy.yaml")}',
    });
    expect(object(json, "compose-nonpolling.self-deploy.yaml")).toBeUndefined();
    expect(contentOf(json, "settings-local.js")).toMatch(
      /\n\$\{var\.self_deploy\.enabled \? file\("\$\{path\.module\}\/templates\/settings-self-deploy\.js"\) : ""\}$/,
    );
    expect(contentOf(json, "clouddriver-local.yml")).toContain('"self_deploy" = var.self_deploy.enabled ? {');
    expect(contentOf(json, SELF_DEPLOY_FILES.settings)).toBe(
      "application=${var.name}\npipeline_id=${local.self_deploy_pipeline_id}\n",
    );
    expect((json as { locals?: Record<string, unknown> }).locals?.self_deploy_pipeline_id).toBe(
      '${uuidv5("url", "urn:cdktf-spinnaker-aws:deploy-spinnaker:${var.name}-${var.environment}")}',
    );
  });
});

describe("the stand-alone topology", () => {
  test("refuses it, saying why", () => {
    const settings = settingsFrom(ON);
    const app = Testing.app();
    const stack = new StandaloneStack(app, "probe", settingsFrom(NETWORK));
    expect(
      () =>
        new StandaloneSpinnaker(stack, "Other", {
          settings: { ...stack.deployment, ha: { ...stack.deployment.ha, selfDeploy: settings.ha.selfDeploy } },
        }),
    ).toThrow(
      /probe\/Other: settings\.ha\.selfDeploy\.enabled is for the high-availability topology only: stand-alone Spinnaker keeps Redis, and with it every running execution, on its one instance, so a server group it deployed of itself would start with an empty execution store .*got true/,
    );
  });

  test("its stack leaves it off and warns, so that one configuration still serves both stacks", () => {
    const app = Testing.app();
    const stack = new StandaloneStack(app, "standalone", settingsFrom(ON));
    const json = JSON.parse(Testing.synth(stack));
    expect(JSON.stringify(json)).not.toMatch(/self_deploy_|seed-spinnaker/);
    const warnings = stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^ha\.selfDeploy\.enabled is for the high-availability topology only: .*the standalone stack leaves it off\.$/,
      ),
    );
  });
});
