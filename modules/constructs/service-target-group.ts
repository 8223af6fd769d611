import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { Construct } from "constructs";
import type { ServiceSpec } from "../spinnaker/services";

/**
 * The target group of one Spinnaker service on the instances, as both load balancers use it: HTTP on
 * the service's port, checked on its health path (deck: `/`).
 */
export function serviceTargetGroup(
  scope: Construct,
  id: string,
  service: ServiceSpec,
  vpcId: string,
  tags: Record<string, string>,
): LbTargetGroup {
  return new LbTargetGroup(scope, id, {
    // No name: Terraform generates a unique one, so a replacement can exist beside the old group.
    // Instance targets, checked over HTTP on the traffic port while the check is enabled: the
    // provider's defaults, left out.
    port: service.port,
    protocol: "HTTP",
    vpcId,
    // Spinnaker drains quickly; the 300 s default would slow every instance refresh.
    deregistrationDelay: "30",
    healthCheck: {
      path: service.healthPath ?? "/",
      matcher: "200",
      // The group replaces an instance this check fails: allow a service restart (2.5 minutes)
      // before that happens.
      interval: 30,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 5,
    },
    tags,
    lifecycle: { createBeforeDestroy: true },
  });
}
