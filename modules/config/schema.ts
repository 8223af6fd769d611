/**
 * The one configuration object of this package: its schema, its documented defaults and the
 * defaults that depend on other settings. Everything downstream receives `Settings`, already
 * validated and defaulted; nothing else in the package invents a default.
 */
// The region table of aws-cdk's region-info (maintained by AWS; pinned). This file alone, not the
// package's index, which loads every service fact for about 60 ms at every synthesis.
import { partitionInformation } from "@aws-cdk/region-info/lib/aws-entities";
import type { IResolvable } from "cdktf";
import { z } from "zod";
import { OSS_RELEASE_LINES } from "../spinnaker/releases";
import type { Condition } from "../terraform-values";
import { joiningIssues } from "./joining-rules";
import { objectList, relationsCheck } from "./rules";
import {
  AUTH,
  AWS_ACCOUNT,
  AWS_ACCOUNTS,
  AWS_REGION,
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
  LOAD_BALANCER_SUBNETS_MIN,
  NETWORK,
  PERMISSIONS,
  REDIS,
  REDIS_RELATIONS,
  S3_BUCKET_NAME,
  SELF_DEPLOY,
  SPINNAKER,
  type SPINNAKER_SERVICES,
  STORAGE,
  STORAGE_RELATIONS,
  TOP_LEVEL,
} from "./setting-rules";

// Values other modules read from the configuration's module.
export {
  AWS_REGION_NAMES,
  CONFIG_PREFIX,
  KAYENTA_PREFIX,
  OPERATING_SYSTEMS,
  SPINNAKER_SERVICES,
} from "./setting-rules";

const awsRegion = AWS_REGION.zod;
const s3BucketName = S3_BUCKET_NAME.zod;

export type SpinnakerService = (typeof SPINNAKER_SERVICES)[number];

// ---------------------------------------------------------------------------------------------
// The schema. Every optional setting documents its default with `.default()` or in `resolve`.
// ---------------------------------------------------------------------------------------------

/**
 * Who may use an account once sign-in is on: fiat's READ and WRITE roles (kork's
 * `Permissions.Builder` on clouddriver's account). An account without them is open to every user.
 */
const accountPermissions = z.strictObject({
  read: PERMISSIONS.read.zod.default([]),
  write: PERMISSIONS.write.zod.default([]),
});

const awsAccount = z.strictObject({
  name: AWS_ACCOUNT.name.zod,
  accountId: AWS_ACCOUNT.accountId.zod,
  roleName: AWS_ACCOUNT.roleName.zod.default("spinnakerManaged"),
  /**
   * Create `roleName` in the account the stack deploys into, trusting the instance role. Only for
   * that account (a plan-time check compares the ids); other accounts create it themselves.
   */
  createRole: z.boolean().default(false),
  regions: AWS_ACCOUNT.regions.zod.optional(),
  permissions: accountPermissions.optional(),
});

const kubernetesAccount = z
  .strictObject({
    name: KUBERNETES_ACCOUNT.name.zod,
    context: KUBERNETES_ACCOUNT.context.zod.optional(),
    namespaces: KUBERNETES_ACCOUNT.namespaces.zod.default([]),
    onlySpinnakerManaged: z.boolean().default(true),
    kubeconfigSecretArn: KUBERNETES_ACCOUNT.kubeconfigSecretArn.zod.optional(),
    kubeconfigS3Uri: KUBERNETES_ACCOUNT.kubeconfigS3Uri.zod.optional(),
    /** The region of kubeconfigS3Uri's bucket. Default: the deployment's region. */
    kubeconfigS3Region: KUBERNETES_ACCOUNT.kubeconfigS3Region.zod.optional(),
    apiServerPort: KUBERNETES_ACCOUNT.apiServerPort.zod.default(443),
    permissions: accountPermissions.optional(),
  })
  .superRefine(relationsCheck(KUBERNETES_ACCOUNT_RELATIONS));

