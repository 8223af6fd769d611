/**
 * clouddriver's and igor's profiles and rosco's packer template are Terraform templates
 * (modules/templates/*.tftpl), one text for stacks and modules: Terraform renders them here, from
 * the values a stack passes for its configuration, and the YAML (or JSON) read is checked. (The modules' rendering from their inputs
 * is checked in registry.test.ts, with mocked providers.)
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Settings } from "../../modules/config/schema";
import { BAKE_TAG_KEY } from "../../modules/spinnaker/bakery";
import {
  accountsTemplateInput,
  jenkinsTemplateInput,
  PROFILE_TEMPLATES,
  profileTemplateText,
  type TemplatedProfile,
} from "../../modules/spinnaker/profile-templates";
import { settingsFrom, synthStack } from "../helpers";
import { expectSuccess, requireTool, run, tempDir } from "./harness";

type Accounts = Settings["spinnaker"]["accounts"];

/** Renders each case's template with Terraform (no provider: one init, one apply of outputs only). */
function renderWithTerraform(
  dir: string,
  cases: Record<string, { profile: TemplatedProfile; values: unknown }>,
): Record<string, Record<string, unknown>> {
  for (const profile of Object.keys(PROFILE_TEMPLATES) as TemplatedProfile[]) {
    writeFileSync(join(dir, PROFILE_TEMPLATES[profile]), profileTemplateText(profile));
  }
  const names = Object.keys(cases);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      variable: Object.fromEntries(names.map((n) => [n, { type: "any" }])),
      output: Object.fromEntries(
        names.map((n) => [
          n,
          { value: `\${templatefile("\${path.module}/${PROFILE_TEMPLATES[cases[n].profile]}", var.${n})}` },
        ]),
      ),
    }),
  );
  writeFileSync(
    join(dir, "terraform.tfvars.json"),
    JSON.stringify(Object.fromEntries(names.map((n) => [n, cases[n].values]))),
  );
  const env = { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  expectSuccess(run("terraform", ["init", "-backend=false"], { cwd: dir, env }), "terraform init");
  expectSuccess(run("terraform", ["apply", "-auto-approve"], { cwd: dir, env }), "terraform apply");
  const outputs = run("terraform", ["output", "-json"], { cwd: dir, env });
  expectSuccess(outputs, "terraform output");
  const values = JSON.parse(outputs.stdout) as Record<string, { value: string }>;
  for (const n of names) texts[n] = values[n].value;
  return Object.fromEntries(names.map((n) => [n, parse(values[n].value)]));
}

/** The rendered text of each case, comments included. */
const texts: Record<string, string> = {};

const KUBE_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:kube-AbCdEf";
const JENKINS_TOKEN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:jenkins-token-AbCdEf";

/** The accounts of a configuration file, validated and defaulted as a stack reads them. */
function accountsOf(accounts: object): Accounts {
  // The bakery off: several accounts would otherwise need one named to bake in, not this test's matter.
  return settingsFrom({ spinnaker: { accounts, bake: { enabled: false } } }).spinnaker.accounts;
}

/** Spinnaker's own account (ha.selfDeploy), as the ha stack passes it. */
const SELF_DEPLOY = {
  account: "spinnaker-self",
  account_id: "123456789012",
  role_arn: "arn:aws:iam::123456789012:role/acme-prod-self-deploy",
  application: "acme",
};

function clouddriver(accounts: Accounts, partition = "aws", selfDeploy: typeof SELF_DEPLOY | null = null) {
  return {
    profile: "clouddriver-local.yml" as const,
    values: { region: "us-west-2", partition, accounts: accountsTemplateInput(accounts), self_deploy: selfDeploy },
  };
}

let rendered: Record<string, Record<string, unknown>>;
const dir = tempDir("profile-templates");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform >= 1.11 (see README)");
  rendered = renderWithTerraform(dir, {
    none: clouddriver(accountsOf({})),
    aws: clouddriver(
      accountsOf({
        aws: [
          {
            name: "prod",
            accountId: "012345678901",
            regions: ["eu-west-1"],
            permissions: { read: ["dev", "ops"], write: ["ops"] },
          },
          { name: "dev", accountId: "111111111111", roleName: "spin" },
        ],
      }),
      "aws-us-gov",
    ),
    kubernetes: clouddriver(
      accountsOf({
        kubernetes: [
          { name: "eks", namespaces: ["apps"], kubeconfigSecretArn: KUBE_SECRET },
          {
            name: "gke",
            context: "gke-ctx",
            onlySpinnakerManaged: false,
            kubeconfigS3Uri: "s3://kubeconfigs/gke.yaml",
            permissions: { write: ["ops"] },
          },
          {
            name: "aks",
            kubeconfigS3Uri: "s3://kubeconfigs/teams/aks.yaml",
            kubeconfigS3Region: "eu-central-1",
          },
        ],
      }),
    ),
    igor: {
      profile: "igor-local.yml",
      values: {
        jenkins: jenkinsTemplateInput(
          settingsFrom({
            spinnaker: {
              ci: {
                jenkins: [
                  {
                    name: "ci",
                    address: "https://jenkins.example.com",
                    username: "spinnaker",
                    passwordSecretArn: JENKINS_TOKEN,
                  },
                  { name: "public", address: "http://jenkins.internal:8080", csrf: false },
                ],
              },
            },
          }).spinnaker.ci.jenkins,
        ),
      },
    },
    noIgor: { profile: "igor-local.yml", values: { jenkins: [] } },
    packer: {
      profile: "packer-aws-ebs.json",
      values: {
        tag_key: BAKE_TAG_KEY,
        tag_value: "armoryspinnaker-preprod",
        region: "us-west-2",
        regions: ["eu-west-1", "us-west-2", "ap-south-1"],
      },
    },
    packerHome: {
      profile: "packer-aws-ebs.json",
      values: { tag_key: BAKE_TAG_KEY, tag_value: "spin-prod", region: "eu-central-1", regions: ["eu-central-1"] },
    },
    selfOnly: clouddriver(accountsOf({}), "aws", SELF_DEPLOY),
    selfAndManaged: clouddriver(accountsOf({ aws: [{ name: "prod", accountId: "012345678901" }] }), "aws", SELF_DEPLOY),
  });
}, 120_000);

