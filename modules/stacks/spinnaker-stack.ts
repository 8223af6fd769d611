import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Annotations,
  Fn,
  Op,
  type TerraformElement,
  TerraformLocal,
  TerraformStack,
  type TerraformVariable,
  Token,
} from "cdktf";
import type { Construct, Node } from "constructs";
import { DEFAULT_OSS_VERSION, DEFAULT_REGISTRY, type Deployment, type Settings } from "../config/schema";
import type { OperatingSystem } from "../constructs/machine-image";
import { checkInstanceMemory, unknownInstanceTypeWarning } from "../spinnaker/memory";
import { stackLocal } from "../terraform-values";
import { ReadableAddresses, TOPOLOGY_IDS } from "./addresses";
import { configureBackend } from "./backend";
import { terraformJson } from "./terraform-json";
import { defineModuleVariables, defineVariables, type StackVariables } from "./variables";

/** The Terraform and provider versions the synthesized configuration needs. */
export const REQUIRED_TERRAFORM = ">= 1.10";
/**
 * hashicorp/aws 5.100.0 is the version the tests run (validate, plan, `terraform test`, the
 * emulator); 6.x is checked statically, against the cdktf bindings of 6.x.
 */
export const REQUIRED_AWS_PROVIDER = ">= 5.100.0, < 7.0.0";

/**
 * The provider's region, as `data.aws_region.current` reports it: `id` is the region's name in
 * 5.100 and in 6.x alike. `name` is deprecated from 6.0, and `region`, its replacement, does not exist
 * before 6.0; a 6.x release with hashicorp/terraform-provider-aws#48036 deprecates `id` too (a
 * warning at plan, not an error).
 */
export const CURRENT_REGION = "data.aws_region.current.id";

/** What a topology asks of the stack around it. */
export interface TopologyRequirements {
  /** Tag value of `spinnaker:topology`. */
  readonly name: string;
  /** The topology's part of the state key. */
  readonly stateName: "standalone" | "ha";
  /** Instance subnets (AZs) the topology needs at the least. */
  readonly minInstanceSubnets: number;
  /** Redis runs in a container on the instances (stand-alone). */
  readonly localRedis: boolean;
}

export interface SpinnakerStackOptions {
  /**
   * Synthesize a child module for existing Terraform: no provider and no backend blocks (the caller
   * brings both, and the region and partition are its provider's), with the inputs of
   * `defineModuleVariables`: `name`, `environment` and `tags`, which every resource name and tag
   * derives from (so a caller may use `count`, `depends_on`, and `for_each` over environments in one
   * account), and `os`, `spinnaker`, `load_balancer`, `config_bucket`, `accounts`, `ci`, `auth` and (HA) `redis`.
   * @default false
   */
  readonly module?: boolean;
}

/**
 * What every Spinnaker stack shares: the AWS provider with the configured tags, the state backend,
 * and the Terraform variables; `deployment` is the settings with those variables in place, which the
 * topology receives. Providers and backends live here, never in a construct, so the topologies can
 * also be used as a plain child module.
 */
export abstract class SpinnakerStack extends TerraformStack {
  readonly variables: StackVariables;
  readonly deployment: Deployment;
  // The topology's own id (`Spinnaker`) adds nothing to an address.
  private readonly addresses = new ReadableAddresses(this, TOPOLOGY_IDS);

