"""Runs the clean-up function (modules/templates/server-group-cleanup.py) against moto's in-memory
AWS, as Terraform's aws_lambda_invocation would call it: at create, at destroy, and at a second
destroy. Prints what it returned and what is left, as JSON. Usage: python3 <this> <function.py>"""

import importlib.util
import json
import os
import sys

# Importing the function must not leave __pycache__ in modules/templates: that folder is packed and
# copied into the Registry module as it is.
sys.dont_write_bytecode = True
os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-west-2")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

spec = importlib.util.spec_from_file_location("cleanup", sys.argv[1])
cleanup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cleanup)

with mock_aws():
    ec2 = boto3.client("ec2")
    autoscaling = boto3.client("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-west-2a")["Subnet"]["SubnetId"]
    image = ec2.describe_images()["Images"][0]["ImageId"]
    templates = {}
    # Terraform's two, one Spinnaker made for acme-prod-v001, one of another deployment.
    for name in ["acme-prod", "acme-prod-polling", "acme-prod-v001-1700000000", "acme-prod-eu-v001-1700000000"]:
        data = {"ImageId": image, "InstanceType": "t3.micro"}
        templates[name] = ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)[
            "LaunchTemplate"
        ]["LaunchTemplateId"]
    for group, template in [
        ("acme-prod-v000", "acme-prod"),
        ("acme-prod-polling-v000", "acme-prod-polling"),
        ("acme-prod-v001", "acme-prod-v001-1700000000"),
        ("acme-prod-eu-v000", "acme-prod-eu-v001-1700000000"),
        ("acme-prod-canary", "acme-prod"),
    ]:
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=group,
            MinSize=1,
            MaxSize=1,
            DesiredCapacity=1,
            VPCZoneIdentifier=subnet,
            LaunchTemplate={"LaunchTemplateId": templates[template], "Version": "$Latest"},
        )
    event = {
        "clusters": ["acme-prod-polling", "acme-prod"],
        "keep_launch_templates": ["acme-prod-polling", "acme-prod"],
        "wait_seconds": 60,
    }
    result = {
        "create": cleanup.handler({**event, "tf": {"action": "create", "prev_input": None}}, None),
        "destroy": cleanup.handler({**event, "tf": {"action": "delete", "prev_input": event}}, None),
        "again": cleanup.handler({**event, "tf": {"action": "delete", "prev_input": event}}, None),
    }
    instances = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}])
    result["left"] = {
        "groups": sorted(g["AutoScalingGroupName"] for g in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]),
        "launch_templates": sorted(t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]),
        "running_instances": sum(len(r["Instances"]) for r in instances["Reservations"]),
    }
    print(json.dumps(result))
