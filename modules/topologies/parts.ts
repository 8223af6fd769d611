/**
 * The pieces both topologies build the same way, so that each topology file only says which pieces
 * it has and how they connect, as its diagram does.
 */
import { Fn, type ITerraformDependable, ref, Token } from "cdktf";
import type { Construct } from "constructs";
import { CONFIG_PREFIX, type Deployment, KAYENTA_PREFIX } from "../config/schema";
import { InstanceRole } from "../constructs/instance-role";
import { SpinnakerLaunchTemplate } from "../constructs/launch-template";
import { type Architecture, architectureOf, MachineImage } from "../constructs/machine-image";
import { SecureBucket } from "../constructs/secure-bucket";
import { ServerGroup } from "../constructs/server-group";
import { type ConditionalFile, SpinnakerConfiguration } from "../constructs/spinnaker-configuration";
import { fileText, TemplateFiles } from "../constructs/template-file";
import { UserFacingLoadBalancer } from "../constructs/user-facing-load-balancer";
import type { BakeProfile } from "../spinnaker/bakery";
import { BOOT_FILES, INSTANCE_TAGS, USER_DATA_FILE, userDataText } from "../spinnaker/cloud-init";
import { DATABASE_ENV_FILE } from "../spinnaker/compose";
import { DATABASE_TEMPLATES, databaseText } from "../spinnaker/database-files";
import { checkInstanceMemory, requiredMemoryMiB } from "../spinnaker/memory";
import {
  accountsTemplateInput,
  jenkinsTemplateInput,
  PROFILE_TEMPLATES,
  profileTemplateText,
  type TemplatedProfile,
} from "../spinnaker/profile-templates";
import { type ProfileOptions, renderProfiles } from "../spinnaker/profiles";
import type { Role } from "../spinnaker/roles";
import { SERVICES } from "../spinnaker/services";
import { type Condition, concatLists, namedList, namedValue, pick, pickList } from "../terraform-values";
import { createManagedAccountRoles, type ManagedAccounts } from "./accounts";
import type { ContinuousIntegration } from "./ci";
import { composeOverlayFiles, instanceEnvironment, instanceSoftwareFiles } from "./instance-software";
import type { SelfDeployment } from "./self-deploy";
import type { SignIn } from "./sign-in";
import type { SqlStorage } from "./sql-storage";

/** The boot steps of SQL storage and what they connect to, in the configuration while it is on. */
function databaseFiles(templates: TemplateFiles, storage: SqlStorage): Record<string, ConditionalFile> {
  const when = storage.sql;
  return {
    [DATABASE_ENV_FILE]: { content: storage.environmentFile, when },
    ...Object.fromEntries(
      DATABASE_TEMPLATES.map((file) => [file, { content: fileText(templates.add(file, databaseText(file))), when }]),
    ),
  };
}

/** deck and gate: what the user-facing load balancer forwards to, on the instances. */
export const USER_FACING_TARGETS = [SERVICES.deck, SERVICES.gate].map((s) => ({
  port: s.port,
  purpose: s.description,
}));

export function userFacingLoadBalancer(scope: Construct, settings: Deployment, securityGroupId: string) {
  const { loadBalancer, network, namePrefix, tags } = settings;
  return new UserFacingLoadBalancer(scope, "UserFacingLoadBalancer", {
    name: namePrefix,
    scheme: loadBalancer.scheme,
    vpcId: network.vpcId,
    subnetIds: network.loadBalancerSubnetIds,
    securityGroupId,
    deckPort: loadBalancer.deckPort,
    gatePort: loadBalancer.gatePort,
    hostname: loadBalancer.hostname,
    certificateArn: loadBalancer.certificateArn,
    https: loadBalancer.https,
    sslPolicy: loadBalancer.sslPolicy,
    deletionProtection: loadBalancer.deletionProtection,
    idleTimeoutSeconds: loadBalancer.idleTimeoutSeconds,
    accessLogs: loadBalancer.accessLogs,
    tags,
  });
}