  protected constructor(
    scope: Construct,
    id: string,
    settings: Settings,
    topology: TopologyRequirements,
    options: SpinnakerStackOptions = {},
  ) {
    super(scope, id);
    const stackTags = { "spinnaker:topology": topology.name, "managed-by": "terraform" };
    // cdktf needs the provider to synthesize; a module drops its block again below.
    new AwsProvider(this, "aws", {
      region: settings.region,
      defaultTags: [{ tags: { ...settings.tags, ...stackTags } }],
    });
    if (options.module) {
      // cdktf adds a local backend to a stack without one; a child module must have none.
      this.addOverride("provider", undefined);
      this.addOverride("terraform.backend", undefined);
    } else {
      configureBackend(this, topology.stateName, settings);
    }
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    this.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
    this.addOverride("terraform.required_providers.aws.version", REQUIRED_AWS_PROVIDER);

    // Region and partition are the provider's: the caller's, for a module.
    const currentRegion = new DataAwsRegion(this, "Region");
    const currentPartition = new DataAwsPartition(this, "Partition");
    // Terraform's own idiom for these: data.aws_region.current, data.aws_partition.current.
    currentRegion.overrideLogicalId("current");
    currentPartition.overrideLogicalId("current");
    const region = currentRegion.id; // the address CURRENT_REGION names
    const partition = currentPartition.partition;
    // A module names and tags its resources from its inputs; a stack from the configuration, like its
    // state key, so that one state never holds two environments.
    const inputs = options.module ? defineModuleVariables(this, settings, topology.localRedis) : undefined;
    const namePrefix = inputs ? `${inputs.name.stringValue}-${inputs.environment.stringValue}` : settings.namePrefix;
    // A module has no provider of its own, so no default_tags: its resources carry these themselves.
    const tags = inputs ? moduleTags(this, inputs.tags, stackTags) : settings.tags;

    // The instance type is a variable; its default (the configured type) must fit at the least.
    checkInstanceMemory(settings.instance.type, {
      kayenta: settings.spinnaker.kayenta,
      fiat: settings.spinnaker.fiat,
      localRedis: topology.localRedis,
    });
    // A type the table does not know is most often a typo; `cdktf synth` prints the warning.
    for (const [setting, type] of [
      ["instance.type", settings.instance.type],
      ["spinnaker.bake.instanceType", settings.spinnaker.bake.instanceType],
    ]) {
      const warning = unknownInstanceTypeWarning(setting, type);
      if (warning !== undefined) Annotations.of(this).addWarning(warning);
    }
    const v = defineVariables(this, settings, topology.minInstanceSubnets, inputs !== undefined);
    this.variables = v;
    this.deployment = {
      ...settings,
      spinnaker: inputs
        ? { ...settings.spinnaker, ...spinnakerFromInput(this, inputs.spinnaker), ...authFromInput(inputs.auth) }
        : settings.spinnaker,
      configBucket: inputs ? configBucketFromInput(inputs.configBucket) : settings.configBucket,
      accountsInput: inputs ? `var.${inputs.accounts.friendlyUniqueId}` : undefined,
      ciInput: inputs ? `var.${inputs.ci.friendlyUniqueId}` : undefined,
      spinnakerInput: inputs ? `var.${inputs.spinnaker.friendlyUniqueId}` : undefined,
      ha: inputs?.redis
        ? { ...settings.ha, redis: { ...settings.ha.redis, ...redisFromInput(inputs.redis) } }
        : settings.ha,
      storage: inputs
        ? storageFromInput(inputs.storage, v.instanceSubnetIds.listValue, settings.storage, topology.localRedis)
        : settings.storage,
      region,
      partition,
      // A module's names are its inputs.
      name: inputs ? inputs.name.stringValue : settings.name,
      environment: inputs ? inputs.environment.stringValue : settings.environment,
      namePrefix,
      tags,
      network: {
        ...settings.network,
        vpcId: v.vpcId.stringValue,
        instanceSubnetIds: v.instanceSubnetIds.listValue,
        // An empty list means "the instance subnets" (the variable's documented default).
        loadBalancerSubnetIds: coalesceList(v.loadBalancerSubnetIds.listValue, v.instanceSubnetIds.listValue),
        userCidrs: v.userCidrs.listValue,
        sshCidrs: v.sshCidrs.listValue,
        egressCidrs: v.egressCidrs.listValue,
        egressPorts: Token.asNumberList(v.egressPorts.value),
      },
      instance: {
        ...settings.instance,
        os: inputs ? (inputs.os.stringValue as OperatingSystem) : settings.instance.os,
        type: v.instanceType.stringValue,
        amiId: v.amiId.stringValue,
        officialImage: inputs?.officialImage.booleanValue,
        rootDeviceName: v.rootDeviceName.stringValue,
        rootVolumeSizeGiB: v.rootVolumeSize.numberValue,
        keyName: v.keyName.stringValue,
        healthCheckGracePeriodSeconds: v.healthCheckGracePeriod.numberValue,
      },
      loadBalancer: {
        ...settings.loadBalancer,
        ...(inputs ? loadBalancerFromInput(inputs.loadBalancer) : { certificateArn: v.certificateArn?.stringValue }),
        deletionProtection: v.deletionProtection.booleanValue,
      },
    };
  }

