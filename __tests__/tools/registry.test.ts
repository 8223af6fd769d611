/**
 * The published layout (terraform-aws-spinnaker/), used as a Registry user would: every example
 * initializes against the local provider mirror, validates and passes a mocked `terraform test`,
 * and the modules' own inputs refuse bad values (`expect_failures` on the input).
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { REGISTRY_NAME } from "../../modules/registry/layout";
import { secretsManagerReference } from "../../modules/spinnaker/profiles";
import { gateSignIn } from "../../modules/spinnaker/sign-in";
import { settingsFrom, synthStack } from "../helpers";
import {
  expectSuccess,
  expectTerraformTest,
  mockProvider,
  requireTool,
  run,
  tempDir,
  terraform,
  terraformEnvironment,
} from "./harness";

const TIMEOUT = 240_000;
const OWN_REDIS_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-url-AbCdEf";
const KMS_KEY = "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-0000-1111-2222-333344445555";
const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555";
const NETWORK = `  vpc_id              = "vpc-0123456789abcdef0"
  instance_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  user_cidrs          = ["10.0.0.0/8"]
`;

let layout: string;
// What the ha stack names its parameter group for the default engine (7.1), computed in TypeScript.
const REDIS7_PARAMETER_GROUP = (
  Object.values(synthStack(settingsFrom(), "ha").resource?.aws_elasticache_parameter_group ?? {})[0] as { name: string }
).name;

beforeAll(() => {
  requireTool("terraform", ["version"], "install Terraform 1.10 or newer");
  // A copy: init writes .terraform/ and a lock file, which have no place in the committed layout.
  layout = join(tempDir("registry"), REGISTRY_NAME);
  cpSync(join(__dirname, "..", "..", REGISTRY_NAME), layout, { recursive: true });
});

function initialized(dir: string) {
  const workdir = { dir, env: terraformEnvironment(dir) };
  expectSuccess(terraform(workdir, ["init", "-input=false", "-backend=false"]), `terraform init in ${dir}`);
  expectSuccess(terraform(workdir, ["validate"]), `terraform validate in ${dir}`);
  return workdir;
}

test("every .tf file, examples included, is as `terraform fmt` writes it", () => {
  const result = run("terraform", ["fmt", "-check", "-recursive", "-diff", "-no-color", layout]);
  expectSuccess(result, "terraform fmt -check -recursive");
});

const EXAMPLES: [string, string, string, string][] = [
  [
    "standalone",
    "us-west-2",
    "",
    `  assert {
    condition     = module.spinnaker.auto_scaling_group_name == "armoryspinnaker-preprod-v000"
    error_message = "the server group must be named after the defaults"
  }`,
  ],
  [
    "ha",
    "us-west-2",
    '  redis_auth_token    = "placeholder-token-0123456789"\n',
    `  assert {
    condition     = module.spinnaker.polling_auto_scaling_group_name == "armoryspinnaker-preprod-polling-v000"
    error_message = "the polling group must be named <name>-<environment>-polling-v000"
  }`,
  ],
  [
    "environments",
    "us-east-1",
    "",
    `  assert {
    condition     = output.server_groups == { staging = "armoryspinnaker-staging-v000", prod = "armoryspinnaker-prod-v000" }
    error_message = "each environment's server group must carry its name: \${jsonencode(output.server_groups)}"
  }
  assert {
    condition     = length(distinct(values(output.deck_urls))) == 2
    error_message = "each environment must have its own load balancer"
  }`,
  ],
];

describe.each(EXAMPLES)("examples/%s", (example, region, extraVariables, asserts) => {
  test(
    "initializes against the local mirror, validates, and mock-applies",
    () => {
      const workdir = initialized(join(layout, "examples", example));
      expectTerraformTest(
        workdir,
        "example.tftest.hcl",
        `${mockProvider("", { region, partition: "aws" })}
variables {
${NETWORK}${extraVariables}}

run "apply" {
  command = apply
${asserts}
}
`,
        1,
      );
    },
    TIMEOUT,
  );
});

describe("the root module's own inputs", () => {
  test(
    "name it, pick its OS, release and listeners; refuse what the configuration refuses",
    () => {
      const workdir = initialized(layout);
      const refused = (variable: string, value: string) => `
run "refuses_${variable}_${value.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}" {
  command = plan
  variables {
    ${variable} = ${value}
  }
  expect_failures = [var.${variable}]
}
`;
      expectTerraformTest(
        workdir,
        "inputs.tftest.hcl",
        `${mockProvider()}
variables {
${NETWORK}}

run "named_by_its_inputs" {
  command = plan
  variables {
    name           = "team2"
    environment    = "qa"
    ami_id         = "ami-0123456789abcdef0"
    official_image = false
  }
  assert {
    condition     = aws_autoscaling_group.server_group.name == "team2-qa-v000"
    error_message = "the server group must be <name>-<environment>-v000"
  }
  assert {
    condition     = length(data.aws_ami.machine_image_official) == 0 && aws_launch_template.launch_template.image_id == "ami-0123456789abcdef0"
    error_message = "official_image = false must run ami_id without looking up an image"
  }
  assert {
    condition     = aws_lb.user_facing_load_balancer.name == "team2-qa"
    error_message = "the load balancer must be <name>-<environment>"
  }
}

run "os_picks_image_and_user_data" {
  command = plan
  variables {
    os = "rhel"
  }
  assert {
    condition     = contains(data.aws_ami.machine_image_official[0].owners, "309956199498")
    error_message = "os = rhel must look up Red Hat's images"
  }
  assert {
    condition     = base64decode(aws_launch_template.launch_template.user_data) == file("\${path.module}/templates/cloud-init.yaml") && strcontains(base64decode(aws_launch_template.launch_template.user_data), "rhel | centos)")
    error_message = "os = rhel must boot the one user data, which installs Docker on RHEL"
  }
}

run "refuses_ami_id_while_official_image_is_true" {
  command = plan
  variables {
    ami_id = "ami-0123456789abcdef0"
  }
  expect_failures = [var.official_image]
}

run "graviton_picks_the_arm64_image" {
  command = plan
  variables {
    os            = "centos"
    instance_type = "m7g.2xlarge"
  }
  assert {
    condition     = anytrue([for f in data.aws_ami.machine_image_official[0].filter : f.name == "architecture" && contains(f.values, "arm64")]) && anytrue([for f in data.aws_ami.machine_image_official[0].filter : f.name == "name" && contains(f.values, "CentOS Stream 9 aarch64 *")])
    error_message = "a Graviton instance type must look up the arm64 image of its OS"
  }
}

run "x86_64_by_default" {
  command = plan
  assert {
    condition     = anytrue([for f in data.aws_ami.machine_image_official[0].filter : f.name == "architecture" && contains(f.values, "x86_64")])
    error_message = "m4.2xlarge must look up the x86_64 image"
  }
}

run "armory_release" {
  command = plan
  variables {
    spinnaker = { distribution = "armory", version = "2.36.3", images = { gate = "registry.example.com/gate:7" } }
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "\\nORCA_IMAGE=docker.io/armory/orca:2.36.3\\n")
    error_message = "armory's registry and the given version must make the images: \${aws_s3_object.configuration_file_compose_env.content}"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "\\nGATE_IMAGE=registry.example.com/gate:7\\n")
    error_message = "an image given for one service must replace its default"
  }
}

run "plain_http_by_default" {
  command = plan
  assert {
    condition     = aws_lb_listener.user_facing_load_balancer_deck_listener.protocol == "HTTP" && aws_lb_listener.user_facing_load_balancer_deck_listener.port == 80
    error_message = "without a certificate deck must listen on HTTP 80"
  }
  assert {
    condition     = length(aws_lb_listener.user_facing_load_balancer_http_redirect) == 0
    error_message = "without a certificate there is nothing to redirect to"
  }
}

run "tls_from_its_inputs" {
  command = plan
  variables {
    load_balancer = { https = true, certificate_arn = "${CERTIFICATE}", hostname = "spinnaker.example.com", scheme = "internet-facing", access_logs = { bucket = "example-logs" } }
    load_balancer_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  }
  assert {
    condition     = aws_lb_listener.user_facing_load_balancer_deck_listener.protocol == "HTTPS" && aws_lb_listener.user_facing_load_balancer_deck_listener.port == 443 && aws_lb_listener.user_facing_load_balancer_gate_listener.certificate_arn == "${CERTIFICATE}"
    error_message = "a certificate must make both listeners HTTPS, deck on 443"
  }
  assert {
    condition     = length(aws_lb_listener.user_facing_load_balancer_http_redirect) == 1 && length(aws_vpc_security_group_ingress_rule.security_groups_user_ingress_redirect) == 1
    error_message = "port 80 must redirect, and be open to the users"
  }
  assert {
    condition     = output.deck_url == "https://spinnaker.example.com" && output.gate_url == "https://spinnaker.example.com:8084"
    error_message = "the URLs must use the hostname over HTTPS: \${output.deck_url}"
  }
  assert {
    condition     = !aws_lb.user_facing_load_balancer.internal && aws_lb.user_facing_load_balancer.access_logs[0].bucket == "example-logs"
    error_message = "scheme and access logs must follow the input"
  }
}

run "bucket_from_its_inputs" {
  command = plan
  variables {
    config_bucket = { name = "team-spinnaker-config", kms_key_arn = "${KMS_KEY}", force_destroy = true }
  }
  assert {
    condition     = aws_s3_bucket.config_bucket.bucket == "team-spinnaker-config" && aws_s3_bucket.config_bucket.force_destroy
    error_message = "the bucket must be named and destroyable as asked"
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.config_bucket_encryption.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == "${KMS_KEY}"
    error_message = "the bucket must be encrypted with the given key"
  }
  assert {
    condition     = contains([for statement in data.aws_iam_policy_document.instance_role_permissions.statement : statement.sid], "ConfigBucketKey")
    error_message = "the instances must be allowed to use the bucket's key"
  }
}

run "bucket_by_default" {
  command = plan
  assert {
    condition     = aws_s3_bucket.config_bucket.bucket_prefix == "armoryspinnaker-preprod-config-" && one(aws_s3_bucket_server_side_encryption_configuration.config_bucket_encryption.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "without inputs the bucket's name is generated and SSE-S3 encrypts it"
  }
  assert {
    condition     = !contains([for statement in data.aws_iam_policy_document.instance_role_permissions.statement : statement.sid], "ConfigBucketKey")
    error_message = "without a key the instances need no KMS permission"
  }
}

run "memory_enough_without_kayenta" {
  command = plan
  variables {
    instance_type = "r6i.xlarge"
  }
  override_data {
    target = data.aws_ec2_instance_type.launch_template_instance_type
    values = { memory_size = 9216, instance_type = "r6i.xlarge" }
  }
}

run "memory_too_little_with_kayenta" {
  command = plan
  variables {
    instance_type = "r6i.xlarge"
    spinnaker     = { kayenta = true }
  }
  override_data {
    target = data.aws_ec2_instance_type.launch_template_instance_type
    values = { memory_size = 9216, instance_type = "r6i.xlarge" }
  }
  expect_failures = [data.aws_ec2_instance_type.launch_template_instance_type]
}

run "null_takes_the_default" {
  command = plan
  variables {
    name          = null
    load_balancer = null
  }
  assert {
    condition     = aws_autoscaling_group.server_group.name == "armoryspinnaker-preprod-v000" && aws_lb.user_facing_load_balancer.internal
    error_message = "a null input must take the module's default, not reach the validation"
  }
}
${refused("load_balancer", '{ hostname = "Spinnaker.Example.com" }')}${refused("load_balancer", "{ deck_port = 70000 }")}${refused("load_balancer", '{ access_logs = { bucket = "Logs" } }')}${refused("spinnaker", '{ version = "2025.4.1 beta" }')}${refused("spinnaker", '{ version = "2027.0.0" }')}${refused("spinnaker", '{ registry = "https://ghcr.io" }')}${refused("spinnaker", '{ redis_image = "redis latest" }')}${refused("config_bucket", "{ noncurrent_version_expiration_days = 0 }")}${refused("config_bucket", '{ name = "Team_Bucket" }')}${refused("config_bucket", '{ kms_key_arn = "my-key" }')}${refused("load_balancer", '{ scheme = "public" }')}${refused("load_balancer", `{ https = true, certificate_arn = "${CERTIFICATE}" }`)}${refused("load_balancer", `{ certificate_arn = "${CERTIFICATE}", hostname = "spinnaker.example.com" }`)}${refused("load_balancer", "{ https = true }")}${refused("load_balancer", "{ gate_port = 80 }")}${refused("load_balancer", '{ ssl_policy = "ELBSecurityPolicy-2016-08" }')}${refused("load_balancer", "{ idle_timeout = 0 }")}${refused("spinnaker", '{ distribution = "armory" }')}${refused("spinnaker", '{ distribution = "armory", version = "2.26.6", images = { gate = "docker.io/armory/gate:2.26.5" } }')}${refused("spinnaker", '{ images = { gate = "gate image" } }')}${refused("spinnaker", '{ images = { jenkins = "jenkins:2" } }')}${refused("os", '"windows"')}${refused("official_image", "false")}${refused("name", '"Spin-Naker"')}${refused("name", '"averyveryverylongname"')}${refused("environment", '"pre-prod"')}${refused("environment", '"elevenchars"')}${refused("tags", '{ "aws:owner" = "me" }')}${refused("tags", '{ "cost center" = "42" }')}`,
        42,
      );
    },
    TIMEOUT,
  );
});

describe("the HA module's own inputs", () => {
  test(
    "size ElastiCache from redis, or use the deployer's own Redis with create = false; refuse bad values",
    () => {
      const workdir = initialized(join(layout, "modules", "ha"));
      const refused = (value: string, name: string) => `
run "refuses_${name}" {
  command = plan
  variables {
    redis = ${value}
  }
  expect_failures = [var.redis]
}
`;
      expectTerraformTest(
        workdir,
        "redis.tftest.hcl",
        `${mockProvider()}
variables {
${NETWORK}  redis_auth_token    = "placeholder-token-0123456789"
  ami_id              = "ami-0123456789abcdef0"
  official_image      = false
}

run "redis_6" {
  command = plan
  variables {
    redis = { engine_version = "6.2", node_type = "cache.m7g.large", replicas = 2 }
  }
  assert {
    condition     = aws_elasticache_parameter_group.redis_parameters[0].family == "redis6.x" && startswith(aws_elasticache_parameter_group.redis_parameters[0].name, "armoryspinnaker-preprod-redis-redis6x-")
    error_message = "Redis 6 needs the redis6.x family: \${aws_elasticache_parameter_group.redis_parameters[0].name}"
  }
  assert {
    condition     = aws_elasticache_replication_group.redis_replication_group[0].num_cache_clusters == 3 && aws_elasticache_replication_group.redis_replication_group[0].node_type == "cache.m7g.large" && length(aws_vpc_security_group_egress_rule.to_existing_redis) == 0
    error_message = "the replication group must follow the input"
  }
}

run "redis_7_digest_matches_the_stack" {
  command = plan
  assert {
    condition     = aws_elasticache_parameter_group.redis_parameters[0].name == "${REDIS7_PARAMETER_GROUP}"
    error_message = "Terraform's digest must equal the one the stacks compute: \${aws_elasticache_parameter_group.redis_parameters[0].name}"
  }
}

run "bring_your_own" {
  command = apply
  variables {
    redis            = { create = false, existing_url_secret_arn = "${OWN_REDIS_SECRET}", existing_security_group_id = "sg-0123456789abcdef0", existing_port = 6380 }
    redis_auth_token = null
  }
  assert {
    condition     = length(aws_elasticache_replication_group.redis_replication_group) == 0 && length(aws_secretsmanager_secret.redis_url_secret) == 0
    error_message = "with its own Redis the module must create no ElastiCache and no secret"
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.to_existing_redis[0].from_port == 6380 && aws_vpc_security_group_egress_rule.to_existing_redis[0].referenced_security_group_id == "sg-0123456789abcdef0"
    error_message = "the instances must get a way through to the deployer's Redis"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_spinnaker_local_yml.content, "encrypted:secrets-manager!r:eu-west-1!s:${OWN_REDIS_SECRET}")
    error_message = "the services must read the deployer's secret in its own region"
  }
  assert {
    condition     = output.redis_primary_endpoint == null
    error_message = "there is no managed endpoint with the deployer's Redis"
  }
}
${refused(`{ create = false, existing_url_secret_arn = "${OWN_REDIS_SECRET}" }`, "existing_without_group")}${refused(`{ existing_url_secret_arn = "${OWN_REDIS_SECRET}", existing_security_group_id = "sg-0123456789abcdef0" }`, "existing_while_create_is_true")}${refused("{ create = false }", "create_false_without_existing")}
run "refuses_no_token_and_no_redis" {
  command = plan
  variables {
    redis_auth_token = null
  }
  expect_failures = [var.redis]
}
${refused("{ snapshot_retention_days = 36 }", "snapshot_retention_days")}${refused('{ node_type = "r7g.large" }', "node_type")}${refused('{ engine_version = "5.0" }', "engine_version")}${refused("{ replicas = 0 }", "replicas")}`,
        11,
      );
    },
    TIMEOUT,
  );
});

describe("the HA module's self_deploy input", () => {
  test(
    "off by default, creating none of it; on, the account, role, subnet tags, pipeline and seeding step; refuses bad values",
    () => {
      const workdir = initialized(join(layout, "modules", "ha"));
      const refused = (value: string, name: string, extra = "") => `
run "refuses_${name}" {
  command = plan
  variables {
    self_deploy = ${value}
${extra}  }
  expect_failures = [var.self_deploy]
}
`;
      expectTerraformTest(
        workdir,
        "self-deploy.tftest.hcl",
        `${mockProvider(`  mock_data "aws_subnet" {
    defaults = { availability_zone = "us-west-2a" }
  }
`)}
variables {
${NETWORK}  redis_auth_token    = "placeholder-token-0123456789"
  ami_id              = "ami-0123456789abcdef0"
  official_image      = false
}

run "off_by_default" {
  command = apply
  assert {
    condition     = length(aws_iam_role.self_deploy_role) == 0 && length(aws_ec2_tag.self_deploy_subnet_purpose_tag) == 0 && length(aws_s3_object.configuration_file_self_deploy_pipeline_json) == 0 && length(aws_s3_object.configuration_file_seed_spinnaker) == 0
    error_message = "with self_deploy off the module must create none of it"
  }
  assert {
    condition     = !strcontains(aws_s3_object.configuration_file_compose_polling_yaml.content, "seed") && length(aws_s3_object.configuration_file_compose_polling_self_deploy_yaml) == 0 && !strcontains(aws_s3_object.configuration_file_settings_local_js.content, "enableLaunchTemplates") && !strcontains(aws_s3_object.configuration_file_clouddriver_local_yml.content, "launch-templates")
    error_message = "with self_deploy off no file may change: \${aws_s3_object.configuration_file_clouddriver_local_yml.content}"
  }
  assert {
    condition     = length(aws_autoscaling_group.polling_server_group) == 1 && length(aws_autoscaling_group.non_polling_server_group) == 1 && length(aws_cloudformation_stack.polling_server_group_hand_over) == 0 && length(aws_lambda_invocation.self_deploy_cleanup_invocation) == 0
    error_message = "with self_deploy off Terraform must own both groups, and hand nothing over"
  }
}

run "on" {
  command = apply
  variables {
    self_deploy = { enabled = true, account = "home-account", subnet_purpose = "private" }
    name        = "acme"
    environment = "prod"
  }
  override_resource {
    target = aws_cloudformation_stack.self_deploy_cleanup_function
    values = { outputs = { FunctionName = "acme-prod-server-group-cleanup" } }
  }
  assert {
    condition     = length(aws_autoscaling_group.polling_server_group) == 0 && length(aws_autoscaling_group.non_polling_server_group) == 0 && aws_cloudformation_stack.polling_server_group_hand_over[0].name == "acme-prod-polling-v000" && aws_cloudformation_stack.non_polling_server_group_hand_over[0].name == "acme-prod-v000"
    error_message = "with self_deploy on CloudFormation must create both v000 groups, and Terraform none"
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack.polling_server_group_hand_over[0].template_body).Resources.ServerGroup.DeletionPolicy == "Retain" && jsondecode(aws_cloudformation_stack.non_polling_server_group_hand_over[0].template_body).Resources.ServerGroup.Properties.DesiredCapacity == 3
    error_message = "the stacks must retain their groups and create them at the configured capacity: \${aws_cloudformation_stack.non_polling_server_group_hand_over[0].template_body}"
  }
  assert {
    condition     = aws_lambda_invocation.self_deploy_cleanup_invocation[0].lifecycle_scope == "CRUD" && jsondecode(aws_lambda_invocation.self_deploy_cleanup_invocation[0].input).clusters == ["acme-prod-polling", "acme-prod"] && aws_lambda_invocation.self_deploy_cleanup_invocation[0].function_name == "acme-prod-server-group-cleanup"
    error_message = "terraform destroy must first invoke the clean-up of both clusters: \${aws_lambda_invocation.self_deploy_cleanup_invocation[0].input}"
  }
  assert {
    condition     = aws_iam_role.self_deploy_role[0].name == "acme-prod-self-deploy" && length(aws_ec2_tag.self_deploy_subnet_purpose_tag) == 2 && aws_ec2_tag.self_deploy_subnet_purpose_tag["subnet-0123456789abcdef0"].value == jsonencode({ purpose = "private", target = "ec2" })
    error_message = "the role and one purpose tag per instance subnet must exist"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_clouddriver_local_yml.content, "- name: \\"home-account\\"") && strcontains(aws_s3_object.configuration_file_clouddriver_local_yml.content, "allowed-applications: \\"acme:home-account:us-west-2\\"")
    error_message = "clouddriver must get the account and launch templates for the application: \${aws_s3_object.configuration_file_clouddriver_local_yml.content}"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_polling_self_deploy_yaml[0].content, "  seed:") && !strcontains(aws_s3_object.configuration_file_compose_polling_yaml.content, "seed") && endswith(aws_s3_object.configuration_file_settings_local_js.content, file("\${path.module}/templates/settings-self-deploy.js"))
    error_message = "the polling instance must seed, and deck must show launch templates"
  }
  assert {
    condition     = jsondecode(aws_s3_object.configuration_file_self_deploy_pipeline_json[0].content).id == uuidv5("url", "urn:cdktf-spinnaker-aws:deploy-spinnaker:acme-prod") && jsondecode(aws_s3_object.configuration_file_self_deploy_pipeline_json[0].content).stages[3].clusters[0].subnetType == "private" && jsondecode(aws_s3_object.configuration_file_self_deploy_pipeline_json[0].content).stages[3].clusters[0].availabilityZones["us-west-2"] == ["us-west-2a"]
    error_message = "the pipeline must deploy by the module's id, purpose and zones: \${aws_s3_object.configuration_file_self_deploy_pipeline_json[0].content}"
  }
  assert {
    condition     = aws_s3_object.configuration_file_self_deploy_env[0].content == "application=acme\\npipeline_id=\${uuidv5("url", "urn:cdktf-spinnaker-aws:deploy-spinnaker:acme-prod")}\\n"
    error_message = "the seeding step must know the application and the pipeline's id"
  }
}

run "leaves_the_subnets_alone_when_asked" {
  command = plan
  variables {
    self_deploy = { enabled = true, tag_subnets = false }
  }
  assert {
    condition     = length(aws_ec2_tag.self_deploy_subnet_purpose_tag) == 0 && length(aws_iam_role.self_deploy_role) == 1
    error_message = "tag_subnets = false must leave the caller's subnets untagged"
  }
}
${refused('{ account = "Spinnaker" }', "account")}${refused('{ subnet_purpose = "a b" }', "subnet_purpose")}${refused(
  '{ enabled = true, account = "home" }',
  "account_of_a_managed_account",
  '    accounts    = { aws = [{ name = "home", account_id = "123456789012" }] }\n',
)}`,
        6,
      );
    },
    TIMEOUT,
  );
});

describe("the modules' auth input", () => {
  const CLIENT_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:oidc-client-AbCdEf";
  const GATE_URL = "https://spinnaker.example.com:8084";
  // What the stacks render in TypeScript for the same input: Terraform's yamlencode must match it.
  const expectedGate = gateSignIn(
    {
      issuerUrl: "https://login.example.com/realms/spinnaker",
      clientId: "spinnaker",
      clientSecretReference: secretsManagerReference(CLIENT_SECRET, { jsonKey: "secret" }),
      scopes: ["openid", "groups"],
      claims: {
        email: "email",
        firstName: "given_name",
        lastName: "family_name",
        username: "preferred_username",
        roles: "roles",
      },
    },
    GATE_URL,
  );
  const AUTH = `{
      issuer_url        = "https://login.example.com/realms/spinnaker"
      client_id         = "spinnaker"
      client_secret_arn = "${CLIENT_SECRET}"
      client_secret_key = "secret"
      scopes            = ["openid", "groups"]
      claims            = { username = "preferred_username", roles = "roles" }
      admin_roles       = ["Spinnaker-Admins"]
    }`;
  const HTTPS = `{ https = true, certificate_arn = "${CERTIFICATE}", hostname = "spinnaker.example.com" }`;
  const statement = (sid: string) =>
    `one([for s in data.aws_iam_policy_document.instance_role_permissions.statement : s.resources if s.sid == "${sid}"])`;
  /** `refusing`: the input that reports the rule (sign-in's HTTPS is load_balancer.certificate_arn's). */
  const refused = (auth: string, loadBalancer: string, name: string, refusing = "auth") => `
run "refuses_${name}" {
  command = plan
  variables {
    auth          = ${auth}
    load_balancer = ${loadBalancer}
  }
  expect_failures = [var.${refusing}]
}
`;

  test(
    "stand-alone: auth renders gate's sign-in as the stacks do, runs fiat with its administrators, and lets the instances read the client secret; null keeps all of it off",
    () => {
      const workdir = initialized(layout);
      expectTerraformTest(
        workdir,
        "auth.tftest.hcl",
        `${mockProvider()}
variables {
${NETWORK}}

run "sign_in" {
  command = apply
  variables {
    auth          = ${AUTH}
    load_balancer = ${HTTPS}
    instance_type = "m5.2xlarge"
  }
  assert {
    condition     = jsonencode(yamldecode(aws_s3_object.configuration_file_gate_local_yml.content).spring) == jsonencode(jsondecode(${JSON.stringify(JSON.stringify(expectedGate.spring))}))
    error_message = "Terraform's sign-in must equal the stacks' rendering: \${aws_s3_object.configuration_file_gate_local_yml.content}"
  }
  assert {
    condition     = yamldecode(aws_s3_object.configuration_file_gate_local_yml.content).server.tomcat.remoteip["protocol-header"] == "X-Forwarded-Proto"
    error_message = "gate's other settings must stay beside the sign-in"
  }
  assert {
    condition     = yamldecode(aws_s3_object.configuration_file_spinnaker_local_yml.content).services.fiat.enabled == true && yamldecode(aws_s3_object.configuration_file_fiat_local_yml.content).fiat.admin.roles == ["Spinnaker-Admins"]
    error_message = "with auth every service must ask fiat, which knows the administrators"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "COMPOSE_PROFILES=fiat\\n") && strcontains(aws_s3_object.configuration_file_settings_local_js.content, "authEnabled = true;")
    error_message = "with auth the instance must run fiat and deck must ask gate who is signed in"
  }
  assert {
    condition     = contains(${statement("Secrets")}, "${CLIENT_SECRET}")
    error_message = "the instance role must read the client secret"
  }
}

run "off_by_default" {
  command = plan
  assert {
    condition     = !can(yamldecode(aws_s3_object.configuration_file_gate_local_yml.content).spring) && yamldecode(aws_s3_object.configuration_file_spinnaker_local_yml.content).services.fiat.enabled == false
    error_message = "without auth gate has no OAuth2 client and no service asks fiat"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "COMPOSE_PROFILES=\\n") && strcontains(aws_s3_object.configuration_file_settings_local_js.content, "authEnabled = false;")
    error_message = "without auth fiat does not run and deck does not ask for a user"
  }
}

run "memory_too_little_with_sign_in" {
  command = plan
  variables {
    auth          = ${AUTH}
    load_balancer = ${HTTPS}
    instance_type = "r6i.xlarge"
  }
  override_data {
    target = data.aws_ec2_instance_type.launch_template_instance_type
    values = { memory_size = 9216, instance_type = "r6i.xlarge" }
  }
  expect_failures = [data.aws_ec2_instance_type.launch_template_instance_type]
}

run "refuses_armory" {
  command = plan
  variables {
    auth          = ${AUTH}
    load_balancer = ${HTTPS}
    spinnaker     = { distribution = "armory", version = "2.36.3" }
  }
  expect_failures = [var.auth]
}

run "refuses_release_before_2025_2" {
  command = plan
  variables {
    auth          = ${AUTH}
    load_balancer = ${HTTPS}
    spinnaker     = { version = "2025.1.2" }
  }
  expect_failures = [var.auth]
}
${refused(AUTH, "{}", "without_https", "load_balancer")}${refused(AUTH.replace("https://login.example.com", "https://login.example.com:8443"), HTTPS, "issuer_port")}${refused(AUTH.replace("https://login", "http://login"), HTTPS, "http_issuer")}${refused(AUTH.replace(`"${CLIENT_SECRET}"`, '"oidc-client"'), HTTPS, "secret_name")}${refused(AUTH.replace('"Spinnaker-Admins"', '"admins", "admins"'), HTTPS, "duplicate_admin_roles")}${refused(AUTH.replace('roles = "roles"', 'roles = "cognito groups"'), HTTPS, "claim_with_space")}`,
        11,
      );
    },
    TIMEOUT,
  );
});

