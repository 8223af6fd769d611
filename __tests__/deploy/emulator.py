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
- Python Lambda functions run (in this process: moto needs Docker for that);
- DetachLoadBalancerTargetGroups after the instances were deregistered;
- DependencyViolation for a security group or subnet that a live instance's interface uses;
- instances of an Auto Scaling group in the groups of its launch template's network interface;
- a DB subnet group covering two AZs or more;
- no ScalingConfigurationInfo for a provisioned (not Serverless v1) Aurora cluster;
- a DB parameter's Source ("user" once modified), and DescribeDBParameters' Source filter;
- a launch template version's UserData, as CreateLaunchTemplate keeps the first version's.

Usage:

    python3 emulator.py            # prints "listening <port>" once ready, serves until stdin closes

The parent process owns this process: when it closes our stdin (or dies), the server stops.
"""

import contextlib
import importlib.util
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zipfile

# AWS accounts always have the AWS managed policies (AmazonSSMManagedInstanceCore, PowerUserAccess);
# moto loads them only when asked.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.autoscaling import models as autoscaling_models  # noqa: E402
from moto.awslambda import models as lambda_models  # noqa: E402
from moto.core.parse import default_timestamp_parser  # noqa: E402
from moto.ec2.exceptions import DependencyViolationError  # noqa: E402
from moto.ec2.models import amis, launch_templates, security_groups, subnets  # noqa: E402
from moto.ec2.utils import parse_user_data  # noqa: E402
from moto.elbv2 import exceptions as elbv2_exceptions  # noqa: E402
from moto.elbv2 import models as elbv2_models  # noqa: E402
from moto.iam import access_control, policy_conditions  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402
from moto.rds import exceptions as rds_exceptions  # noqa: E402
from moto.rds import models as rds_models  # noqa: E402
from moto.rds import responses as rds_responses  # noqa: E402
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


def correct_launch_template_version_user_data():
    """
    moto 5.2's CreateLaunchTemplate wraps the first version's UserData as a Base64EncodedString, and
    its Auto Scaling reads it as one; CreateLaunchTemplateVersion keeps the raw string, so a group
    launched from a second version fails (an assertion in LaunchTemplateVersion.user_data) where AWS
    launches it. Terraform makes a second version whenever the boot document changes, as turning
    self_deploy on or off does.
    """
    original = launch_templates.LaunchTemplate.create_version

    def create_version(self, data, description):
        user_data = data.get("UserData")
        if isinstance(user_data, (str, bytes)):
            data = {**data, "UserData": parse_user_data(user_data)}
        return original(self, data, description)

    launch_templates.LaunchTemplate.create_version = create_version


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


# One function runs at a time: a run changes this process's environment, sys.path and stdout.
LAMBDA_LOCK = threading.Lock()


class LambdaContext:
    """The parts of the Python runtime's context object a handler reads."""

    def __init__(self, function, request_id):
        self.function_name = function.function_name
        self.function_version = function.version
        self.invoked_function_arn = function.function_arn
        self.memory_limit_in_mb = function.memory_size
        self.aws_request_id = request_id
        self.log_group_name = function.logs_group_name
        self._deadline = time.monotonic() + float(function.timeout)

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def run_python_lambda_in_process(endpoint):
    """
    AWS runs a function's code when it is invoked; moto 5.2's LambdaFunction._invoke_lambda runs it
    only in a Docker container, and without a Docker daemon it returns "error running docker" as the
    function's error. For python runtimes this runs the handler here instead: the zip (code_bytes,
    which moto also builds from CloudFormation's Code.ZipFile as index.py) is extracted to a
    temporary directory, the handler's module is imported under a name of its own, and the handler
    is called with the environment the runtime gives it: the function's variables, then the reserved
    ones (region, credentials, AWS_ENDPOINT_URL pointing at this emulator, so boto3 calls come back
    here). It returns moto's (payload, errored, logs): a raised exception becomes the runtime's error
    payload {"errorMessage", "errorType", "stackTrace"}, which moto's invoke reports with the
    X-Amz-Function-Error header (moto says "Handled" where AWS says "Unhandled"; callers such as
    Terraform's aws_lambda_invocation fail on either). The output goes to the function's log group,
    as moto's save_logs does. Not restored: the function's Timeout is not enforced (a thread cannot be
    stopped), and functions run one at a time. Other runtimes keep moto's path.
    """
    original = lambda_models.LambdaFunction._invoke_lambda

    def invoke_lambda(self, event=None):
        if not str(self.run_time).startswith("python"):
            return original(self, event)
        if isinstance(event, (str, bytes)):
            event = json.loads(event or "{}")
        self.logs_backend.ensure_log_group(self.logs_group_name)
        request_id = str(uuid.uuid4())
        if not LAMBDA_LOCK.acquire(timeout=float(self.timeout)):
            message = f"{self.function_name}: another function is running in the emulator"
            return json.dumps({"errorMessage": message, "errorType": "TooManyRequestsException"}), True, message
        code_dir = tempfile.mkdtemp(prefix="lambda-")
        environment = {
            **{k: str(v) for k, v in (self.environment_vars or {}).items()},
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": str(self.version),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": self.logs_group_name,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.run_time}",
            "_HANDLER": self.handler,
            "LAMBDA_TASK_ROOT": code_dir,
        }
        removed = ["AWS_SESSION_TOKEN", "AWS_PROFILE"]
        saved = {k: os.environ.get(k) for k in [*environment, *removed]}
        modules_before = set(sys.modules)
        output = io.StringIO()
        try:
            with zipfile.ZipFile(io.BytesIO(self.code_bytes)) as archive:
                archive.extractall(code_dir)
            os.environ.update(environment)
            for k in removed:
                os.environ.pop(k, None)
            sys.path.insert(0, code_dir)
            print(f"START RequestId: {request_id} Version: {self.version}", file=output)
            with contextlib.redirect_stdout(output):
                try:
                    module_path, function_name = self.handler.rsplit(".", 1)
                    source = os.path.join(code_dir, *module_path.replace("/", ".").split(".")) + ".py"
                    if not os.path.isfile(source):
                        raise ImportError(f"Unable to import module '{module_path}': no {module_path}.py in the code")
                    spec = importlib.util.spec_from_file_location(f"lambda_{uuid.uuid4().hex}", source)
                    module = importlib.util.module_from_spec(spec)
                    spec.loader.exec_module(module)
                    payload, errored = json.dumps(getattr(module, function_name)(event, LambdaContext(self, request_id))), False
                except Exception as e:  # every failure of the handler is the function's error
                    # From the handler on, as the runtime reports it (the first frame is this function).
                    stack = traceback.format_exception(type(e), e, e.__traceback__.tb_next)
                    print("".join(stack), end="")
                    payload = json.dumps({"errorMessage": str(e), "errorType": type(e).__name__, "stackTrace": stack})
                    errored = True
            print(f"END RequestId: {request_id}", file=output)
        finally:
            if code_dir in sys.path:
                sys.path.remove(code_dir)
            for name in set(sys.modules) - modules_before:
                if (getattr(sys.modules[name], "__file__", None) or "").startswith(code_dir):
                    del sys.modules[name]
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            shutil.rmtree(code_dir, ignore_errors=True)
            LAMBDA_LOCK.release()
        logs = output.getvalue()
        self.save_logs(logs)
        return payload, errored, logs

    lambda_models.LambdaFunction._invoke_lambda = invoke_lambda


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


