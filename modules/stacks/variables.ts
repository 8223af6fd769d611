/**
 * The Terraform variables of a Spinnaker stack: every value a deployer may change at plan time, each
 * with a type, a description, the configured value as its default (none when the configuration left
 * it to the deployer) and a validation block where a bad value is possible. Types come from the
 * configuration's schema: a variable's from its setting's rule, an object input's from its group,
 * with the schema's defaults for what the configuration does not set (`input-types.ts`). The rule of every
 * single setting, down to each attribute of each account, master and sign-in, is the
 * configuration's own with its message (`config/setting-rules.ts`), rendered as validation blocks,
 * and so is every rule that joins settings of different groups (`config/joining-rules.ts`, on the
 * input that holds the setting it reports). Written here are only the rules Terraform alone has:
 * the load balancer's subnets read against `instance_subnet_ids`, a module's switches
 * (`official_image` against `ami_id`), and a created Redis's need of `redis_auth_token`.
 */
import { TerraformVariable, type TerraformVariableConfig } from "cdktf";
import type { Construct } from "constructs";
import type { z } from "zod";
import { joiningValidations } from "../config/joining-rules";
import {
  type Checked,
  entryRelationValidations,
  entryValidations,
  list,
  RULE_LOCALS,
  relationValidations,
  ruleValidations,
  shown,
  type Validation,
} from "../config/rules";
import { ConfigSchema, DEFAULT_OSS_VERSION, DEFAULT_REGISTRY, type Settings } from "../config/schema";
import {
  AUTH,
  AWS_ACCOUNT,
  AWS_ACCOUNTS,
  BAKE,
  CONFIG_BUCKET,
  HIGH_AVAILABILITY,
  INSTANCE,
  JENKINS_MASTER,
  JENKINS_MASTER_RELATIONS,
  JENKINS_MASTERS,
  KUBERNETES_ACCOUNT,
  KUBERNETES_ACCOUNT_RELATIONS,
  KUBERNETES_ACCOUNTS,
  LOAD_BALANCER,
  LOAD_BALANCER_RELATIONS,
  NETWORK,
  OPERATING_SYSTEMS,
  PERMISSIONS,
  REDIS,
  REDIS_RELATIONS,
  SELF_DEPLOY,
  SPINNAKER,
  STORAGE,
  STORAGE_RELATIONS,
  TOP_LEVEL,
} from "../config/setting-rules";
import { InternalError } from "../errors";
import { accountsTemplateInput, jenkinsTemplateInput } from "../spinnaker/profile-templates";
import { SIGN_IN_FROM } from "../spinnaker/releases";
import { stackLocal } from "../terraform-values";
import {
  attributeValidations,
  groupSchema,
  hclType,
  inputAttributes,
  nullableSettings,
  objectType,
  snakeValue,
} from "./input-types";

/** A value without its null attributes, at any depth: a variable's default leaves them unset. */
function withoutNullAttributes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v) => (v === null ? undefined : v)));
}

/** The received value in an error message (Terraform 1.9+ lets a validation message name it). */
const got = shown;

/**
 * A variable: `setting`, the rule of the setting it stands for, gives its type and its validations
 * (null passes when the variable is nullable); else `config.type` and `validation` are its own.
 */
function variable(
  scope: Construct,
  name: string,
  config: Omit<TerraformVariableConfig, "type"> & { type?: string; default?: unknown },
  setting?: Pick<Checked<z.ZodType>, "zod" | "validations"> | ((ref: string) => Validation[]),
): TerraformVariable {
  const { default: value, ...rest } = config;
  const rule = typeof setting === "function" ? undefined : setting;
  const v = new TerraformVariable(scope, name, {
    // An explicit null from a caller takes the default (or is refused) instead of reaching the
    // validation, where Terraform would fail on it with its own message.
    nullable: false,
    ...rest,
    type: config.type ?? (rule ? hclType(rule.zod) : undefined),
    ...(value === undefined || value === null ? {} : { default: value }),
    validation: rule
      ? rule.validations(name, `var.${name}`, config.nullable ?? false)
      : (setting as ((ref: string) => Validation[]) | undefined)?.(`var.${name}`),
  });
  // cdktf cannot write `default = null`; an optional value without a configured one needs it.
  if (value === null) v.addOverride("default", null);
  // The named lists its checks read (the regions), each written once per stack.
  for (const [name, list] of Object.entries(RULE_LOCALS)) {
    if (v.validation?.some((check) => check.condition.includes(`local.${name}`))) {
      stackLocal(scope, `RuleLocal-${name}`, name, list);
    }
  }
  return v;
}

