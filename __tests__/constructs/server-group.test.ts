import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Fn, TerraformVariable, Testing } from "cdktf";
import type { Construct } from "constructs";
import { ServerGroup, type ServerGroupProps } from "../../modules/constructs/server-group";

function synth(overrides: Partial<Omit<ServerGroupProps, "launchTemplate">> = {}) {
  return Testing.synthScope((scope: Construct) => {
    const launchTemplate = new LaunchTemplate(scope, "lt", { name: "lt" });
    new ServerGroup(scope, "group", {
      name: "armoryspinnaker-preprod-v000",
      launchTemplate,
      subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      capacity: 1,
      targetGroupArns: ["arn:tg"],
      healthCheckGracePeriodSeconds: 900,
      replacement: "launch-first",
      ...overrides,
    });
  });
}

test("a fixed-size group named for Spinnaker, checked by the load balancer", () => {
  expect(synth()).toHaveResourceWithProperties(AutoscalingGroup, {
    name: "armoryspinnaker-preprod-v000",
    min_size: 1,
    max_size: 1,
    desired_capacity: 1,
    health_check_type: "ELB",
    health_check_grace_period: 900,
    target_group_arns: ["arn:tg"],
    vpc_zone_identifier: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  });
});

test("uses the launch template's latest version and rolls with a replacement launched first", () => {
  expect(synth()).toHaveResourceWithProperties(AutoscalingGroup, {
    launch_template: { id: "${aws_launch_template.lt.id}", version: "${aws_launch_template.lt.latest_version}" },
    instance_refresh: {
      strategy: "Rolling",
      preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200 },
    },
  });
});

test("a polling group terminates before it launches, so two polling instances never overlap", () => {
  expect(synth({ replacement: "terminate-first" })).toHaveResourceWithProperties(AutoscalingGroup, {
    instance_refresh: { strategy: "Rolling", preferences: { min_healthy_percentage: 0, max_healthy_percentage: 100 } },
  });
});

test("leaves capacity and suspended processes to Spinnaker once it manages the group", () => {
  expect(synth()).toHaveResourceWithProperties(AutoscalingGroup, {
    lifecycle: { ignore_changes: ["desired_capacity", "suspended_processes"] },
  });
});

test("propagates its tags, Name included, to the instances", () => {
  expect(synth()).toHaveResourceWithProperties(AutoscalingGroup, {
    tag: [{ key: "Name", value: "armoryspinnaker-preprod-v000", propagate_at_launch: true }],
  });
});

test.each([["armoryspinnaker-preprod"], ["armoryspinnaker_preprod-v000"], ["Armory-v000"]])(
  "refuses a name outside Spinnaker's naming: %s",
  (name) => {
    expect(() => synth({ name })).toThrow(`name must follow Spinnaker's app-stack-detail-vNNN naming, got "${name}"`);
  },
);

test("refuses an empty group", () => {
  expect(() => synth({ capacity: 0 })).toThrow("capacity must be a whole number from 1 up, got 0");
});

describe("handed over to Spinnaker (ha.selfDeploy)", () => {
  type Stack = { name: string; template_body: string; lifecycle: unknown; count?: unknown };
  const stacksOf = (json: string): Stack[] =>
    Object.values(JSON.parse(json).resource?.aws_cloudformation_stack ?? {}) as Stack[];
  // The template as Terraform renders it: cdktf writes `${jsonencode({...})}` with HCL inside.
  const template = (stack: Stack) => stack.template_body;

  test("CloudFormation creates v000 and Terraform tracks the stack, never the group", () => {
    const json = synth({ handOver: true, tags: { team: "platform" } });
    expect(JSON.parse(json).resource.aws_autoscaling_group).toBeUndefined();
    const [stack] = stacksOf(json);
    expect(stack.name).toBe("armoryspinnaker-preprod-v000");
    // Spinnaker's changes to the group (and the group's deletion) never reach the stack's template.
    expect(stack.lifecycle).toEqual({ ignore_changes: ["template_body", "tags"] });
    expect(stack.count).toBeUndefined();
  });

  test("the template holds the same group as Terraform's, retained on delete and on replacement", () => {
    const body = template(stacksOf(synth({ handOver: true, capacity: 3 }))[0]);
    // HCL object syntax inside jsonencode(): "Key"=value.
    for (const field of [
      '"Type"="AWS::AutoScaling::AutoScalingGroup"',
      '"DeletionPolicy"="Retain"',
      '"UpdateReplacePolicy"="Retain"',
      '"AutoScalingGroupName"="armoryspinnaker-preprod-v000"',
      '"MinSize"=3',
      '"MaxSize"=3',
      '"DesiredCapacity"=3',
      '"VPCZoneIdentifier"=["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]',
      '"TargetGroupARNs"=["arn:tg"]',
      '"HealthCheckType"="ELB"',
      '"HealthCheckGracePeriod"=900',
      '"LaunchTemplate"={"LaunchTemplateId"=aws_launch_template.lt.id,"Version"=aws_launch_template.lt.latest_version}',
      '"Tags"=[{"Key"="Name","Value"="armoryspinnaker-preprod-v000","PropagateAtLaunch"=true}]',
    ]) {
      expect(body.replaceAll(" ", "")).toContain(field);
    }
    // No instance refresh: Spinnaker rolls out a new server group instead.
    expect(body).not.toMatch(/Refresh/);
  });

  test("a module decides at plan: the group and the stack each with a count", () => {
    const json = Testing.synthScope((scope: Construct) => {
      const launchTemplate = new LaunchTemplate(scope, "lt", { name: "lt" });
      new ServerGroup(scope, "group", {
        name: "armoryspinnaker-preprod-v000",
        launchTemplate,
        subnetIds: ["subnet-0123456789abcdef0"],
        capacity: 1,
        targetGroupArns: ["arn:tg"],
        healthCheckGracePeriodSeconds: 900,
        replacement: "terminate-first",
        handOver: Fn.lookupNested(new TerraformVariable(scope, "self_deploy", {}).value, ["enabled"]),
      });
    });
    const group = Object.values(JSON.parse(json).resource.aws_autoscaling_group)[0] as { count: string };
    expect(group.count).toBe("${!var.self_deploy.enabled ? 1 : 0}");
    expect(stacksOf(json)[0].count).toBe("${var.self_deploy.enabled ? 1 : 0}");
  });

  test("off by default: no stack", () => {
    expect(stacksOf(synth())).toEqual([]);
  });
});
