import { Lb } from "@cdktf/provider-aws/lib/lb";
import { Testing } from "cdktf";
import {
  InterserviceLoadBalancer,
  type InterserviceLoadBalancerProps,
} from "../../modules/constructs/interservice-load-balancer";
import { SERVICES } from "../../modules/spinnaker/services";

const props: InterserviceLoadBalancerProps = {
  name: "armoryspinnaker-preprod-int",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroupId: "sg-0123456789abcdef0",
  services: [SERVICES.clouddriver, SERVICES.front50, SERVICES.orca],
};

function synth(overrides: Partial<InterserviceLoadBalancerProps> = {}) {
  return Testing.synthScope((scope) => new InterserviceLoadBalancer(scope, "int", { ...props, ...overrides }));
}

test("an internal ALB in the internal security group", () => {
  expect(synth()).toHaveResourceWithProperties(Lb, {
    name: "armoryspinnaker-preprod-int",
    internal: true,
    security_groups: ["sg-0123456789abcdef0"],
    drop_invalid_header_fields: true,
  });
});

test("one listener per service on the service's own port, forwarding to a group checked at /health", () => {
  const json = JSON.parse(synth());
  const listeners = Object.values(json.resource.aws_lb_listener) as { port: number; protocol: string }[];
  expect(listeners.map((l) => l.port).sort()).toEqual([7002, 8080, 8083]);
  const groups = Object.values(json.resource.aws_lb_target_group) as { port: number; health_check: { path: string } }[];
  expect(groups.map((g) => [g.port, g.health_check.path]).sort()).toEqual([
    [7002, "/health"],
    [8080, "/health"],
    [8083, "/health"],
  ]);
});

test("refuses an empty service list and a name AWS would refuse", () => {
  expect(() => synth({ services: [] })).toThrow("services needs at least one service, got []");
  expect(() => synth({ name: "x".repeat(33) })).toThrow("name must be at most 32 characters");
});