export interface StackVariables {
  readonly vpcId: TerraformVariable;
  readonly instanceSubnetIds: TerraformVariable;
  readonly loadBalancerSubnetIds: TerraformVariable;
  readonly userCidrs: TerraformVariable;
  readonly sshCidrs: TerraformVariable;
  readonly egressCidrs: TerraformVariable;
  readonly egressPorts: TerraformVariable;
  readonly instanceType: TerraformVariable;
  readonly amiId: TerraformVariable;
  readonly rootDeviceName: TerraformVariable;
  readonly rootVolumeSize: TerraformVariable;
  readonly keyName: TerraformVariable;
  readonly healthCheckGracePeriod: TerraformVariable;
  readonly deletionProtection: TerraformVariable;
  readonly certificateArn?: TerraformVariable;
}

/**
 * @param minInstanceSubnets 2 for HA: its interservice load balancer and Multi-AZ Redis live in the
 * instance subnets and need two AZs.
 */
export function defineVariables(
  scope: Construct,
  s: Settings,
  minInstanceSubnets: number,
  moduleInputs = false,
): StackVariables {
  return {
    vpcId: variable(
      scope,
      "vpc_id",
      {
        description: "VPC of the security groups, load balancers and instances.",
        default: s.network.vpcId,
      },
      NETWORK.vpcId,
    ),
    instanceSubnetIds: variable(
      scope,
      "instance_subnet_ids",
      {
        description: "Private subnets of the instances; several AZs let a server group fail over to another AZ.",
        default: s.network.instanceSubnetIds,
      },
      NETWORK.instanceSubnetIds(minInstanceSubnets),
    ),
    loadBalancerSubnetIds: variable(
      scope,
      "load_balancer_subnet_ids",
      {
        type: hclType(NETWORK.loadBalancerSubnetIds.zod),
        description:
          "Subnets of the user-facing load balancer, in two AZs or more (public subnets for an internet-facing one). Empty: the instance subnets.",
        default: s.network.loadBalancerSubnetIds ?? [],
      },
      (ref) => [
        ...NETWORK.loadBalancerSubnetIds.validations("load_balancer_subnet_ids", ref),
        // Terraform's own rule, where the configuration has "two at least, when given": [] means
        // the instance subnets here, and an internet-facing scheme needs public subnets of its own.
        moduleInputs
          ? {
              // The scheme is the module's input: the rule follows it at plan time.
              condition: `\${var.load_balancer.scheme == "internet-facing" ? length(${ref}) >= 2 : (length(${ref}) >= 2 || (length(${ref}) == 0 && length(var.instance_subnet_ids) >= 2))}`,
              errorMessage: `The load balancer needs subnets in two AZs or more: public load_balancer_subnet_ids for an internet-facing one, else those or two instance_subnet_ids. Got ${got(ref)} and instance_subnet_ids ${got("var.instance_subnet_ids")}.`,
            }
          : s.loadBalancer.scheme === "internet-facing"
            ? {
                // The instance subnets are private: an internet-facing load balancer there is unreachable.
                condition: `\${length(${ref}) >= 2}`,
                errorMessage: `An internet-facing load balancer needs load_balancer_subnet_ids: public subnets in two AZs or more. Got ${got(ref)}.`,
              }
            : {
                // A validation may read another variable since Terraform 1.9.
                condition: `\${length(${ref}) >= 2 || (length(${ref}) == 0 && length(var.instance_subnet_ids) >= 2)}`,
                errorMessage: `The load balancer needs subnets in two AZs or more: set load_balancer_subnet_ids, or give two instance_subnet_ids. Got ${got(ref)} and instance_subnet_ids ${got("var.instance_subnet_ids")}.`,
              },
      ],
    ),
    userCidrs: variable(
      scope,
      "user_cidrs",
      {
        description: "CIDR blocks allowed to reach deck and gate on the user-facing load balancer.",
        default: s.network.userCidrs,
      },
      NETWORK.userCidrs,
    ),
    sshCidrs: variable(
      scope,
      "ssh_cidrs",
      {
        description:
          "CIDR blocks allowed to reach SSH on the instances; empty keeps port 22 closed (use Session Manager).",
        default: s.network.sshCidrs,
      },
      NETWORK.sshCidrs,
    ),
    egressCidrs: variable(
      scope,
      "egress_cidrs",
      {
        description:
          "CIDR blocks the instances may reach on 80 and 443 (packages, images, AWS APIs); narrow it to a proxy.",
        default: s.network.egressCidrs,
      },
      NETWORK.egressCidrs,
    ),
    egressPorts: variable(
      scope,
      "egress_ports",
      {
        description:
          "TCP ports beyond 80 and 443 the instances may reach at egress_cidrs, for endpoints no other input names (Jenkins masters, Kubernetes API servers and Prometheus are opened from theirs).",
        default: s.network.egressPorts,
      },
      NETWORK.egressPorts,
    ),
    instanceType: variable(
      scope,
      "instance_type",
      { description: "EC2 instance type of the Spinnaker instances.", default: s.instance.type },
      INSTANCE.type,
    ),
    amiId: variable(
      scope,
      "ami_id",
      {
        nullable: true,
        description: moduleInputs
          ? "AMI of the instances, with official_image = false; null (with official_image = true) uses the newest official image of `os`."
          : `AMI of the instances; null uses the newest official ${s.instance.os} image.`,
        default: s.instance.amiId ?? null,
      },
      INSTANCE.amiId,
    ),
    rootDeviceName: variable(
      scope,
      "root_device_name",
      {
        nullable: true,
        description:
          "Root device of ami_id, such as /dev/xvda; null means /dev/sda1. Without ami_id the official image's own is read from the image.",
        default: s.instance.rootDeviceName ?? null,
      },
      INSTANCE.rootDeviceName,
    ),
    rootVolumeSize: variable(
      scope,
      "root_volume_size",
      {
        description: "Size of the encrypted gp3 root volume, in GiB.",
        default: s.instance.rootVolumeSizeGiB,
      },
      INSTANCE.rootVolumeSizeGiB,
    ),
    keyName: variable(
      scope,
      "key_name",
      {
        nullable: true,
        description: "EC2 key pair of the instances; null launches without one.",
        default: s.instance.keyName ?? null,
      },
      INSTANCE.keyName,
    ),
    healthCheckGracePeriod: variable(
      scope,
      "health_check_grace_period",
      {
        description: "Seconds after launch before the load balancer's health check counts.",
        default: s.instance.healthCheckGracePeriodSeconds,
      },
      INSTANCE.healthCheckGracePeriodSeconds,
    ),
    deletionProtection: variable(scope, "deletion_protection", {
      type: "bool",
      description: "Protect the load balancers from deletion (turn off before destroying).",
      default: s.loadBalancer.deletionProtection,
    }),
    certificateArn:
      // A module takes it in load_balancer.
      moduleInputs || s.loadBalancer.certificateArn === undefined
        ? undefined
        : variable(
            scope,
            "certificate_arn",
            {
              description: "ACM certificate of the HTTPS listeners.",
              default: s.loadBalancer.certificateArn,
            },
            LOAD_BALANCER.certificateArn,
          ),
  };
}

