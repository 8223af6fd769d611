import { parse } from "yaml";
import { userDataText } from "../../modules/spinnaker/cloud-init";
import { resourcesOf, SIGN_IN, type Synthesized, settingsFrom, synthStack, templateOf } from "../helpers";

const json = synthStack(settingsFrom(), "ha");

type Resource = Record<string, unknown>;

function groups(j: Synthesized = json): Resource[] {
  return Object.values(resourcesOf(j, "aws_autoscaling_group"));
}

function userDataOf(template: Resource, j: Synthesized = json): string {
  return templateOf(j, template.user_data);
}

function instanceTagsOf(template: Resource): Record<string, string> {
  const specifications = template.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
  return specifications.find((t) => t.resource_type === "instance")?.tags ?? {};
}

function templateNamed(name: string): Resource {
  const template = Object.values(resourcesOf(json, "aws_launch_template")).find((t) => t.name === name);
  if (!template) throw new Error(`no launch template ${name}`);
  return template;
}

/** A file of the configuration: its text, read from the templates/ folder where it is one. */
function profile(key: string, j: Synthesized = json): string {
  const object = Object.values(resourcesOf(j, "aws_s3_object")).find((o) => o.key === key);
  const content = String(object?.content);
  return content.startsWith('${file("') ? templateOf(j, content) : content;
}

test("a polling group of exactly one and a non-polling group of three by default", () => {
  const byName = Object.fromEntries(groups().map((g) => [g.name, g]));
  expect(byName["armoryspinnaker-preprod-polling-v000"]).toMatchObject({
    min_size: 1,
    max_size: 1,
    desired_capacity: 1,
  });
  expect(byName["armoryspinnaker-preprod-v000"]).toMatchObject({ min_size: "${var.non_polling_capacity}" });
  expect(json.variable?.non_polling_capacity.default).toBe(3);
});

test("both groups span the instance subnets (AZs); only deck's and gate's target groups are theirs (ELB health)", () => {
  for (const group of groups()) {
    expect(group.vpc_zone_identifier).toBe("${var.instance_subnet_ids}");
    expect(group.health_check_type).toBe("ELB");
    expect(group.target_group_arns).toEqual([
      "${aws_lb_target_group.user_facing_load_balancer_deck_target_group.arn}",
      "${aws_lb_target_group.user_facing_load_balancer_gate_target_group.arn}",
    ]);
  }
});

test("the instances join the interservice target groups themselves, so those only route", () => {
  const interservice = Object.keys(resourcesOf(json, "aws_lb_target_group"))
    .filter((name) => name.startsWith("interservice_load_balancer"))
    .map((name) => `\${aws_lb_target_group.${name}.arn}`);
  expect(interservice.length).toBeGreaterThanOrEqual(6);
  // The list the boot script reads, one ARN per line.
  const objects = Object.values(resourcesOf(json, "aws_s3_object")) as { key: string; content: string }[];
  const list = objects.find((o) => o.key === "config/interservice-target-groups")?.content ?? "";
  expect(list.trim().split("\n").sort()).toEqual([...interservice].sort());
  // Only these target groups, only (de)registration.
  const permissions = json.data?.aws_iam_policy_document?.instance_role_permissions as {
    statement: { sid: string; actions: string[]; resources: string[] }[];
  };
  const registration = permissions.statement.find((s) => s.sid === "InterserviceTargets");
  expect(registration?.actions).toEqual([
    "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:DeregisterTargets",
  ]);
  expect([...(registration?.resources ?? [])].sort()).toEqual([...interservice].sort());
  // Each role's user data registers after start and deregisters before it stops.
  for (const template of Object.values(resourcesOf(json, "aws_launch_template"))) {
    const unit = parse(userDataOf(template)).write_files.find(
      (f: { path: string }) => f.path === "/etc/systemd/system/spinnaker.service",
    ).content as string;
    expect(unit).toContain("ExecStartPost=/opt/spinnaker/bin/interservice-targets register\n");
    expect(unit.indexOf("interservice-targets deregister")).toBeLessThan(unit.indexOf("bin/compose down"));
  }
});

test("the polling group terminates before it launches; the non-polling group keeps capacity", () => {
  const byName = Object.fromEntries(groups().map((g) => [g.name, g.instance_refresh]));
  expect(byName["armoryspinnaker-preprod-polling-v000"]).toMatchObject({
    preferences: { min_healthy_percentage: 0, max_healthy_percentage: 100 },
  });
  expect(byName["armoryspinnaker-preprod-v000"]).toMatchObject({
    preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200 },
  });
});