test("no accounts: both providers off, with empty account lists", () => {
  expect(rendered.none).toEqual({
    aws: { enabled: false, defaultRegions: [{ name: "us-west-2" }], accounts: [] },
    kubernetes: { enabled: false, accounts: [] },
  });
});

// clouddriver completes a bare role/<name> with arn:aws (AssumeRoleAmazonCredentials.java); its
// accounts take kork's Permissions.Builder (READ, WRITE).
test("AWS accounts assume the role's full ARN, with the partition, in the given or the home region", () => {
  expect(rendered.aws.aws).toEqual({
    enabled: true,
    defaultRegions: [{ name: "us-west-2" }],
    accounts: [
      {
        name: "prod",
        accountId: "012345678901",
        assumeRole: "arn:aws-us-gov:iam::012345678901:role/spinnakerManaged",
        regions: [{ name: "eu-west-1" }],
        permissions: { READ: ["dev", "ops"], WRITE: ["ops"] },
      },
      {
        name: "dev",
        accountId: "111111111111",
        assumeRole: "arn:aws-us-gov:iam::111111111111:role/spin",
        regions: [{ name: "us-west-2" }],
      },
    ],
  });
  expect(rendered.aws.kubernetes).toEqual({ enabled: false, accounts: [] });
});

test("Kubernetes accounts reference their kubeconfig as a secret or an S3 file, never its contents", () => {
  expect(rendered.kubernetes.kubernetes).toEqual({
    enabled: true,
    accounts: [
      {
        name: "eks",
        namespaces: ["apps"],
        onlySpinnakerManaged: true,
        kubeconfigContents: `encrypted:secrets-manager!r:eu-west-1!s:${KUBE_SECRET}`,
      },
      {
        name: "gke",
        context: "gke-ctx",
        namespaces: [],
        onlySpinnakerManaged: false,
        kubeconfigFile: "encryptedFile:s3!r:us-west-2!b:kubeconfigs!f:gke.yaml",
        permissions: { READ: [], WRITE: ["ops"] },
      },
      {
        // A bucket in another region is read there (kork-secrets' S3 engine uses !r: as the bucket's region).
        name: "aks",
        namespaces: [],
        onlySpinnakerManaged: true,
        kubeconfigFile: "encryptedFile:s3!r:eu-central-1!b:kubeconfigs!f:teams/aks.yaml",
      },
    ],
  });
});

// igor's JenkinsProperties.JenkinsHost: name, address, username, password, csrf.
test("igor polls the Jenkins masters, reading each API token from Secrets Manager at start", () => {
  expect(rendered.igor).toEqual({
    jenkins: {
      enabled: true,
      masters: [
        {
          name: "ci",
          address: "https://jenkins.example.com",
          username: "spinnaker",
          password: `encrypted:secrets-manager!r:eu-west-1!s:${JENKINS_TOKEN}`,
          csrf: true,
        },
        { name: "public", address: "http://jenkins.internal:8080", csrf: false },
      ],
    },
  });
  expect(rendered.noIgor).toEqual({ jenkins: { enabled: false, masters: [] } });
});

/**
 * The variables rosco passes with -var for an AWS bake from our profile (AWSBakeHandler's
 * buildParameterMap, CloudProviderBakeHandler's producePackerCommand): packer refuses a template
 * that reads an undeclared one, and each must keep rosco's name. Not aws_access_key and
 * aws_secret_key: rosco passes them only when its profile has an access key, and ours has none.
 */
const ROSCO_PACKER_VARIABLES = [
  "aws_region",
  "aws_instance_type",
  "aws_source_ami",
  "aws_target_ami",
  "aws_ssh_username",
  "aws_subnet_id",
  "aws_vpc_id",
  "aws_associate_public_ip_address",
  "aws_ena_support",
  "build_info_url",
  "appversion",
  "repository",
  "package_type",
  "packages",
  "build_host",
  "upgrade",
  "configDir",
];