/** The config bucket: Spinnaker's profiles under config/, front50's data under its own prefix. */
export function configBucket(scope: Construct, settings: Deployment): SecureBucket {
  const { configBucket: bucket, namePrefix, tags } = settings;
  return new SecureBucket(scope, "ConfigBucket", {
    bucketName: bucket.name,
    bucketPrefix: `${namePrefix}-config-`,
    kmsKeyArn: bucket.kmsKeyArn,
    noncurrentVersionExpirationDays: bucket.noncurrentVersionExpirationDays,
    forceDestroy: bucket.forceDestroy,
    tags,
  });
}

/** Spinnaker's profiles, rendered for this topology and stored in the config bucket. */
export function spinnakerConfiguration(
  scope: Construct,
  settings: Deployment,
  bucket: SecureBucket,
  accounts: ManagedAccounts,
  bake: BakeProfile,
  auth: SignIn,
  topology: Pick<ProfileOptions, "serviceHost" | "deckUrl" | "gateUrl" | "redisUrl" | "managedRedis"> & {
    /** The roles of the topology's instances: each has its compose project. */
    readonly roles: readonly Role[];
    /** The target groups the instances join themselves (HA's interservice ones). @default - none */
    readonly interserviceTargetGroupArns?: string[];
    /** Spinnaker deploys itself (HA's ha.selfDeploy). @default - it does not */
    readonly selfDeploy?: SelfDeployment;
    /** front50 and orca keep their data in SQL (`storage.type`). @default - in S3 and Redis */
    readonly sqlStorage?: SqlStorage;
  },
): SpinnakerConfiguration {
  const { spinnaker } = settings;
  const targetGroups = topology.interserviceTargetGroupArns;
  const selfDeploy = topology.selfDeploy;
  // Stand-alone runs Redis in a container beside the services.
  const localRedis = !topology.managedRedis;
  const templates = TemplateFiles.of(scope);
  const seed = selfDeploy?.enabled ?? false;
  const sql = topology.sqlStorage?.sql ?? false;
  const software = instanceSoftwareFiles({ roles: topology.roles, localRedis });
  const softwareFiles = Object.fromEntries(
    Object.entries(software).map(([name, text]) => [name, fileText(templates.add(name, text))]),
  );
  return new SpinnakerConfiguration(scope, "Configuration", {
    bucket: bucket.bucketName,
    prefix: CONFIG_PREFIX,
    dependsOn: bucket.controls,
    files: {
      ...renderProfiles({
        ...topology,
        region: settings.region,
        partition: settings.partition,
        configBucket: bucket.bucketName,
        front50Prefix: spinnaker.front50Prefix,
        kayenta: spinnaker.kayenta,
        prometheusUrl: spinnaker.prometheusUrl,
        awsAccounts: spinnaker.accounts.aws.map((a) => ({ ...a, regions: a.regions ?? [] })),
        // A module's inputs, or the same shape from a stack's configuration.
        clouddriverProfile: templatedProfile(templates, "clouddriver-local.yml", {
          region: settings.region,
          partition: settings.partition,
          accounts:
            settings.accountsInput === undefined
              ? accountsTemplateInput(spinnaker.accounts)
              : ref(settings.accountsInput),
          self_deploy: selfDeploy?.clouddriverAccount ?? Token.nullValue(),
        }),
        defaultAwsAccountJson: accounts.defaultAwsAccountJson,
        defaultAwsRegion: accounts.defaultAwsRegion,
        igorProfile: templatedProfile(templates, "igor-local.yml", {
          jenkins:
            settings.ciInput === undefined
              ? jenkinsTemplateInput(spinnaker.ci.jenkins)
              : ref(`${settings.ciInput}.jenkins`),
        }),
        bake,
        signIn: auth.enabled,
        gateSignIn: auth.gateSignIn,
        adminRoles: auth.adminRoles,
        deckSelfDeploy: selfDeploy?.deckSettings,
        sqlStorage: topology.sqlStorage && {
          sql,
          options: topology.sqlStorage.profile,
          name: (local, text) => namedValue(scope, local, local, text),
        },
      }),
      ...(targetGroups ? { [BOOT_FILES.interserviceTargets]: `${lines(targetGroups)}\n` } : {}),
      // Fixed by the topology: read from the module's templates/ folder, where a reviewer finds them.
      ...softwareFiles,
      [BOOT_FILES.composeEnvironment]: instanceEnvironment(
        scope,
        spinnaker,
        optionalServices(settings),
        localRedis,
        sql,
      ),
    },
    conditionalFiles: {
      // What an option adds to the compose projects is an overlay, there only while it is on.
      ...composeOverlayFiles(templates, topology.roles, { sql, "self-deploy": seed }),
      ...selfDeploy?.files,
      ...(topology.sqlStorage ? databaseFiles(templates, topology.sqlStorage) : {}),
    },
    tags: settings.tags,
  });
}