test("both launch templates boot the one user data; each instance's role tag picks its compose project", () => {
  const pollingTemplate = templateNamed("armoryspinnaker-preprod-polling");
  const nonPollingTemplate = templateNamed("armoryspinnaker-preprod");
  expect(pollingTemplate.user_data).toBe(nonPollingTemplate.user_data);
  expect(userDataOf(pollingTemplate)).toBe(userDataText());
  expect(instanceTagsOf(pollingTemplate).SpinnakerRole).toBe("polling");
  expect(instanceTagsOf(nonPollingTemplate).SpinnakerRole).toBe("nonpolling");
  const polling = profile("config/compose-polling.yaml");
  const nonPolling = profile("config/compose-nonpolling.yaml");
  expect(polling).toContain('SPINNAKER_BUILD_POLLINGENABLED: "true"');
  expect(polling).toContain('SCHEDULER_ENABLED: "true"');
  expect(nonPolling).toContain('SPINNAKER_BUILD_POLLINGENABLED: "false"');
  expect(nonPolling).toContain('SCHEDULER_ENABLED: "false"');
  expect(nonPolling).toContain('CACHING_WRITEENABLED: "false"');
  // Neither runs Redis on the instance.
  for (const project of [polling, nonPolling]) expect(project).not.toContain("redis-server");
  expect(profile("config/memory-budget")).not.toMatch(/^redis /m);
});

const internalPorts = (j: Synthesized) =>
  Object.entries(resourcesOf(j, "aws_lb_listener"))
    .filter(([name]) => name.startsWith("interservice_load_balancer_"))
    .map(([, l]) => l.port as number)
    .sort();

test("services reach each other through the interservice load balancer, one listener per backend port", () => {
  const shared = parse(profile("config/spinnaker-local.yml"));
  expect(shared.services.clouddriver.baseUrl).toBe("http://${aws_lb.interservice_load_balancer.dns_name}:7002");
  expect(internalPorts(json)).toEqual([7002, 8080, 8083, 8087, 8088, 8089]);
});

test("fiat runs, behind its own listener and in the member rules, only with sign-in", () => {
  const signedIn = synthStack(settingsFrom(SIGN_IN), "ha");
  expect(internalPorts(signedIn)).toEqual([7002, 7003, 8080, 8083, 8087, 8088, 8089]);
  const members = Object.values(resourcesOf(signedIn, "aws_vpc_security_group_ingress_rule")).map((r) => r.from_port);
  expect(members).toContain(7003);
  // The URLs are Terraform expressions here, so the text is checked, not parsed.
  expect(profile("config/spinnaker-local.yml", signedIn)).toMatch(
    / {2}fiat:\n {4}baseUrl: .+:7003\n {4}enabled: true\n/,
  );
  const list = profile("config/interservice-target-groups", signedIn);
  expect(list).toContain("${aws_lb_target_group.interservice_load_balancer_fiat_target_group.arn}");
  // The projects are the same texts with and without sign-in; compose.env switches fiat's profile on.
  for (const role of ["polling", "nonpolling"]) {
    expect(profile(`config/compose-${role}.yaml`, signedIn)).toBe(profile(`config/compose-${role}.yaml`));
    expect(parse(profile(`config/compose-${role}.yaml`)).services.fiat.profiles).toEqual(["fiat"]);
  }
  expect(profile("config/compose.env", signedIn)).toMatch(/\nCOMPOSE_PROFILES=fiat\n/);
  expect(profile("config/compose.env")).toMatch(/\nCOMPOSE_PROFILES=\n/);
});

test("Redis is ElastiCache; its URL, token included, is a secret reference the instances may read", () => {
  expect(Object.keys(resourcesOf(json, "aws_elasticache_replication_group"))).toHaveLength(1);
  const shared = parse(profile("config/spinnaker-local.yml"));
  expect(shared.services.redis.baseUrl).toBe("${local.redis_url_reference}");
  expect((json as { locals?: Record<string, string> }).locals?.redis_url_reference).toMatch(
    // The secret's own region, read from its ARN: the same code serves a deployer's secret elsewhere.
    /^encrypted:secrets-manager!r:\$\{element\(split\(":", aws_secretsmanager_secret\.redis_url_secret\.arn\), 3\)\}!s:\$\{aws_secretsmanager_secret\.redis_url_secret\.arn\}$/,
  );
  expect(parse(profile("config/gate-local.yml")).redis.configuration.secure).toBe(true);
  const permissions = json.data?.aws_iam_policy_document?.instance_role_permissions as {
    statement: { sid: string; resources: string[] }[];
  };
  expect(permissions.statement.find((s) => s.sid === "Secrets")?.resources).toEqual([
    expect.stringMatching(/^\$\{aws_secretsmanager_secret\..+\.arn\}$/),
  ]);
});

test("the AUTH token is a sensitive variable with no default", () => {
  expect(json.variable?.redis_auth_token).toMatchObject({ sensitive: true, type: "string" });
  expect(json.variable?.redis_auth_token).not.toHaveProperty("default");
});