describe("the modules' accounts and Spinnaker inputs", () => {
  const KUBECONFIG_SECRET = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:kubeconfig-AbCdEf";
  // What clouddriver and igor must read for the inputs below (the same templates render a stack's:
  // profile-templates.test.ts).
  const expectedProfile = {
    aws: {
      enabled: true,
      defaultRegions: [{ name: "us-west-2" }],
      accounts: [
        {
          name: "prod",
          accountId: "012345678901",
          assumeRole: "arn:aws:iam::012345678901:role/spinnakerManaged",
          regions: [{ name: "eu-west-1" }, { name: "us-east-1" }],
          permissions: { READ: ["dev", "ops"], WRITE: ["ops"] },
        },
        {
          name: "home",
          accountId: "123456789012",
          assumeRole: "arn:aws:iam::123456789012:role/spinnakerHome",
          regions: [{ name: "us-west-2" }],
        },
      ],
    },
    kubernetes: {
      enabled: true,
      accounts: [
        {
          name: "eks",
          namespaces: ["apps"],
          onlySpinnakerManaged: true,
          kubeconfigContents: `encrypted:secrets-manager!r:eu-central-1!s:${KUBECONFIG_SECRET}`,
          permissions: { READ: [], WRITE: ["ops"] },
        },
        {
          name: "gke",
          context: "gke-ctx",
          namespaces: [],
          onlySpinnakerManaged: false,
          kubeconfigFile: "encryptedFile:s3!r:eu-central-1!b:kubeconfigs!f:teams/gke.yaml",
        },
      ],
    },
  };
  const JENKINS_TOKEN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jenkins-token-AbCdEf";
  const expectedIgor = {
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
  };
  const ACCOUNTS = `{
      aws = [
        { name = "prod", account_id = "012345678901", regions = ["eu-west-1", "us-east-1"], permissions = { read = ["dev", "ops"], write = ["ops"] } },
        { name = "home", account_id = "123456789012", role_name = "spinnakerHome", create_role = true },
      ]
      kubernetes = [
        { name = "eks", namespaces = ["apps"], kubeconfig_secret_arn = "${KUBECONFIG_SECRET}", permissions = { write = ["ops"] } },
        { name = "gke", context = "gke-ctx", only_spinnaker_managed = false, kubeconfig_s3_uri = "s3://kubeconfigs/teams/gke.yaml", kubeconfig_s3_region = "eu-central-1" },
      ]
    }`;
  const sids = "[for s in data.aws_iam_policy_document.instance_role_permissions.statement : s.sid]";
  const statement = (sid: string) =>
    `one([for s in data.aws_iam_policy_document.instance_role_permissions.statement : s.resources if s.sid == "${sid}"])`;
  const refused = (variable: string, value: string, name: string) => `
run "refuses_${name}" {
  command = plan
  variables {
    ${variable} = ${value}
  }
  expect_failures = [var.${variable}]
}
`;
  const caller = `  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
`;

  test(
    "stand-alone: accounts and ci render clouddriver's and igor's profiles as the stacks do, with their permissions and role; kayenta, front50_prefix, aws_cli_image and root_device_name take effect",
    () => {
      const workdir = initialized(layout);
      expectTerraformTest(
        workdir,
        "accounts.tftest.hcl",
        `${mockProvider(caller)}
variables {
${NETWORK}}

run "accounts" {
  command = apply
  variables {
    accounts = ${ACCOUNTS}
  }
  assert {
    condition     = jsonencode(yamldecode(aws_s3_object.configuration_file_clouddriver_local_yml.content)) == jsonencode(jsondecode(${JSON.stringify(JSON.stringify(expectedProfile))}))
    error_message = "Terraform's clouddriver profile must equal the stacks' rendering: \${aws_s3_object.configuration_file_clouddriver_local_yml.content}"
  }
  assert {
    condition     = ${statement("ManagedAccounts")} == toset(["arn:aws:iam::012345678901:role/spinnakerManaged", "arn:aws:iam::123456789012:role/spinnakerHome"])
    error_message = "the instance role must assume exactly the accounts' roles"
  }
  assert {
    condition     = ${statement("Secrets")} == toset(["${KUBECONFIG_SECRET}"]) && ${statement("ExtraObjects")} == toset(["arn:aws:s3:::kubeconfigs/teams/gke.yaml"])
    error_message = "the instance role must read exactly the kubeconfigs"
  }
  assert {
    condition     = length(aws_iam_role.managed_account_role) == 1 && aws_iam_role.managed_account_role[0].name == "spinnakerHome" && aws_iam_role_policy_attachment.managed_account_role_power_user[0].role == "spinnakerHome"
    error_message = "create_role must create that account's role"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_settings_local_js.content, "})(\\"prod\\", \\"eu-west-1\\");")
    error_message = "deck's AWS defaults must be the first account and the region: \${aws_s3_object.configuration_file_settings_local_js.content}"
  }
}

run "ci" {
  command = apply
  variables {
    ci = { jenkins = [
      { name = "ci", address = "https://jenkins.example.com", username = "spinnaker", password_secret_arn = "${JENKINS_TOKEN}" },
      { name = "public", address = "http://jenkins.internal:8080", csrf = false },
    ] }
  }
  assert {
    condition     = jsonencode(yamldecode(aws_s3_object.configuration_file_igor_local_yml.content)) == jsonencode(jsondecode(${JSON.stringify(JSON.stringify(expectedIgor))}))
    error_message = "Terraform's igor profile must equal the stacks' rendering: \${aws_s3_object.configuration_file_igor_local_yml.content}"
  }
  assert {
    condition     = ${statement("Secrets")} == toset(["${JENKINS_TOKEN}"])
    error_message = "the instance role must read the Jenkins token"
  }
}

run "no_accounts" {
  command = plan
  assert {
    condition     = length(aws_iam_role.managed_account_role) == 0 && !contains(${sids}, "ManagedAccounts") && !contains(${sids}, "Secrets") && !contains(${sids}, "ExtraObjects")
    error_message = "without accounts there is no managed role and no permission for one: \${jsonencode(${sids})}"
  }
  assert {
    condition     = yamldecode(aws_s3_object.configuration_file_clouddriver_local_yml.content).aws.enabled == false
    error_message = "without accounts clouddriver's AWS provider stays off"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_settings_local_js.content, "})(null, \\"us-west-2\\");")
    error_message = "without accounts deck keeps its own AWS defaults"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "COMPOSE_PROFILES=\\n") && strcontains(aws_s3_object.configuration_file_settings_local_js.content, "featureDisabled: !false,") && !yamldecode(aws_s3_object.configuration_file_kayenta_local_yml.content).kayenta.prometheus.enabled
    error_message = "kayenta is off by default"
  }
}

run "kayenta_and_prefixes" {
  command = plan
  variables {
    spinnaker        = { kayenta = true, front50_prefix = "pipelines", aws_cli_image = "registry.example.com/aws-cli:2", prometheus_url = "http://prometheus.example.com:9090" }
    ami_id           = "ami-0123456789abcdef0"
    official_image   = false
    root_device_name = "/dev/xvda"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "COMPOSE_PROFILES=kayenta\\n") && yamldecode(aws_s3_object.configuration_file_spinnaker_local_yml.content).services.kayenta.enabled == true && strcontains(aws_s3_object.configuration_file_settings_local_js.content, "featureDisabled: !true,")
    error_message = "kayenta = true must run kayenta and switch it on in the profiles"
  }
  assert {
    condition     = yamldecode(aws_s3_object.configuration_file_kayenta_local_yml.content).kayenta.prometheus == { enabled = true, accounts = [{ name = "metrics", endpoint = { baseUrl = "http://prometheus.example.com:9090" }, supportedTypes = ["METRICS_STORE"] }] } && strcontains(aws_s3_object.configuration_file_settings_local_js.content, "metricsAccountName: true ? \\"metrics\\" : undefined")
    error_message = "prometheus_url must give kayenta its metrics account and deck its name: \${aws_s3_object.configuration_file_kayenta_local_yml.content}"
  }
  assert {
    condition     = yamldecode(aws_s3_object.configuration_file_front50_local_yml.content).spinnaker.s3.rootFolder == "pipelines"
    error_message = "front50 must keep its data under front50_prefix"
  }
  assert {
    condition     = one([for t in aws_launch_template.launch_template.tag_specifications : t.tags if t.resource_type == "instance"]).SpinnakerAwsCliImage == "registry.example.com/aws-cli:2"
    error_message = "the instances must read the aws-cli image from their tag"
  }
  assert {
    condition     = aws_launch_template.launch_template.block_device_mappings[0].device_name == "/dev/xvda"
    error_message = "root_device_name must size the given AMI's root volume"
  }
}
${refused("accounts", `{ aws = [{ name = "a", account_id = "1234" }] }`, "short_account_id")}${refused("accounts", `{ kubernetes = [{ name = "k", kubeconfig_s3_uri = "s3://b/k", permissions = { read = ["dev team"] } }] }`, "role_with_space")}${refused("accounts", `{ aws = [{ name = "a", account_id = "123456789012", permissions = { write = ["ops", "ops"] } }] }`, "role_twice")}${refused("accounts", `{ aws = [{ name = "a", account_id = "123456789012", create_role = true }, { name = "b", account_id = "123456789012", create_role = true }] }`, "two_create_role")}${refused("accounts", `{ aws = [{ name = "a", account_id = "123456789012", create_role = true }, { name = "a", account_id = "210987654321" }] }`, "duplicate_names")}${refused("accounts", `{ aws = [{ name = "a", account_id = "123456789012", regions = [] }] }`, "empty_regions")}${refused("accounts", `{ kubernetes = [{ name = "k", kubeconfig_secret_arn = "${KUBECONFIG_SECRET}", kubeconfig_s3_uri = "s3://b/k" }] }`, "two_kubeconfigs")}${refused("spinnaker", `{ front50_prefix = "config" }`, "front50_prefix_config")}${refused("spinnaker", `{ aws_cli_image = "aws cli" }`, "aws_cli_image")}${refused("root_device_name", `"sda1"`, "root_device_name")}${refused("ci", `{ jenkins = [{ name = "ci", address = "https://j.example.com", username = "spinnaker" }] }`, "ci_username_without_token")}${refused("ci", `{ jenkins = [{ name = "ci", address = "jenkins" }] }`, "ci_address")}`,
        16,
      );
    },
    TIMEOUT,
  );

  test(
    "stand-alone: spinnaker.bake renders rosco's bakery and orca's account, packer's template and its copies, looks up only missing base images, refuses bake regions no account has, and turns everything off",
    () => {
      const workdir = initialized(layout);
      const rosco = "yamldecode(aws_s3_object.configuration_file_rosco_local_yml.content)";
      const orca = "yamldecode(aws_s3_object.configuration_file_orca_local_yml.content)";
      const packer = "jsondecode(aws_s3_object.configuration_file_packer_aws_ebs_json.content).builders[0]";
      // The regions a statement of the bakery's policy may be sent to.
      const requested = (sid: string) =>
        `flatten([for s in data.aws_iam_policy_document.bakery_policy[0].statement : [for c in s.condition : c.values if c.variable == "aws:RequestedRegion"] if s.sid == "${sid}"])`;
      expectTerraformTest(
        workdir,
        "bake.tftest.hcl",
        `${mockProvider(caller)}
variables {
${NETWORK}}

run "bakes_in_the_create_role_account_by_default" {
  command = plan
  variables {
    accounts = ${ACCOUNTS}
  }
  override_data {
    target = data.aws_ami_ids.bakery["ubuntu"]
    values = { ids = ["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"] }
  }
  assert {
    condition     = ${rosco}.aws.enabled && ${rosco}.bakeAccount == "home" && ${orca}["default"].bake.account == "home"
    error_message = "rosco's bakery must be on and bake in the create_role account: \${aws_s3_object.configuration_file_rosco_local_yml.content}"
  }
  assert {
    condition     = ${rosco}.aws.bakeryDefaults.awsSubnetId == "subnet-0123456789abcdef0" && ${rosco}.aws.bakeryDefaults.baseImages[0].virtualizationSettings[0].sourceAmi == "ami-0aaaaaaaaaaaaaaaa"
    error_message = "packer must launch in the first instance subnet from the newest Ubuntu image"
  }
  assert {
    condition     = length(aws_iam_role_policy.bakery_role_policy) == 1 && length(aws_vpc_security_group_egress_rule.bakery_ssh_egress) == 1
    error_message = "packer needs its policy and SSH egress"
  }
  assert {
    condition     = ${packer}.run_tags["spinnaker:bake"] == "armoryspinnaker-preprod" && ${packer}.run_volume_tags["spinnaker:bake"] == "armoryspinnaker-preprod" && ${packer}.ami_regions == [] && ${rosco}.aws.bakeryDefaults.templateFile == "../../../spinnaker/config/packer-aws-ebs.json"
    error_message = "rosco must bake with our template, which tags what packer launches and copies nowhere by default: \${aws_s3_object.configuration_file_packer_aws_ebs_json.content}"
  }
  assert {
    condition     = toset(${requested("PackerCopiesAndTagsImages")}) == toset(["us-west-2"])
    error_message = "without bake regions, the image may be copied only in the provider's region"
  }
}

run "copies_the_image_to_the_bake_regions" {
  command = plan
  variables {
    accounts  = { aws = [{ name = "home", account_id = "123456789012", create_role = true, regions = ["us-west-2", "eu-west-1", "ap-south-1"] }] }
    spinnaker = { bake = { regions = ["us-west-2", "eu-west-1"] } }
  }
  assert {
    condition     = ${packer}.ami_regions == ["eu-west-1"] && ${rosco}.aws.bakeryDefaults.baseImages[0].virtualizationSettings[0].region == "us-west-2"
    error_message = "packer must bake in the provider's region and copy to the others listed"
  }
  assert {
    condition     = alltrue([for sid in ["PackerDescribes", "PackerCopiesAndTagsImages"] : toset(${requested("${sid}")}) == toset(["us-west-2", "eu-west-1"])])
    error_message = "the copies, their tags and the describes must be allowed in the bake regions only"
  }
}

run "refuses_a_bake_region_the_bake_account_does_not_list" {
  command = plan
  variables {
    accounts  = ${ACCOUNTS}
    spinnaker = { bake = { regions = ["us-west-2", "eu-west-1"] } }
  }
  expect_failures = [var.spinnaker]
}

run "given_account_and_images" {
  command = plan
  variables {
    accounts  = ${ACCOUNTS}
    spinnaker = { bake = { account = "prod", instance_type = "m7g.large", base_images = { centos = "ami-0123456789abcdef0" } } }
  }
  assert {
    condition     = ${rosco}.bakeAccount == "prod" && !contains(keys(data.aws_ami_ids.bakery), "centos") && ${rosco}.aws.bakeryDefaults.baseImages[2].virtualizationSettings[0].sourceAmi == "ami-0123456789abcdef0"
    error_message = "a given account and base image must be used as they are"
  }
  assert {
    condition     = anytrue([for f in data.aws_ami_ids.bakery["ubuntu"].filter : f.name == "architecture" && contains(f.values, "arm64")])
    error_message = "a Graviton bake instance must look up arm64 base images"
  }
}

run "off" {
  command = plan
  variables {
    spinnaker = { bake = { enabled = false } }
  }
  assert {
    condition     = !${rosco}.aws.enabled && length(aws_iam_role_policy.bakery_role_policy) == 0 && length(data.aws_ami_ids.bakery) == 0 && length(aws_vpc_security_group_egress_rule.bakery_ssh_egress) == 0
    error_message = "with bake off, neither the bakery nor its permissions, egress or lookups"
  }
  assert {
    condition     = ${orca}["default"].bake.account == "default"
    error_message = "without accounts, orca keeps its own default account"
  }
}
${refused("spinnaker", `{ bake = { account = "nowhere" } }`, "bake_account")}
run "refuses_several_accounts_without_a_bake_account" {
  command = plan
  variables {
    accounts = { aws = [{ name = "a", account_id = "123456789012" }, { name = "b", account_id = "210987654321" }] }
  }
  expect_failures = [var.spinnaker]
}
${refused("spinnaker", `{ bake = { base_images = { windows = "ami-0123456789abcdef0" } } }`, "bake_base_image")}${refused("spinnaker", `{ bake = { regions = ["eu-west-1"] } }`, "bake_regions_without_the_provider_region")}${refused("spinnaker", `{ bake = { regions = ["us-west-2", "us-west-2"] } }`, "bake_regions_twice")}${refused("spinnaker", `{ bake = { regions = ["us-west-2", "mars-north-1"] } }`, "bake_region_no_region")}${refused("spinnaker", "{ bake = { regions = [] } }", "no_bake_regions")}`,
        12,
      );
    },
    TIMEOUT,
  );

  test(
    "HA: kayenta and fiat get their interservice listener, target group and member rules only when asked (fiat with auth)",
    () => {
      const workdir = initialized(join(layout, "modules", "ha"));
      expectTerraformTest(
        workdir,
        "kayenta.tftest.hcl",
        `${mockProvider(caller)}
variables {
${NETWORK}  redis_auth_token    = "placeholder-token-0123456789"
  ami_id              = "ami-0123456789abcdef0"
  official_image      = false
}

run "without_kayenta" {
  command = plan
  assert {
    condition     = length(aws_lb_target_group.interservice_load_balancer_kayenta_target_group) == 0 && length(aws_lb_listener.interservice_load_balancer_kayenta_listener) == 0 && length(aws_vpc_security_group_ingress_rule.security_groups_member_ingress_8090) == 0
    error_message = "kayenta is off by default: no listener, target group or rule for it"
  }
  assert {
    condition     = length(aws_lb_target_group.interservice_load_balancer_fiat_target_group) == 0 && length(aws_lb_listener.interservice_load_balancer_fiat_listener) == 0 && length(aws_vpc_security_group_ingress_rule.security_groups_member_ingress_7003) == 0
    error_message = "fiat runs only with auth: no listener, target group or rule for it by default"
  }
}

run "with_sign_in" {
  command = apply
  variables {
    auth          = { issuer_url = "https://login.example.com", client_id = "spinnaker", client_secret_arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:oidc-AbCdEf" }
    load_balancer = { https = true, certificate_arn = "${CERTIFICATE}", hostname = "spinnaker.example.com" }
  }
  assert {
    condition     = length(aws_lb_listener.interservice_load_balancer_fiat_listener) == 1 && aws_lb_listener.interservice_load_balancer_fiat_listener[0].port == 7003 && length(aws_vpc_security_group_ingress_rule.security_groups_member_ingress_7003) == 1
    error_message = "auth must open fiat's port between members and behind the interservice load balancer"
  }
  assert {
    condition     = length(compact(split("\\n", aws_s3_object.configuration_file_interservice_target_groups.content))) == 7
    error_message = "the instances must join the seven interservice target groups, fiat's too: \${aws_s3_object.configuration_file_interservice_target_groups.content}"
  }
}

run "with_kayenta" {
  command = apply
  variables {
    spinnaker = { kayenta = true }
  }
  # Distinct ARNs where the test tells target groups apart (the mock gives every one the same).
  override_resource {
    target = aws_lb_target_group.user_facing_load_balancer_deck_target_group
    values = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/spin-deck/0123456789abcdef" }
  }
  override_resource {
    target = aws_lb_target_group.interservice_load_balancer_kayenta_target_group
    values = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/spin-kayenta/0123456789abcdef" }
  }
  assert {
    condition     = length(aws_lb_listener.interservice_load_balancer_kayenta_listener) == 1 && aws_lb_listener.interservice_load_balancer_kayenta_listener[0].port == 8090 && length(aws_vpc_security_group_egress_rule.security_groups_member_egress_8090) == 1
    error_message = "kayenta = true must open its port between members and behind the interservice load balancer"
  }
  assert {
    condition     = alltrue([for g in [aws_autoscaling_group.polling_server_group[0], aws_autoscaling_group.non_polling_server_group[0]] : contains(g.target_group_arns, aws_lb_target_group.user_facing_load_balancer_deck_target_group.arn) && !contains(g.target_group_arns, aws_lb_target_group.interservice_load_balancer_kayenta_target_group[0].arn)])
    error_message = "both groups must hold deck's target group and not the interservice ones (their ELB health replaces instances)"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_interservice_target_groups.content, aws_lb_target_group.interservice_load_balancer_kayenta_target_group[0].arn)
    error_message = "the instances must join kayenta's interservice target group themselves"
  }
  assert {
    condition     = length(compact(split("\\n", aws_s3_object.configuration_file_interservice_target_groups.content))) == 7
    error_message = "the instances must join the seven interservice target groups, kayenta's too: \${aws_s3_object.configuration_file_interservice_target_groups.content}"
  }
}
`,
        3,
      );
    },
    TIMEOUT,
  );
});

