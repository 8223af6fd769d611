import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Testing } from "cdktf";
import { SecurityGroups, type SecurityGroupsProps } from "../../modules/constructs/security-groups";

const props: SecurityGroupsProps = {
  namePrefix: "armoryspinnaker-preprod",
  vpcId: "vpc-0123456789abcdef0",
  listenerPorts: [
    { id: "Deck", port: 80, purpose: "deck (UI) listener" },
    { id: "Gate", port: 8084, purpose: "gate (API) listener" },
  ],
  targetPorts: [
    { port: 9000, purpose: "deck (UI)" },
    { port: 8084, purpose: "gate (API)" },
  ],
  servicePorts: [{ port: 7002, purpose: "clouddriver" }],
  userCidrs: ["10.0.0.0/8"],
  sshCidrs: [],
  egressCidrs: ["0.0.0.0/0"],
};

function synth(overrides: Partial<SecurityGroupsProps> = {}) {
  return Testing.synthScope((scope) => new SecurityGroups(scope, "groups", { ...props, ...overrides }));
}

type Rules = Record<string, Record<string, unknown>>;
function rules(json: string, type: string): Rules {
  return JSON.parse(json).resource[type] as Rules;
}

test("creates a user-facing and an internal group in the VPC, each described", () => {
  const json = synth();
  expect(json).toHaveResourceWithProperties(SecurityGroup, {
    name_prefix: "armoryspinnaker-preprod-user-facing-",
    vpc_id: "vpc-0123456789abcdef0",
    description: expect.stringContaining("user-facing"),
  });
  expect(json).toHaveResourceWithProperties(SecurityGroup, {
    name_prefix: "armoryspinnaker-preprod-internal-",
    description: expect.stringContaining("only from the load balancer and from members"),
  });
});

test("listener ports admit only the user CIDRs, one rule per CIDR", () => {
  const ingress = rules(synth(), VpcSecurityGroupIngressRule.tfResourceType);
  const listener = Object.entries(ingress).filter(([name]) => name.includes("UserIngress"));
  expect(listener.map(([, r]) => r.from_port).sort()).toEqual([80, 8084]);
  for (const [, rule] of listener) {
    expect(rule.for_each).toBe('${toset(["10.0.0.0/8"])}');
    expect(rule.cidr_ipv4).toBe("${each.value}");
  }
});

test("ingress by CIDR comes only from the user and SSH lists given, never from the egress list", () => {
  const ingress = rules(
    synth({ userCidrs: ["10.0.0.0/8"], sshCidrs: ["192.0.2.0/24"], egressCidrs: ["0.0.0.0/0"] }),
    VpcSecurityGroupIngressRule.tfResourceType,
  );
  const byCidr = Object.values(ingress).filter((r) => r.cidr_ipv4 !== undefined);
  expect(byCidr.map((r) => r.for_each).sort()).toEqual([
    '${toset(["10.0.0.0/8"])}',
    '${toset(["10.0.0.0/8"])}',
    '${toset(["192.0.2.0/24"])}',
  ]);
  expect(JSON.stringify(ingress)).not.toContain("0.0.0.0/0");
});

test("the instances admit the target ports only from the load balancer's group", () => {
  const ingress = Object.values(rules(synth(), VpcSecurityGroupIngressRule.tfResourceType));
  const fromLoadBalancer = ingress.filter((r) => String(r.referenced_security_group_id).includes("UserFacing"));
  expect(fromLoadBalancer.map((r) => r.from_port).sort()).toEqual([8084, 9000]);
  for (const rule of fromLoadBalancer) expect(String(rule.security_group_id)).toContain("Internal");
});

test("service ports are open between members only, both ways", () => {
  const json = synth();
  const ingress = Object.values(rules(json, VpcSecurityGroupIngressRule.tfResourceType)).filter(
    (r) => r.from_port === 7002,
  );
  const egress = Object.values(rules(json, VpcSecurityGroupEgressRule.tfResourceType)).filter(
    (r) => r.from_port === 7002,
  );
  for (const rule of [...ingress, ...egress]) {
    expect(rule.referenced_security_group_id).toBe(rule.security_group_id);
  }
  expect(ingress).toHaveLength(1);
  expect(egress).toHaveLength(1);
});

test("SSH is a rule per configured CIDR; with none, the set is empty and port 22 stays closed", () => {
  const closed = rules(synth(), VpcSecurityGroupIngressRule.tfResourceType);
  const ssh = Object.values(closed).find((r) => r.from_port === 22);
  expect(ssh?.for_each).toBe("${toset([])}");
  const open = rules(synth({ sshCidrs: ["192.0.2.0/24"] }), VpcSecurityGroupIngressRule.tfResourceType);
  expect(Object.values(open).find((r) => r.from_port === 22)?.for_each).toBe('${toset(["192.0.2.0/24"])}');
});

test("egress from the instances is HTTP and HTTPS to the egress CIDRs, not everything", () => {
  const egress = Object.values(rules(synth(), VpcSecurityGroupEgressRule.tfResourceType));
  const toInternet = egress.filter((r) => r.cidr_ipv4 !== undefined);
  expect(toInternet.map((r) => r.from_port).sort()).toEqual([443, 80]);
  for (const rule of egress) expect(rule.ip_protocol).toBe("tcp");
});

test("every rule has a description", () => {
  const json = synth({ sshCidrs: ["192.0.2.0/24"] });
  for (const type of [VpcSecurityGroupIngressRule.tfResourceType, VpcSecurityGroupEgressRule.tfResourceType]) {
    for (const rule of Object.values(rules(json, type))) expect(rule.description).toEqual(expect.any(String));
  }
});

test("a load balancer without listener ports is refused", () => {
  expect(() => synth({ listenerPorts: [] })).toThrow("listenerPorts needs at least one port, got []");
});