class DBSubnetGroupDoesNotCoverEnoughAZs(rds_exceptions.RDSClientError):
    def __init__(self, zones):
        super().__init__(
            "DBSubnetGroupDoesNotCoverEnoughAZs",
            "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. "
            f"Current AZ coverage: {', '.join(zones)}. Add subnets to cover at least 2 AZs.",
        )


def enforce_db_subnet_group_azs():
    """
    AWS refuses CreateDBSubnetGroup and ModifyDBSubnetGroup with DBSubnetGroupDoesNotCoverEnoughAZs
    when the subnets lie in fewer than two AZs (every region here has more); moto 5.2's
    RDSBackend.create_subnet_group and modify_db_subnet_group accept them. The modules' validation
    counts the subnets, not their zones, so two subnets in one AZ would apply here and fail on AWS.
    """

    def covered(subnets):
        zones = sorted({subnet.availability_zone for subnet in subnets})
        if len(zones) < 2:
            raise DBSubnetGroupDoesNotCoverEnoughAZs(zones)

    create = rds_models.RDSBackend.create_subnet_group

    def create_subnet_group(self, subnet_name, description, subnets, tags):
        covered(subnets)
        return create(self, subnet_name, description, subnets, tags)

    rds_models.RDSBackend.create_subnet_group = create_subnet_group

    modify = rds_models.RDSBackend.modify_db_subnet_group

    def modify_db_subnet_group(self, subnet_name, description, subnets):
        covered(subnets)
        return modify(self, subnet_name, description, subnets)

    rds_models.RDSBackend.modify_db_subnet_group = modify_db_subnet_group


def correct_cluster_scaling_configuration():
    """
    DescribeDBClusters returns ScalingConfigurationInfo only for an Aurora Serverless v1 cluster
    (EngineMode serverless); moto 5.2's DBCluster.scaling_configuration_info returns it, its fields
    empty, for every cluster. The provider then keeps a scaling_configuration block in the state of a
    provisioned cluster, and every plan proposes to fill it with the block's defaults.
    """
    original = rds_models.DBCluster.scaling_configuration_info

    def scaling_configuration_info(self):
        return original.fget(self) if self.engine_mode == "serverless" else None

    rds_models.DBCluster.scaling_configuration_info = property(scaling_configuration_info)


def correct_db_parameter_sources():
    """
    DescribeDBParameters names each parameter's Source ("user" for one that ModifyDBParameterGroup
    set, "engine-default" or "system" otherwise) and, given Source, returns only those; moto 5.2
    stores a modified parameter without a Source and ignores the filter. Provider 5.100's
    resourceParameterGroupRead (internal/service/rds/parameter_group.go) skips a parameter without
    a Source, so every plan proposed to set the group's parameters again.
    """
    update = rds_models.DBParameterGroup.update_parameters

    def update_parameters(self, new_parameters):
        update(self, [{**parameter, "Source": "user"} for parameter in new_parameters])

    rds_models.DBParameterGroup.update_parameters = update_parameters

    describe = rds_responses.RDSResponse.describe_db_parameters

    def describe_db_parameters(self):
        result = describe(self)
        source = self.params.get("Source")
        if source:
            parameters = result.result["Parameters"]
            result.result["Parameters"] = [p for p in parameters if p.get("Source") == source]
        return result

    rds_responses.RDSResponse.describe_db_parameters = describe_db_parameters


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
    correct_launch_template_version_user_data()
    correct_group_rule_descriptions()
    enforce_deletion_protection()
    correct_detach_after_deregister()
    enforce_in_use_dependencies()
    correct_template_interface_groups()
    enforce_db_subnet_group_azs()
    correct_cluster_scaling_configuration()
    correct_db_parameter_sources()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    # Nothing can call the server before "listening" names the port, so functions run here from the first call.
    run_python_lambda_in_process(f"http://127.0.0.1:{port}")
    print(f"listening {port}", flush=True)
    # Serve until the parent closes our stdin: no orphan survives the test run.
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
