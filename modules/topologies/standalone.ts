import { Op, Token } from "cdktf";
import { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import type { InstanceRole } from "../constructs/instance-role";
import type { SecureBucket } from "../constructs/secure-bucket";
import { SecurityGroups } from "../constructs/security-groups";
import type { ServerGroup } from "../constructs/server-group";
import { UserFacingLoadBalancer } from "../constructs/user-facing-load-balancer";
import { invalidProp } from "../errors";
import { REDIS_PORT } from "../spinnaker/services";
import { managedAccounts } from "./accounts";
import { bakery, bakeryPermissions } from "./bakery";
import { continuousIntegration } from "./ci";
import { endpointEgress } from "./egress";
import {
  configBucket,
  instanceRole,
  machineImage,
  roleGroup,
  spinnakerConfiguration,
  USER_FACING_TARGETS,
  userFacingLoadBalancer,
} from "./parts";
import { signIn } from "./sign-in";
import { type SqlStorage, sqlStorage } from "./sql-storage";

/** Why stand-alone Spinnaker cannot deploy itself. */
export const STANDALONE_SELF_DEPLOY =
  "is for the high-availability topology only: stand-alone Spinnaker keeps Redis, and with it every running execution, on its one instance, so a server group it deployed of itself would start with an empty execution store while the pipeline deploying it runs on the old one (use HighAvailabilitySpinnaker, the ha stack)";

export interface StandaloneSpinnakerProps {
  /** Validated settings; any value may be a Terraform token (a variable of the stack). */
  readonly settings: Deployment;
}

/**
 * Armory's stand-alone topology, as on the architecture page: users reach one "polling" instance
 * through the user-facing load balancer; Redis runs on the instance; the configuration and front50's
 * data persist in S3 (or front50's and orca's in one RDS for MySQL instance, `storage.type` sql); an
 * internal and a user-facing security group keep the sub-services private.
 */
export class StandaloneSpinnaker extends Construct {
  readonly securityGroups: SecurityGroups;
  readonly loadBalancer: UserFacingLoadBalancer;
  readonly configBucket: SecureBucket;
  readonly instanceRole: InstanceRole;
  readonly serverGroup: ServerGroup;
  /** front50's and orca's SQL storage, with `storage.type` sql. */
  readonly sqlStorage?: SqlStorage;

  constructor(scope: Construct, id: string, props: StandaloneSpinnakerProps) {
    super(scope, id);
    const { settings } = props;
    const { network, namePrefix, tags } = settings;
    if (settings.ha.selfDeploy.enabled !== false) {
      throw invalidProp(this.node.path, "settings.ha.selfDeploy.enabled", STANDALONE_SELF_DEPLOY, true);
    }

    // Security groups: user-facing on the load balancer, internal on the instance.
    this.securityGroups = new SecurityGroups(this, "SecurityGroups", {
      namePrefix,
      vpcId: network.vpcId,
      listenerPorts: UserFacingLoadBalancer.listenerPorts(settings.loadBalancer),
      targetPorts: USER_FACING_TARGETS,
      // Every service runs on the one instance and talks over loopback: nothing between members.
      servicePorts: [],
      userCidrs: network.userCidrs,
      sshCidrs: network.sshCidrs,
      egressCidrs: network.egressCidrs,
      endpointEgress: endpointEgress(this, settings),
      tags,
    });

    // User-facing load balancer: deck and gate.
    this.loadBalancer = userFacingLoadBalancer(this, settings, this.securityGroups.userFacing.id);

    // Configuration persisted in S3; services on localhost, Redis on the instance.
    this.configBucket = configBucket(this, settings);
    // front50's and orca's data: in the bucket and Redis, or in one RDS for MySQL instance (storage).
    const { storage } = settings;
    this.sqlStorage = sqlStorage(this, settings, {
      clientSecurityGroupId: this.securityGroups.internal.id,
      engine: {
        kind: "mysql",
        version: storage.mysqlVersion,
        instanceClass: storage.mysqlInstanceClass,
        allocatedStorageGiB: storage.mysqlStorageGiB,
        maxAllocatedStorageGiB: Token.isUnresolved(storage.mysqlStorageGiB)
          ? Token.asNumber(Op.mul(storage.mysqlStorageGiB, 5))
          : storage.mysqlStorageGiB * 5,
      },
      // db.t4g.micro allows about 80 connections (its max_connections follows its memory).
      maxPoolSize: 10,
    });
    const accounts = managedAccounts(this, settings);
    const ci = continuousIntegration(this, settings);
    const bake = bakery(this, settings);
    const auth = signIn(this, settings, this.loadBalancer.gateUrl);
    const configuration = spinnakerConfiguration(this, settings, this.configBucket, accounts, bake, auth, {
      serviceHost: "localhost",
      deckUrl: this.loadBalancer.deckUrl,
      gateUrl: this.loadBalancer.gateUrl,
      redisUrl: `redis://localhost:${REDIS_PORT}`,
      managedRedis: false,
      roles: ["polling"],
      sqlStorage: this.sqlStorage,
    });
    this.instanceRole = instanceRole(this, settings, this.configBucket, accounts, ci, auth, {
      secretArns: this.sqlStorage?.readableSecretArns,
      fillableSecretArns: this.sqlStorage?.fillableSecretArns,
    });
    bakeryPermissions(this, settings, bake, this.instanceRole, this.securityGroups.internal.id);

    // One polling instance in the server group armoryspinnaker-preprod-v000.
    this.serverGroup = roleGroup(this, settings, {
      id: "",
      role: "polling",
      cluster: namePrefix,
      capacity: 1,
      localRedis: true,
      image: machineImage(this, settings),
      instanceRole: this.instanceRole,
      securityGroupIds: [this.securityGroups.internal.id],
      bucket: this.configBucket,
      configuration,
      targetGroupArns: [this.loadBalancer.deckTargetGroup.arn, this.loadBalancer.gateTargetGroup.arn],
      // The instance prepares the database at boot.
      dependsOn: this.sqlStorage?.database?.ready,
    });
  }
}