/**
 * Sign-in through gate with OpenID Connect (gate's OAuth2 client), and authorization by fiat with
 * the roles the identity provider sends. Absent: no sign-in, fiat does not run, and everyone who
 * reaches the load balancer is an administrator.
 */
const signIn = z.strictObject({
  /** The provider's issuer; gate reads `<issuer>/.well-known/openid-configuration` when it starts. */
  issuerUrl: AUTH.issuerUrl.zod,
  clientId: AUTH.clientId.zod,
  /** The client secret in Secrets Manager, resolved by gate at start with the instance role. */
  clientSecretArn: AUTH.clientSecretArn.zod,
  /** The key of the client secret when the secret's value is JSON. @default - the whole value */
  clientSecretKey: AUTH.clientSecretKey.zod.optional(),
  scopes: AUTH.scopes.zod.default(["openid", "profile", "email"]),
  /** Which claims hold each user attribute (gate's user-info mapping). */
  claims: z
    .strictObject({
      email: AUTH.claim.zod.default("email"),
      firstName: AUTH.claim.zod.default("given_name"),
      lastName: AUTH.claim.zod.default("family_name"),
      username: AUTH.claim.zod.default("email"),
      /** The list of the user's roles (groups); fiat authorizes with them. */
      roles: AUTH.claim.zod.default("groups"),
    })
    .prefault({}),
  /** Roles whose members administer everything in Spinnaker (fiat's admin roles). */
  adminRoles: AUTH.adminRoles.zod.default([]),
});

/** A Jenkins master of igor (igor's JenkinsProperties.JenkinsHost). */
const jenkinsMaster = z
  .strictObject({
    name: JENKINS_MASTER.name.zod,
    address: JENKINS_MASTER.address.zod,
    username: JENKINS_MASTER.username.zod.optional(),
    passwordSecretArn: JENKINS_MASTER.passwordSecretArn.zod.optional(),
    /** Jenkins 2 refuses POSTs without a CSRF crumb unless its protection is off. */
    csrf: z.boolean().default(true),
  })
  .superRefine(relationsCheck(JENKINS_MASTER_RELATIONS));