export interface ModuleVariables {
  readonly name: TerraformVariable;
  readonly environment: TerraformVariable;
  readonly tags: TerraformVariable;
  readonly os: TerraformVariable;
  /** Whether the instances run the newest official image of `os`, or `ami_id`. */
  readonly officialImage: TerraformVariable;
  /** `{ distribution, version, registry, images, redis_image, aws_cli_image, kayenta, front50_prefix }`; redis_image with Redis on the instance. */
  readonly spinnaker: TerraformVariable;
  /** `{ scheme, hostname, certificate_arn, ssl_policy, deck_port, gate_port, idle_timeout, access_logs }`. */
  readonly loadBalancer: TerraformVariable;
  /** `{ name, kms_key_arn, noncurrent_version_expiration_days, force_destroy }`. */
  readonly configBucket: TerraformVariable;
  /** `{ aws = [...], kubernetes = [...] }`: the managed accounts. */
  readonly accounts: TerraformVariable;
  /** `{ jenkins = [...] }`: the build servers igor polls. */
  readonly ci: TerraformVariable;
  /** `{ issuer_url, client_id, client_secret_arn, ... }` or null: sign-in and fiat. */
  readonly auth: TerraformVariable;
  /** HA: `{ node_type, engine_version, replicas, snapshot_retention_days }` of ElastiCache, or `create = false` and the deployer's own Redis. */
  readonly redis?: TerraformVariable;
  /** `{ type, create_database, ... }`: where front50 and orca keep their data. */
  readonly storage: TerraformVariable;
}

