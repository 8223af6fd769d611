import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Testing } from "cdktf";
import { ManagedAccountRole } from "../../modules/constructs/managed-account-role";

const json = Testing.synthScope(
  (scope) =>
    new ManagedAccountRole(scope, "managed", {
      roleName: "spinnakerManaged",
      accountId: "012345678901",
      instanceRoleArn: "arn:aws:iam::012345678901:role/spin-instance",
    }),
);
const parsed = JSON.parse(json);

test("trusts exactly the Spinnaker instance role", () => {
  const trust = Object.entries(parsed.data.aws_iam_policy_document).find(([name]) => name.includes("Trust"))?.[1] as {
    statement: unknown[];
  };
  expect(trust.statement).toEqual([
    {
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::012345678901:role/spin-instance"] }],
    },
  ]);
});

test("has PowerUserAccess, may pass roles only to EC2, and may list server certificates", () => {
  expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
    policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess",
  });
  const passRole = Object.entries(parsed.data.aws_iam_policy_document).find(([name]) => name.includes("PassRole"))?.[1];
  expect(passRole).toMatchObject({
    statement: [
      {
        actions: ["iam:PassRole"],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com"] }],
      },
      // clouddriver's certificate caching agent (AmazonCertificateCachingAgent) fails every cycle without it.
      { actions: ["iam:ListServerCertificates"], resources: ["*"] },
    ],
  });
});

test("refuses, at plan time, to be created in any other account", () => {
  expect(json).toHaveResourceWithProperties(IamRole, {
    name: "spinnakerManaged",
    lifecycle: {
      precondition: [
        expect.objectContaining({
          condition: expect.stringMatching(/account_id == "012345678901"/),
          error_message: expect.stringContaining("createRole is set for account 012345678901"),
        }),
      ],
    },
  });
});
