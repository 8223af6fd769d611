"""
The AWS API emulator of the deploy tier: moto's server on 127.0.0.1, with the corrections below.

Each correction restores a behaviour of AWS that moto 5.2 lacks, so that our resources are tested as
AWS would treat them; none of them relaxes a check AWS makes:

- AWS managed policies exist in every account;
- bucket policy conditions (`Bool`, and a statement applying only when its conditions match);
- the current official Ubuntu, RHEL and CentOS images in every region;
- a launch template's own tags kept out of its version data;
- descriptions of security group rules that reference another group;
- load balancer deletion protection;
- DetachLoadBalancerTargetGroups after the instances were deregistered;
- DependencyViolation for a security group or subnet that a live instance's interface uses;
- instances of an Auto Scaling group in the groups of its launch template's network interface.

Usage:

    python3 emulator.py            # prints "listening <port>" once ready, serves until stdin closes

The parent process owns this process: when it closes our stdin (or dies), the server stops.
"""

import json
import logging
import os
import sys

# AWS accounts always have the AWS managed policies (AmazonSSMManagedInstanceCore, PowerUserAccess);
# moto loads them only when asked.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.autoscaling import models as autoscaling_models  # noqa: E402
from moto.core.parse import default_timestamp_parser  # noqa: E402
from moto.ec2.exceptions import DependencyViolationError  # noqa: E402
from moto.ec2.models import amis, launch_templates, security_groups, subnets  # noqa: E402
from moto.elbv2 import exceptions as elbv2_exceptions  # noqa: E402
from moto.elbv2 import models as elbv2_models  # noqa: E402
from moto.iam import access_control, policy_conditions  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402
from moto.s3 import models as s3_models  # noqa: E402


def bool_condition(expected, actual):
    """IAM's `Bool` operator: moto ignores it, so every Bool condition matched."""
    values = expected if isinstance(expected, list) else [expected]
    return str(actual).lower() in [str(v).lower() for v in values]


def correct_policy_conditions():
    """
    A bucket policy statement applies only when its conditions match (AWS's policy evaluation);
    moto 5.2 turns an unmatched condition into an explicit deny and knows only StringEquals. Our
    config and state buckets deny `aws:SecureTransport = false`; every request to AWS is TLS, so the
    emulator's bucket policies are evaluated with `aws:SecureTransport = true`.
    """
    policy_conditions.CONDITION_OPERATIONS["Bool"] = bool_condition
    original = access_control.IAMPolicyStatement.is_action_permitted

    def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        if not self._check_conditions(incoming_condition_values):
            return access_control.PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted

    def get_permission(self, action, resource):
        if self.policy is None:
            return access_control.PermissionResult.NEUTRAL
        policy = access_control.IAMPolicy(self.policy.decode())
        return policy.is_action_permitted(action, resource, incoming_condition_values={"aws:SecureTransport": "true"})

    s3_models.FakeBucket.get_permission = get_permission


def correct_launch_template_tags():
    """
    CreateLaunchTemplate's own TagSpecifications (ResourceType launch-template) tag the template;
    AWS keeps them out of the version's LaunchTemplateData. moto copies them in, so every plan
    would see a tag specification that no configuration wrote.
    """
    original = launch_templates.LaunchTemplateBackend.create_launch_template

    def create_launch_template(self, name, description, template_data, tag_spec):
        specs = template_data.get("TagSpecifications")
        if specs:
            template_data = {
                **template_data,
                "TagSpecifications": [s for s in specs if s.get("ResourceType") != "launch-template"],
            }
            if not template_data["TagSpecifications"]:
                del template_data["TagSpecifications"]
        return original(self, name, description, template_data, tag_spec)

    launch_templates.LaunchTemplateBackend.create_launch_template = create_launch_template


def correct_group_rule_descriptions():
    """
    DescribeSecurityGroupRules returns the description of a rule that references another group;
    moto reads descriptions only from CIDR rules, so such rules came back without one.
    """

    def description(self):
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    security_groups.SecurityGroupRule.description = property(description)


class OperationNotPermitted(elbv2_exceptions.ELBClientError):
    def __init__(self, arn):
        super().__init__(
            "OperationNotPermitted",
            f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled",
        )


def enforce_deletion_protection():
    """
    AWS refuses DeleteLoadBalancer while `deletion_protection.enabled` is true; moto deletes it.
    Enforcing it proves the README's order (turn deletion_protection off, apply, then destroy).
    """
    original = elbv2_models.ELBv2Backend.delete_load_balancer

    def delete_load_balancer(self, arn):
        balancer = self.load_balancers.get(arn)
        if balancer is not None and balancer.attrs.get("deletion_protection.enabled") == "true":
            raise OperationNotPermitted(arn)
        return original(self, arn)

    elbv2_models.ELBv2Backend.delete_load_balancer = delete_load_balancer


