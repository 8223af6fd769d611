import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { TerraformVariable, Testing } from "cdktf";
import type { Construct } from "constructs";
import { ManagedRedis, type ManagedRedisProps } from "../../modules/constructs/managed-redis";

function synth(overrides: Partial<ManagedRedisProps> = {}, literalToken = false) {
  return Testing.synthScope((scope: Construct) => {
    const token = new TerraformVariable(scope, "redis_auth_token", { type: "string", sensitive: true });
    new ManagedRedis(scope, "redis", {
      namePrefix: "armoryspinnaker-preprod",
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      clientSecurityGroupId: "sg-0123456789abcdef0",
      authToken: literalToken ? "a-literal-token-value" : token.stringValue,
      ...overrides,
    });
  });
}

test("a Multi-AZ replication group with automatic failover, encrypted in transit and at rest, behind an AUTH token", () => {
  expect(synth()).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
    replication_group_id: "armoryspinnaker-preprod-redis",
    engine: "redis",
    num_cache_clusters: 2,
    multi_az_enabled: true,
    automatic_failover_enabled: true,
    transit_encryption_enabled: true,
    at_rest_encryption_enabled: "true",
    auth_token: "${var.redis_auth_token}",
    snapshot_retention_limit: 7,
  });
});

test("a changed AUTH token is rotated, as 5.x does by default: 6.x requires the strategy with the token", () => {
  expect(synth()).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
    auth_token: "${var.redis_auth_token}",
    auth_token_update_strategy: "ROTATE",
  });
});

test("keyspace notifications gxE come from the parameter group, since ElastiCache blocks CONFIG", () => {
  expect(synth()).toHaveResourceWithProperties(ElasticacheParameterGroup, {
    family: "redis7",
    parameter: [{ name: "notify-keyspace-events", value: "gxE" }],
  });
});

test("Redis 6 uses ElastiCache's redis6.x family", () => {
  expect(synth({ engineVersion: "6.2" })).toHaveResourceWithProperties(ElasticacheParameterGroup, {
    family: "redis6.x",
  });
});

test("the parameter group's name changes with whatever replaces it, so create-before-destroy never collides", () => {
  const group = (engineVersion: string) => {
    const json = JSON.parse(synth({ engineVersion }));
    const [only] = Object.values(json.resource.aws_elasticache_parameter_group) as Record<string, unknown>[];
    return only as { name: string; lifecycle: { create_before_destroy: boolean } };
  };
  const redis6 = group("6.2");
  const redis7 = group("7.1");
  expect(redis7.lifecycle.create_before_destroy).toBe(true);
  expect(redis6.name).toMatch(/^armoryspinnaker-preprod-redis-redis6x-[0-9a-f]{8}$/);
  expect(redis7.name).toMatch(/^armoryspinnaker-preprod-redis-redis7-[0-9a-f]{8}$/);
  // A minor upgrade keeps the family, so the same group (updated in place, no replacement).
  expect(group("7.0").name).toBe(redis7.name);
});

test("only the instances' group may connect, and only on 6379", () => {
  const json = JSON.parse(synth());
  const [ingress] = Object.values(json.resource.aws_vpc_security_group_ingress_rule) as Record<string, unknown>[];
  expect(ingress).toMatchObject({
    from_port: 6379,
    to_port: 6379,
    referenced_security_group_id: "sg-0123456789abcdef0",
  });
  const [egress] = Object.values(json.resource.aws_vpc_security_group_egress_rule) as Record<string, unknown>[];
  expect(egress).toMatchObject({ security_group_id: "sg-0123456789abcdef0", from_port: 6379 });
});

test("the URL secret holds the percent-encoded token and the primary endpoint, over TLS", () => {
  expect(synth()).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
    secret_string: expect.stringMatching(
      /^rediss:\/\/:\$\{urlencode\(var\.redis_auth_token\)\}@\$\{aws_elasticache_replication_group\..+\.primary_endpoint_address\}:6379$/,
    ),
  });
});

test("more replicas mean more cache clusters", () => {
  expect(synth({ replicas: 2 })).toHaveResourceWithProperties(ElasticacheReplicationGroup, { num_cache_clusters: 3 });
});

test("refuses a literal token: it would be written into the configuration", () => {
  expect(() => synth({}, true)).toThrow("authToken must be a sensitive Terraform variable, not a literal");
});

test.each([0, 6])("refuses %d replicas", (replicas) => {
  expect(() => synth({ replicas })).toThrow(
    `replicas must be a whole number from 1 to 5 (Multi-AZ needs one), got ${replicas}`,
  );
});