const OWN_DATABASE_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:spinnaker-db-master-AbCdEf";
const OWN_DATABASE = `{ type = "sql", create_database = false, existing_endpoint = "mysql.example.internal", existing_port = 3307, existing_master_secret_arn = "${OWN_DATABASE_SECRET}", existing_security_group_id = "sg-0fedcba9876543210" }`;
/** RDS's secret of the master user, which the mock provider cannot make up (a computed list of objects). */
const MASTER_SECRET = (kind: string) =>
  `{ master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!${kind}-0123-AbCdEf", kms_key_id = "", secret_status = "active" }] }`;
const SQL_MOCKS = `  mock_resource "aws_db_instance" {
    defaults = ${MASTER_SECRET("db")}
  }
  mock_resource "aws_rds_cluster" {
    defaults = ${MASTER_SECRET("cluster")}
  }
  mock_data "aws_subnet" {
    defaults = { availability_zone = "us-west-2a" }
  }
`;
const FRONT50 = "aws_s3_object.configuration_file_front50_local_yml.content";

/** A run that plans with `storage = <value>` (and more `variables`) and expects the storage input refused. */
const refusedStorage = (name: string, value: string, extra = "") => `
run "refuses_storage_${name}" {
  command = plan
  variables {
    storage = ${value}
${extra}  }
  expect_failures = [var.storage]
}
`;

