/**
 * No secret in anything the package writes: the synthesized JSON, the user data it carries, and the
 * configuration files it stores in S3. Secrets only ever appear as references resolved at start.
 */
import { CLIENT_SECRET_ARN, SIGN_IN, settingsFrom, synthStack } from "../helpers";

const KUBECONFIG_SECRET = "arn:aws:secretsmanager:us-west-2:111111111111:secret:eks-kubeconfig-AbCdEf";

const SECRET_PATTERNS: [string, RegExp][] = [
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["an AWS secret key setting", /aws_secret_access_key|secret_key/i],
  // A Terraform reference (\${urlencode(var.redis_auth_token)}) is where the token goes at apply time, not a token.
  ["a password in a Redis URL", /rediss?:\/\/[^:@\s/]*:(?!\$\{)[^@\s]+@/],
  ["kubeconfig credentials", /client-key-data|client-certificate-data|^\s*token:\s*\S/m],
  ["a password setting with a value", /password["']?\s*[:=]\s*["']?[^\s"',}]+/i],
  // gate's OAuth2 client secret is only ever a reference (encrypted:...).
  ["an OAuth2 client secret with a value", /client-secret\\?["']?\s*[:=]\s*\\?["']?(?!encrypted:)[^\s"'\\,}]+/i],
];

function everythingWritten(): string {
  const settings = settingsFrom({
    loadBalancer: {
      certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc-123",
      hostname: "spinnaker.example.com",
    },
    spinnaker: {
      kayenta: true,
      auth: SIGN_IN.spinnaker.auth,
      accounts: {
        aws: [{ name: "prod", accountId: "012345678901" }],
        kubernetes: [
          { name: "eks", kubeconfigSecretArn: KUBECONFIG_SECRET },
          { name: "gke", kubeconfigS3Uri: "s3://kubeconfigs/gke.yaml" },
        ],
      },
    },
  });
  return (["standalone", "ha"] as const)
    .flatMap((stack) => {
      const json = synthStack(settings, stack);
      const userData = Object.values(json.resource?.aws_launch_template ?? {}).map((t) =>
        Buffer.from(String(t.user_data), "base64").toString(),
      );
      return [JSON.stringify(json), ...userData];
    })
    .join("\n");
}

const written = everythingWritten();

test.each(SECRET_PATTERNS)("nothing written contains %s", (_what, pattern) => {
  expect(written).not.toMatch(pattern);
});

test("the kubeconfig is referenced, never inlined", () => {
  expect(written).toContain(`encrypted:secrets-manager!r:us-west-2!s:${KUBECONFIG_SECRET}`);
  // The instances read it in their own region (the provider's).
  expect(written).toContain("encryptedFile:s3!r:${data.aws_region.current.id}!b:kubeconfigs!f:gke.yaml");
});

test("gate's client secret is referenced, never inlined", () => {
  expect(written).toContain(`client-secret: encrypted:secrets-manager!r:us-west-2!s:${CLIENT_SECRET_ARN}`);
});

test("the patterns would catch a secret (the check can fail)", () => {
  const leaks = [
    "-----BEGIN RSA PRIVATE KEY-----",
    "AKIAIOSFODNN7EXAMPLE",
    "rediss://:hunter2@redis.example.com:6379",
    "client-key-data: LS0t",
    "    token: eyJhbGciOi",
    "password: hunter2",
    "client-secret: s3cr3t-value",
    '"client-secret": "s3cr3t-value"',
  ];
  for (const leak of leaks) {
    expect(SECRET_PATTERNS.some(([, pattern]) => pattern.test(leak))).toBe(true);
  }
});