/** A profile Terraform renders from its template in the stack's `templates/`, with the values it reads. */
export function templatedProfile(
  templates: TemplateFiles,
  profile: TemplatedProfile,
  values: Record<string, unknown>,
): string {
  const path = templates.add(PROFILE_TEMPLATES[profile], profileTemplateText(profile));
  return Token.asString(Fn.templatefile(path, values));
}

/** One line per entry of a list that may be a Terraform value. */
function lines(list: string[]): string {
  return Token.isUnresolved(list) ? Token.asString(Fn.join("\n", list)) : list.join("\n");
}

/** The instances' role, and the managed role of the account being deployed into when asked. */
export function instanceRole(
  scope: Construct,
  settings: Deployment,
  bucket: SecureBucket,
  accounts: ManagedAccounts,
  ci: ContinuousIntegration,
  auth: SignIn,
  extra: {
    /** Secrets the services read, beyond the accounts', CI's and sign-in's; may be a Terraform list. */
    secretArns?: string[];
    targetGroupArns?: string[];
    /** Secrets the instances fill when empty (SQL storage's users); may be a Terraform list. */
    fillableSecretArns?: string[];
  } = {},
): InstanceRole {
  const { spinnaker, partition } = settings;
  const kayenta = spinnaker.kayenta;
  const role = new InstanceRole(scope, "InstanceRole", {
    namePrefix: settings.namePrefix,
    configBucketArn: bucket.bucketArn,
    writablePrefixes: concatLists([spinnaker.front50Prefix], pickList(kayenta, [KAYENTA_PREFIX], [])),
    configBucketKmsKeyArn: settings.configBucket.kmsKeyArn,
    managedAccountRoleArns: accounts.roleArns,
    // Named: the policy's statement reads it, and whether to write that statement at all.
    secretArns: namedList(
      scope,
      "SecretArns",
      "secret_arns",
      concatLists(accounts.kubeconfigSecretArns, ci.secretArns, auth.secretArns, extra.secretArns ?? []),
    ),
    targetGroupArns: extra.targetGroupArns,
    fillableSecretArns: extra.fillableSecretArns,
    extraObjectArns: accounts.kubeconfigObjectArns,
    partition,
    tags: settings.tags,
  });
  createManagedAccountRoles(scope, accounts, role, settings);
  return role;
}

export interface RoleGroupOptions {
  /** Construct id prefix, such as `Polling`; empty for the stand-alone group. */
  readonly id: string;
  readonly role: Role;
  /** Spinnaker's `<app>-<stack>[-<detail>]` cluster name; the group is `<cluster>-v000`. */
  readonly cluster: string;
  readonly capacity: number;
  readonly localRedis: boolean;
  readonly image: MachineImage;
  readonly instanceRole: InstanceRole;
  readonly securityGroupIds: string[];
  readonly bucket: SecureBucket;
  readonly configuration: SpinnakerConfiguration;
  /** Target groups the server group registers its instances in; ELB health counts each of them. */
  readonly targetGroupArns: string[];
  /**
   * Values outside the bucket the services read at start (the Redis URL secret's version): a change
   * rolls the instances like a configuration change. @default - none
   */
  readonly restartOn?: string[];
  /**
   * The configuration version the instances are tagged with, when the topology named it (one value
   * for both HA groups, a local in the module): `configVersion(configuration, restartOn)`.
   * @default - computed here
   */
  readonly configVersion?: string;
  /** What must exist before the first instance boots. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
  /** Whether Spinnaker owns the group once it exists (ha.selfDeploy; see ServerGroup). @default false */
  readonly handOver?: Condition;
}