/**
 * What only a child module takes as input: a stack's names and tags come from the configuration,
 * as its state key does, so that one state never holds two environments; its OS too, which picks
 * the official image (the user data is the same for every OS).
 */
export function defineModuleVariables(scope: Construct, s: Settings, localRedis: boolean): ModuleVariables {
  return {
    spinnaker: spinnakerVariable(scope, s, localRedis),
    loadBalancer: loadBalancerVariable(scope, s),
    configBucket: configBucketVariable(scope, s),
    accounts: accountsVariable(scope, s),
    ci: ciVariable(scope, s),
    auth: authVariable(scope, s),
    redis: localRedis ? undefined : redisVariable(scope, s),
    storage: storageVariable(scope, s, localRedis),
    name: variable(
      scope,
      "name",
      {
        description: "Spinnaker application of the server groups; the first part of every resource name.",
        default: s.name,
      },
      TOP_LEVEL.name,
    ),
    environment: variable(
      scope,
      "environment",
      {
        description:
          "Spinnaker stack of the server groups (`<name>-<environment>-v000`); the second part of every resource name, so two calls with different environments never collide.",
        default: s.environment,
      },
      TOP_LEVEL.environment,
    ),
    tags: variable(
      scope,
      "tags",
      {
        description: "Tags on every resource and on the instances (which read them through the metadata service).",
        default: s.tags,
      },
      TOP_LEVEL.tags,
    ),
    officialImage: variable(
      scope,
      "official_image",
      {
        type: "bool",
        description: `Run the newest official image of \`os\` (true), or ami_id (false); default ${s.instance.amiId === undefined}. A value you write, not derived from ami_id, so that the image lookup's count is known at plan even when the AMI is created in the same configuration.`,
        default: s.instance.amiId === undefined,
      },
      (ref) => [
        {
          // Unknown at plan when the AMI is created beside the module: Terraform then checks at apply.
          condition: `\${!${ref} || var.ami_id == null}`,
          errorMessage: `official_image must be false with ami_id: true runs the newest official image of os (set official_image = false to run ami_id, or leave ami_id null). Got ami_id ${got("var.ami_id")}.`,
        },
        {
          condition: `\${${ref} || var.ami_id != null}`,
          errorMessage:
            "official_image = false needs ami_id: the AMI the instances run instead of the official image (set it, or set official_image = true). Got ami_id null.",
        },
      ],
    ),
    os: variable(
      scope,
      "os",
      {
        description: `Operating system of the instances: ${OPERATING_SYSTEMS.join(", ")}. Picks the official image (with official_image); the user data finds the OS at boot.`,
        default: s.instance.os,
      },
      INSTANCE.os,
    ),
  };
}

/** The configuration's group at `path`, whose schema a module input takes its type from. */
const group = (...path: string[]) => groupSchema(ConfigSchema, path);

/**
 * What Spinnaker runs, as one typed input. Defaults are the configuration's own choices; version
 * and registry stay null unless it made one, so that they follow `distribution` at plan time.
 */
