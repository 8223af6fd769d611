import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import type { InstanceRole } from "../constructs/instance-role";
import { InterserviceLoadBalancer } from "../constructs/interservice-load-balancer";
import { ManagedRedis } from "../constructs/managed-redis";
import type { SecureBucket } from "../constructs/secure-bucket";
import { SecurityGroups } from "../constructs/security-groups";
import type { ServerGroup } from "../constructs/server-group";
import { UserFacingLoadBalancer } from "../constructs/user-facing-load-balancer";
import { invalidProp } from "../errors";
import { secretsManagerReference } from "../spinnaker/profiles";
import { enabledServices } from "../spinnaker/services";
import { type Condition, concatLists, countWhen, namedValue, not, pick, possible } from "../terraform-values";
import { managedAccounts } from "./accounts";
import { bakery, bakeryPermissions } from "./bakery";
import { continuousIntegration } from "./ci";
import { endpointEgress } from "./egress";
import {
  configBucket,
  configVersion,
  instanceRole,
  machineImage,
  optionalServices,
  roleGroup,
  spinnakerConfiguration,
  USER_FACING_TARGETS,
  userFacingLoadBalancer,
} from "./parts";
import { selfDeployment } from "./self-deploy";
import { signIn } from "./sign-in";
import { type SqlStorage, sqlStorage } from "./sql-storage";

export interface HighAvailabilitySpinnakerProps {
  /** Validated settings; any value may be a Terraform token (a variable of the stack). */
  readonly settings: Deployment;
  /** The managed Redis's AUTH token (a sensitive variable); unused with an existing Redis. */
  readonly redisAuthToken?: string;
  /** Instances of the non-polling group. */
  readonly nonPollingCapacity: number;
}

/**
 * Armory's high-availability topology: users reach deck and gate through the user-facing load
 * balancer; the instances call each other through the interservice load balancer; a non-polling
 * group (three instances by default) and a polling group of exactly one, both across AZs, run every
 * service; Redis (ElastiCache) and S3 are AWS services, and so is Aurora MySQL with SQL storage.
 * Only the polling instance runs igor's build polling, echo's scheduler and clouddriver's caching
 * agents, so triggers fire once.
 */
export class HighAvailabilitySpinnaker extends Construct {
  readonly securityGroups: SecurityGroups;
  readonly loadBalancer: UserFacingLoadBalancer;
  readonly interserviceLoadBalancer: InterserviceLoadBalancer;
  readonly redis?: ManagedRedis;
  readonly configBucket: SecureBucket;
  readonly instanceRole: InstanceRole;
  readonly pollingGroup: ServerGroup;
  readonly nonPollingGroup: ServerGroup;
  /** front50's and orca's SQL storage, with `storage.type` sql. */
  readonly sqlStorage?: SqlStorage;