test("an existing Redis: no ElastiCache, no token variable, its secret referenced in its own region, a way through", () => {
  const secret = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:spin-redis-url-AbCdEf";
  const own = synthStack(
    settingsFrom({
      ha: {
        redis: { existingUrlSecretArn: secret, existingSecurityGroupId: "sg-0aaaaaaaaaaaaaaaa", existingPort: 6380 },
      },
    }),
    "ha",
  );
  expect(resourcesOf(own, "aws_elasticache_replication_group")).toEqual({});
  expect(own.variable?.redis_auth_token).toBeUndefined();
  expect(parse(profile("config/spinnaker-local.yml", own)).services.redis.baseUrl).toBe(
    `encrypted:secrets-manager!r:eu-west-1!s:${secret}`,
  );
  const permissions = own.data?.aws_iam_policy_document?.instance_role_permissions as {
    statement: { sid: string; resources: string[] }[];
  };
  expect(permissions.statement.find((s) => s.sid === "Secrets")?.resources).toEqual([secret]);
  const toRedis = Object.values(resourcesOf(own, "aws_vpc_security_group_egress_rule")).filter(
    (r) => r.referenced_security_group_id === "sg-0aaaaaaaaaaaaaaaa",
  );
  expect(toRedis).toEqual([expect.objectContaining({ from_port: 6380, to_port: 6380 })]);
});

test("create: false is what an existing Redis implies, written or not", () => {
  const redis = {
    existingUrlSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:spin-redis-url-AbCdEf",
    existingSecurityGroupId: "sg-0aaaaaaaaaaaaaaaa",
  };
  const implied = synthStack(settingsFrom({ ha: { redis } }), "ha");
  expect(synthStack(settingsFrom({ ha: { redis: { ...redis, create: false } } }), "ha")).toEqual(implied);
  expect(resourcesOf(implied, "aws_elasticache_replication_group")).toEqual({});
  expect(synthStack(settingsFrom({ ha: { redis: { create: true } } }), "ha")).toEqual(json);
});

test("a new Redis URL (endpoint or token) rolls the instances, and none boots before it exists", () => {
  for (const name of ["armoryspinnaker-preprod-polling", "armoryspinnaker-preprod"]) {
    const tags = (
      templateNamed(name).tag_specifications as { resource_type: string; tags: Record<string, string> }[]
    ).find((t) => t.resource_type === "instance")?.tags;
    // Both groups' tag: one local value.
    expect(tags?.SpinnakerConfigVersion).toBe("${local.config_version}");
  }
  expect((json as { locals?: Record<string, string> }).locals?.config_version).toMatch(
    /aws_secretsmanager_secret_version\..+\.version_id/,
  );
  for (const group of groups()) {
    expect(group.depends_on).toEqual([expect.stringMatching(/^aws_secretsmanager_secret_version\./)]);
  }
});

test("the internal group admits members on every backend service port", () => {
  const members = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).filter(
    (r) => r.referenced_security_group_id !== undefined && r.referenced_security_group_id === r.security_group_id,
  );
  expect(members.map((r) => r.from_port).sort()).toEqual([7002, 8080, 8083, 8087, 8088, 8089]);
});

test("outputs name both server groups, the interservice load balancer and Redis", () => {
  expect(Object.keys(json.output ?? {})).toEqual(
    expect.arrayContaining([
      "polling_auto_scaling_group_name",
      "non_polling_auto_scaling_group_name",
      "interservice_load_balancer_dns_name",
      "redis_primary_endpoint",
      "deck_url",
    ]),
  );
});

test("both launch templates check the instance type's memory at plan, without Redis's share, in one lookup", () => {
  const lookups = Object.values(json.data?.aws_ec2_instance_type ?? {}) as {
    instance_type: string;
    lifecycle: { postcondition: { condition: string }[] };
  }[];
  // The same type and the same minimum for both: one lookup checks it.
  expect(Object.keys(json.data?.aws_ec2_instance_type ?? {})).toEqual(["launch_template_instance_type"]);
  for (const lookup of lookups) {
    expect(lookup.instance_type).toBe("${var.instance_type}");
    // Seven JVM services (fiat runs only with sign-in), deck and the OS; no Redis on the instance.
    expect(lookup.lifecycle.postcondition[0].condition).toBe("${(self.memory_size >= 8692)}");
  }
});

test("one lookup refuses an instance type EC2 does not offer, before the memory lookup", () => {
  expect(Object.keys(json.data?.aws_ec2_instance_types ?? {})).toEqual(["offered"]);
  const lookups = Object.values(json.data?.aws_ec2_instance_type ?? {}) as { depends_on: string[] }[];
  for (const lookup of lookups) expect(lookup.depends_on).toEqual(["data.aws_ec2_instance_types.offered"]);
});
