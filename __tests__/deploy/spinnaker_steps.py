"""
What Spinnaker (clouddriver) does to a server group through the AWS API, one step at a time, so that
the deploy tier can show Terraform's plan and destroy after each: a red/black deploy of a cluster whose
first server group (<cluster>-v000) Terraform created.

    python3 spinnaker_steps.py <endpoint> <region> <step> <cluster>

Steps, and the clouddriver-aws operation each mirrors (only the AWS calls, not clouddriver's
bookkeeping, Eureka or retries):

- clone:   CopyLastAsgAtomicOperation with launch templates: copies v000's launch template ($Latest
           data) into a template of the new server group's own, <cluster>-v001-<suffix>, and creates
           <cluster>-v001 with v000's subnets, capacity, target groups, health check and tags. Tags
           whose key starts with "aws:" (CloudFormation's, Auto Scaling's) are dropped: AWS refuses
           to create them.
- disable: DisableAsgAtomicOperation (AbstractEnableDisableAtomicOperation): suspends Launch,
           Terminate, AddToLoadBalancer and AZRebalance on v000 and deregisters its InService and
           Pending instances from its target groups.
- detach:  detaches v000's target groups from it (DetachLoadBalancerTargetGroups), as a clean-up
           of a disabled server group's load balancing does.
- scale0:  ResizeAsgAtomicOperation to 0: resumes v000's processes, sets min/max/desired to 0 and
           waits until its instances are gone.
- delete:  DestroyAsgAtomicOperation: deletes v000 with ForceDelete and waits until it is gone.
- list:    prints JSON: the cluster's groups, the launch templates whose name starts with the cluster
           name, and the count of the cluster's live instances.

Every wait is bounded (WAIT_SECONDS); a failure exits non-zero with a message naming the step.
"""

import json
import re
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# clouddriver names a server group's own launch template <server group>-<timestamp>; fixed here so that
# a run is repeatable.
TEMPLATE_SUFFIX = "20250101000000"
WAIT_SECONDS = 120
POLL_SECONDS = 2
DISABLE_PROCESSES = ["Launch", "Terminate", "AddToLoadBalancer", "AZRebalance"]
LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]


class StepError(Exception):
    pass