  constructor(scope: Construct, id: string, props: HighAvailabilitySpinnakerProps) {
    super(scope, id);
    const { settings } = props;
    const { network, namePrefix, tags } = settings;
    // kayenta and fiat run when asked: known in a stack, a module's inputs at plan time.
    const optional = optionalServices(settings);
    const backendServices = enabledServices({ kayenta: possible(optional.kayenta), fiat: possible(optional.fiat) })
      .filter((s) => s.name !== "deck" && s.name !== "gate")
      .map((s) => ({ ...s, when: s.name === "kayenta" || s.name === "fiat" ? optional[s.name] : undefined }));

    // Security groups: user-facing on its load balancer; internal on the instances and on the
    // interservice load balancer, open between members on the services' ports.
    this.securityGroups = new SecurityGroups(this, "SecurityGroups", {
      namePrefix,
      vpcId: network.vpcId,
      listenerPorts: UserFacingLoadBalancer.listenerPorts(settings.loadBalancer),
      targetPorts: USER_FACING_TARGETS,
      servicePorts: backendServices.map((s) => ({ port: s.port, purpose: s.description, when: s.when })),
      userCidrs: network.userCidrs,
      sshCidrs: network.sshCidrs,
      egressCidrs: network.egressCidrs,
      endpointEgress: endpointEgress(this, settings),
      tags,
    });

    // Load balancers: user-facing (deck, gate) and interservice (every backend service).
    this.loadBalancer = userFacingLoadBalancer(this, settings, this.securityGroups.userFacing.id);
    this.interserviceLoadBalancer = new InterserviceLoadBalancer(this, "InterserviceLoadBalancer", {
      name: `${namePrefix}-int`,
      vpcId: network.vpcId,
      subnetIds: network.instanceSubnetIds,
      securityGroupId: this.securityGroups.internal.id,
      services: backendServices,
      deletionProtection: settings.loadBalancer.deletionProtection,
      idleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds,
      tags,
    });

    // Redis as an AWS service, or the deployer's own: `create` is known from the configuration, or
    // (a module's input) only at plan time, when both paths are written with counts. It is a value
    // the deployer writes, never whether the existing URL's ARN is null: that ARN may be another
    // resource's attribute, unknown until apply, and Terraform needs every count at plan.
    const { redis } = settings.ha;
    const existing = not(redis.create);
    if (possible(existing)) {
      new VpcSecurityGroupEgressRule(this, "ToExistingRedis", {
        count: countWhen(existing),
        securityGroupId: this.securityGroups.internal.id,
        description: "Redis (the deployer's own)",
        ipProtocol: "tcp",
        fromPort: redis.existingPort,
        toPort: redis.existingPort,
        referencedSecurityGroupId: redis.existingSecurityGroupId,
        tags,
      });
    }
    if (existing !== true) {
      if (props.redisAuthToken === undefined) {
        throw invalidProp(this.node.path, "redisAuthToken", "is required unless ha.redis.create is false", null);
      }
      this.redis = new ManagedRedis(this, "Redis", {
        namePrefix,
        vpcId: network.vpcId,
        subnetIds: network.instanceSubnetIds,
        clientSecurityGroupId: this.securityGroups.internal.id,
        nodeType: redis.nodeType,
        engineVersion: redis.engineVersion,
        replicas: redis.replicas,
        snapshotRetentionDays: redis.snapshotRetentionDays,
        authToken: props.redisAuthToken,
        count: existing === false ? undefined : pick(redis.create, 1, 0),
        tags,
      });
    }
    // A choice at plan (a module's redis.create): named, as the services' Redis URL reference and
    // the instance role's secrets read it.
    const chosenUrlSecretArn = this.redisUrlSecretArn(redis.create, redis.existingUrlSecretArn);
    const redisUrlSecretArn =
      typeof redis.create === "boolean"
        ? chosenUrlSecretArn
        : namedValue(this, "RedisUrlSecretArn", "redis_url_secret_arn", chosenUrlSecretArn);

    // Configuration persisted in S3; services through the interservice load balancer.
    this.configBucket = configBucket(this, settings);
    // front50's and orca's data: in the bucket and Redis, or in Aurora MySQL (storage); orca's work
    // queue stays on Redis either way.
    const { storage } = settings;
    this.sqlStorage = sqlStorage(this, settings, {
      clientSecurityGroupId: this.securityGroups.internal.id,
      engine: {
        kind: "aurora-mysql",
        version: storage.auroraVersion,
        instanceClass: storage.auroraInstanceClass,
        readers: storage.auroraReaders,
      },
      // kork's default pool: every instance's front50 and orca, a few hundred connections in all.
      maxPoolSize: 20,
    });
    const accounts = managedAccounts(this, settings);
    const ci = continuousIntegration(this, settings);
    const bake = bakery(this, settings);
    const auth = signIn(this, settings, this.loadBalancer.gateUrl);
    // Spinnaker deploys itself, when asked: its account, pipeline and permissions.
    const selfDeploy = selfDeployment(this, settings, {
      securityGroupId: this.securityGroups.internal.id,
      targetGroups: [this.loadBalancer.deckTargetGroup, this.loadBalancer.gateTargetGroup],
      nonPollingCapacity: props.nonPollingCapacity,
      bucketName: this.configBucket.bucketName,
    });
    const configuration = spinnakerConfiguration(this, settings, this.configBucket, accounts, bake, auth, {
      serviceHost: this.interserviceLoadBalancer.loadBalancer.dnsName,
      deckUrl: this.loadBalancer.deckUrl,
      gateUrl: this.loadBalancer.gateUrl,
      // The URL holds the AUTH token: the services read it from Secrets Manager when they start.
      // Named: spinnaker-local.yml reads it twice, and it is too long to read there.
      redisUrl: namedValue(this, "RedisUrl", "redis_url_reference", secretsManagerReference(redisUrlSecretArn)),
      managedRedis: true,
      roles: ["polling", "nonpolling"],
      interserviceTargetGroupArns: this.interserviceLoadBalancer.targetGroupArns,
      selfDeploy,
      sqlStorage: this.sqlStorage,
    });
    this.instanceRole = instanceRole(this, settings, this.configBucket, accounts, ci, auth, {
      secretArns: concatLists([redisUrlSecretArn], this.sqlStorage?.readableSecretArns ?? []),
      targetGroupArns: this.interserviceLoadBalancer.targetGroupArns,
      fillableSecretArns: this.sqlStorage?.fillableSecretArns,
    });
    bakeryPermissions(this, settings, bake, this.instanceRole, this.securityGroups.internal.id);

    // Both groups behind both load balancers, as in Armory's 2017 installer. Only deck's and gate's
    // target groups are the server groups': their ELB health replaces an instance. The instances
    // join the interservice target groups themselves, whose health checks then only route around
    // one service that is down (echo before its first front50 poll, fiat before its providers).
    const shared = {
      localRedis: false,
      image: machineImage(this, settings),
      instanceRole: this.instanceRole,
      securityGroupIds: [this.securityGroups.internal.id],
      bucket: this.configBucket,
      configuration,
      targetGroupArns: [this.loadBalancer.deckTargetGroup.arn, this.loadBalancer.gateTargetGroup.arn],
      // A new Redis endpoint or token rolls the instances, and none boots before Redis exists.
      // Named: both groups' launch templates carry it.
      configVersion: namedValue(
        this,
        "ConfigVersion",
        "config_version",
        configVersion(
          configuration,
          this.redis
            ? [
                existing === false
                  ? this.redis.urlSecretVersionId
                  : Token.asString(Fn.coalesce([this.redis.urlSecretVersionId, "existing"])),
              ]
            : [],
        ),
      ),
      dependsOn: [
        ...(this.redis ? [this.redis.urlSecretVersion] : []),
        // The instances prepare the database at boot.
        ...(this.sqlStorage?.database?.ready ?? []),
      ],
    };
    // With self-deploy on, Spinnaker takes the groups over once they exist.
    const handOver = settings.ha.selfDeploy.enabled;
    const pollingCluster = `${namePrefix}-polling`;
    this.pollingGroup = roleGroup(this, settings, {
      ...shared,
      id: "Polling",
      role: "polling",
      cluster: pollingCluster,
      capacity: 1,
      handOver,
    });
    this.nonPollingGroup = roleGroup(this, settings, {
      ...shared,
      id: "NonPolling",
      role: "nonpolling",
      cluster: namePrefix,
      capacity: props.nonPollingCapacity,
      handOver,
    });
    selfDeploy?.complete({
      instanceRole: this.instanceRole,
      image: shared.image,
      groups: [
        { cluster: pollingCluster, group: this.pollingGroup },
        { cluster: namePrefix, group: this.nonPollingGroup },
      ],
      // What Spinnaker's instances use: deleted only once the clean-up removed them at destroy.
      inUse: [
        this.securityGroups.internal,
        this.securityGroups.userFacing,
        this.loadBalancer.loadBalancer,
        this.loadBalancer.deckTargetGroup,
        this.loadBalancer.gateTargetGroup,
        this.interserviceLoadBalancer.loadBalancer,
        ...this.interserviceLoadBalancer.targetGroups,
        this.instanceRole.instanceProfile,
        this.instanceRole.role,
      ],
    });
  }

  /** The secret the services read Redis's URL from: the one created here, or the deployer's. */
  private redisUrlSecretArn(create: Condition, existingUrlSecretArn: string | undefined): string {
    if (create === true) return (this.redis as ManagedRedis).urlSecretArn;
    if (existingUrlSecretArn === undefined) {
      throw invalidProp(
        this.node.path,
        "settings.ha.redis.existingUrlSecretArn",
        "is required unless ha.redis.create is true",
        null,
      );
    }
    if (create === false) return existingUrlSecretArn;
    return pick(create, (this.redis as ManagedRedis).urlSecretArn, existingUrlSecretArn);
  }
}
