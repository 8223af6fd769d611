import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Fn, Testing, Token } from "cdktf";
import {
  CLEANUP_WAIT_SECONDS,
  ServerGroupCleanup,
  type ServerGroupCleanupProps,
} from "../../modules/constructs/server-group-cleanup";

interface Statement {
  sid: string;
  actions: string[];
  resources: string[];
  condition?: { test: string; variable: string; values: string[] }[];
  principals?: { type: string; identifiers: string[] }[];
}
type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
  data: { aws_iam_policy_document: Record<string, { statement: Statement[] }> };
};

const PROPS: Omit<ServerGroupCleanupProps, "dependsOn"> = {
  namePrefix: "acme-prod",
  partition: "aws",
  region: "us-west-2",
  clusters: ["acme-prod-polling", "acme-prod"],
  keepLaunchTemplates: ["acme-prod-polling", "acme-prod"],
  code: Token.asString(Fn.file("templates/server-group-cleanup.py")),
};

function synth(props: Partial<ServerGroupCleanupProps> = {}): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const internal = new SecurityGroup(scope, "internal", { name: "internal" });
      new ServerGroupCleanup(scope, "cleanup", { ...PROPS, dependsOn: [internal], ...props });
    }),
  );
}

const only = (json: Json, type: string) => Object.values(json.resource[type])[0];
/** `<type>.<logical id>` of the one resource of a type. */
const address = (json: Json, type: string) => `${type}.${Object.keys(json.resource[type])[0]}`;
const statements = (json: Json, name: string) => {
  const found = Object.entries(json.data.aws_iam_policy_document).find(([id]) => id.includes(name));
  if (!found) throw new Error(`no ${name} document`);
  return Object.fromEntries(found[1].statement.map((s, i) => [s.sid ?? String(i), s]));
};
const region = { test: "StringEquals", variable: "aws:RequestedRegion", values: ["us-west-2"] };

test("Terraform invokes the function at create, update and destroy, with the clusters and its own launch templates", () => {
  const json = synth();
  const invocation = only(json, "aws_lambda_invocation");
  expect(invocation.lifecycle_scope).toBe("CRUD");
  expect(invocation.input).toBe(
    '${jsonencode({"clusters" = ["acme-prod-polling", "acme-prod"], "keep_launch_templates" = ["acme-prod-polling", "acme-prod"], "wait_seconds" = 840})}',
  );
  expect(CLEANUP_WAIT_SECONDS).toBeLessThan(900);
  expect(invocation.function_name).toBe(`\${${address(json, "aws_cloudformation_stack")}.outputs.FunctionName}`);
});

test("the invocation goes first at destroy: it depends on what the server groups use", () => {
  const json = synth();
  expect(only(json, "aws_lambda_invocation").depends_on).toEqual(
    expect.arrayContaining([
      "aws_security_group.internal",
      address(json, "aws_cloudformation_stack"),
      address(json, "aws_iam_role_policy"),
      address(json, "aws_cloudwatch_log_group"),
    ]),
  );
});

test("the function is inline in a CloudFormation stack: Python 3.12, within Lambda's 15 minutes", () => {
  const json = synth();
  const stack = only(json, "aws_cloudformation_stack");
  const body = String(stack.template_body).replaceAll(" ", "");
  expect(stack.name).toBe("acme-prod-server-group-cleanup");
  for (const field of [
    '"Type"="AWS::Lambda::Function"',
    '"FunctionName"="acme-prod-server-group-cleanup"',
    '"Runtime"="python3.12"',
    '"Handler"="index.handler"',
    '"Timeout"=900',
  ]) {
    expect(body).toContain(field);
  }
  // The code, from its file, through a local value.
  const [[local, code]] = Object.entries(json.locals ?? {});
  expect(body).toContain(`"Code"={"ZipFile"=local.${local}}`);
  expect(code).toBe('${file("templates/server-group-cleanup.py")}');
});

test("only Lambda may assume its role", () => {
  expect(Object.values(statements(synth(), "Trust"))).toEqual([
    { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
  ]);
});

test("it deletes only the clusters' server groups, and changes nothing else on *", () => {
  const json = synth();
  const s = statements(json, "Permissions");
  expect(s.DeleteTheClustersServerGroups).toEqual({
    sid: "DeleteTheClustersServerGroups",
    actions: ["autoscaling:DeleteAutoScalingGroup"],
    resources: [
      "arn:aws:autoscaling:us-west-2:*:autoScalingGroup:*:autoScalingGroupName/acme-prod-polling-v*",
      "arn:aws:autoscaling:us-west-2:*:autoScalingGroup:*:autoScalingGroupName/acme-prod-v*",
    ],
  });
  expect(s.DeleteLaunchTemplatesInTheRegion).toEqual({
    sid: "DeleteLaunchTemplatesInTheRegion",
    actions: ["ec2:DeleteLaunchTemplate"],
    resources: ["arn:aws:ec2:us-west-2:*:launch-template/*"],
    condition: [region],
  });
  for (const statement of Object.values(s)) {
    if (statement.resources.includes("*")) {
      expect(statement.actions.every((a) => /^[a-z0-9]+:(Describe|Get|List)/.test(a))).toBe(true);
    }
  }
  expect(s.WriteOwnLog.resources).toEqual([`\${${address(json, "aws_cloudwatch_log_group")}.arn}:*`]);
});

test("with a count (a module's input), each piece has it and reads the one instance", () => {
  const json = synth({ count: 0 });
  for (const type of [
    "aws_cloudwatch_log_group",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_cloudformation_stack",
    "aws_lambda_invocation",
  ]) {
    expect(only(json, type).count).toBe(0);
  }
  expect(only(json, "aws_lambda_invocation").function_name).toBe(
    `\${${address(json, "aws_cloudformation_stack")}["0"].outputs.FunctionName}`,
  );
});