function spinnakerVariable(scope: Construct, s: Settings, localRedis: boolean): TerraformVariable {
  const sp = s.spinnaker;
  const attributes = inputAttributes(group("spinnaker"), {
    // Inputs of their own; Redis's image only where Redis runs on the instance.
    omit: ["accounts", "auth", "ci", ...(localRedis ? [] : ["redisImage"])],
    values: {
      ...sp,
      version: sp.distribution === "oss" && sp.version === DEFAULT_OSS_VERSION ? undefined : sp.version,
      registry: sp.registry === DEFAULT_REGISTRY[sp.distribution] ? undefined : sp.registry,
    },
  });
  return variable(
    scope,
    "spinnaker",
    {
      type: objectType(attributes),
      description: `What the instances run: distribution (oss or armory); version, the image tag of every service (default ${DEFAULT_OSS_VERSION} for oss; required for armory); registry (default ${DEFAULT_REGISTRY.oss} for oss, ${DEFAULT_REGISTRY.armory} for armory); images, full references of single services that replace registry/<service>:version${localRedis ? "; redis_image, the Redis container's" : ""}; aws_cli_image, the image that syncs the configuration at boot; kayenta, run canary analysis (kayenta) too; front50_prefix, where front50 keeps pipelines and applications in the config bucket; prometheus_url, the Prometheus kayenta reads canary metrics from; bake, rosco's AWS bakery: enabled (default true), account (the accounts.aws entry it bakes in, the one the instances run in: default the create_role one, else the only one; required with several accounts and none create_role), regions (where images go: packer bakes in the provider's region, which must be listed, and copies to the others, each a region of the bake account; default the provider's region only), instance_type (packer's, default m5.large), base_images (an AMI per OS: ubuntu, rhel, centos; default the newest official image in the region).`,
      default: {},
    },
    (ref) => [
      ...attributeValidations(attributes, { ...SPINNAKER, bake: BAKE }, "spinnaker", ref),
      ...joiningValidations("spinnaker"),
    ],
  );
}

/** The managed accounts, as one typed input; the default is the configuration's list. */
function accountsVariable(scope: Construct, s: Settings): TerraformVariable {
  const accounts = group("spinnaker", "accounts");
  const ref = "var.accounts";
  return variable(
    scope,
    "accounts",
    {
      type: hclType(accounts),
      description:
        "Accounts Spinnaker deploys to. aws: name, account_id, role_name (default spinnakerManaged, which must trust the instance role: see the managed_role_trust_policy output), regions (default the deployment's), create_role (create that role here; only for the account being deployed into, one account at most). kubernetes: name, context, namespaces, only_spinnaker_managed, and the kubeconfig as kubeconfig_secret_arn (Secrets Manager) or kubeconfig_s3_uri (s3://bucket/key, in kubeconfig_s3_region, default the deployment's), read by the services at start with the instance role, and api_server_port (default 443), the API server's port the instances may reach at egress_cidrs. Both kinds take permissions: read and write, the roles that may use the account once auth is set (null: every user). Only these snake_case attributes are read: Terraform drops any other (createRole is not create_role).",
      // The shape clouddriver's template reads (profile-templates.ts), unset attributes left out:
      // the type's optional() makes them null.
      default: withoutNullAttributes(accountsTemplateInput(s.spinnaker.accounts)),
    },
    () => [
      ...ruleValidations(AWS_ACCOUNTS, "accounts.aws", `${ref}.aws`),
      ...entryValidations(
        "accounts.aws",
        `${ref}.aws`,
        { ...AWS_ACCOUNT, ...prefixed("permissions", PERMISSIONS) },
        { optional: nullableSettings(group("spinnaker", "accounts", "aws")), entry: "a" },
      ),
      ...ruleValidations(KUBERNETES_ACCOUNTS, "accounts.kubernetes", `${ref}.kubernetes`),
      ...entryValidations(
        "accounts.kubernetes",
        `${ref}.kubernetes`,
        { ...KUBERNETES_ACCOUNT, ...prefixed("permissions", PERMISSIONS) },
        { optional: nullableSettings(group("spinnaker", "accounts", "kubernetes")), entry: "a" },
      ),
      ...entryRelationValidations(KUBERNETES_ACCOUNT_RELATIONS, "accounts.kubernetes", `${ref}.kubernetes`, "a"),
    ],
  );
}

/** The rules of a nested group, by their dotted settings (`permissions.read`). */
const prefixed = <T>(prefix: string, groupRules: Record<string, T>) =>
  Object.fromEntries(Object.entries(groupRules).map(([key, rule]) => [`${prefix}.${key}`, rule]));

/** The build servers igor polls, as one typed input; the default is the configuration's. */
function ciVariable(scope: Construct, s: Settings): TerraformVariable {
  const ref = "var.ci.jenkins";
  return variable(
    scope,
    "ci",
    {
      type: hclType(group("spinnaker", "ci")),
      description:
        "Build servers igor polls for CI triggers. jenkins: name, address (https://...), username and password_secret_arn (a Secrets Manager secret holding the user's API token, read by igor at start with the instance role; both or neither), csrf (default true, as Jenkins 2 requires). Only these snake_case attributes are read.",
      // The shape igor's template reads, unset attributes left out (optional() makes them null).
      default: { jenkins: withoutNullAttributes(jenkinsTemplateInput(s.spinnaker.ci.jenkins)) },
    },
    () => [
      ...ruleValidations(JENKINS_MASTERS, "ci.jenkins", ref),
      ...entryValidations("ci.jenkins", ref, JENKINS_MASTER, {
        optional: nullableSettings(group("spinnaker", "ci", "jenkins")),
        entry: "m",
      }),
      ...entryRelationValidations(JENKINS_MASTER_RELATIONS, "ci.jenkins", ref, "m"),
    ],
  );
}