  /**
   * cdktf's preparing pass resolves every element once before synthesis, for cross-stack references
   * (which add outputs to the referenced stack). A Spinnaker stack never references another stack,
   * and the pass was about half of synthesizing one (`npm run bench`, `--cpu-prof`); the
   * synthesized JSON is the same without it, which a unit test compares.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /** The same JSON as cdktf's, without its repeated resolving (terraform-json.ts). */
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    return terraformJson(this);
  }

  /** Readable, stable addresses such as `aws_autoscaling_group.server_group` (see addresses.ts). */
  override allocateLogicalId(element: TerraformElement | Node): string {
    return this.addresses.allocate(element);
  }
}

/** An attribute of an object input: `var.<input>.<name>`. */
function attributeOf(input: TerraformVariable) {
  return (name: string) => Fn.lookupNested(input.value, [name]);
}

/**
 * What Spinnaker runs, from a module's `spinnaker` input (`local.spinnaker`): the registry follows
 * the distribution at plan time and the version defaults to the open-source release (a validation
 * requires one for armory), as the configuration's defaults do (schema.ts).
 */
function spinnakerFromInput(stack: TerraformStack, input: TerraformVariable) {
  const attribute = attributeOf(input);
  const bake = (name: string) => Fn.lookupNested(input.value, ["bake", name]);
  const local = new TerraformLocal(stack, "SpinnakerImages", {
    registry: Fn.coalesce([attribute("registry"), Fn.lookup(DEFAULT_REGISTRY, attribute("distribution"))]),
    version: Fn.coalesce([attribute("version"), DEFAULT_OSS_VERSION]),
  });
  local.overrideLogicalId("spinnaker");
  return {
    distribution: Token.asString(attribute("distribution")) as Settings["spinnaker"]["distribution"],
    registry: Token.asString(Fn.lookupNested(local.expression, ["registry"])),
    version: Token.asString(Fn.lookupNested(local.expression, ["version"])),
    images: Token.asStringMap(attribute("images")),
    redisImage: Token.asString(attribute("redis_image")),
    awsCliImage: Token.asString(attribute("aws_cli_image")),
    databaseClientImage: Token.asString(attribute("database_client_image")),
    kayenta: attribute("kayenta"),
    front50Prefix: Token.asString(attribute("front50_prefix")),
    prometheusUrl: Token.asString(attribute("prometheus_url")),
    bake: {
      enabled: bake("enabled"),
      account: Token.asString(bake("account")),
      // null: the provider's region (topologies/bakery.ts).
      regions: Token.asList(bake("regions")),
      instanceType: Token.asString(bake("instance_type")),
      baseImages: Token.asStringMap(bake("base_images")),
    },
  };
}

/**
 * Sign-in from a module's `auth` input: fiat runs when it is set. Its attributes are read only where
 * Terraform has checked that it is (sign-in.ts).
 */
function authFromInput(input: TerraformVariable): Pick<Deployment["spinnaker"], "auth" | "fiat"> {
  const attribute = attributeOf(input);
  const claim = (name: string) => Token.asString(Fn.lookupNested(input.value, ["claims", name]));
  return {
    fiat: Op.neq(input.value, Token.nullValue()),
    auth: {
      issuerUrl: Token.asString(attribute("issuer_url")),
      clientId: Token.asString(attribute("client_id")),
      clientSecretArn: Token.asString(attribute("client_secret_arn")),
      clientSecretKey: Token.asString(attribute("client_secret_key")),
      scopes: Token.asList(attribute("scopes")),
      claims: {
        email: claim("email"),
        firstName: claim("first_name"),
        lastName: claim("last_name"),
        username: claim("username"),
        roles: claim("roles"),
      },
      adminRoles: Token.asList(attribute("admin_roles")),
    },
  };
}

