import { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import { InstanceRole } from "../constructs/instance-role";
import { SpinnakerLaunchTemplate } from "../constructs/launch-template";
import { MachineImage } from "../constructs/machine-image";
import { SecureBucket } from "../constructs/secure-bucket";
import { SecurityGroups } from "../constructs/security-groups";
import { ServerGroup } from "../constructs/server-group";
import { SpinnakerConfiguration } from "../constructs/spinnaker-configuration";
import { UserFacingLoadBalancer } from "../constructs/user-facing-load-balancer";
import { INSTANCE_TAGS } from "../spinnaker/cloud-init";
import { KAYENTA_PREFIX, renderProfiles } from "../spinnaker/profiles";
import { REDIS_PORT, SERVICES } from "../spinnaker/services";
import { createManagedAccountRoles, managedAccountRoleArns } from "./accounts";
import { CONFIG_PREFIX, renderInstanceUserData } from "./instance-software";

export interface StandaloneSpinnakerProps {
  /** Validated settings; any value may be a Terraform token (a variable of the stack). */
  readonly settings: Deployment;
}

/**
 * Armory's stand-alone topology, as on the architecture page: users reach one "polling" instance
 * through the user-facing load balancer; Redis runs on the instance; the configuration and front50's
 * data persist in S3; an internal and a user-facing security group keep the sub-services private.
 */
export class StandaloneSpinnaker extends Construct {
  readonly securityGroups: SecurityGroups;
  readonly loadBalancer: UserFacingLoadBalancer;
  readonly configBucket: SecureBucket;
  readonly instanceRole: InstanceRole;
  readonly serverGroup: ServerGroup;

  constructor(scope: Construct, id: string, props: StandaloneSpinnakerProps) {
    super(scope, id);
    const { settings } = props;
    const { network, instance, loadBalancer, spinnaker, namePrefix, tags } = settings;

    // Security groups: user-facing on the load balancer, internal on the instance.
    this.securityGroups = new SecurityGroups(this, "SecurityGroups", {
      namePrefix,
      vpcId: network.vpcId,
      listenerPorts: UserFacingLoadBalancer.listenerPorts(loadBalancer),
      targetPorts: [SERVICES.deck, SERVICES.gate].map((s) => ({ port: s.port, purpose: s.description })),
      // Every service runs on the one instance and talks over loopback: nothing between members.
      servicePorts: [],
      userCidrs: network.userCidrs,
      sshCidrs: network.sshCidrs,
      egressCidrs: network.egressCidrs,
      tags,
    });

    // User-facing load balancer: deck and gate.
    this.loadBalancer = new UserFacingLoadBalancer(this, "UserFacingLoadBalancer", {
      name: namePrefix,
      scheme: loadBalancer.scheme,
      vpcId: network.vpcId,
      subnetIds: network.loadBalancerSubnetIds,
      securityGroupId: this.securityGroups.userFacing.id,
      deckPort: loadBalancer.deckPort,
      gatePort: loadBalancer.gatePort,
      hostname: loadBalancer.hostname,
      certificateArn: loadBalancer.certificateArn,
      sslPolicy: loadBalancer.sslPolicy,
      deletionProtection: loadBalancer.deletionProtection,
      idleTimeoutSeconds: loadBalancer.idleTimeoutSeconds,
      accessLogs: loadBalancer.accessLogs,
      tags,
    });

    // Configuration persisted in S3: Spinnaker's profiles, and front50's data under its own prefix.
    this.configBucket = new SecureBucket(this, "ConfigBucket", {
      bucketName: settings.configBucket.name,
      bucketPrefix: `${namePrefix}-config-`,
      kmsKeyArn: settings.configBucket.kmsKeyArn,
      noncurrentVersionExpirationDays: settings.configBucket.noncurrentVersionExpirationDays,
      forceDestroy: settings.configBucket.forceDestroy,
      tags,
    });
    const configuration = new SpinnakerConfiguration(this, "Configuration", {
      bucket: this.configBucket.bucketName,
      prefix: CONFIG_PREFIX,
      dependsOn: this.configBucket.controls,
      files: renderProfiles({
        region: settings.region,
        configBucket: this.configBucket.bucketName,
        front50Prefix: spinnaker.front50Prefix,
        serviceHost: "localhost",
        deckUrl: this.loadBalancer.deckUrl,
        gateUrl: this.loadBalancer.gateUrl,
        tlsAtLoadBalancer: loadBalancer.certificateArn !== undefined,
        redisUrl: `redis://localhost:${REDIS_PORT}`,
        managedRedis: false,
        kayenta: spinnaker.kayenta,
        awsAccounts: spinnaker.accounts.aws.map((a) => ({ ...a, regions: a.regions ?? [] })),
        kubernetesAccounts: spinnaker.accounts.kubernetes,
      }),
      tags,
    });

    this.instanceRole = new InstanceRole(this, "InstanceRole", {
      namePrefix,
      configBucketArn: this.configBucket.bucketArn,
      writablePrefixes: [spinnaker.front50Prefix, ...(spinnaker.kayenta ? [KAYENTA_PREFIX] : [])],
      configBucketKmsKeyArn: settings.configBucket.kmsKeyArn,
      managedAccountRoleArns: managedAccountRoleArns(settings),
      secretArns: spinnaker.accounts.kubernetes.flatMap((k) => (k.kubeconfigSecretArn ? [k.kubeconfigSecretArn] : [])),
      extraObjectArns: spinnaker.accounts.kubernetes.flatMap((k) =>
        k.kubeconfigS3Uri ? [`arn:${settings.partition}:s3:::${k.kubeconfigS3Uri.slice("s3://".length)}`] : [],
      ),
      partition: settings.partition,
      tags,
    });

    createManagedAccountRoles(this, settings, this.instanceRole);

    // Launch template and the one-instance server group, armoryspinnaker-preprod-v000.
    const image = new MachineImage(this, "MachineImage", {
      os: instance.os,
      amiId: instance.amiId,
      rootDeviceName: instance.rootDeviceName,
    });
    const launchTemplate = new SpinnakerLaunchTemplate(this, "LaunchTemplate", {
      name: namePrefix,
      imageId: image.imageId,
      rootDeviceName: image.rootDeviceName,
      instanceType: instance.type,
      rootVolumeSizeGiB: instance.rootVolumeSizeGiB,
      keyName: instance.keyName,
      instanceProfileArn: this.instanceRole.instanceProfile.arn,
      securityGroupIds: [this.securityGroups.internal.id],
      userData: renderInstanceUserData({ settings, role: "polling", localRedis: true }),
      instanceTags: {
        [INSTANCE_TAGS.configBucket]: this.configBucket.bucketName,
        [INSTANCE_TAGS.configVersion]: configuration.version,
      },
      tags,
    });
    this.serverGroup = new ServerGroup(this, "ServerGroup", {
      name: `${namePrefix}-v000`,
      launchTemplate: launchTemplate.launchTemplate,
      subnetIds: network.instanceSubnetIds,
      capacity: 1,
      // The one polling instance: never two at once, even for the minutes of a refresh.
      replacement: "terminate-first",
      targetGroupArns: [this.loadBalancer.deckTargetGroup.arn, this.loadBalancer.gateTargetGroup.arn],
      healthCheckGracePeriodSeconds: instance.healthCheckGracePeriodSeconds,
      tags,
    });
  }
}