/**
 * Sign-in through gate with OpenID Connect, and fiat: null (the default unless the configuration
 * set `spinnaker.auth`) keeps both off.
 */
function authVariable(scope: Construct, s: Settings): TerraformVariable {
  const auth = group("spinnaker", "auth");
  const ref = "var.auth";
  /** Every rule of an attribute holds, or sign-in is off. */
  const off = { unless: `${ref} == null` };
  return variable(
    scope,
    "auth",
    {
      type: hclType(auth),
      nullable: true,
      description: `Sign-in through gate with OpenID Connect, and authorization by fiat with the identity provider's roles; null keeps both off (everyone who reaches the load balancer is an administrator). issuer_url (https:// on port 443, gate reads its discovery document at start), client_id, client_secret_arn (a Secrets Manager secret read by gate at start with the instance role) and client_secret_key (its JSON key, if any), scopes (default openid, profile, email), claims (the claims of email, first_name, last_name, username and roles; default email, given_name, family_name, email, groups), admin_roles (roles that administer everything). Needs the open-source distribution at ${SIGN_IN_FROM.year}.${SIGN_IN_FROM.minor}.0 or later, and load_balancer.certificate_arn and hostname; register <gate URL>/login/oauth2/code/oidc as the client's redirect URI.`,
      default: snakeValue(auth, s.spinnaker.auth) ?? null,
    },
    () => [
      // Each attribute's rule holds unless sign-in is off; claims, a group, by one rule on its values.
      ...inputAttributes(auth).flatMap((a) => {
        const name = `auth.${a.name}`;
        const at = `${ref}.${a.name}`;
        if (a.setting === "claims") return list(AUTH.claim).validations(name, `values(${at})`, off);
        const rule = (AUTH as Record<string, Pick<Checked<z.ZodType>, "validations">>)[a.setting];
        if (rule === undefined) throw new InternalError(`the module input ${name} has no rule`);
        return rule.validations(name, at, { ...off, nullable: a.nullable });
      }),
      ...joiningValidations("auth"),
    ],
  );
}

/** HA's ElastiCache Redis, as one typed input; defaults are the configuration's. */
function redisVariable(scope: Construct, s: Settings): TerraformVariable {
  const r = s.ha.redis;
  const attributes = inputAttributes(group("ha", "redis"), { values: r });
  return variable(
    scope,
    "redis",
    {
      type: objectType(attributes),
      description: `Redis: create (default ${r.create}) the ElastiCache Spinnaker runs on (Multi-AZ, encrypted, AUTH token from redis_auth_token): node_type; engine_version (6.x or 7.x); replicas beside the primary (1 to 5); snapshot_retention_days (0 to 35). Or, with create = false, your own: existing_url_secret_arn, a Secrets Manager secret holding the full URL (rediss://:<token>@<host>:<port>), with existing_security_group_id, the group the instances get an egress rule to on existing_port. create is a value you write, not derived from existing_url_secret_arn, so that the module's counts are known at plan even when that secret is created in the same configuration.`,
      default: {},
    },
    (ref) => [
      ...attributeValidations(attributes, REDIS, "redis", ref),
      // Unknown at plan when the secret is created beside the module: Terraform then checks at apply.
      ...relationValidations(REDIS_RELATIONS, "redis", ref),
      {
        // The token is never printed: only whether the module creates Redis is.
        condition: `\${!${ref}.create || var.redis_auth_token != null}`,
        errorMessage: `redis_auth_token is required unless redis.create is false: the ElastiCache Spinnaker creates needs an AUTH token. Got create \${jsonencode(${ref}.create)}.`,
      },
    ],
  );
}

/**
 * Where front50 and orca keep their data, as one typed input; defaults are the configuration's. Each
 * module takes the engine settings of the database it creates: Aurora's (HA) or RDS for MySQL's
 * (stand-alone).
 */