/** The user-facing load balancer from a module's `load_balancer` input; deck's port follows `https`. */
function loadBalancerFromInput(input: TerraformVariable): Partial<Deployment["loadBalancer"]> {
  const attribute = attributeOf(input);
  const https = attribute("https");
  return {
    scheme: Token.asString(attribute("scheme")) as Settings["loadBalancer"]["scheme"],
    hostname: Token.asString(attribute("hostname")),
    certificateArn: Token.asString(attribute("certificate_arn")),
    https,
    sslPolicy: Token.asString(attribute("ssl_policy")),
    // Named: the listener, its security group rules, the redirect and deck's URL read it.
    deckPort: Token.asNumber(
      stackLocal(input, "DeckPort", "deck_port", Fn.coalesce([attribute("deck_port"), Fn.conditional(https, 443, 80)]))
        .expression,
    ),
    gatePort: Token.asNumber(attribute("gate_port")),
    idleTimeoutSeconds: Token.asNumber(attribute("idle_timeout")),
    accessLogs: attribute("access_logs"),
  };
}

/** HA's Redis from a module's `redis` input: the ElastiCache to create, or the deployer's own. */
function redisFromInput(input: TerraformVariable): Partial<Deployment["ha"]["redis"]> {
  const attribute = attributeOf(input);
  return {
    create: attribute("create"),
    nodeType: Token.asString(attribute("node_type")),
    engineVersion: Token.asString(attribute("engine_version")),
    replicas: Token.asNumber(attribute("replicas")),
    snapshotRetentionDays: Token.asNumber(attribute("snapshot_retention_days")),
    existingUrlSecretArn: Token.asString(attribute("existing_url_secret_arn")),
    existingSecurityGroupId: Token.asString(attribute("existing_security_group_id")),
    existingPort: Token.asNumber(attribute("existing_port")),
  };
}

/**
 * Where front50 and orca keep their data, from a module's `storage` input: a stand-alone module
 * takes RDS for MySQL's engine settings, an ha module Aurora's; the others keep the configuration's
 * values, which nothing of that module reads.
 */
function storageFromInput(
  input: TerraformVariable,
  instanceSubnetIds: string[],
  configured: Settings["storage"],
  localRedis: boolean,
): Deployment["storage"] {
  const attribute = attributeOf(input);
  const text = (name: string) => Token.asString(attribute(name));
  const number = (name: string) => Token.asNumber(attribute(name));
  return {
    ...configured,
    sql: Op.eq(attribute("type"), "sql"),
    createDatabase: attribute("create_database"),
    deletionProtection: attribute("deletion_protection"),
    backupRetentionDays: number("backup_retention_days"),
    subnetIds: coalesceList(Token.asList(attribute("subnet_ids")), instanceSubnetIds),
    existingEndpoint: text("existing_endpoint"),
    existingPort: number("existing_port"),
    existingMasterSecretArn: text("existing_master_secret_arn"),
    existingSecurityGroupId: text("existing_security_group_id"),
    ...(localRedis
      ? {
          mysqlVersion: text("mysql_version"),
          mysqlInstanceClass: text("mysql_instance_class"),
          mysqlStorageGiB: number("mysql_storage_gib"),
        }
      : {
          auroraVersion: text("aurora_version"),
          auroraInstanceClass: text("aurora_instance_class"),
          auroraReaders: number("aurora_readers"),
        }),
  };
}

/** The config bucket from a module's `config_bucket` input. */
function configBucketFromInput(input: TerraformVariable): Deployment["configBucket"] {
  const attribute = attributeOf(input);
  return {
    name: Token.asString(attribute("name")),
    kmsKeyArn: Token.asString(attribute("kms_key_arn")),
    noncurrentVersionExpirationDays: Token.asNumber(attribute("noncurrent_version_expiration_days")),
    forceDestroy: attribute("force_destroy"),
  };
}

/** `local.tags`: the caller's tags and the stack's own, on every resource of a module. */
function moduleTags(stack: TerraformStack, input: TerraformVariable, own: Record<string, string>) {
  const local = new TerraformLocal(stack, "Tags", Fn.merge([input.value, own]));
  local.overrideLogicalId("tags");
  return Token.asStringMap(local.expression);
}

/** Terraform's coalescelist, typed as the list it returns. */
function coalesceList(first: string[], fallback: string[]): string[] {
  return Token.asList(Fn.coalescelist([first, fallback]));
}
