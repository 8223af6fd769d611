/**
 * The Terraform Registry layout of the synthesized modules: a `terraform-aws-spinnaker` repository
 * with the stand-alone topology as the root module, HA under `modules/ha`, an example for each,
 * README files whose input and output tables come from the variables' and outputs' descriptions,
 * and the license. Pure: file path -> contents; the `registry` script writes them.
 */

/** The parts of a synthesized module the README is written from. */
interface ModuleJson {
  variable?: Record<string, { type?: string; description?: string; default?: unknown; sensitive?: boolean }>;
  output?: Record<string, { description?: string }>;
}

export interface RegistryInputs {
  /** The synthesized JSON of `standalone-module` and `ha-module`. */
  readonly standalone: object;
  readonly ha: object;
  readonly license: string;
  readonly version: string;
}

export const REGISTRY_NAME = "terraform-aws-spinnaker";

const EXAMPLE_INPUTS = `  vpc_id              = "vpc-0123456789abcdef0"
  instance_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  user_cidrs          = ["10.0.0.0/8"]`;

export function registryLayout(inputs: RegistryInputs): Record<string, string> {
  return {
    "main.tf.json": json(withoutCdktfMetadata(inputs.standalone)),
    "README.md": moduleReadme(
      "Spinnaker on AWS EC2: stand-alone",
      "Armory's stand-alone topology: one polling instance with Redis on it behind a user-facing load balancer, configuration and front50 data in S3. For evaluation; see `modules/ha` for high availability.",
      `module "spinnaker" {\n  source  = "<namespace>/spinnaker/aws"\n  version = "${inputs.version}"\n\n${EXAMPLE_INPUTS}\n}`,
      inputs.standalone,
    ),
    LICENSE: inputs.license,
    "modules/ha/main.tf.json": json(withoutCdktfMetadata(inputs.ha)),
    "modules/ha/README.md": moduleReadme(
      "Spinnaker on AWS EC2: high availability",
      "Armory's HA topology: a non-polling and a polling server group across AZs behind a user-facing and an interservice load balancer, Redis on ElastiCache, configuration and front50 data in S3.",
      `module "spinnaker" {\n  source  = "<namespace>/spinnaker/aws//modules/ha"\n  version = "${inputs.version}"\n\n${EXAMPLE_INPUTS}\n  redis_auth_token    = var.redis_auth_token\n}`,
      inputs.ha,
    ),
    "examples/standalone/main.tf": example("../..", ""),
    "examples/ha/main.tf": example(
      "../../modules/ha",
      "  redis_auth_token    = var.redis_auth_token\n",
      'variable "redis_auth_token" {\n  type      = string\n  sensitive = true\n}\n\n',
    ),
  };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** cdktf's `//` metadata names construct paths: noise in a published module. */
function withoutCdktfMetadata(module: object): object {
  return JSON.parse(JSON.stringify(module, (key, value) => (key === "//" ? undefined : value)));
}

function example(source: string, extraInputs: string, extraBlocks = ""): string {
  return `# Plan with your own network values; the region must be the one the module was synthesized for.
provider "aws" {
  region = "us-west-2"
}

${extraBlocks}module "spinnaker" {
  source = "${source}"

${EXAMPLE_INPUTS}
${extraInputs}}

output "deck_url" {
  value = module.spinnaker.deck_url
}
`;
}

function moduleReadme(title: string, summary: string, usage: string, synthesized: object): string {
  const module = synthesized as ModuleJson;
  const inputs = Object.entries(module.variable ?? {}).map(([name, v]) => {
    const required = v.default === undefined && !("default" in v);
    const def = required ? "required" : `\`${JSON.stringify(v.default)}\``;
    return `| \`${name}\` | \`${v.type ?? "any"}\` | ${def} | ${cell(v.description)}${v.sensitive ? " (sensitive)" : ""} |`;
  });
  const outputs = Object.entries(module.output ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`);
  return [
    `# ${title}`,
    "",
    summary,
    "",
    "Generated from the cdktf-spinnaker-aws package; change its configuration and regenerate rather than editing this module.",
    "",
    "## Usage",
    "",
    "```hcl",
    usage,
    "```",
    "",
    "## Inputs",
    "",
    "| name | type | default | description |",
    "|---|---|---|---|",
    ...inputs,
    "",
    "## Outputs",
    "",
    "| name | description |",
    "|---|---|",
    ...outputs,
    "",
  ].join("\n");
}

function cell(text: string | undefined): string {
  return (text ?? "").replace(/\|/g, "\\|");
}
