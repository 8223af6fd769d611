import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Testing } from "cdktf";
import { InstanceRole, type InstanceRoleProps } from "../../modules/constructs/instance-role";

const BUCKET = "arn:aws:s3:::spinnaker-config";

interface Statement {
  sid: string;
  actions: string[];
  resources: string[];
}

function statements(props: Partial<InstanceRoleProps> = {}): Record<string, Statement> {
  const json = JSON.parse(
    Testing.synthScope(
      (scope) =>
        new InstanceRole(scope, "role", {
          namePrefix: "spin-dev",
          configBucketArn: BUCKET,
          writablePrefixes: ["front50"],
          ...props,
        }),
    ),
  );
  const documents = Object.entries(json.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>);
  const permissions = documents.find(([name]) => name.includes("Permissions"));
  if (!permissions) throw new Error("no permissions document");
  return Object.fromEntries(permissions[1].statement.map((s) => [s.sid, s]));
}

test("reads exactly the config bucket; writes only under the services' own prefixes", () => {
  const s = statements({ writablePrefixes: ["front50", "kayenta"] });
  expect(s.ConfigBucket.resources).toEqual([BUCKET]);
  expect(s.ReadConfigObjects).toMatchObject({
    actions: ["s3:GetObject", "s3:GetObjectVersion"],
    resources: [`${BUCKET}/*`],
  });
  expect(s.WriteServiceData).toMatchObject({
    actions: ["s3:PutObject", "s3:DeleteObject"],
    resources: [`${BUCKET}/front50/*`, `${BUCKET}/kayenta/*`],
  });
  expect(JSON.stringify(s)).not.toContain('"s3:*"');
});

test("without managed accounts there is no sts:AssumeRole at all", () => {
  expect(statements().ManagedAccounts).toBeUndefined();
  expect(JSON.stringify(statements())).not.toContain("sts:AssumeRole");
});

test("assumes exactly the managed accounts' roles", () => {
  const roles = ["arn:aws:iam::111111111111:role/spinnakerManaged"];
  expect(statements({ managedAccountRoleArns: roles }).ManagedAccounts).toMatchObject({
    actions: ["sts:AssumeRole"],
    resources: roles,
  });
});

test("may read only the named secrets and objects", () => {
  const s = statements({
    secretArns: ["arn:aws:secretsmanager:us-west-2:111111111111:secret:kube-AbCdEf"],
    extraObjectArns: ["arn:aws:s3:::kubeconfigs/prod.yaml"],
  });
  expect(s.Secrets).toMatchObject({ actions: ["secretsmanager:GetSecretValue"] });
  expect(s.ExtraObjects).toMatchObject({
    actions: ["s3:GetObject"],
    resources: ["arn:aws:s3:::kubeconfigs/prod.yaml"],
  });
});

test("Session Manager replaces SSH, in the configured partition", () => {
  const json = Testing.synthScope(
    (scope) =>
      new InstanceRole(scope, "role", {
        namePrefix: "spin-dev",
        configBucketArn: BUCKET,
        writablePrefixes: ["front50"],
        partition: "aws-us-gov",
      }),
  );
  expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
    policy_arn: "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
  });
});
