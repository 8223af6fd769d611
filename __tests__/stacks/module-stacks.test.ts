import { RULE_LOCALS } from "../../modules/config/rules";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { settingsFrom, synthStack, templateOf } from "../helpers";

describe.each(["standalone-module", "ha-module"] as const)("%s", (stack) => {
  const json = synthStack(settingsFrom(), stack);
  const text = JSON.stringify({ resource: json.resource, data: json.data });

  test("is a clean child module: no provider block, no backend, hashicorp/aws at a minimum version", () => {
    expect(json.provider).toBeUndefined();
    expect(json.terraform?.backend).toBeUndefined();
    expect(json.terraform?.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: ">= 5.100.0, < 7.0.0" },
    });
    expect(json.terraform?.required_version).toBe(">= 1.10");
  });

  test("takes region and partition from the caller's provider: nothing names us-west-2 or arn:aws:", () => {
    expect(json.data?.aws_region?.current).toEqual({});
    expect(json.data?.aws_partition?.current).toEqual({});
    expect(text).not.toContain("us-west-2");
    expect(text).not.toMatch(/arn:aws:/);
    expect(text).toContain("arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore");
    expect(json.output?.region).toBeUndefined();
  });

  test("names every resource from its name and environment inputs, so calls with for_each never collide", () => {
    expect(text).not.toContain("armoryspinnaker");
    expect(text).not.toContain("preprod");
    const groups = Object.values(json.resource?.aws_autoscaling_group ?? {}).map((g) => g.name);
    expect(groups).toContain("${var.name}-${var.environment}-v000");
    expect(json.variable?.name).toMatchObject({ type: "string", default: "armoryspinnaker" });
    expect(json.variable?.environment).toMatchObject({ type: "string", default: "preprod" });
  });

  test("has the stack's resources and variables, and its own inputs besides", () => {
    const full = synthStack(settingsFrom(), stack === "ha-module" ? "ha" : "standalone");
    const addresses = (j: typeof json) =>
      Object.entries(j.resource ?? {})
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
    // Besides: what a module switches on its inputs with count (the stack has it only when configured).
    const switched = [
      "aws_lb_listener.user_facing_load_balancer_http_redirect",
      "aws_vpc_security_group_ingress_rule.security_groups_user_ingress_redirect",
      "aws_iam_role.managed_account_role",
      "aws_iam_role_policy.managed_account_role_pass_role_policy",
      "aws_iam_role_policy_attachment.managed_account_role_power_user",
      // Only kayenta (fiat) reads it: written whether or not kayenta (fiat) runs.
      "aws_s3_object.configuration_file_kayenta_local_yml",
      "aws_s3_object.configuration_file_fiat_local_yml",
      // SQL storage (storage.type sql): its database, created or the caller's, and the boot steps.
      "aws_db_subnet_group.database_subnet_group",
      "aws_security_group.database_security_group",
      "aws_vpc_security_group_ingress_rule.database_from_instances",
      "aws_vpc_security_group_egress_rule.database_to_database",
      "aws_vpc_security_group_egress_rule.to_existing_database",
      "aws_secretsmanager_secret.front50_database_secret",
      "aws_secretsmanager_secret.orca_database_secret",
      "aws_s3_object.configuration_file_database_env",
      "aws_s3_object.configuration_file_database_init_sh",
      "aws_s3_object.configuration_file_database_secrets_sh",
      // ... and what it adds to each role's compose project, an overlay of its own.
      "aws_s3_object.configuration_file_compose_polling_sql_yaml",
      ...(stack === "ha-module"
        ? [
            "aws_s3_object.configuration_file_compose_nonpolling_sql_yaml",
            "aws_rds_cluster.database_cluster",
            "aws_rds_cluster_instance.database_member",
            "aws_rds_cluster_parameter_group.database_cluster_parameters",
          ]
        : ["aws_db_instance.database_instance", "aws_db_parameter_group.database_parameters"]),
      ...(stack === "ha-module"
        ? [
            "aws_vpc_security_group_egress_rule.to_existing_redis",
            "aws_lb_listener.interservice_load_balancer_kayenta_listener",
            "aws_lb_target_group.interservice_load_balancer_kayenta_target_group",
            "aws_vpc_security_group_ingress_rule.security_groups_member_ingress_8090",
            "aws_vpc_security_group_egress_rule.security_groups_member_egress_8090",
            "aws_lb_listener.interservice_load_balancer_fiat_listener",
            "aws_lb_target_group.interservice_load_balancer_fiat_target_group",
            "aws_vpc_security_group_ingress_rule.security_groups_member_ingress_7003",
            "aws_vpc_security_group_egress_rule.security_groups_member_egress_7003",
            // Spinnaker deploys itself (self_deploy): what it creates, while the input says so.
            "aws_ec2_tag.self_deploy_subnet_purpose_tag",
            "aws_iam_role.self_deploy_role",
            "aws_iam_role_policy.self_deploy_instance_role_policy",
            "aws_iam_role_policy.self_deploy_role_policy",
            "aws_s3_object.configuration_file_compose_polling_self_deploy_yaml",
            "aws_s3_object.configuration_file_seed_spinnaker",
            "aws_s3_object.configuration_file_self_deploy_application_json",
            "aws_s3_object.configuration_file_self_deploy_env",
            "aws_s3_object.configuration_file_self_deploy_pipeline_json",
            // ... the stacks that hand v000 over, and the clean-up at destroy.
            "aws_cloudformation_stack.non_polling_server_group_hand_over",
            "aws_cloudformation_stack.polling_server_group_hand_over",
            "aws_cloudformation_stack.self_deploy_cleanup_function",
            "aws_cloudwatch_log_group.self_deploy_cleanup_log_group",
            "aws_iam_role.self_deploy_cleanup_role",
            "aws_iam_role_policy.self_deploy_cleanup_role_policy",
            "aws_lambda_invocation.self_deploy_cleanup_invocation",
          ]
        : []),
    ];
    expect(addresses(json)).toEqual([...addresses(full), ...switched].sort());
    // The SQL overlay exists while storage.type is sql, for each role, from one template file.
    const objects = json.resource?.aws_s3_object ?? {};
    for (const role of stack === "ha-module" ? ["polling", "nonpolling"] : ["polling"]) {
      expect(objects[`configuration_file_compose_${role}_sql_yaml`]).toMatchObject({
        count: '${(var.storage.type == "sql") ? 1 : 0}',
        key: `config/compose-${role}.sql.yaml`,
        content: '${file("${path.module}/templates/compose.sql.yaml")}',
      });
    }
    expect(json.resource?.aws_lb_listener?.user_facing_load_balancer_http_redirect.count).toBe(
      "${(var.load_balancer.https && ((local.deck_port != 80) && (var.load_balancer.gate_port != 80))) ? 1 : 0}",
    );
    // deck's port follows https unless set.
    expect((json as { locals?: Record<string, string> }).locals?.deck_port).toBe(
      "${coalesce(var.load_balancer.deck_port, var.load_balancer.https ? 443 : 80)}",
    );
    expect(Object.keys(json.variable ?? {}).sort()).toEqual(
      [
        ...Object.keys(full.variable ?? {}),
        ...[
          "accounts",
          "auth",
          "ci",
          "config_bucket",
          "environment",
          "load_balancer",
          "name",
          "official_image",
          "os",
          "spinnaker",
          "storage",
          "tags",
        ],
        ...(stack === "ha-module" ? ["redis", "self_deploy"] : []),
      ].sort(),
    );
  });

  test("decides every count and for_each on values its caller writes, never on whether a string or an attribute is null", () => {
    const choices = [...Object.values(json.resource ?? {}), ...Object.values(json.data ?? {})]
      .flatMap((byName) => Object.values(byName))
      .flatMap((body) => [body.count, body.for_each])
      .filter((expression): expression is string => typeof expression === "string");
    expect(choices.length).toBeGreaterThan(10);
    // A root may pass another resource's ARN or id, unknown until apply: a count reading its
    // nullness (or comparing it) cannot be planned. Whole objects are another matter: the caller
    // writes `auth = { ... }` or null, known at plan whatever their attributes hold.
    const nullTested = choices.flatMap((e) => [...e.matchAll(/(var\.[\w.]+) [!=]= null/g)].map((m) => m[1]));
    expect([...new Set(nullTested)].filter((reference) => reference !== "var.auth")).toEqual([]);
    expect(choices.filter((e) => /lookup\(var\./.test(e))).toEqual([]);
  });

  test("its resources carry the caller's tags and the ones a provider's default_tags would have added", () => {
    expect((json as { locals?: Record<string, unknown> }).locals?.tags).toBe(
      '${merge(var.tags, {"spinnaker:topology" = "' +
        (stack === "ha-module" ? "high-availability" : "standalone") +
        '", "managed-by" = "terraform"})}',
    );
    const rules = Object.values(json.resource?.aws_vpc_security_group_ingress_rule ?? {});
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.tags).toBe("${local.tags}");
    const groups = Object.values(json.resource?.aws_security_group ?? {});
    for (const group of groups) expect(group.tags).toMatch(/^\$\{merge\(local\.tags, \{"Name" = /);
  });

  test("boots one user data file whatever its os, kayenta and auth inputs; the official image follows os", () => {
    const templates = Object.values(json.resource?.aws_launch_template ?? {});
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      expect(template.user_data).toBe('${filebase64("${path.module}/templates/cloud-init.yaml")}');
    }
    expect(templateOf(json, "cloud-init.yaml")).toBe(userDataText());
    // No map of encoded variants, nor any other local holding one.
    expect(JSON.stringify((json as { locals?: object }).locals ?? {})).not.toMatch(/[A-Za-z0-9+/]{200,}/);
    expect(JSON.stringify(json.data?.aws_ami)).toContain('\\"rhel\\" = \\"309956199498\\"');
  });

  test("kayenta and fiat are switched on by compose.env's COMPOSE_PROFILES, built by Terraform from the inputs", () => {
    const env = Object.values(json.resource?.aws_s3_object ?? {}).find((o) => o.key === "config/compose.env");
    // Named, so that the line reads as one setting; SQL storage's images precede it when it is on.
    expect(env?.content).toContain("${local.database_images}COMPOSE_PROFILES=${local.compose_profiles}\n");
    const locals = (json as { locals?: Record<string, string> }).locals;
    // The regions the inputs' validations accept: one list, read by name.
    expect(locals?.aws_regions).toEqual(RULE_LOCALS.aws_regions);
    expect(JSON.stringify(json.variable)).not.toContain('"ap-northeast-1"');
    expect(JSON.stringify(json.variable?.accounts)).toContain("contains(local.aws_regions, e)");
    expect(locals?.compose_profiles).toBe(
      '${join(",", compact([var.spinnaker.kayenta ? "kayenta" : "", (var.auth != null) ? "fiat" : ""]))}',
    );
    expect(locals?.database_images).toBe(
      '${(var.storage.type == "sql") ? "AWS_CLI_IMAGE=${var.spinnaker.aws_cli_image}\\nDATABASE_CLIENT_IMAGE=${var.spinnaker.database_client_image}\\n" : ""}',
    );
  });

  if (stack === "ha-module") {
    test("creates ElastiCache or uses the caller's Redis as redis.create says, never by an ARN's nullness", () => {
      expect(String(json.variable?.redis.type)).toContain("create = optional(bool, true)");
      const managed = [
        json.resource?.aws_elasticache_replication_group,
        json.resource?.aws_elasticache_parameter_group,
        json.resource?.aws_elasticache_subnet_group,
        // Redis's URL secret; SQL storage's secrets follow storage.type.
        { url: json.resource?.aws_secretsmanager_secret?.redis_url_secret },
        json.resource?.aws_secretsmanager_secret_version,
      ].flatMap((byName) => Object.values(byName ?? {}).filter((resource) => resource !== undefined));
      expect(managed.length).toBe(5);
      for (const resource of managed) expect(resource.count).toBe("${var.redis.create ? 1 : 0}");
      expect(json.resource?.aws_vpc_security_group_egress_rule?.to_existing_redis.count).toBe(
        "${!var.redis.create ? 1 : 0}",
      );
      // spinnaker-local.yml reads it as local.redis_url_reference.
      expect((json as { locals?: Record<string, string> }).locals?.redis_url_reference).toContain(
        "!s:${local.redis_url_secret_arn}",
      );
      expect((json as { locals?: Record<string, string> }).locals?.redis_url_secret_arn).toBe(
        "${var.redis.create ? one(aws_secretsmanager_secret.redis_url_secret[*].arn) : var.redis.existing_url_secret_arn}",
      );
    });
  }

  test("images follow the spinnaker input: compose.env is built by Terraform from it", () => {
    const env = Object.values(json.resource?.aws_s3_object ?? {}).find((o) => o.key === "config/compose.env");
    expect(env?.content).toContain(
      'CLOUDDRIVER_IMAGE=${lookup(var.spinnaker.images, "clouddriver", "${local.spinnaker.registry}/clouddriver:${local.spinnaker.version}")}',
    );
    expect(String(json.variable?.spinnaker.type)).toMatch(/^object\(\{ distribution = optional\(string, "oss"\)/);
    expect(String(json.variable?.spinnaker.type).includes("redis_image")).toBe(stack === "standalone-module");
  });
});