class Cluster:
    def __init__(self, endpoint, region, name):
        options = {
            "endpoint_url": endpoint,
            "region_name": region,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
            "config": Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}),
        }
        self.autoscaling = boto3.client("autoscaling", **options)
        self.ec2 = boto3.client("ec2", **options)
        self.elbv2 = boto3.client("elbv2", **options)
        self.name = name
        self.v000 = f"{name}-v000"
        self.v001 = f"{name}-v001"

    def group(self, name):
        groups = self.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        return groups[0] if groups else None

    def required_group(self, name):
        group = self.group(name)
        if group is None:
            raise StepError(f"no Auto Scaling group {name}")
        return group

    def groups(self):
        pattern = re.compile(rf"^{re.escape(self.name)}-v\d{{3,}}$")
        pages = self.autoscaling.get_paginator("describe_auto_scaling_groups").paginate()
        return [g for page in pages for g in page["AutoScalingGroups"] if pattern.match(g["AutoScalingGroupName"])]

    def wait(self, what, done):
        deadline = time.monotonic() + WAIT_SECONDS
        while not done():
            if time.monotonic() > deadline:
                raise StepError(f"{what}: not done after {WAIT_SECONDS} s")
            time.sleep(POLL_SECONDS)

    def clone(self):
        source = self.required_group(self.v000)
        if self.group(self.v001) is not None:
            raise StepError(f"{self.v001} exists already")
        template = source.get("LaunchTemplate")
        if template is None:
            raise StepError(f"{self.v000} has no launch template (a launch configuration or a mixed instances policy)")
        version = self.ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"]
        )["LaunchTemplateVersions"][0]
        source_template = self.ec2.describe_launch_templates(LaunchTemplateIds=[template["LaunchTemplateId"]])[
            "LaunchTemplates"
        ][0]
        template_tags = [t for t in source_template.get("Tags", []) if not t["Key"].startswith("aws:")]
        created = self.ec2.create_launch_template(
            LaunchTemplateName=f"{self.v001}-{TEMPLATE_SUFFIX}",
            LaunchTemplateData=version["LaunchTemplateData"],
            **({"TagSpecifications": [{"ResourceType": "launch-template", "Tags": template_tags}]} if template_tags else {}),
        )["LaunchTemplate"]
        tags = [
            {
                "Key": t["Key"],
                "Value": self.v001 if t["Key"] == "Name" and t["Value"] == self.v000 else t["Value"],
                "PropagateAtLaunch": t["PropagateAtLaunch"],
            }
            for t in source.get("Tags", [])
            if not t["Key"].startswith("aws:")
        ]
        self.autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=self.v001,
            LaunchTemplate={"LaunchTemplateId": created["LaunchTemplateId"], "Version": "$Latest"},
            MinSize=source["MinSize"],
            MaxSize=source["MaxSize"],
            DesiredCapacity=source["DesiredCapacity"],
            VPCZoneIdentifier=source["VPCZoneIdentifier"],
            TargetGroupARNs=source.get("TargetGroupARNs", []),
            HealthCheckType=source["HealthCheckType"],
            HealthCheckGracePeriod=source.get("HealthCheckGracePeriod", 0),
            Tags=tags,
        )
        self.wait(
            f"{self.v001} reaching {source['DesiredCapacity']} InService instances",
            lambda: sum(i["LifecycleState"] == "InService" for i in self.required_group(self.v001)["Instances"])
            >= source["DesiredCapacity"],
        )
        return f"created {created['LaunchTemplateName']} and {self.v001}"

    def disable(self):
        group = self.required_group(self.v000)
        self.autoscaling.suspend_processes(AutoScalingGroupName=self.v000, ScalingProcesses=DISABLE_PROCESSES)
        targets = [
            {"Id": i["InstanceId"]}
            for i in group["Instances"]
            if i["LifecycleState"] == "InService" or i["LifecycleState"].startswith("Pending")
        ]
        notes = []
        for arn in group.get("TargetGroupARNs", []) if targets else []:
            try:
                self.elbv2.deregister_targets(TargetGroupArn=arn, Targets=targets)
            except ClientError as e:
                # clouddriver goes on when a target group is gone or an instance not registered.
                if e.response["Error"]["Code"] not in ("TargetGroupNotFound", "InvalidTarget"):
                    raise
                notes.append(f"{arn}: {e.response['Error']['Code']}")
        return f"suspended {', '.join(DISABLE_PROCESSES)}; deregistered {len(targets)} instance(s)" + (
            f" ({'; '.join(notes)})" if notes else ""
        )

    def detach(self):
        arns = self.required_group(self.v000).get("TargetGroupARNs", [])
        if arns:
            self.autoscaling.detach_load_balancer_target_groups(AutoScalingGroupName=self.v000, TargetGroupARNs=arns)
        return f"detached {len(arns)} target group(s)"

    def scale0(self):
        self.required_group(self.v000)
        self.autoscaling.resume_processes(AutoScalingGroupName=self.v000)
        self.autoscaling.update_auto_scaling_group(
            AutoScalingGroupName=self.v000, MinSize=0, MaxSize=0, DesiredCapacity=0
        )
        self.wait(f"{self.v000} losing its instances", lambda: not self.required_group(self.v000)["Instances"])
        return f"{self.v000} at 0"

    def delete(self):
        self.required_group(self.v000)
        self.autoscaling.delete_auto_scaling_group(AutoScalingGroupName=self.v000, ForceDelete=True)
        self.wait(f"{self.v000} being deleted", lambda: self.group(self.v000) is None)
        return f"deleted {self.v000}"

    def list(self):
        groups = self.groups()
        pages = self.ec2.get_paginator("describe_launch_templates").paginate()
        templates = [t["LaunchTemplateName"] for p in pages for t in p["LaunchTemplates"]]
        pattern = f"{self.name}-v*"
        reservations = self.ec2.describe_instances(
            Filters=[
                {"Name": "tag:aws:autoscaling:groupName", "Values": [pattern]},
                {"Name": "instance-state-name", "Values": LIVE_STATES},
            ]
        )["Reservations"]
        return json.dumps(
            {
                "groups": [
                    {
                        "name": g["AutoScalingGroupName"],
                        "desired": g["DesiredCapacity"],
                        "instances": len(g["Instances"]),
                        "target_groups": len(g.get("TargetGroupARNs", [])),
                        "suspended": sorted(p["ProcessName"] for p in g.get("SuspendedProcesses", [])),
                    }
                    for g in groups
                ],
                "launch_templates": sorted(t for t in templates if t.startswith(self.name)),
                "live_instances": sum(len(r["Instances"]) for r in reservations),
            },
            indent=2,
        )


STEPS = ["clone", "disable", "detach", "scale0", "delete", "list"]


def main(argv):
    if len(argv) != 5 or argv[3] not in STEPS:
        print(f"usage: {argv[0]} <endpoint> <region> <{'|'.join(STEPS)}> <cluster>", file=sys.stderr)
        return 2
    _, endpoint, region, step, name = argv
    try:
        print(getattr(Cluster(endpoint, region, name), step)())
    except (StepError, ClientError, BotoCoreError) as e:
        print(f"{step} {name}: failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