/** What both modules check of the storage input, beside their own engine's settings. */
const STORAGE_REFUSALS = [
  refusedStorage("type", '{ type = "postgres" }'),
  refusedStorage(
    "create_with_existing_endpoint",
    OWN_DATABASE.replace("create_database = false", "create_database = true"),
  ),
  refusedStorage("own_without_existing_endpoint", '{ type = "sql", create_database = false }'),
  refusedStorage(
    "existing_endpoint_without_secret",
    `{ type = "sql", create_database = false, existing_endpoint = "mysql.example.internal", existing_security_group_id = "sg-0fedcba9876543210" }`,
  ),
  refusedStorage("backup_retention_days_0", '{ type = "sql", backup_retention_days = 0 }'),
  refusedStorage("one_database_subnet", '{ type = "sql", subnet_ids = ["subnet-0123456789abcdef0"] }'),
].join("");

/**
 * Stand-alone runs on one instance subnet, which a created database cannot (RDS wants two AZs); HA
 * needs two subnets whatever its storage.
 */
const ONE_SUBNET = `    instance_subnet_ids      = ["subnet-0123456789abcdef0"]
    load_balancer_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
`;
const ONE_INSTANCE_SUBNET = `${refusedStorage("one_instance_subnet_when_creating", '{ type = "sql" }', ONE_SUBNET)}
run "one_instance_subnet_is_enough_without_sql" {
  command = plan
  variables {
${ONE_SUBNET}    storage                  = { create_database = true }
  }
  assert {
    condition     = length(aws_db_subnet_group.database_subnet_group) == 0
    error_message = "s3-redis storage creates no database, and needs no second subnet"
  }
}
`;

