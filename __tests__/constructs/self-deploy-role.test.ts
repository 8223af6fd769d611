import { Testing } from "cdktf";
import { SelfDeployRole, type SelfDeployRoleProps } from "../../modules/constructs/self-deploy-role";

const INSTANCE_ROLE = "arn:aws:iam::123456789012:role/acme-prod-instance";
const INSTANCE_PROFILE = "arn:aws:iam::123456789012:instance-profile/acme-prod-instance";
const TARGET_GROUPS = [
  "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/tf-deck/0123456789abcdef",
  "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/tf-gate/0123456789abcdef",
];
const PROPS: SelfDeployRoleProps = {
  namePrefix: "acme-prod",
  partition: "aws",
  region: "us-west-2",
  instanceRoleArn: INSTANCE_ROLE,
  instanceProfileArn: INSTANCE_PROFILE,
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroupId: "sg-0123456789abcdef0",
  targetGroupArns: TARGET_GROUPS,
};

interface Statement {
  sid: string;
  actions: string[];
  resources: string[];
  condition?: { test: string; variable: string; values: string[] }[];
  principals?: { type: string; identifiers: string[] }[];
}
type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: { aws_iam_policy_document: Record<string, { statement: Statement[] }> };
};

function synth(props: Partial<SelfDeployRoleProps> = {}): Json {
  return JSON.parse(Testing.synthScope((scope) => new SelfDeployRole(scope, "self", { ...PROPS, ...props })));
}

function document(json: Json, name: "Permissions" | "Trust"): Record<string, Statement> {
  const found = Object.entries(json.data.aws_iam_policy_document).find(([id]) => id.includes(name));
  if (!found) throw new Error(`no ${name} document`);
  return Object.fromEntries(found[1].statement.map((s, i) => [s.sid ?? String(i), s]));
}

const region = { test: "StringEquals", variable: "aws:RequestedRegion", values: ["us-west-2"] };
const ownProfile = { test: "ArnEquals", variable: "ec2:InstanceProfile", values: [INSTANCE_PROFILE] };
const serverGroups = "arn:aws:autoscaling:us-west-2:*:autoScalingGroup:*:autoScalingGroupName/acme-prod-*";

test("only the instance role may assume it", () => {
  const json = synth();
  expect(Object.values(document(json, "Trust"))).toEqual([
    { actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [INSTANCE_ROLE] }] },
  ]);
  expect(Object.values(json.resource.aws_iam_role)[0]).toMatchObject({ name: "acme-prod-self-deploy" });
});

test("creates, changes and deletes only the deployment's own server groups, behind its own target groups", () => {
  const s = document(synth(), "Permissions");
  expect(s.CreateOwnServerGroupsBehindOwnTargetGroups).toEqual({
    sid: "CreateOwnServerGroupsBehindOwnTargetGroups",
    actions: ["autoscaling:CreateAutoScalingGroup", "autoscaling:AttachLoadBalancerTargetGroups"],
    resources: [serverGroups],
    condition: [{ test: "ForAllValues:StringEquals", variable: "autoscaling:TargetGroupARNs", values: TARGET_GROUPS }],
  });
  expect(s.ChangeOwnServerGroups.resources).toEqual([serverGroups]);
  expect(s.ChangeOwnServerGroups.actions).toEqual(
    expect.arrayContaining([
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:DeleteAutoScalingGroup",
      "autoscaling:SuspendProcesses",
      "autoscaling:ResumeProcesses",
      "autoscaling:DetachLoadBalancerTargetGroups",
    ]),
  );
  // "acme-prod-*": never acme-prod2's groups, and the name holds no other hyphen before it.
  expect(serverGroups).not.toMatch(/acme-prod\*/);
});

test("launches only with its own instance profile, in its own subnets and security group", () => {
  const s = document(synth(), "Permissions");
  expect(s.LaunchWithOwnProfile).toEqual({
    sid: "LaunchWithOwnProfile",
    actions: ["ec2:RunInstances"],
    resources: ["arn:aws:ec2:us-west-2:*:instance/*"],
    condition: [region, ownProfile],
  });
  expect(s.LaunchInOwnSubnetsAndSecurityGroup.resources).toEqual([
    "arn:aws:ec2:us-west-2:*:subnet/subnet-0123456789abcdef0",
    "arn:aws:ec2:us-west-2:*:subnet/subnet-0fedcba9876543210",
    "arn:aws:ec2:us-west-2:*:security-group/sg-0123456789abcdef0",
    "arn:aws:ec2:us-west-2:*:launch-template/*",
    "arn:aws:ec2:us-west-2::image/*",
    "arn:aws:ec2:us-west-2:*:volume/*",
    "arn:aws:ec2:us-west-2:*:network-interface/*",
    "arn:aws:ec2:us-west-2:*:key-pair/*",
  ]);
  expect(s.TerminateOwnInstances).toMatchObject({
    actions: ["ec2:TerminateInstances"],
    condition: [region, ownProfile],
  });
  expect(s.TagWhatALaunchCreates.condition).toContainEqual({
    test: "StringEquals",
    variable: "ec2:CreateAction",
    values: ["RunInstances"],
  });
});

test("passes only its own instance role, and only to EC2; registers only in its own target groups", () => {
  const s = document(synth(), "Permissions");
  expect(s.PassOwnInstanceRoleToEc2).toEqual({
    sid: "PassOwnInstanceRoleToEc2",
    actions: ["iam:PassRole"],
    resources: [INSTANCE_ROLE],
    condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com"] }],
  });
  expect(s.OwnTargetGroups).toEqual({
    sid: "OwnTargetGroups",
    actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
    resources: TARGET_GROUPS,
  });
});

test("on * it only reads; launch templates are scoped by region, as clouddriver leaves them untagged", () => {
  const statements = Object.values(document(synth(), "Permissions"));
  for (const s of statements.filter((st) => st.resources.includes("*"))) {
    for (const action of s.actions) expect(action).toMatch(/^[a-z0-9-]+:(Describe|List|Get)/);
  }
  const templates = statements.find((s) => s.sid === "LaunchTemplatesInTheRegion");
  expect(templates).toMatchObject({ resources: ["arn:aws:ec2:us-west-2:*:launch-template/*"], condition: [region] });
  // Every state-changing statement names its resources (no "*").
  const changing = statements.filter((s) => s.actions.some((a) => !/:(Describe|List|Get)/.test(a)));
  expect(changing.every((s) => !s.resources.includes("*"))).toBe(true);
});

test("a module's input makes it a count, and its ARN is null when there is none", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const role = new SelfDeployRole(scope, "self", { ...PROPS, count: 0 });
      expect(role.roleArn).toBeDefined();
    }),
  );
  expect(Object.values(json.resource.aws_iam_role)[0]).toMatchObject({ count: 0 });
  expect(Object.values(json.resource.aws_iam_role_policy)[0]).toMatchObject({ count: 0 });
});