type PackerTemplate = {
  variables: Record<string, unknown>;
  builders: Record<string, unknown>[];
  provisioners: { type: string; script: string }[];
};

// packer-plugin-amazon's amazon-ebs builder (docs/builders/ebs.mdx): run_tags on the instance (and,
// with its current steps, the temporary key pair and security group), run_volume_tags on its
// volumes, both at launch; tags on the image and its snapshots.
test("packer's template tags the instance and volumes it launches with the bake tag, and the image", () => {
  const template = rendered.packer as unknown as PackerTemplate;
  expect(template.builders).toHaveLength(1);
  const [builder] = template.builders;
  expect(builder.type).toBe("amazon-ebs");
  expect(builder.run_tags).toEqual({ [BAKE_TAG_KEY]: "armoryspinnaker-preprod", Packages: "{{user `packages`}}" });
  expect(builder.run_volume_tags).toEqual({ [BAKE_TAG_KEY]: "armoryspinnaker-preprod" });
  expect(builder.tags).toMatchObject({ [BAKE_TAG_KEY]: "armoryspinnaker-preprod" });
  // Any ena_support, false too, makes packer call ModifyInstanceAttribute (step_modify_ebs_instance.go).
  expect(builder).not.toHaveProperty("ena_support");
  // rosco's own provisioning script, from its image's packer directory.
  expect(template.provisioners[0].script).toBe("{{user `configDir`}}/install_packages.sh");
});

// ami_regions: the regions the image is copied to after it is built in the build region
// (docs/builders/ebs.mdx); the build region is never among them.
test("packer copies the image to the other bake regions, and only bakes in the deployment's by default", () => {
  expect((rendered.packer as unknown as PackerTemplate).builders[0].ami_regions).toEqual(["eu-west-1", "ap-south-1"]);
  const home = rendered.packerHome as unknown as PackerTemplate;
  expect(home.builders[0].ami_regions).toEqual([]);
  expect(home.builders[0].run_tags).toMatchObject({ [BAKE_TAG_KEY]: "spin-prod" });
});

test("packer's template declares every variable rosco passes, and reads no other", () => {
  const template = rendered.packer as unknown as PackerTemplate;
  expect(Object.keys(template.variables).sort()).toEqual([...ROSCO_PACKER_VARIABLES].sort());
  const read = [...JSON.stringify(template).matchAll(/\{\{user `([^`]+)`\}\}/g)].map((m) => m[1]);
  for (const name of read) expect(ROSCO_PACKER_VARIABLES).toContain(name);
});

test("the image tags the template gives are the tag keys the instance role may set on images", () => {
  const template = rendered.packer as unknown as PackerTemplate;
  const policy = synthStack(settingsFrom()).data?.aws_iam_policy_document?.bakery_policy as {
    statement: { sid: string; condition: { variable: string; values: string[] }[] }[];
  };
  const keys = policy.statement
    .find((s) => s.sid === "PackerCopiesAndTagsImages")
    ?.condition.find((c) => c.variable === "aws:TagKeys")?.values;
  expect([...(keys ?? [])].sort()).toEqual(Object.keys(template.builders[0].tags as object).sort());
});

// clouddriver-aws: AmazonCredentialsInitializer loads every account as an assume-role account once
// any is configured; LaunchTemplateRollOutConfig reads aws.features.launch-templates.enabled and
// allowed-applications (app:account:region).
describe("Spinnaker's own account (ha.selfDeploy)", () => {
  const own = {
    name: "spinnaker-self",
    accountId: "123456789012",
    assumeRole: "arn:aws:iam::123456789012:role/acme-prod-self-deploy",
    defaultKeyPair: "",
    regions: [{ name: "us-west-2" }],
  };
  const features = { "launch-templates": { enabled: true, "allowed-applications": "acme:spinnaker-self:us-west-2" } };

  test("alone: AWS on, the account assuming the self-deploy role, launch templates for the application there", () => {
    expect(rendered.selfOnly.aws).toEqual({
      enabled: true,
      defaultRegions: [{ name: "us-west-2" }],
      accounts: [own],
      features,
    });
  });

  test("after the managed accounts, which stay as they are", () => {
    expect(rendered.selfAndManaged.aws).toEqual({
      enabled: true,
      defaultRegions: [{ name: "us-west-2" }],
      accounts: [
        {
          name: "prod",
          accountId: "012345678901",
          assumeRole: "arn:aws:iam::012345678901:role/spinnakerManaged",
          regions: [{ name: "us-west-2" }],
        },
        own,
      ],
      features,
    });
  });

  test("off, the profile holds nothing of it, not even a comment: its text is what it was before", () => {
    for (const name of ["none", "aws", "kubernetes"]) {
      expect(texts[name]).not.toMatch(/self|features|defaultKeyPair/i);
    }
  });
});