def correct_detach_after_deregister():
    """
    DetachLoadBalancerTargetGroups removes the target groups from the Auto Scaling group and
    deregisters the group's instances that are still registered; AWS accepts it after the instances
    were deregistered already, as Spinnaker's disable does before the detach. moto 5.2's
    AutoScalingBackend.detach_load_balancer_target_groups deregisters every instance of the group
    again, and the target group refuses the unregistered ones with InvalidTarget.
    """

    def detach_load_balancer_target_groups(self, group_name, target_group_arns):
        group = self.autoscaling_groups[group_name]
        group.target_group_arns = [arn for arn in group.target_group_arns if arn not in target_group_arns]
        for arn in target_group_arns:
            target_group = self.elbv2_backend.target_groups.get(arn)
            registered = [
                {"Id": state.instance.id}
                for state in group.instance_states
                if target_group is None or state.instance.id in target_group.targets
            ]
            # An unknown target group still fails as in moto (TargetGroupNotFound).
            if registered or target_group is None:
                self.elbv2_backend.deregister_targets(arn, registered)

    autoscaling_models.AutoScalingBackend.detach_load_balancer_target_groups = detach_load_balancer_target_groups


def live_instance_interfaces(backend):
    """The network interfaces of instances that are not terminated."""
    return [
        eni
        for eni in backend.enis.values()
        if eni.instance is not None and eni.instance.state != "terminated"
    ]


def enforce_in_use_dependencies():
    """
    AWS refuses DeleteSecurityGroup and DeleteSubnet with DependencyViolation while a network
    interface uses the group or sits in the subnet; moto 5.2's SecurityGroupBackend._delete_security_group
    and SubnetBackend.delete_subnet delete both under a running instance. The check counts the
    interfaces of instances that are not terminated: moto keeps an instance's launch interface after
    termination (AWS deletes it with the instance), and keeps the interfaces of other owners (VPC
    endpoints, NAT gateways) past their owner's deletion, so counting those would refuse deletes
    that AWS allows.
    """
    delete_group = security_groups.SecurityGroupBackend._delete_security_group

    def _delete_security_group(self, vpc_id, group_id):
        for eni in live_instance_interfaces(self):
            if any(getattr(g, "id", g) == group_id for g in eni.group_set):
                raise DependencyViolationError(f"resource {group_id} has a dependent object")
        return delete_group(self, vpc_id, group_id)

    security_groups.SecurityGroupBackend._delete_security_group = _delete_security_group

    delete_subnet = subnets.SubnetBackend.delete_subnet

    def delete_subnet_in_use(self, subnet_id):
        for eni in live_instance_interfaces(self):
            if eni.subnet is not None and eni.subnet.id == subnet_id:
                raise DependencyViolationError(f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
        return delete_subnet(self, subnet_id)

    subnets.SubnetBackend.delete_subnet = delete_subnet_in_use


def correct_template_interface_groups():
    """
    An instance launched from a launch template whose network interface (device 0) names security
    groups is in those groups on AWS. moto 5.2's LaunchTemplateVersion.security_groups reads only the
    template's top-level SecurityGroups, so an Auto Scaling group's instances (AutoScalingGroup.security_groups,
    passed to run_instances) landed in the VPC's default group. Top-level SecurityGroupIds stay with
    moto's run_instances, which reads them from the template itself.
    """

    def template_security_groups(self):
        groups = self.data.get("SecurityGroups") or []
        if groups or self.data.get("SecurityGroupIds"):
            return groups
        for interface in self.data.get("NetworkInterfaces") or []:
            if str(interface.get("DeviceIndex", 0)) == "0":
                return interface.get("Groups") or []
        return []

    launch_templates.LaunchTemplateVersion.security_groups = property(template_security_groups)


OFFICIAL_IMAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "official-images.json")


def add_official_images():
    """
    Every region of AWS has the current Ubuntu 24.04, RHEL 9 and CentOS Stream 9 images of their
    publishers (the owners and name patterns of OFFICIAL_IMAGES in modules/constructs/machine-image.ts);
    moto's catalogue stops in 2017. official-images.json adds them to every region, keeping moto's own.
    """
    with open(OFFICIAL_IMAGES, encoding="utf-8") as f:
        images = json.load(f)
    original = amis.AmiBackend._load_amis

    def load_amis(self):
        original(self)
        for image in images:
            fields = {**image, "creation_date": default_timestamp_parser(image["creation_date"])}
            self.amis[image["ami_id"]] = amis.Ami(self, **fields)

    amis.AmiBackend._load_amis = load_amis


def main():
    # One line per request would grow the log by megabytes; keep warnings and errors.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    correct_policy_conditions()
    add_official_images()
    correct_launch_template_tags()
    correct_group_rule_descriptions()
    enforce_deletion_protection()
    correct_detach_after_deregister()
    enforce_in_use_dependencies()
    correct_template_interface_groups()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(f"listening {server.get_host_and_port()[1]}", flush=True)
    # Serve until the parent closes our stdin: no orphan survives the test run.
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
