/**
 * The rules of the settings that are also Terraform variables or module inputs, each written once
 * (see `rules.ts`): `schema.ts` takes `.zod` from here and adds the default; `stacks/variables.ts`
 * takes `.validations`, and the type from `.zod` or from the schema's group (`stacks/input-types.ts`),
 * and adds the variable's name and description. Grouped as the
 * configuration is; the group's relations (rules that join two of its settings) follow it.
 */
import { OSS_RELEASE_LINES } from "../spinnaker/releases";
import {
  absent,
  atMostOne,
  choice,
  choiceMap,
  cidrBlock,
  distinct,
  entries,
  exactlyOne,
  given,
  hclPattern,
  implies,
  length,
  list,
  memberOf,
  nonEmpty,
  noneOf,
  number,
  off,
  on,
  pattern,
  prefixFrom,
  type Relation,
  RULE_LOCALS,
  type Rule,
  stringMap,
  text,
  together,
  typedText,
  uniqueBy,
  whole,
} from "./rules";

// ---------------------------------------------------------------------------------------------
// Patterns, also read where a value is rendered or checked against another setting
// ---------------------------------------------------------------------------------------------

export const VPC_ID_PATTERN = /^vpc-[0-9a-f]{8,17}$/;
export const SUBNET_ID_PATTERN = /^subnet-[0-9a-f]{8,17}$/;
export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
export const AMI_ID_PATTERN = /^ami-[0-9a-f]{8,17}$/;
export const ROOT_DEVICE_NAME_PATTERN = /^\/dev\/[a-z0-9]+$/;
export const OPERATING_SYSTEMS = ["ubuntu", "centos", "rhel"] as const;
export const HOSTNAME_PATTERN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const CERTIFICATE_ARN_PATTERN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
/** TLS 1.3 policies that allow TLS 1.2 at the least. */
export const SSL_POLICY_PATTERN = /^ELBSecurityPolicy-TLS13-1-[23]-/;
export const CACHE_NODE_TYPE_PATTERN = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;
export const REDIS_ENGINE_VERSION_PATTERN = /^[67]\.\d+$/;
/** Aurora MySQL 3 (MySQL 8.0 compatible): the parameter group family is aurora-mysql8.0. */
export const AURORA_MYSQL_VERSION_PATTERN = /^8\.0\.mysql_aurora\.3\.\d{2}\.\d+$/;
/** RDS for MySQL 8.0 or 8.4: a major.minor prefix (minor upgrades by AWS) or a full version. */
export const MYSQL_VERSION_PATTERN = /^8\.[04](\.\d+)?$/;
export const DB_INSTANCE_CLASS_PATTERN = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
/** A database's DNS name (an endpoint of your own). */
export const DATABASE_ENDPOINT_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
export const SECRET_ARN_PATTERN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
export const SECURITY_GROUP_ID_PATTERN = /^sg-[0-9a-f]{8,17}$/;
export const S3_BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:/;
/** A Spinnaker naming component: Spinnaker splits server group names on `-`, so none may contain one. */
export const NAME_PART_PATTERN = /^[a-z][a-z0-9]*$/;
/**
 * Longest `name` and `environment`: `<name>-<environment>-int` (the interservice load balancer)
 * stays within the 32 characters AWS allows a load balancer's name.
 */
export const NAME_MAX = 16;
export const ENVIRONMENT_MAX = 10;
/**
 * Instances read their tags through the metadata service, which refuses keys with spaces or "/"
 * (and AWS reserves "aws:"): such a key would stop every instance from launching.
 */
export const TAG_KEY_CHARACTERS = /^[A-Za-z0-9+\-=._,:@]{1,128}$/;
export const IMAGE_TAG_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;
export const REGISTRY_PATTERN = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/;
/**
 * A container image reference (`registry/name:tag` or `@sha256:...`): no whitespace and no `$`, as
 * it becomes a line of compose.env, which docker compose interpolates.
 */