/** Spinnaker 2027 drops S3 and Redis storage: refused with s3-redis (the default), planned with sql. */
const RELEASE_2027 = `
run "refuses_2027_with_s3_redis" {
  command = plan
  variables {
    spinnaker = { version = "2027.0.0" }
  }
  expect_failures = [var.spinnaker]
}

run "plans_2027_with_sql" {
  command = plan
  variables {
    spinnaker = { version = "2027.0.0" }
    storage   = { type = "sql" }
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_env.content, "/orca:2027.0.0\\n")
    error_message = "2027.0.0 with sql must run the 2027 images: \${aws_s3_object.configuration_file_compose_env.content}"
  }
  assert {
    condition     = strcontains(aws_s3_object.configuration_file_compose_polling_sql_yaml[0].content, "  database-init:") && !strcontains(aws_s3_object.configuration_file_compose_polling_yaml.content, "database")
    error_message = "with sql the polling project's overlay must prepare the database, and the project stay as it is"
  }
}
`;

/** The deployer's own database: no RDS, an egress rule to its group, the profiles on its endpoint. */
const OWN_DATABASE_RUN = (created: string) => `
run "own_database" {
  command = apply
  variables {
    storage = ${OWN_DATABASE}
  }
  assert {
    condition     = length(${created}) == 0 && length(aws_security_group.database_security_group) == 0 && length(aws_vpc_security_group_egress_rule.database_to_database) == 0
    error_message = "with its own database the module must create no RDS and no database security group"
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.to_existing_database) == 1 && aws_vpc_security_group_egress_rule.to_existing_database[0].from_port == 3307 && aws_vpc_security_group_egress_rule.to_existing_database[0].to_port == 3307 && aws_vpc_security_group_egress_rule.to_existing_database[0].referenced_security_group_id == "sg-0fedcba9876543210"
    error_message = "the instances must get a way through to the deployer's database on its port"
  }
  assert {
    condition     = strcontains(${FRONT50}, "jdbc:mysql://mysql.example.internal:3307/front50?sslMode=REQUIRED") && yamldecode(${FRONT50}).sql.enabled && !yamldecode(${FRONT50}).spinnaker.s3.enabled
    error_message = "front50 must keep its data in the deployer's database, over TLS, and not in S3: \${${FRONT50}}"
  }
  assert {
    condition     = length(aws_secretsmanager_secret.front50_database_secret) == 1 && length(aws_secretsmanager_secret.orca_database_secret) == 1
    error_message = "the services' users' secrets are created (empty) with any database"
  }
}
`;