export const ConfigSchema = z
  .strictObject({
    /** Spinnaker application name of the server; the first part of every resource name. */
    name: TOP_LEVEL.name.zod.default("armoryspinnaker"),
    /** Spinnaker stack name; the second part of every resource name. */
    environment: TOP_LEVEL.environment.zod.default("preprod"),
    region: awsRegion.default("us-west-2"),
    /** Tags on every resource (provider default_tags) and on the instances. */
    tags: TOP_LEVEL.tags.zod.default({}),

    network: z
      .strictObject({
        /** Absent: the `vpc_id` Terraform variable has no default and must be given at plan time. */
        vpcId: NETWORK.vpcId.zod.optional(),
        /** Private subnets for the instances. Absent: the `instance_subnet_ids` variable is required. */
        instanceSubnetIds: NETWORK.instanceSubnetIds(2).zod.optional(),
        /** Subnets of the user-facing load balancer (two AZs or more). Default: the instance subnets. */
        loadBalancerSubnetIds: NETWORK.loadBalancerSubnetIds.zod
          .refine(LOAD_BALANCER_SUBNETS_MIN.test, { message: `expected ${LOAD_BALANCER_SUBNETS_MIN.what}` })
          .optional(),
        /** Who may reach deck and gate. Absent: the `user_cidrs` variable is required. Never 0.0.0.0/0 unless listed. */
        userCidrs: NETWORK.userCidrs.zod.optional(),
        /** SSH to the instances; empty keeps port 22 closed (use SSM Session Manager). */
        sshCidrs: NETWORK.sshCidrs.zod.default([]),
        /**
         * Where instances may open HTTP(S) connections: package mirrors, container registries, AWS APIs.
         * The default is the one deliberate 0.0.0.0/0 (egress only); narrow it to a proxy's CIDR.
         */
        egressCidrs: NETWORK.egressCidrs.zod.default(["0.0.0.0/0"]),
        /**
         * TCP ports beyond 80 and 443 the instances may reach at `egressCidrs`: endpoints no other
         * setting names (an LDAP server, a webhook target). Jenkins masters, Kubernetes API servers and
         * kayenta's Prometheus are opened from their own settings.
         */
        egressPorts: NETWORK.egressPorts.zod.default([]),
      })
      .prefault({}),

    loadBalancer: z
      .strictObject({
        /** `internet-facing` puts deck and gate on the internet (still only for `userCidrs`). */
        scheme: LOAD_BALANCER.scheme.zod.default("internal"),
        /**
         * The DNS name users open (a record you point at the load balancer). Deck's and gate's URLs use
         * it; required with a certificate, which can cover your name but never the load balancer's own.
         */
        hostname: LOAD_BALANCER.hostname.zod.optional(),
        /** ACM certificate: adds HTTPS listeners and redirects HTTP to HTTPS. */
        certificateArn: LOAD_BALANCER.certificateArn.zod.optional(),
        /**
         * HTTPS listeners (with `certificateArn`) or HTTP. A module takes it as its
         * `load_balancer.https` input, a value the caller writes, because the listeners' counts
         * must be known at plan and the caller's certificate may not be. @default - true with certificateArn
         */
        https: z.boolean().optional(),
        sslPolicy: LOAD_BALANCER.sslPolicy.zod.default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
        /** Listener for deck. Default: 443 with HTTPS, 80 without. */
        deckPort: LOAD_BALANCER.deckPort.zod.optional(),
        gatePort: LOAD_BALANCER.gatePort.zod.default(8084),
        deletionProtection: z.boolean().default(true),
        idleTimeoutSeconds: LOAD_BALANCER.idleTimeoutSeconds.zod.default(60),
        accessLogs: z
          .strictObject({
            bucket: LOAD_BALANCER.accessLogsBucket.zod,
            prefix: z.string().default(""),
          })
          .optional(),
      })
      .superRefine(relationsCheck(LOAD_BALANCER_RELATIONS, "loadBalancer"))
      .prefault({}),

    instance: z
      .strictObject({
        type: INSTANCE.type.zod.default("m4.2xlarge"),
        os: INSTANCE.os.zod.default("ubuntu"),
        /** An explicit AMI; without it the latest official image of `os` is looked up at plan time. */
        amiId: INSTANCE.amiId.zod.optional(),
        /** Root device of `amiId`. Default: read from the official image, or /dev/sda1 for your own AMI. */
        rootDeviceName: INSTANCE.rootDeviceName.zod.optional(),
        rootVolumeSizeGiB: INSTANCE.rootVolumeSizeGiB.zod.default(100),
        keyName: INSTANCE.keyName.zod.optional(),
        /** Spinnaker's JVMs start slowly; the ELB health check waits this long after launch. */
        healthCheckGracePeriodSeconds: INSTANCE.healthCheckGracePeriodSeconds.zod.default(900),
      })
      .prefault({}),

    spinnaker: z
      .strictObject({
        distribution: SPINNAKER.distribution.zod.default("oss"),
        /** Default for `oss`: see DEFAULT_OSS_VERSION. Required for `armory`, which numbers its own releases. */
        version: SPINNAKER.version.zod.optional(),
        /** Default: DEFAULT_REGISTRY of the distribution. */
        registry: SPINNAKER.registry.zod.optional(),
        /** Per-service full image references (`registry/name:tag`), overriding registry and version. */
        images: SPINNAKER.images.zod.default({}),
        redisImage: SPINNAKER.redisImage.zod.default("docker.io/library/redis:7.4-alpine"),
        awsCliImage: SPINNAKER.awsCliImage.zod.default("public.ecr.aws/aws-cli/aws-cli:2.27.49"),
        /** The MySQL client that prepares the database at boot, with `storage.type` sql. */
        databaseClientImage: SPINNAKER.databaseClientImage.zod.default("docker.io/library/mysql:8.4"),
        kayenta: z.boolean().default(false),
        /** The Prometheus kayenta reads canary metrics from (its METRICS_STORE account `metrics`). */
        prometheusUrl: SPINNAKER.prometheusUrl.zod.optional(),
        /** Where front50 keeps pipelines and applications, under the config bucket. */
        front50Prefix: SPINNAKER.front50Prefix.zod.default("front50"),
        accounts: z
          .strictObject({
            aws: objectList(awsAccount, ...AWS_ACCOUNTS).zod.default([]),
            kubernetes: objectList(kubernetesAccount, ...KUBERNETES_ACCOUNTS).zod.default([]),
          })
          .prefault({}),
        /** rosco's AWS bakery: AMI bake stages, run by packer with the instance role. */
        bake: z
          .strictObject({
            enabled: z.boolean().default(true),
            /**
             * The AWS account orca bakes in (`default.bake.account`), which must be the one the
             * instances run in (packer uses their role). Default: the createRole account, else the only
             * one; required when there are several and none has createRole.
             */
            account: BAKE.account.zod.optional(),
            /**
             * The regions an image is made for: packer bakes in the deployment's region (its subnet
             * is there), which must be listed, and copies the image to the others, each a region of
             * the bake account. Default: the deployment's region.
             */
            regions: BAKE.regions.zod.optional(),
            /** The instance packer bakes on; a Graviton type bakes arm64 images. */
            instanceType: BAKE.instanceType.zod.default("m5.large"),
            /** A base AMI per OS (your golden images); default: the newest official image in the region. */
            baseImages: BAKE.baseImages.zod.default({}),
          })
          .prefault({}),
        /** Sign-in and authorization (fiat). @default - off: no sign-in, and fiat does not run */
        auth: signIn.optional(),
        /** Build servers igor polls for CI triggers. */
        ci: z
          .strictObject({
            jenkins: objectList(jenkinsMaster, ...JENKINS_MASTERS).zod.default([]),
          })
          .prefault({}),
      })
      .prefault({}),

    /** The high-availability topology (the `ha` stack). */
    ha: z
      .strictObject({
        /** Instances in the non-polling group; the polling group always has exactly one. */
        nonPollingCapacity: HIGH_AVAILABILITY.nonPollingCapacity.zod.default(3),
        redis: z
          .strictObject({
            nodeType: REDIS.nodeType.zod.default("cache.r7g.large"),
            engineVersion: REDIS.engineVersion.zod.default("7.1"),
            /** Read replicas beside the primary, each in another AZ when the subnets allow. */
            replicas: REDIS.replicas.zod.default(1),
            snapshotRetentionDays: REDIS.snapshotRetentionDays.zod.default(7),
            /**
             * Create ElastiCache (true), or use your own Redis (false: `existingUrlSecretArn` and
             * `existingSecurityGroupId`). A module takes it as its `redis.create` input, a value the
             * caller writes, because a count must be known at plan and the caller's secret may not
             * be. @default - true, false when existingUrlSecretArn is set
             */
            create: z.boolean().optional(),
            /**
             * Bring your own Redis: a Secrets Manager secret whose value is the full URL
             * (`rediss://:<token>@<host>:6379`). No ElastiCache is created then.
             */
            existingUrlSecretArn: REDIS.existingUrlSecretArn.zod.optional(),
            /**
             * The security group of your own Redis: the instances get an egress rule to it on
             * `existingPort`; that group must admit the output `internal_security_group_id`.
             */
            existingSecurityGroupId: REDIS.existingSecurityGroupId.zod.optional(),
            existingPort: REDIS.existingPort.zod.default(6379),
          })
          .superRefine(relationsCheck(REDIS_RELATIONS, "ha.redis"))
          .prefault({}),
        /**
         * Spinnaker deploys itself: clouddriver gets an account for the AWS account Spinnaker runs in,
         * and the application and its "Deploy Spinnaker" pipeline are created (or updated) whenever
         * the polling instance starts. Only the ha stack: stand-alone keeps its Redis, and so its
         * executions, on its one instance.
         */
        selfDeploy: z
          .strictObject({
            enabled: z.boolean().default(false),
            /** clouddriver's account for the AWS account Spinnaker runs in; no name of accounts.aws. */
            account: SELF_DEPLOY.account.zod.default("spinnaker-self"),
            /**
             * The purpose the instance subnets carry in their `immutable_metadata` tag, by which
             * clouddriver picks the subnets of a deploy (its `subnetType`).
             */
            subnetPurpose: SELF_DEPLOY.subnetPurpose.zod.default("spinnaker"),
            /**
             * Tag the instance subnets with that purpose. Off when you tag them yourself (they are
             * your subnets: the tag is one Terraform resource per subnet, which another owner's
             * `immutable_metadata` tag would fight).
             */
            tagSubnets: z.boolean().default(true),
          })
          .prefault({}),
      })
      .prefault({}),

    /**
     * Where front50 keeps applications and pipelines and orca keeps pipeline executions. `s3-redis`:
     * the config bucket and Redis (on the instance stand-alone, ElastiCache in HA). `sql`: a MySQL 8
     * database, which Spinnaker recommends for production and its 2027 releases require; created
     * (Aurora MySQL with a reader in HA, one RDS for MySQL instance stand-alone) or your own.
     */
    storage: z
      .strictObject({
        type: STORAGE.type.zod.default("s3-redis"),
        /**
         * Create the database (true), or use your own (false: `existingEndpoint`,
         * `existingMasterSecretArn` and `existingSecurityGroupId`). A module takes it as its
         * `storage.create_database` input, a value the caller writes, because a count must be known
         * at plan. @default - true, false when existingEndpoint is set
         */
        createDatabase: z.boolean().optional(),
        /** HA: the Aurora MySQL 3 version; a long-term support release, upgraded by you, not by AWS. */
        auroraVersion: STORAGE.auroraVersion.zod.default("8.0.mysql_aurora.3.10.4"),
        auroraInstanceClass: STORAGE.auroraInstanceClass.zod.default("db.r7g.large"),
        /** HA: Aurora readers beside the writer, each in the next AZ; failover promotes one. */
        auroraReaders: STORAGE.auroraReaders.zod.default(1),
        /** Stand-alone: the RDS for MySQL version; a major.minor prefix takes AWS's minor upgrades. */
        mysqlVersion: STORAGE.mysqlVersion.zod.default("8.4"),
        /** Stand-alone: db.t4g.micro is the cheapest MySQL at rest (docs/configuration.md). */
        mysqlInstanceClass: STORAGE.mysqlInstanceClass.zod.default("db.t4g.micro"),
        /** Stand-alone: gp3 storage; autoscaling may grow it to five times this. */
        mysqlStorageGiB: STORAGE.mysqlStorageGiB.zod.default(20),
        backupRetentionDays: STORAGE.backupRetentionDays.zod.default(7),
        /** Off lets `terraform destroy` delete the database (after its final snapshot). */
        deletionProtection: z.boolean().default(true),
        /** Private subnets of the database, in two AZs or more. Default: the instance subnets. */
        subnetIds: STORAGE.subnetIds.zod.optional(),
        /** Bring your own MySQL 8 database: its DNS name. No database is created then. */
        existingEndpoint: STORAGE.existingEndpoint.zod.optional(),
        existingPort: STORAGE.existingPort.zod.default(3306),
        /**
         * A Secrets Manager secret of your database's administrator as JSON `{"username",
         * "password"}` (RDS's own format): the boot step creates the services' schemas and users with it.
         */
        existingMasterSecretArn: STORAGE.existingMasterSecretArn.zod.optional(),
        /**
         * The security group of your database: the instances get an egress rule to it on
         * `existingPort`; that group must admit the output `internal_security_group_id`.
         */
        existingSecurityGroupId: STORAGE.existingSecurityGroupId.zod.optional(),
      })
      .superRefine(relationsCheck(STORAGE_RELATIONS, "storage"))
      .prefault({}),

    configBucket: z
      .strictObject({
        /** Default: a unique name generated by Terraform from `<name>-<environment>-config-`. */
        name: CONFIG_BUCKET.name.zod.optional(),
        /** A customer managed KMS key; default SSE-S3 (AES256). */
        kmsKeyArn: CONFIG_BUCKET.kmsKeyArn.zod.optional(),
        noncurrentVersionExpirationDays: CONFIG_BUCKET.noncurrentVersionExpirationDays.zod.default(90),
        /** Lets `terraform destroy` delete a bucket that still holds pipelines. Off: front50 data is precious. */
        forceDestroy: z.boolean().default(false),
      })
      .prefault({}),

    state: z
      .strictObject({
        /** `local` is for evaluation only: the state then lives in the working directory. */
        backend: z.enum(["s3", "local"]).default("s3"),
        bucket: s3BucketName.optional(),
        /** Default: `region`. */
        region: awsRegion.optional(),
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9._/-]*$/, { message: "expected a key prefix of letters, digits and . _ / -" })
          .default("spinnaker"),
        /** Only for Terraform older than 1.10; native S3 locking (`use_lockfile`) is always on. */
        dynamodbTable: z.string().min(3).max(255).optional(),
        kmsKeyId: z.string().optional(),
      })
      .prefault({}),
  })
  // Rules that join two settings: each names both, and says which to change.
  .superRefine((c, ctx) => {
    for (const { path, message } of joiningIssues(c)) ctx.addIssue({ code: "custom", path, message });
    if (c.state.backend === "s3" && c.state.bucket === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["state", "bucket"],
        message: "required when state.backend is s3: set it (or SPINNAKER_STATE_BUCKET), or set state.backend to local",
      });
    }
  });