function storageVariable(scope: Construct, s: Settings, localRedis: boolean): TerraformVariable {
  const st = s.storage;
  const attributes = inputAttributes(group("storage"), {
    omit: localRedis
      ? ["auroraVersion", "auroraInstanceClass", "auroraReaders"]
      : ["mysqlVersion", "mysqlInstanceClass", "mysqlStorageGiB"],
    names: { mysqlStorageGiB: "mysql_storage_gib" },
    values: st,
  });
  const database = localRedis
    ? `one RDS for MySQL instance (Single-AZ, the cheapest at rest): mysql_version (default ${st.mysqlVersion}, a major.minor prefix takes AWS's minor upgrades), mysql_instance_class (default ${st.mysqlInstanceClass}), mysql_storage_gib (gp3, autoscaling to five times)`
    : `an Aurora MySQL 3 cluster: aurora_version (default ${st.auroraVersion}, a long-term support release that AWS does not upgrade), aurora_instance_class (default ${st.auroraInstanceClass}), aurora_readers beside the writer (1 to 15, each in the next AZ)`;
  return variable(
    scope,
    "storage",
    {
      type: objectType(attributes),
      description: `Where front50 keeps applications and pipelines and orca keeps executions: type s3-redis (default ${st.type}: the config bucket and Redis) or sql, a MySQL 8 database, which Spinnaker 2027 requires. With sql, create_database (default ${st.createDatabase}) creates ${database}; encrypted (the config bucket's KMS key when given), TLS only, its master password kept by RDS in Secrets Manager, reachable only from the instances; backup_retention_days (1 to 35), deletion_protection (default true; a final snapshot is always taken), subnet_ids (two AZs or more; default the instance subnets). Or, with create_database = false, your own: existing_endpoint, existing_port, existing_master_secret_arn (a Secrets Manager secret of its administrator as {"username", "password"}, with which the instances create the schemas and users of front50 and orca at boot) and existing_security_group_id (the instances get an egress rule to it). create_database is a value you write, so that the module's counts are known at plan.`,
      default: {},
    },
    (ref) => [
      ...attributeValidations(attributes, STORAGE, "storage", ref),
      ...relationValidations(STORAGE_RELATIONS, "storage", ref),
      {
        // RDS refuses a DB subnet group in one AZ; a created database then fails at apply, late.
        condition: `\${${ref}.type != "sql" || !${ref}.create_database || length(coalesce(${ref}.subnet_ids, var.instance_subnet_ids)) >= 2}`,
        errorMessage: `storage.subnet_ids (or instance_subnet_ids when it is null) must list two subnets or more, in two AZs, when storage.type is sql and create_database is true: RDS refuses a DB subnet group in one AZ. Got \${length(coalesce(${ref}.subnet_ids, var.instance_subnet_ids))}.`,
      },
    ],
  );
}

/** The config bucket, as one typed input; defaults are the configuration's. */
function configBucketVariable(scope: Construct, s: Settings): TerraformVariable {
  const attributes = inputAttributes(group("configBucket"), { values: s.configBucket });
  return variable(
    scope,
    "config_bucket",
    {
      type: objectType(attributes),
      description:
        "The S3 bucket of Spinnaker's configuration and front50's data: name (default: generated from <name>-<environment>-config-); kms_key_arn, a customer managed key (default SSE-S3); noncurrent_version_expiration_days; force_destroy, which lets terraform destroy delete pipelines.",
      default: {},
    },
    (ref) => attributeValidations(attributes, CONFIG_BUCKET, "config_bucket", ref),
  );
}

