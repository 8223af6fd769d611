import type { Construct } from "constructs";
import type { Settings } from "../config/schema";
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
      settings: this.deployment,
      nonPollingCapacity: ha.nonPollingCapacity.numberValue,
      redisAuthToken: ha.redisAuthToken?.stringValue,
    });

    const { pollingGroup, nonPollingGroup, interserviceLoadBalancer, redis } = this.spinnaker;
    spinnakerOutputs(this, this.spinnaker, {
      polling_auto_scaling_group_name: {
        value: pollingGroup.autoScalingGroup.name,
        description: "Name of the polling server group (one instance: igor polling, echo scheduler, caching agents).",
      },
      non_polling_auto_scaling_group_name: {
        value: nonPollingGroup.autoScalingGroup.name,
        description: "Name of the non-polling server group.",
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
    });
  }
}