export type Config = z.input<typeof ConfigSchema>;
type Parsed = z.output<typeof ConfigSchema>;

/**
 * The newest open-source release (the newest line's latest in OSS_RELEASE_LINES); the rendering
 * follows the Spring Boot 3 services of 2025.4 on.
 */
export const DEFAULT_OSS_VERSION = OSS_RELEASE_LINES[0].latest;
/**
 * Where each distribution publishes every service as `<registry>/<service>:<version>`. The project
 * publishes to GitHub's registry since 2025.3 and only there since 2026.1 (the 2026.0.0 changelog:
 * "2026.0.0 should be the last release consuming images from google artifact registry"); set
 * `registry` to `us-docker.pkg.dev/spinnaker-community/docker` for releases before 2025.3.
 */
export const DEFAULT_REGISTRY = {
  oss: "ghcr.io/spinnaker",
  armory: "docker.io/armory",
} as const;

/** Defaults that depend on other settings; the only place besides the schema that sets one. */
export function resolve(parsed: Parsed) {
  const { loadBalancer, spinnaker, state, ha } = parsed;
  const https = loadBalancer.https ?? loadBalancer.certificateArn !== undefined;
  return {
    ...parsed,
    loadBalancer: { ...loadBalancer, https, deckPort: loadBalancer.deckPort ?? (https ? 443 : 80) },
    spinnaker: {
      ...spinnaker,
      version: spinnaker.version ?? DEFAULT_OSS_VERSION,
      registry: spinnaker.registry ?? DEFAULT_REGISTRY[spinnaker.distribution],
      /** fiat runs, and every service asks it, only with sign-in: authorization needs users. */
      fiat: spinnaker.auth !== undefined,
    },
    ha: { ...ha, redis: { ...ha.redis, create: ha.redis.create ?? ha.redis.existingUrlSecretArn === undefined } },
    storage: {
      ...parsed.storage,
      createDatabase: parsed.storage.createDatabase ?? parsed.storage.existingEndpoint === undefined,
    },
    state: { ...state, region: state.region ?? parsed.region },
    /** The ARN partition of the region: aws, aws-us-gov or aws-cn. */
    partition: partitionOf(parsed.region),
    /** `<name>-<environment>`: the prefix of every resource name. */
    namePrefix: `${parsed.name}-${parsed.environment}`,
  };
}