describe("SQL storage, the storage input of both modules", () => {
  test(
    "stand-alone: creates one RDS for MySQL instance or uses the deployer's own; refuses bad values; 2027 only with sql",
    () => {
      const workdir = initialized(layout);
      expectTerraformTest(
        workdir,
        "storage.tftest.hcl",
        `${mockProvider(SQL_MOCKS)}
variables {
${NETWORK}  ami_id              = "ami-0123456789abcdef0"
  official_image      = false
}

run "s3_redis_by_default" {
  command = apply
  assert {
    condition     = length(aws_db_instance.database_instance) == 0 && length(aws_secretsmanager_secret.front50_database_secret) == 0 && length(aws_vpc_security_group_egress_rule.to_existing_database) == 0
    error_message = "without sql the module must create nothing of the database"
  }
  assert {
    condition     = yamldecode(${FRONT50}).spinnaker.s3.enabled && !strcontains(${FRONT50}, "sql:")
    error_message = "without sql front50 keeps its data in S3: \${${FRONT50}}"
  }
}

run "created_database" {
  command = apply
  variables {
    storage = { type = "sql" }
  }
  assert {
    condition     = length(aws_db_instance.database_instance) == 1 && aws_db_instance.database_instance[0].engine == "mysql" && aws_db_instance.database_instance[0].engine_version == "8.4" && aws_db_instance.database_instance[0].username == "spinnaker" && aws_db_instance.database_instance[0].manage_master_user_password
    error_message = "storage.type sql must create one RDS for MySQL 8.4 instance whose master password RDS keeps"
  }
  assert {
    condition     = aws_db_instance.database_instance[0].storage_encrypted && !aws_db_instance.database_instance[0].publicly_accessible && aws_db_instance.database_instance[0].deletion_protection && !aws_db_instance.database_instance[0].skip_final_snapshot && aws_db_instance.database_instance[0].backup_retention_period == 7
    error_message = "the instance must be encrypted, private, protected, backed up and snapshotted when deleted"
  }
  assert {
    condition     = aws_db_parameter_group.database_parameters[0].family == "mysql8.4" && contains([for p in aws_db_parameter_group.database_parameters[0].parameter : "\${p.name}=\${p.value}"], "require_secure_transport=1")
    error_message = "the instance's parameter group must be of its version's family and require TLS"
  }
  assert {
    condition     = toset(aws_db_subnet_group.database_subnet_group[0].subnet_ids) == toset(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"])
    error_message = "without storage.subnet_ids the database must be in the instance subnets"
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.database_to_database[0].from_port == 3306 && aws_vpc_security_group_egress_rule.database_to_database[0].referenced_security_group_id == aws_security_group.database_security_group[0].id && aws_vpc_security_group_ingress_rule.database_from_instances[0].from_port == 3306 && length(aws_vpc_security_group_egress_rule.to_existing_database) == 0
    error_message = "the instances must reach the database's group on 3306, and it admit them"
  }
  assert {
    condition     = strcontains(${FRONT50}, "jdbc:mysql://\${aws_db_instance.database_instance[0].address}:3306/front50?sslMode=REQUIRED") && yamldecode(${FRONT50}).sql.enabled && !yamldecode(${FRONT50}).spinnaker.s3.enabled
    error_message = "front50 must keep its data in the created database, over TLS, and not in S3: \${${FRONT50}}"
  }
}
${OWN_DATABASE_RUN("aws_db_instance.database_instance")}${RELEASE_2027}${STORAGE_REFUSALS}${ONE_INSTANCE_SUBNET}${refusedStorage("mysql_version", '{ type = "sql", mysql_version = "5.7" }')}${refusedStorage("mysql_version_aurora", '{ type = "sql", mysql_version = "8.0.mysql_aurora.3.10.4" }')}`,
        15,
      );
    },
    TIMEOUT,
  );

  test(
    "HA: creates an Aurora MySQL cluster with a reader or uses the deployer's own; refuses bad values; 2027 only with sql",
    () => {
      const workdir = initialized(join(layout, "modules", "ha"));
      expectTerraformTest(
        workdir,
        "storage.tftest.hcl",
        `${mockProvider(SQL_MOCKS)}
variables {
${NETWORK}  redis_auth_token    = "placeholder-token-0123456789"
  ami_id              = "ami-0123456789abcdef0"
  official_image      = false
}

run "created_database" {
  command = apply
  variables {
    storage = { type = "sql" }
  }
  assert {
    condition     = length(aws_rds_cluster.database_cluster) == 1 && aws_rds_cluster.database_cluster[0].engine == "aurora-mysql" && aws_rds_cluster.database_cluster[0].master_username == "spinnaker" && aws_rds_cluster.database_cluster[0].manage_master_user_password && length(aws_rds_cluster_instance.database_member) == 2
    error_message = "storage.type sql must create an Aurora MySQL cluster, a writer and a reader, whose master password RDS keeps"
  }
  assert {
    condition     = aws_rds_cluster.database_cluster[0].storage_encrypted && aws_rds_cluster.database_cluster[0].deletion_protection && !aws_rds_cluster.database_cluster[0].skip_final_snapshot && alltrue([for m in aws_rds_cluster_instance.database_member : !m.publicly_accessible])
    error_message = "the cluster must be encrypted, protected and snapshotted when deleted, its members private"
  }
  assert {
    condition     = aws_rds_cluster_parameter_group.database_cluster_parameters[0].family == "aurora-mysql8.0" && contains([for p in aws_rds_cluster_parameter_group.database_cluster_parameters[0].parameter : "\${p.name}=\${p.value}"], "require_secure_transport=ON")
    error_message = "the cluster's parameter group must be of its version's family and require TLS"
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.database_to_database[0].from_port == 3306 && length(aws_vpc_security_group_egress_rule.to_existing_database) == 0
    error_message = "the instances must reach the database's group on 3306"
  }
  assert {
    condition     = strcontains(${FRONT50}, "jdbc:mysql://\${aws_rds_cluster.database_cluster[0].endpoint}:3306/front50?sslMode=REQUIRED") && yamldecode(${FRONT50}).sql.enabled && !yamldecode(${FRONT50}).spinnaker.s3.enabled
    error_message = "front50 must keep its data in the cluster's writer, over TLS, and not in S3: \${${FRONT50}}"
  }
}
${OWN_DATABASE_RUN("aws_rds_cluster.database_cluster")}${RELEASE_2027}${STORAGE_REFUSALS}${refusedStorage("aurora_version", '{ type = "sql", aurora_version = "8.0" }')}${refusedStorage("aurora_version_mysql", '{ type = "sql", aurora_version = "5.7.mysql_aurora.2.12.0" }')}${refusedStorage("aurora_readers_0", '{ type = "sql", aurora_readers = 0 }')}`,
        13,
      );
    },
    TIMEOUT,
  );
});