/** The user-facing load balancer, as one typed input; defaults are the configuration's. */
function loadBalancerVariable(scope: Construct, s: Settings): TerraformVariable {
  const lb = s.loadBalancer;
  const attributes = inputAttributes(group("loadBalancer"), {
    // A variable of its own, which a stack has too.
    omit: ["deletionProtection"],
    names: { idleTimeoutSeconds: "idle_timeout" },
    // deck_port stays null unless configured apart from its default, so that it follows https.
    values: { ...lb, deckPort: lb.deckPort === (lb.https ? 443 : 80) ? undefined : lb.deckPort },
  });
  return variable(
    scope,
    "load_balancer",
    {
      type: objectType(attributes),
      description: `The user-facing load balancer: scheme (internal or internet-facing); hostname, the DNS name users open (required with a certificate); certificate_arn, an ACM certificate, with https = true (default ${lb.https}): both listeners HTTPS and port 80 redirected; https is a value you write, not derived from certificate_arn, so that the listeners' counts are known at plan even when the certificate is created in the same configuration; ssl_policy; deck_port (default 443 with https, 80 without) and gate_port; idle_timeout in seconds; access_logs, an S3 bucket and prefix.`,
      default: {},
    },
    (ref) => [
      ...attributeValidations(attributes, LOAD_BALANCER, "load_balancer", ref, ["accessLogs"]),
      // try(): access_logs may be null, and an attribute of null is an error, not null.
      ...LOAD_BALANCER.accessLogsBucket.validations(
        "load_balancer.access_logs.bucket",
        `try(${ref}.access_logs.bucket, null)`,
        true,
      ),
      // Unknown at plan when the certificate is created beside the module: Terraform then checks at apply.
      ...relationValidations(LOAD_BALANCER_RELATIONS, "load_balancer", ref),
      ...joiningValidations("load_balancer"),
    ],
  );
}

export interface HighAvailabilityVariables {
  readonly nonPollingCapacity: TerraformVariable;
  /** Absent when Spinnaker uses an existing Redis. */
  readonly redisAuthToken?: TerraformVariable;
  /** A module's `{ enabled, account, subnet_purpose, tag_subnets }`: Spinnaker deploys itself. A stack's is its setting. */
  readonly selfDeploy?: TerraformVariable;
}

/** The variables only the HA stack has; `moduleInputs` for a module, which may bring its own Redis at plan. */
export function defineHighAvailabilityVariables(
  scope: Construct,
  s: Settings,
  moduleInputs = false,
): HighAvailabilityVariables {
  return {
    nonPollingCapacity: variable(
      scope,
      "non_polling_capacity",
      {
        description: "Instances in the non-polling server group (the polling group always has one).",
        default: s.ha.nonPollingCapacity,
      },
      HIGH_AVAILABILITY.nonPollingCapacity,
    ),
    redisAuthToken:
      !moduleInputs && !s.ha.redis.create
        ? undefined
        : variable(
            scope,
            "redis_auth_token",
            {
              type: "string",
              sensitive: true,
              description: moduleInputs
                ? "AUTH token of the ElastiCache Redis (16 to 128 characters); required unless redis.create is false. Kept in Terraform state and in a Secrets Manager secret the services read; never in user data."
                : "AUTH token of the ElastiCache Redis (16 to 128 characters). Kept in Terraform state and in a Secrets Manager secret the services read; never in user data.",
              // A module may bring its own Redis instead (the redis input's rule requires one or the other).
              ...(moduleInputs ? { nullable: true, default: null } : {}),
            },
            // No validation block: Terraform (1.11) prints the value of a variable, sensitive or not,
            // when its validation fails. ElastiCache refuses a bad token at apply without echoing it.
          ),
    // A stack's is a setting: whether it is on changes what is created, as TLS's does.
    selfDeploy: moduleInputs ? selfDeployVariable(scope, s) : undefined,
  };
}

/** Spinnaker deploys itself, as one typed input of the ha module; defaults are the configuration's. */
function selfDeployVariable(scope: Construct, s: Settings): TerraformVariable {
  const attributes = inputAttributes(group("ha", "selfDeploy"), { values: s.ha.selfDeploy });
  return variable(
    scope,
    "self_deploy",
    {
      type: objectType(attributes),
      description: `Spinnaker deploys itself: enabled (default ${s.ha.selfDeploy.enabled}) gives clouddriver an account for the AWS account Spinnaker runs in, named account (not a name of accounts.aws), which assumes a role this module creates for that deploy alone, and creates the application and its "Deploy Spinnaker" pipeline when the polling instance starts (also written to the config bucket, config/self-deploy-pipeline.json), and hands the v000 server groups over to Spinnaker (CloudFormation stacks create them; terraform destroy first removes every server group Spinnaker made); subnet_purpose, the purpose clouddriver picks the instance subnets by (their immutable_metadata tag); tag_subnets (default true) tags the instance subnets with it, false when you tag them yourself.`,
      default: {},
    },
    (ref) => [
      ...attributeValidations(attributes, SELF_DEPLOY, "self_deploy", ref),
      ...joiningValidations("self_deploy"),
    ],
  );
}