export type Settings = ReturnType<typeof resolve>;

export function partitionOf(region: string): string {
  return partitionInformation(region).partition;
}

/**
 * Settings as a topology receives them: the network values a stack may leave to Terraform variables
 * are always present (as tokens when the configuration did not give them), and the switches a
 * module takes as inputs are `Condition`s: a boolean in a stack, a Terraform expression in a module,
 * so that every consumer handles both.
 */
export type Deployment = Omit<
  Settings,
  "network" | "instance" | "spinnaker" | "loadBalancer" | "configBucket" | "ha" | "storage"
> & {
  /** A stack's `storage`, or a module's `storage` input, whose switches are known at plan. */
  readonly storage: Omit<Settings["storage"], "createDatabase" | "deletionProtection"> & {
    /** front50 and orca keep their data in SQL: a module's `storage.type == "sql"`. @default - `type` is sql */
    readonly sql?: Condition;
    readonly createDatabase: Condition;
    readonly deletionProtection: Condition;
  };
  readonly instance: Settings["instance"] & {
    /**
     * A module's `official_image` input: the newest official image of `os`, or `ami_id`.
     * @default - a stack's: whether the `ami_id` variable is null
     */
    readonly officialImage?: IResolvable;
  };
  readonly spinnaker: Omit<Settings["spinnaker"], "kayenta" | "fiat" | "bake"> & {
    readonly kayenta: Condition;
    /** fiat runs: with sign-in (a stack's `spinnaker.auth`, a module's `auth` input not null). */
    readonly fiat: Condition;
    readonly bake: Omit<Settings["spinnaker"]["bake"], "enabled"> & { readonly enabled: Condition };
  };
  readonly loadBalancer: Omit<Settings["loadBalancer"], "https" | "deletionProtection" | "accessLogs"> & {
    /** HTTPS listeners: a stack's setting, or a module's `load_balancer.https` input. */
    readonly https: Condition;
    readonly deletionProtection: Condition;
    /** The configured object, or a module's `load_balancer.access_logs`, which may be null at plan. */
    readonly accessLogs?: Settings["loadBalancer"]["accessLogs"] | IResolvable;
  };
  readonly configBucket: Omit<Settings["configBucket"], "forceDestroy"> & { readonly forceDestroy: Condition };
  readonly ha: Omit<Settings["ha"], "redis" | "selfDeploy"> & {
    /** `create`: a stack's setting, or a module's `redis.create` input. */
    readonly redis: Omit<Settings["ha"]["redis"], "create"> & { readonly create: Condition };
    /** A stack's setting, or the ha module's `self_deploy` input. */
    readonly selfDeploy: Omit<Settings["ha"]["selfDeploy"], "enabled" | "tagSubnets"> & {
      readonly enabled: Condition;
      readonly tagSubnets: Condition;
    };
  };
  /**
   * The HCL reference to a module's `accounts` input (`var.accounts`), which stands for
   * `spinnaker.accounts` there: the profile, permissions and managed role follow it at plan time.
   * Set by the stacks for their modules only. @default - none: a stack's accounts are `spinnaker.accounts`
   * @internal
   */
  readonly accountsInput?: string;
  /** The HCL reference to a module's `ci` input (`var.ci`), standing for `spinnaker.ci`. @default - none @internal */
  readonly ciInput?: string;
  /**
   * The HCL reference to a module's `spinnaker` input (`var.spinnaker`), whose values stand in
   * `spinnaker` as Terraform tokens; for what Terraform must derive from them. @default - none @internal
   */
  readonly spinnakerInput?: string;
  /**
   * The HCL reference to the ha module's `self_deploy` input (`var.self_deploy`), standing for
   * `ha.selfDeploy`. @default - none @internal
   */
  readonly selfDeployInput?: string;
  readonly network: Settings["network"] & {
    readonly vpcId: string;
    readonly instanceSubnetIds: string[];
    readonly loadBalancerSubnetIds: string[];
    readonly userCidrs: string[];
  };
};
