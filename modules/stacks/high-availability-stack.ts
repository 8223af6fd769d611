import { Fn, type TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment, Settings } from "../config/schema";
import { HighAvailabilitySpinnaker } from "../topologies/high-availability";
import { spinnakerOutputs } from "./outputs";
import { SpinnakerStack, type SpinnakerStackOptions } from "./spinnaker-stack";
import { defineHighAvailabilityVariables } from "./variables";

/** The `ha` stack: Armory's high-availability topology across AZs, with Redis on ElastiCache. */
export class HighAvailabilityStack extends SpinnakerStack {
  readonly spinnaker: HighAvailabilitySpinnaker;

  constructor(scope: Construct, id: string, settings: Settings, options: SpinnakerStackOptions = {}) {
    super(
      scope,
      id,
      settings,
      { name: "high-availability", stateName: "ha", minInstanceSubnets: 2, localRedis: false },
      options,
    );
    const ha = defineHighAvailabilityVariables(this, settings, options.module);
    this.spinnaker = new HighAvailabilitySpinnaker(this, "Spinnaker", {
      settings: ha.selfDeploy ? withSelfDeployInput(this.deployment, ha.selfDeploy) : this.deployment,
      nonPollingCapacity: ha.nonPollingCapacity.numberValue,
      redisAuthToken: ha.redisAuthToken?.stringValue,
    });

    const { pollingGroup, nonPollingGroup, interserviceLoadBalancer, redis, sqlStorage } = this.spinnaker;
    const readerEndpoint = sqlStorage?.database?.readerEndpoint;
    spinnakerOutputs(this, this.spinnaker, {
      polling_auto_scaling_group_name: {
        value: pollingGroup.name,
        description:
          "Name of the polling server group Terraform creates (one instance: igor polling, echo scheduler, caching agents); Spinnaker's own deploys name theirs -v001 and up.",
      },
      non_polling_auto_scaling_group_name: {
        value: nonPollingGroup.name,
        description:
          "Name of the non-polling server group Terraform creates; Spinnaker's own deploys name theirs -v001 and up.",
      },
      interservice_load_balancer_dns_name: {
        value: interserviceLoadBalancer.loadBalancer.dnsName,
        description: "DNS name of the interservice load balancer the instances call each other through.",
      },
      ...(redis
        ? {
            redis_primary_endpoint: {
              value: redis.primaryEndpointAddress,
              description: "Primary endpoint of the ElastiCache Redis (TLS and AUTH token required).",
            },
          }
        : {}),
      ...(readerEndpoint
        ? {
            database_reader_endpoint: {
              value: readerEndpoint,
              description: "Reader endpoint of the Aurora MySQL cluster this module creates (null without one).",
            },
          }
        : {}),
    });
  }
}

/** `ha.selfDeploy` from the ha module's `self_deploy` input: whether it is on is known at plan. */
function withSelfDeployInput(deployment: Deployment, input: TerraformVariable): Deployment {
  const attribute = (name: string) => Fn.lookupNested(input.value, [name]);
  return {
    ...deployment,
    selfDeployInput: `var.${input.friendlyUniqueId}`,
    ha: {
      ...deployment.ha,
      selfDeploy: {
        enabled: attribute("enabled"),
        account: Token.asString(attribute("account")),
        subnetPurpose: Token.asString(attribute("subnet_purpose")),
        tagSubnets: attribute("tag_subnets"),
      },
    },
  };
}
