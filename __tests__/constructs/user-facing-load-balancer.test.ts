import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { TerraformVariable, Testing } from "cdktf";
import {
  UserFacingLoadBalancer,
  type UserFacingLoadBalancerProps,
} from "../../modules/constructs/user-facing-load-balancer";

const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/abc";
const props: UserFacingLoadBalancerProps = {
  name: "armoryspinnaker-preprod",
  scheme: "internal",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroupId: "sg-0123456789abcdef0",
  deckPort: 80,
  gatePort: 8084,
};

function build(overrides: Partial<UserFacingLoadBalancerProps> = {}) {
  let lb: UserFacingLoadBalancer | undefined;
  const json = Testing.synthScope((scope) => {
    lb = new UserFacingLoadBalancer(scope, "lb", { ...props, ...overrides });
  });
  return { json, lb: lb as UserFacingLoadBalancer };
}

function listeners(json: string): Record<string, unknown>[] {
  return Object.values(JSON.parse(json).resource.aws_lb_listener);
}

test("an internal ALB by default that drops invalid headers and is protected from deletion", () => {
  expect(build().json).toHaveResourceWithProperties(Lb, {
    load_balancer_type: "application",
    internal: true,
    drop_invalid_header_fields: true,
    enable_deletion_protection: true,
    security_groups: ["sg-0123456789abcdef0"],
  });
});

test("internet-facing only when asked", () => {
  expect(build({ scheme: "internet-facing" }).json).toHaveResourceWithProperties(Lb, { internal: false });
});

test("target groups: deck on 9000 checked at /, gate on 8084 checked at /health", () => {
  const { json } = build();
  expect(json).toHaveResourceWithProperties(LbTargetGroup, {
    port: 9000,
    health_check: expect.objectContaining({ path: "/", matcher: "200" }),
  });
  expect(json).toHaveResourceWithProperties(LbTargetGroup, {
    port: 8084,
    health_check: expect.objectContaining({ path: "/health", matcher: "200" }),
  });
});

test("without a certificate: HTTP listeners for deck and gate, and plain http URLs", () => {
  const { json, lb } = build();
  expect(listeners(json).map((l) => [l.port, l.protocol])).toEqual([
    [80, "HTTP"],
    [8084, "HTTP"],
  ]);
  // Named local values (every profile and output reads them), built from the load balancer's name.
  expect(JSON.parse(json).locals).toEqual({
    deck_url: expect.stringMatching(/^http:\/\/\$\{aws_lb\.\w+\.dns_name\}$/),
    gate_url: expect.stringMatching(/^http:\/\/\$\{aws_lb\.\w+\.dns_name\}:8084$/),
  });
  expect(lb.deckUrl).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
});

test("with a certificate: HTTPS with a TLS 1.3 policy, and HTTP on 80 redirects", () => {
  const { json } = build({ certificateArn: CERT, deckPort: 443 });
  expect(json).toHaveResourceWithProperties(LbListener, {
    port: 443,
    protocol: "HTTPS",
    certificate_arn: CERT,
    ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  });
  expect(json).toHaveResourceWithProperties(LbListener, { port: 8084, protocol: "HTTPS", certificate_arn: CERT });
  expect(json).toHaveResourceWithProperties(LbListener, {
    port: 80,
    protocol: "HTTP",
    default_action: [
      expect.objectContaining({
        type: "redirect",
        redirect: expect.objectContaining({ protocol: "HTTPS", port: "443", status_code: "HTTP_301" }),
      }),
    ],
  });
  expect(JSON.parse(json).locals.deck_url).toMatch(/^https:\/\/\$\{aws_lb\.\w+\.dns_name\}$/);
});

test("with a hostname, deck's and gate's URLs use it instead of the load balancer's DNS name", () => {
  const { lb } = build({ hostname: "spinnaker.example.com", certificateArn: CERT, deckPort: 443 });
  expect(lb.deckUrl).toBe("https://spinnaker.example.com");
  expect(lb.gateUrl).toBe("https://spinnaker.example.com:8084");
});

test("listener ports for the security group follow the listeners", () => {
  expect(UserFacingLoadBalancer.listenerPorts(props).map((p) => p.port)).toEqual([80, 8084]);
  expect(
    UserFacingLoadBalancer.listenerPorts({ ...props, deckPort: 443, certificateArn: CERT }).map((p) => p.port),
  ).toEqual([443, 8084, 80]);
});

test("https, when a Terraform value, decides the protocol and the redirect's count: the certificate may be unknown at plan", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const https = new TerraformVariable(scope, "https", { type: "bool" });
      const certificate = new TerraformVariable(scope, "certificate_arn", { type: "string" });
      new UserFacingLoadBalancer(scope, "lb", {
        ...props,
        deckPort: 443,
        certificateArn: certificate.stringValue,
        https: https.booleanValue,
      });
    }),
  );
  const all = Object.values(json.resource.aws_lb_listener) as Record<string, unknown>[];
  const redirect = all.find((l) => l.port === 80);
  expect(redirect?.count).toBe("${var.https ? 1 : 0}");
  expect(all.filter((l) => l.port !== 80).map((l) => l.protocol)).toEqual([
    '${var.https ? "HTTPS" : "HTTP"}',
    '${var.https ? "HTTPS" : "HTTP"}',
  ]);
  expect(JSON.stringify(json)).not.toContain("var.certificate_arn != null");
});

test("refuses https without a certificate, and HTTP with one", () => {
  expect(() => build({ https: true })).toThrow("https needs certificateArn (HTTPS listeners need a certificate)");
  expect(() => build({ https: false, certificateArn: CERT })).toThrow("https must be true with certificateArn");
});

test("refuses a name AWS would refuse", () => {
  expect(() => build({ name: "x".repeat(33) })).toThrow("name must be at most 32 characters (an AWS limit)");
});

test("refuses deck and gate on one port", () => {
  expect(() => build({ gatePort: 80 })).toThrow("gatePort must differ from deckPort (80), got 80");
});

test("access logs go to the configured bucket when asked, and are off otherwise", () => {
  expect(build({ accessLogs: { bucket: "elb-logs", prefix: "spinnaker" } }).json).toHaveResourceWithProperties(Lb, {
    access_logs: { bucket: "elb-logs", prefix: "spinnaker", enabled: true },
  });
  const [plain] = Object.values(JSON.parse(build().json).resource.aws_lb) as Record<string, unknown>[];
  expect(plain.access_logs).toBeUndefined();
});
