"""Removes the server groups Spinnaker made for itself, when Terraform destroys the deployment.

Terraform invokes this function through aws_lambda_invocation (lifecycle_scope "CRUD") with
{"clusters": [...], "keep_launch_templates": [...], "wait_seconds": N, "tf": {"action": ...}}.
On create and update it does nothing. On delete it force-deletes every Auto Scaling group of the
deployment's clusters (<cluster>-vNNN, Spinnaker's naming: v000 that CloudFormation created and
retains, and each group Spinnaker deployed since), waits until the groups and their instances are
gone, and deletes the launch templates Spinnaker made for them (<cluster>-v...). Terraform destroys
this invocation before the security groups, target groups and launch templates it depends on, so
those are no longer in use when their turn comes. It is idempotent: a second destroy finds nothing.
"""

import re
import time

import boto3

# Instance states that still hold a network interface in the deployment's subnets and groups.
LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]
POLL_SECONDS = 10


def handler(event, context):
    action = event.get("tf", {}).get("action")
    if action != "delete":
        return {"action": action, "deleted_groups": [], "deleted_launch_templates": []}
    clusters = event["clusters"]
    keep = set(event.get("keep_launch_templates", []))
    deadline = time.monotonic() + float(event["wait_seconds"])
    # Exact cluster names: another deployment (armoryspinnaker-prod-eu) is never matched.
    group_name = re.compile("^(" + "|".join(re.escape(c) for c in clusters) + r")-v\d{3,}$")
    autoscaling = boto3.client("autoscaling")
    ec2 = boto3.client("ec2")

    def groups():
        pages = autoscaling.get_paginator("describe_auto_scaling_groups").paginate()
        return [
            g["AutoScalingGroupName"]
            for page in pages
            for g in page["AutoScalingGroups"]
            if group_name.match(g["AutoScalingGroupName"])
        ]

    def wait(what, pending):
        while pending():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} after {event['wait_seconds']} s: {pending()}")
            time.sleep(POLL_SECONDS)

    deleted = groups()
    for name in deleted:
        try:
            autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
        except autoscaling.exceptions.ScalingActivityInProgressFault:
            pass  # already being deleted
    wait("Auto Scaling groups still deleting", groups)

    def live_instances():
        if not deleted:
            return []
        pages = ec2.get_paginator("describe_instances").paginate(
            Filters=[
                {"Name": "tag:aws:autoscaling:groupName", "Values": deleted},
                {"Name": "instance-state-name", "Values": LIVE_STATES},
            ]
        )
        return [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]

    wait("instances of the deleted groups still terminating", live_instances)

    templates = []
    for page in ec2.get_paginator("describe_launch_templates").paginate():
        for template in page["LaunchTemplates"]:
            name = template["LaunchTemplateName"]
            if name not in keep and any(name.startswith(f"{c}-v") for c in clusters):
                ec2.delete_launch_template(LaunchTemplateId=template["LaunchTemplateId"])
                templates.append(name)
    return {"action": action, "deleted_groups": deleted, "deleted_launch_templates": templates}