/** A launch template rendering one role, and the server group that runs it. */
export function roleGroup(scope: Construct, settings: Deployment, o: RoleGroupOptions): ServerGroup {
  const { instance, tags } = settings;
  const { kayenta, fiat } = optionalServices(settings);
  if (!Token.isUnresolved(instance.type) && typeof kayenta === "boolean" && typeof fiat === "boolean") {
    checkInstanceMemory(instance.type, { kayenta, fiat, localRedis: o.localRedis });
  }
  const required = (k: boolean, f: boolean) => requiredMemoryMiB({ kayenta: k, fiat: f, localRedis: o.localRedis });
  const launchTemplate = new SpinnakerLaunchTemplate(scope, `${o.id}LaunchTemplate`, {
    name: o.cluster,
    imageId: o.image.imageId,
    rootDeviceName: o.image.rootDeviceName,
    instanceType: instance.type,
    minimumMemoryMiB: minimumMemory(scope, o.localRedis, () =>
      pick(
        kayenta,
        pick(fiat, required(true, true), required(true, false)),
        pick(fiat, required(false, true), required(false, false)),
      ),
    ),
    rootVolumeSizeGiB: instance.rootVolumeSizeGiB,
    keyName: instance.keyName,
    instanceProfileArn: o.instanceRole.instanceProfile.arn,
    securityGroupIds: o.securityGroupIds,
    userData: userDataText(),
    userDataFile: USER_DATA_FILE,
    instanceTags: {
      [INSTANCE_TAGS.configBucket]: o.bucket.bucketName,
      [INSTANCE_TAGS.role]: o.role,
      [INSTANCE_TAGS.awsCliImage]: settings.spinnaker.awsCliImage,
      [INSTANCE_TAGS.configVersion]: o.configVersion ?? configVersion(o.configuration, o.restartOn),
    },
    tags,
  });
  return new ServerGroup(scope, `${o.id}ServerGroup`, {
    name: `${o.cluster}-v000`,
    launchTemplate: launchTemplate.launchTemplate,
    subnetIds: settings.network.instanceSubnetIds,
    capacity: o.capacity,
    // Never two polling instances at once, even for the minutes of a refresh; the others keep capacity.
    replacement: o.role === "polling" ? "terminate-first" : "launch-first",
    targetGroupArns: o.targetGroupArns,
    healthCheckGracePeriodSeconds: instance.healthCheckGracePeriodSeconds,
    dependsOn: o.dependsOn,
    handOver: o.handOver,
    tags,
  });
}

/** The memory the instances need, per topology and Redis placement: one value, so one lookup checks it. */
const minimumMemories = new WeakMap<Construct, Map<boolean, number>>();

function minimumMemory(scope: Construct, localRedis: boolean, compute: () => number): number {
  const known = minimumMemories.get(scope) ?? new Map<boolean, number>();
  minimumMemories.set(scope, known);
  const minimum = known.get(localRedis) ?? compute();
  known.set(localRedis, minimum);
  return minimum;
}

/**
 * What the instances' configuration tag holds: the configuration's version, and the values outside
 * the bucket the services read at start, so that a change of either rolls the instances.
 */
export function configVersion(configuration: SpinnakerConfiguration, restartOn: readonly string[] = []): string {
  return restartOn.length > 0 ? Fn.sha256(Fn.join(",", [configuration.version, ...restartOn])) : configuration.version;
}

/** kayenta and fiat run when asked: known in a stack, a module's inputs at plan time. */
export function optionalServices(settings: Pick<Deployment, "spinnaker">): Record<"kayenta" | "fiat", Condition> {
  return { kayenta: settings.spinnaker.kayenta, fiat: settings.spinnaker.fiat };
}

/** The image of the instances: the official one of the OS, or the deployer's own. */
export function machineImage(scope: Construct, settings: Deployment): MachineImage {
  const { instance } = settings;
  return new MachineImage(scope, "MachineImage", {
    os: instance.os,
    // Named: the lookup reads it twice, and a reviewer reads it once.
    architecture: namedValue(scope, "Architecture", "architecture", architectureOf(instance.type)) as Architecture,
    amiId: instance.amiId,
    official: instance.officialImage,
    rootDeviceName: instance.rootDeviceName,
  });
}