export const IMAGE_REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/;
export const SPINNAKER_SERVICES = [
  "deck",
  "gate",
  "orca",
  "clouddriver",
  "front50",
  "echo",
  "igor",
  "rosco",
  "fiat",
  "kayenta",
] as const;
/**
 * An OpenID Connect issuer: https only (OIDC Discovery 1.0, section 3), on 443, the port the
 * instances' egress rules open.
 */
export const ISSUER_URL_PATTERN = /^https:\/\/[A-Za-z0-9.-]+(:443)?(\/[^\s$?#]*)?$/;
/** A server's URL (a build server, a metrics store), such as https://jenkins.example.com: no whitespace or `$`. */
export const SERVER_URL_PATTERN = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[^\s$]*)?$/;
export const ACCOUNT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
export const KUBECONFIG_S3_URI_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/;
export const FRONT50_PREFIX_PATTERN = /^[A-Za-z0-9._-]+$/;
/** Where the rendered configuration lives in the config bucket; the instances may only read it. */
export const CONFIG_PREFIX = "config";
/** Where kayenta keeps canary configurations and results in the config bucket. */
export const KAYENTA_PREFIX = "kayenta";
/** Key prefixes of the config bucket that front50's prefix must not be. */
export const RESERVED_PREFIXES = [CONFIG_PREFIX, KAYENTA_PREFIX] as const;
/** A role of the identity provider, as fiat knows it (fiat lower-cases role names). */
export const ROLE_PATTERN = /^[^\s$]{1,255}$/;
/** A claim of the identity provider's user info or ID token, such as `email` or `groups`. */
export const CLAIM_PATTERN = /^[A-Za-z0-9_:.-]{1,128}$/;
/** An OAuth2 client id: printable, no whitespace or `$` (it is written into gate's YAML). */
export const CLIENT_ID_PATTERN = /^[!-#%-~]{1,255}$/;
/** A key of a JSON secret in a secret reference (`!k:<key>`). */
export const SECRET_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
/** Every AWS region in every partition that aws-cdk's region-info knows (a module reads `local.aws_regions`). */
export const AWS_REGION_NAMES: readonly string[] = RULE_LOCALS.aws_regions;
/** The widest block SSH may come from: wider is the internet in all but name. */
export const SSH_MIN_PREFIX = 8;
/**
 * A subnet purpose: clouddriver reads it from the subnet's `immutable_metadata` tag (JSON, so no
 * quotes or backslashes) and deploy stages name it as their `subnetType`.
 */
export const SUBNET_PURPOSE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

// ---------------------------------------------------------------------------------------------
// Values several settings share
// ---------------------------------------------------------------------------------------------

export const SECRET_ARN = text(pattern(SECRET_ARN_PATTERN, "a Secrets Manager secret ARN"));
export const S3_BUCKET_NAME = text(pattern(S3_BUCKET_NAME_PATTERN, "an S3 bucket name (3-63 of a-z 0-9 . -)"));
export const AWS_REGION = text(
  memberOf(
    AWS_REGION_NAMES,
    "an AWS region such as us-west-2 (a region of the aws, aws-cn, aws-us-gov or an ISO partition)",
    "aws_regions",
  ),
);
export const TCP_PORT = number(whole(1, 65535, " (a TCP port)"));
const subnetId = text(pattern(SUBNET_ID_PATTERN, "a subnet id such as subnet-0123456789abcdef0"));

// ---------------------------------------------------------------------------------------------
// The settings
// ---------------------------------------------------------------------------------------------

const namePart = (what: string, max: number) =>
  text(
    pattern(
      NAME_PART_PATTERN,
      `${what}: lower-case letters and digits, starting with a letter, no hyphen (Spinnaker splits names on "-")`,
    ),
    length(1, max, `at most ${max} characters`),
  );

const tagKey: Rule<string> = {
  what: 'a tag key of letters, digits and + - = . _ , : @ (no spaces or "/", not starting with aws:)',
  // RE2 has no lookahead: the reserved prefix is a test of its own in both languages.
  test: (k) => TAG_KEY_CHARACTERS.test(k) && !k.startsWith("aws:"),
  hcl: (k) => `can(regex("${hclPattern(TAG_KEY_CHARACTERS)}", ${k})) && !startswith(${k}, "aws:")`,
};

export const TOP_LEVEL = {
  name: namePart("an application name", NAME_MAX),
  environment: namePart("an environment name", ENVIRONMENT_MAX),
  tags: stringMap([tagKey], [length(0, 256, "a tag value of at most 256 characters")]),
};

const cidrs = (...rules: Rule<readonly unknown[]>[]) => list(text(cidrBlock), distinct("CIDR blocks"), ...rules);

export const NETWORK = {
  vpcId: text(pattern(VPC_ID_PATTERN, "a VPC id such as vpc-0123456789abcdef0")),
  /**
   * `min`: 2 in the configuration and the ha stack, whose interservice load balancer and Multi-AZ
   * Redis need two AZs; 1 for the standalone stack's variable.
   */
  instanceSubnetIds: (min: number) =>
    list(
      subnetId,
      distinct("subnets"),
      min === 1
        ? entries(1, "at least one subnet id")
        : entries(
            min,
            `at least ${min} subnets in different AZs: the ha stack's interservice load balancer and Multi-AZ Redis need them`,
            "for stand-alone in one subnet, leave this unset and pass instance_subnet_ids when you plan",
          ),
    ),
  /**
   * The subnets' own rules. How many it needs depends on the scheme and, in Terraform, on
   * `instance_subnet_ids` (an empty list means those): `LOAD_BALANCER_SUBNETS_MIN` in the
   * configuration, a rule of the variable's own in Terraform.
   */
  loadBalancerSubnetIds: list(subnetId, distinct("subnets")),
  userCidrs: cidrs(entries(1, "at least one CIDR block")),
  sshCidrs: list(
    text(
      cidrBlock,
      prefixFrom(SSH_MIN_PREFIX, "SSH from anywhere is refused (Session Manager is the way in without SSH)"),
    ),
    distinct("CIDR blocks"),
  ),
  egressCidrs: cidrs(entries(1, "at least one CIDR block: the instances install Docker and pull images at boot")),
  /** TCP ports beyond 80 and 443 the instances may reach at `egressCidrs`, for endpoints no setting names. */
  egressPorts: list(TCP_PORT, distinct("ports")),
};
/** Where the configuration lists the load balancer's subnets, it lists two AZs at least. */
export const LOAD_BALANCER_SUBNETS_MIN = entries(2, "at least 2 subnets in different AZs");

export const INSTANCE = {
  type: text(pattern(INSTANCE_TYPE_PATTERN, "an EC2 instance type such as m4.2xlarge")),
  os: choice(OPERATING_SYSTEMS),
  amiId: text(pattern(AMI_ID_PATTERN, "an AMI id such as ami-0123456789abcdef0")),
  rootDeviceName: text(pattern(ROOT_DEVICE_NAME_PATTERN, "a device name such as /dev/sda1 or /dev/xvda")),
  rootVolumeSizeGiB: number(whole(30, 16384, " GiB")),
  keyName: text(length(1, 255, "an EC2 key pair name of 1 to 255 characters")),
  healthCheckGracePeriodSeconds: number(whole(60, 7200, " seconds")),
};

export const LOAD_BALANCER = {
  scheme: choice(["internal", "internet-facing"]),
  hostname: text(
    length(1, 253, "a DNS name of at most 253 characters"),
    pattern(HOSTNAME_PATTERN, "a lower-case DNS name such as spinnaker.example.com"),
  ),
  certificateArn: text(pattern(CERTIFICATE_ARN_PATTERN, "an ACM certificate ARN")),
  sslPolicy: text(
    pattern(
      SSL_POLICY_PATTERN,
      "a TLS 1.3 policy that allows at least TLS 1.2 (ELBSecurityPolicy-TLS13-1-2-* or -1-3-*)",
    ),
  ),
  deckPort: TCP_PORT,
  gatePort: TCP_PORT,
  idleTimeoutSeconds: number(whole(1, 4000, " seconds")),
  accessLogsBucket: S3_BUCKET_NAME,
};

/** The fields of the load balancer the relations read, as both gates hold them. */
interface LoadBalancerFields {
  https?: boolean | null;
  certificateArn?: string | null;
  hostname?: string | null;
  deckPort?: number | null;
  gatePort?: number | null;
}

/**
 * `https` is a switch the caller writes (a module's counts must be known at plan even when the
 * certificate is another resource); in the configuration it may be left out and follows the
 * certificate, so only a written switch can contradict it.
 */
export const LOAD_BALANCER_RELATIONS: readonly Relation<LoadBalancerFields>[] = [
  implies<LoadBalancerFields>(
    "https",
    on("https"),
    given("certificateArn"),
    ["https", "certificateArn"],
    (name) =>
      `needs ${name("certificateArn")} when true: HTTPS listeners need an ACM certificate (set it, or set ${name("https")} to false)`,
  ),
  implies<LoadBalancerFields>(
    "https",
    off("https"),
    absent("certificateArn"),
    ["https", "certificateArn"],
    (name) =>
      `must be true with ${name("certificateArn")}: the certificate makes both listeners HTTPS (set ${name("https")} to true, or leave out ${name("certificateArn")} for HTTP)`,
  ),
  implies<LoadBalancerFields>(
    "hostname",
    given("certificateArn"),
    given("hostname"),
    ["hostname", "certificateArn"],
    (name) =>
      `required when ${name("certificateArn")} is set: browsers check the certificate against your DNS name, never the load balancer's own`,
  ),
  {
    // deck's port follows https unless given: 443 with it, 80 without (resolve() in schema.ts).
    subject: "gatePort",
    fields: ["gatePort", "deckPort", "https"],
    message: (name) =>
      `must differ from deck's port (${name("deckPort")}, else 443 with HTTPS and 80 without): deck and gate need their own listeners`,
    test: (o) => (o.deckPort ?? ((o.https ?? (o.certificateArn ?? null) !== null) ? 443 : 80)) !== o.gatePort,
    hcl: (a) => `coalesce(${a("deckPort")}, ${a("https")} ? 443 : 80) != ${a("gatePort")}`,
  },
];

export const HIGH_AVAILABILITY = {
  nonPollingCapacity: number(whole(1, 50)),
};

export const REDIS = {
  nodeType: text(pattern(CACHE_NODE_TYPE_PATTERN, "an ElastiCache node type such as cache.r7g.large")),
  engineVersion: text(pattern(REDIS_ENGINE_VERSION_PATTERN, "a Redis engine version such as 7.1")),
  replicas: number(whole(1, 5, " (Multi-AZ needs one)")),
  snapshotRetentionDays: number(whole(0, 35, " days")),
  existingUrlSecretArn: SECRET_ARN,
  existingSecurityGroupId: text(pattern(SECURITY_GROUP_ID_PATTERN, "a security group id such as sg-0123456789abcdef0")),
  existingPort: TCP_PORT,
};

interface RedisFields {
  create?: boolean | null;
  existingUrlSecretArn?: string | null;
  existingSecurityGroupId?: string | null;
}

/**
 * `create` is a switch the caller writes, as `https` is; in the configuration it may be left out
 * and follows `existingUrlSecretArn`.
 */
export const REDIS_RELATIONS: readonly Relation<RedisFields>[] = [
  together<RedisFields>(
    "existingUrlSecretArn",
    "existingSecurityGroupId",
    "the instances need both the URL and a way through to it",
  ),
  implies<RedisFields>(
    "create",
    on("create"),
    absent("existingUrlSecretArn"),
    ["create", "existingUrlSecretArn"],
    (name) =>
      `must be false with ${name("existingUrlSecretArn")}: true creates ElastiCache, false uses your own Redis (set ${name("create")} to false, or leave out ${name("existingUrlSecretArn")} and ${name("existingSecurityGroupId")})`,
  ),
  implies<RedisFields>(
    "create",
    off("create"),
    given("existingUrlSecretArn"),
    ["create", "existingUrlSecretArn"],
    (name) =>
      `needs ${name("existingUrlSecretArn")} and ${name("existingSecurityGroupId")} when false: they are your own Redis (set both, or set ${name("create")} to true to create ElastiCache)`,
  ),
];

/**
 * Where front50 and orca keep their data (`storage`, the modules' `storage` input): the config
 * bucket and Redis, or a MySQL database, created (Aurora MySQL for HA, RDS for MySQL for
 * stand-alone) or your own.
 */
export const STORAGE = {
  type: choice(["s3-redis", "sql"]),
  auroraVersion: text(
    pattern(AURORA_MYSQL_VERSION_PATTERN, "an Aurora MySQL 3 engine version such as 8.0.mysql_aurora.3.10.4"),
  ),
  auroraInstanceClass: text(pattern(DB_INSTANCE_CLASS_PATTERN, "an RDS instance class such as db.r7g.large")),
  auroraReaders: number(whole(1, 15, " (Multi-AZ needs one)")),
  mysqlVersion: text(pattern(MYSQL_VERSION_PATTERN, "an RDS for MySQL version such as 8.4 (or 8.4.7 to pin one)")),
  mysqlInstanceClass: text(pattern(DB_INSTANCE_CLASS_PATTERN, "an RDS instance class such as db.t4g.micro")),
  mysqlStorageGiB: number(whole(20, 1000, " GiB")),
  backupRetentionDays: number(whole(1, 35, " days (backups cannot be turned off)")),
  subnetIds: list(
    text(pattern(SUBNET_ID_PATTERN, "a subnet id such as subnet-0123456789abcdef0")),
    distinct("subnets"),
    entries(2, "at least two subnets in two AZs (RDS's rule for a DB subnet group)"),
  ),
  existingEndpoint: text(pattern(DATABASE_ENDPOINT_PATTERN, "the DNS name of your MySQL 8 database")),
  existingPort: TCP_PORT,
  existingMasterSecretArn: SECRET_ARN,
  existingSecurityGroupId: text(pattern(SECURITY_GROUP_ID_PATTERN, "a security group id such as sg-0123456789abcdef0")),
};

interface StorageFields {
  createDatabase?: boolean | null;
  existingEndpoint?: string | null;
  existingMasterSecretArn?: string | null;
  existingSecurityGroupId?: string | null;
}

/** As Redis's: `createDatabase` is a switch the caller writes, following `existingEndpoint` when left out. */
export const STORAGE_RELATIONS: readonly Relation<StorageFields>[] = [
  together<StorageFields>(
    "existingEndpoint",
    "existingMasterSecretArn",
    "the boot step creates the services' schemas and users with the master user",
  ),
  together<StorageFields>(
    "existingEndpoint",
    "existingSecurityGroupId",
    "the instances need both the address and a way through to it",
  ),
  implies<StorageFields>(
    "createDatabase",
    on("createDatabase"),
    absent("existingEndpoint"),
    ["createDatabase", "existingEndpoint"],
    (name) =>
      `must be false with ${name("existingEndpoint")}: true creates the database, false uses your own (set ${name("createDatabase")} to false, or leave out ${name("existingEndpoint")}, ${name("existingMasterSecretArn")} and ${name("existingSecurityGroupId")})`,
  ),
  implies<StorageFields>(
    "createDatabase",
    off("createDatabase"),
    given("existingEndpoint"),
    ["createDatabase", "existingEndpoint"],
    (name) =>
      `needs ${name("existingEndpoint")}, ${name("existingMasterSecretArn")} and ${name("existingSecurityGroupId")} when false: they are your own database (set them, or set ${name("createDatabase")} to true to create one)`,
  ),
];

export const CONFIG_BUCKET = {
  name: S3_BUCKET_NAME,
  kmsKeyArn: text(pattern(KMS_KEY_ARN_PATTERN, "a KMS key ARN")),
  noncurrentVersionExpirationDays: number(whole(1, 3650, " days")),
};

const imageReferenceRule = pattern(
  IMAGE_REFERENCE_PATTERN,
  "a container image reference such as registry/name:tag (no spaces or $)",
);
const imageReference = text(imageReferenceRule);
const accountName = (what: string) =>
  text(pattern(ACCOUNT_NAME_PATTERN, `${what}: lower-case letters, digits and hyphens`));
const roles = list(text(pattern(ROLE_PATTERN, "a role name without spaces or $")), distinct("roles"));

/** What the instances run (`spinnaker`, the modules' `spinnaker` input). */
export const SPINNAKER = {
  distribution: choice(["oss", "armory"]),
  version: text(pattern(IMAGE_TAG_PATTERN, `a container image tag such as ${OSS_RELEASE_LINES[0].latest}`)),
  registry: text(pattern(REGISTRY_PATTERN, "a registry host and path such as ghcr.io/spinnaker")),
  /** Full references of single services, replacing `<registry>/<service>:<version>`. */
  images: choiceMap(SPINNAKER_SERVICES, imageReferenceRule),
  redisImage: imageReference,
  awsCliImage: imageReference,
  databaseClientImage: imageReference,
  prometheusUrl: text(pattern(SERVER_URL_PATTERN, "the Prometheus URL, such as http://prometheus.example.com:9090")),
  front50Prefix: text(
    pattern(FRONT50_PREFIX_PATTERN, "a key prefix of letters, digits and . _ -"),
    noneOf(
      RESERVED_PREFIXES,
      `a prefix of front50's own, not ${RESERVED_PREFIXES.join(" or ")}: config/ is the rendered configuration, read-only to the instances, and kayenta writes kayenta/`,
    ),
  ),
};

/** rosco's AWS bakery (`spinnaker.bake`). */
export const BAKE = {
  account: accountName("the name of an account in spinnaker.accounts.aws"),
  /** Where images go: packer bakes in the deployment's region and copies to the others (joining-rules.ts). */
  regions: list(AWS_REGION, distinct("regions"), entries(1, "at least one region (or leave it out: the deployment's)")),
  instanceType: text(pattern(INSTANCE_TYPE_PATTERN, "an EC2 instance type such as m5.large")),
  baseImages: choiceMap(OPERATING_SYSTEMS, pattern(AMI_ID_PATTERN, "an AMI id such as ami-0123456789abcdef0")),
};

/** Spinnaker deploys itself (`ha.selfDeploy`, the ha module's `self_deploy` input). */
export const SELF_DEPLOY = {
  account: accountName("the name of clouddriver's account for the AWS account Spinnaker runs in"),
  subnetPurpose: text(
    pattern(SUBNET_PURPOSE_PATTERN, "a subnet purpose of 1 to 64 lower-case letters, digits and . _ -"),
  ),
};

/** fiat's roles that may read and write an account (kork's `Permissions.Builder`). */
export const PERMISSIONS = { read: roles, write: roles };

export const AWS_ACCOUNT = {
  name: accountName("a Spinnaker account name"),
  // YAML reads an unquoted 012345678901 as a number and drops the leading zero: demand a string.
  accountId: typedText(pattern(ACCOUNT_ID_PATTERN, "a 12-digit AWS account id, as a quoted string")),
  roleName: text(pattern(ROLE_NAME_PATTERN, "an IAM role name (1-64 of letters, digits and +=,.@_-)")),
  regions: list(AWS_REGION, entries(1, "at least one region (or leave it out: the deployment's)")),
};

/** The list of AWS accounts' own rules. */
export const AWS_ACCOUNTS = [
  uniqueBy<{ name: string }>("name", "a name no other account has: Spinnaker addresses accounts by name"),
  atMostOne<{ createRole: boolean }>(
    "createRole",
    "createRole on one account at most: the account being deployed into",
  ),
] as const;

export const KUBERNETES_ACCOUNT = {
  name: accountName("a Spinnaker account name"),
  context: text(nonEmpty("a kubeconfig context name, not empty")),
  namespaces: list(text(nonEmpty("a namespace, not empty"))),
  kubeconfigSecretArn: SECRET_ARN,
  kubeconfigS3Uri: text(pattern(KUBECONFIG_S3_URI_PATTERN, "s3://<bucket>/<key>")),
  kubeconfigS3Region: AWS_REGION,
  /**
   * The port of the cluster's API server, which the instances may reach at `network.egressCidrs`
   * (the kubeconfig is read only at start, so its server's port is not known here). EKS: 443.
   */
  apiServerPort: TCP_PORT,
};

export const KUBERNETES_ACCOUNTS = [
  uniqueBy<{ name: string }>("name", "a name no other account has: Spinnaker addresses accounts by name"),
] as const;

interface KubeconfigFields {
  kubeconfigSecretArn?: string | null;
  kubeconfigS3Uri?: string | null;
}

export const KUBERNETES_ACCOUNT_RELATIONS: readonly Relation<KubeconfigFields>[] = [
  exactlyOne<KubeconfigFields>(
    "kubeconfigSecretArn",
    "kubeconfigS3Uri",
    "the kubeconfig is read from Secrets Manager or from S3",
  ),
];

/** A Jenkins master of igor (igor's JenkinsProperties.JenkinsHost). */
export const JENKINS_MASTER = {
  name: accountName("a build master name"),
  address: text(pattern(SERVER_URL_PATTERN, "the Jenkins URL, such as https://jenkins.example.com")),
  username: text(nonEmpty("a user name, not empty")),
  /** The user's API token in Secrets Manager, resolved by igor at start with the instance role. */
  passwordSecretArn: SECRET_ARN,
};

export const JENKINS_MASTERS = [
  uniqueBy<{ name: string }>("name", "a name no other master has: pipelines name their master"),
] as const;

interface JenkinsCredentialFields {
  username?: string | null;
  passwordSecretArn?: string | null;
}

export const JENKINS_MASTER_RELATIONS: readonly Relation<JenkinsCredentialFields>[] = [
  together<JenkinsCredentialFields>(
    "username",
    "passwordSecretArn",
    "igor signs in with both, or with neither for anonymous access",
  ),
];

const claim = text(pattern(CLAIM_PATTERN, "a claim name such as email or groups"));

/** Sign-in through gate with OpenID Connect, and fiat (`spinnaker.auth`, the modules' `auth` input). */
export const AUTH = {
  issuerUrl: text(
    pattern(
      ISSUER_URL_PATTERN,
      "the identity provider's issuer URL, https:// on port 443, such as https://login.example.com/realms/spinnaker",
    ),
  ),
  clientId: text(pattern(CLIENT_ID_PATTERN, "the OAuth2 client id: 1-255 printable characters without spaces or $")),
  clientSecretArn: SECRET_ARN,
  clientSecretKey: text(pattern(SECRET_KEY_PATTERN, "a JSON key of letters, digits and _ . -")),
  scopes: list(claim, entries(1, "at least one scope")),
  /** Each claim of `claims`. */
  claim,
  adminRoles: roles,
};
