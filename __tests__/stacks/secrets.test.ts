/**
 * No secret in anything the package writes: the synthesized JSON, the template files beside it (the
 * user data, the profile templates), and the configuration files it stores in S3. Secrets only ever appear as references resolved at start.
 */
import { CLIENT_SECRET_ARN, SIGN_IN, settingsFrom, synthStack, templatesOf } from "../helpers";

const KUBECONFIG_SECRET = "arn:aws:secretsmanager:us-west-2:111111111111:secret:eks-kubeconfig-AbCdEf";

const SECRET_PATTERNS: [string, RegExp][] = [
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["an AWS secret key setting", /aws_secret_access_key|secret_key/i],
  // A Terraform reference (\${urlencode(var.redis_auth_token)}) is where the token goes at apply time, not a token.
  ["a password in a Redis URL", /rediss?:\/\/[^:@\s/]*:(?!\$\{)[^@\s]+@/],
  ["kubeconfig credentials", /client-key-data|client-certificate-data|^\s*token:\s*\S/m],
  // A template's `password: ${...}` is where Terraform writes igor's secret reference (rendered and
  // checked in tools/profile-templates.test.ts), not a password.
  ["a password setting with a value", /password["']?\s*[:=]\s*["']?(?!\$\{)[^\s"',}]+/i],
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
      return [JSON.stringify(json), ...templatesOf(json)];
    })
    .join("\n");
}

const written = everythingWritten();

test.each(SECRET_PATTERNS)("nothing written contains %s", (_what, pattern) => {
  expect(written).not.toMatch(pattern);
});

test("the kubeconfig is referenced, never inlined", () => {
  // clouddriver's template turns these into references the service resolves at start
  // (tools/profile-templates.test.ts renders them).
  // (quotes escaped: the JSON holds the template's arguments as a string)
  expect(written).toContain(`\\"kubeconfig_secret_arn\\" = \\"${KUBECONFIG_SECRET}\\"`);
  expect(written).toContain('\\"kubeconfig_s3_uri\\" = \\"s3://kubeconfigs/gke.yaml\\"');
  expect(written).toContain('kubeconfigContents: ${jsonencode(join("", [\n        "encrypted:secrets-manager",');
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
