import { deepMerge, loadConfiguration, loadSettings } from "../../modules/config/load";
import { DEFAULT_OSS_VERSION, SPINNAKER_SERVICES } from "../../modules/config/schema";
import { ConfigError } from "../../modules/errors";
import { armoryTagsDiffer } from "../../modules/spinnaker/releases";

const STATE = "state:\n  bucket: example-terraform-state\n";
/** `spinnaker.auth`, indented under `spinnaker:`. */
const AUTH =
  "  auth:\n    issuerUrl: https://login.example.com/realms/x\n    clientId: spinnaker\n    clientSecretArn: arn:aws:secretsmanager:us-west-2:123456789012:secret:oidc-AbCdEf\n";

function load(yaml: string, env: Record<string, string> = {}) {
  return loadSettings(yaml, "test.yaml", env);
}

/** The message of the ConfigError that loading this configuration raises. */
function errorOf(yaml: string, env: Record<string, string> = {}): string {
  try {
    load(yaml, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("defaults", () => {
  const settings = load(STATE);

  test("follow the architecture page", () => {
    expect(settings.namePrefix).toBe("armoryspinnaker-preprod");
    expect(settings.instance.type).toBe("m4.2xlarge");
    expect(settings.loadBalancer.gatePort).toBe(8084);
    expect(settings.loadBalancer.deckPort).toBe(80);
  });

  test("are secure: internal load balancer, no SSH, deletion protection", () => {
    expect(settings.loadBalancer.scheme).toBe("internal");
    expect(settings.network.sshCidrs).toEqual([]);
    expect(settings.network.userCidrs).toBeUndefined();
    expect(settings.loadBalancer.deletionProtection).toBe(true);
    expect(settings.configBucket.forceDestroy).toBe(false);
  });

  test("deck listens on 443 once a certificate is configured", () => {
    const tls = load(
      `${STATE}loadBalancer:\n  hostname: spinnaker.example.com\n  certificateArn: arn:aws:acm:us-west-2:123456789012:certificate/abc-123\n`,
    );
    expect(tls.loadBalancer.deckPort).toBe(443);
  });

  test("open-source images come from the project's registry at the targeted release; Armory's from docker.io/armory", () => {
    expect(settings.spinnaker.registry).toBe("ghcr.io/spinnaker");
    expect(settings.spinnaker.version).toBe(DEFAULT_OSS_VERSION);
    const armory = load(`${STATE}spinnaker:\n  distribution: armory\n  version: 2.36.3\n`);
    expect(armory.spinnaker.registry).toBe("docker.io/armory");
  });

  test("Armory before 2.27 needs every image given; from 2.27, or with every image, one version does", () => {
    expect(armoryTagsDiffer("2.26.6")).toBe(true);
    expect(armoryTagsDiffer("1.9.0")).toBe(true);
    expect(armoryTagsDiffer("2.27.0")).toBe(false);
    expect(armoryTagsDiffer("2.36.10")).toBe(false);
    expect(armoryTagsDiffer("3.0")).toBe(false);
    // A build of your own is taken as given.
    expect(armoryTagsDiffer("main-latest")).toBe(false);
    const images = SPINNAKER_SERVICES.filter((s) => s !== "kayenta")
      .map((s) => `    ${s}: docker.io/armory/${s}:2.26.1`)
      .join("\n");
    const old = load(`${STATE}spinnaker:\n  distribution: armory\n  version: 2.26.6\n  images:\n${images}\n`);
    expect(old.spinnaker.images.clouddriver).toBe("docker.io/armory/clouddriver:2.26.1");
  });

  test("HTTPS follows the certificate unless written", () => {
    expect(settings.loadBalancer.https).toBe(false);
    const tls = load(
      `${STATE}loadBalancer:\n  hostname: spinnaker.example.com\n  certificateArn: arn:aws:acm:us-west-2:123456789012:certificate/abc-123\n`,
    );
    expect(tls.loadBalancer).toMatchObject({ https: true, deckPort: 443 });
  });

  test("Redis is created unless the configuration names an existing one", () => {
    expect(settings.ha.redis.create).toBe(true);
    const own = load(
      `${STATE}ha:\n  redis:\n    existingUrlSecretArn: arn:aws:secretsmanager:us-west-2:111111111111:secret:r-AbCdEf\n    existingSecurityGroupId: sg-0123456789abcdef0\n`,
    );
    expect(own.ha.redis.create).toBe(false);
  });

  test("Spinnaker does not deploy itself unless asked; when asked, it tags the instance subnets with its purpose", () => {
    expect(settings.ha.selfDeploy).toEqual({
      enabled: false,
      account: "spinnaker-self",
      subnetPurpose: "spinnaker",
      tagSubnets: true,
    });
    // The same name as a managed account is fine while self-deploy is off: nothing loads it.
    const off = load(`${STATE}spinnaker:\n  accounts:\n    aws: [{name: spinnaker-self, accountId: '111111111111'}]\n`);
    expect(off.ha.selfDeploy.account).toBe("spinnaker-self");
  });

  test("the state region follows the region, and the partition follows the region", () => {
    const gov = load(`${STATE}region: us-gov-west-1\n`);
    expect(gov.state.region).toBe("us-gov-west-1");
    expect(gov.partition).toBe("aws-us-gov");
    expect(settings.partition).toBe("aws");
  });

  test("an empty file is the defaults, which need a state bucket for the S3 backend", () => {
    expect(errorOf("")).toContain("state.bucket: required when state.backend is s3");
    expect(load("state:\n  backend: local\n").state.backend).toBe("local");
  });
});

describe("environment overrides", () => {
  test("replace the file's values and split lists on commas", () => {
    const settings = load(`${STATE}region: us-west-2\n`, {
      SPINNAKER_REGION: "eu-west-1",
      SPINNAKER_VPC_ID: "vpc-0123456789abcdef0",
      SPINNAKER_INSTANCE_SUBNET_IDS: "subnet-0123456789abcdef0, subnet-0fedcba9876543210",
      SPINNAKER_USER_CIDRS: "10.0.0.0/8",
      SPINNAKER_STATE_BUCKET: "other-state",
    });
    expect(settings.region).toBe("eu-west-1");
    expect(settings.network.vpcId).toBe("vpc-0123456789abcdef0");
    expect(settings.network.instanceSubnetIds).toEqual(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]);
    expect(settings.network.userCidrs).toEqual(["10.0.0.0/8"]);
    expect(settings.state.bucket).toBe("other-state");
  });

  test("every rule has a message of its own: the state key prefix", () => {
    expect(errorOf('state:\n  bucket: example-terraform-state\n  keyPrefix: "a b"\n')).toContain(
      'state.keyPrefix: expected a key prefix of letters, digits and . _ / -, got "a b"',
    );
  });

  test("a section whose keys are all commented out, or an empty value, takes the defaults", () => {
    const settings = load(`${STATE}instance:\n  # type: m5.xlarge\nloadBalancer:\n  hostname:\n`);
    expect(settings.instance.type).toBe("m4.2xlarge");
    expect(settings.loadBalancer.hostname).toBeUndefined();
  });

  test("empty values are ignored", () => {
    expect(load(STATE, { SPINNAKER_REGION: "" }).region).toBe("us-west-2");
  });

  test("a bad value names the environment variable it came from", () => {
    expect(errorOf(STATE, { SPINNAKER_VPC_ID: "vpc-zz" })).toContain(
      'network.vpcId (from SPINNAKER_VPC_ID): expected a VPC id such as vpc-0123456789abcdef0, got "vpc-zz"',
    );
  });
});

describe("invalid settings name the setting, the rule and the value", () => {
  test.each([
    [
      "name: Armory",
      'name: expected an application name: lower-case letters and digits, starting with a letter, no hyphen (Spinnaker splits names on "-"), got "Armory"',
    ],
    ["name: armory-spinnaker", 'got "armory-spinnaker"'],
    ["name: abcdefghijklmnopq", 'name: expected at most 16 characters, got "abcdefghijklmnopq"'],
    ["environment: pre-prod", "environment: expected an environment name"],
    [
      "region: moon-1",
      'region: expected an AWS region such as us-west-2 (a region of the aws, aws-cn, aws-us-gov or an ISO partition), got "moon-1"',
    ],
    // Shaped like a region, but none: the regex this replaced accepted it.
    [
      "region: us-west-9",
      'region: expected an AWS region such as us-west-2 (a region of the aws, aws-cn, aws-us-gov or an ISO partition), got "us-west-9"',
    ],
    [
      "network:\n  userCidrs: [10.0.0.300/8]",
      'network.userCidrs[0]: expected an IPv4 CIDR block without host bits, such as 10.0.0.0/16 (not 10.1.2.3/16), got "10.0.0.300/8"',
    ],
    ["network:\n  sshCidrs: [0.0.0.0]", "network.sshCidrs[0]: expected an IPv4 CIDR block"],
    [
      "network:\n  instanceSubnetIds: [sn-1]",
      'network.instanceSubnetIds[0]: expected a subnet id such as subnet-0123456789abcdef0, got "sn-1"',
    ],
    [
      "network:\n  loadBalancerSubnetIds: [subnet-0123456789abcdef0]",
      "network.loadBalancerSubnetIds: expected at least 2 subnets in different AZs",
    ],
    [
      "network:\n  instanceSubnetIds: [subnet-0123456789abcdef0]",
      "network.instanceSubnetIds: expected at least 2 subnets in different AZs: the ha stack's interservice load balancer and Multi-AZ Redis need them",
    ],
    ["instance:\n  type: M4", 'instance.type: expected an EC2 instance type such as m4.2xlarge, got "M4"'],
    // The cases issue 9 found passing both gates.
    [
      "network:\n  userCidrs: [10.1.2.3/8]",
      'network.userCidrs[0]: expected an IPv4 CIDR block without host bits, such as 10.0.0.0/16 (not 10.1.2.3/16), got "10.1.2.3/8"',
    ],
    [
      "network:\n  instanceSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef0]",
      "network.instanceSubnetIds: expected distinct subnets: one is listed twice, got",
    ],
    [
      "network:\n  sshCidrs: [0.0.0.0/0]",
      'network.sshCidrs[0]: expected a CIDR block of /8 or narrower: SSH from anywhere is refused (Session Manager is the way in without SSH), got "0.0.0.0/0"',
    ],
    [
      "network:\n  egressCidrs: []",
      "network.egressCidrs: expected at least one CIDR block: the instances install Docker and pull images at boot, got []",
    ],
    ['instance:\n  keyName: ""', 'instance.keyName: expected an EC2 key pair name of 1 to 255 characters, got ""'],
    ["instance:\n  type: 42", "instance.type: expected a string, got 42"],
    [
      "instance:\n  rootVolumeSizeGiB: big",
      'instance.rootVolumeSizeGiB: expected a whole number from 30 to 16384 GiB, got "big"',
    ],
    [
      "loadBalancer:\n  deletionProtection: maybe",
      'loadBalancer.deletionProtection: expected true or false, got "maybe"',
    ],
    ["network: [a, b]", 'network: expected a mapping of settings, got ["a","b"]'],
    ["tags: x", 'tags: expected a mapping, got "x"'],
    [
      "spinnaker:\n  ci:\n    jenkins:\n      - { name: ci, address: https://jenkins.example.com, username: spinnaker }",
      "spinnaker.ci.jenkins[0].passwordSecretArn: username and passwordSecretArn go together: igor signs in with both, or with neither for anonymous access",
    ],
    [
      "spinnaker:\n  ci:\n    jenkins:\n      - { name: ci, address: jenkins.example.com }",
      'spinnaker.ci.jenkins[0].address: expected the Jenkins URL, such as https://jenkins.example.com, got "jenkins.example.com"',
    ],
    [
      "spinnaker:\n  ci:\n    jenkins:\n      - { name: ci, address: https://a.example.com }\n      - { name: ci, address: https://b.example.com }",
      'spinnaker.ci.jenkins[1].name: expected a name no other master has: pipelines name their master, got "ci"',
    ],
    // An empty value is "not set" only for a key the schema declares: a misspelt one is still refused.
    ["network:\n  vpcID:", 'network: unknown setting "vpcID"'],
    [
      'spinnaker:\n  accounts:\n    aws:\n      - accountId: "123456789012"',
      "spinnaker.accounts.aws[0].name: required: a string",
    ],
    ["instance:\n  os: windows", 'instance.os: expected one of ubuntu, centos, rhel, got "windows"'],
    ["instance:\n  amiId: ubuntu", 'instance.amiId: expected an AMI id such as ami-0123456789abcdef0, got "ubuntu"'],
    [
      "instance:\n  rootVolumeSizeGiB: 10",
      "instance.rootVolumeSizeGiB: expected a whole number from 30 to 16384 GiB, got 10",
    ],
    [
      "instance:\n  rootVolumeSizeGiB: 40.5",
      "instance.rootVolumeSizeGiB: expected a whole number from 30 to 16384 GiB, got 40.5",
    ],
    [
      "instance:\n  healthCheckGracePeriodSeconds: 5",
      "instance.healthCheckGracePeriodSeconds: expected a whole number from 60 to 7200 seconds, got 5",
    ],
    [
      "loadBalancer:\n  gatePort: 70000",
      "loadBalancer.gatePort: expected a whole number from 1 to 65535 (a TCP port), got 70000",
    ],
    [
      "loadBalancer:\n  gatePort: 80",
      "loadBalancer.gatePort: must differ from deck's port (loadBalancer.deckPort, else 443 with HTTPS and 80 without): deck and gate need their own listeners, got 80",
    ],
    ["loadBalancer:\n  scheme: public", 'loadBalancer.scheme: expected one of internal, internet-facing, got "public"'],
    [
      "loadBalancer:\n  certificateArn: my-cert",
      'loadBalancer.certificateArn: expected an ACM certificate ARN, got "my-cert"',
    ],
    ["loadBalancer:\n  sslPolicy: ELBSecurityPolicy-2016-08", "loadBalancer.sslPolicy: expected a TLS 1.3 policy"],
    ["spinnaker:\n  distribution: armory", "spinnaker.version: required when spinnaker.distribution is armory"],
    [
      "spinnaker:\n  distribution: armory\n  version: 2.26.6\n  images: {gate: docker.io/armory/gate:2.26.5}",
      'spinnaker.images: must give the image of every service that runs (kayenta\'s with spinnaker.kayenta) for an Armory release before 2.27.0, which tags each service with its own version, so <registry>/<service>:<version> does not exist; or use 2.27.0 or later, got {"version":"2.26.6","images":["gate"]}',
    ],
    [
      `spinnaker:\n  distribution: armory\n  version: 2.36.3\n${AUTH}`,
      'spinnaker.auth: needs spinnaker.distribution oss at 2025.2.0 or later, whose gate reads this sign-in (Spring Security\'s OAuth2 client), got {"distribution":"armory","version":"2.36.3"}',
    ],
    [
      `spinnaker:\n  version: 2025.1.2\n${AUTH}`,
      'spinnaker.auth: needs spinnaker.distribution oss at 2025.2.0 or later, whose gate reads this sign-in (Spring Security\'s OAuth2 client), got {"distribution":"oss","version":"2025.1.2"}',
    ],
    [
      `spinnaker:\n${AUTH}`,
      "loadBalancer.certificateArn: required when spinnaker.auth is set: sign-in needs HTTPS (identity providers refuse http:// redirect URIs",
    ],
    [
      `spinnaker:\n${AUTH.replace("https://login", "http://login")}`,
      `spinnaker.auth.issuerUrl: expected the identity provider's issuer URL, https:// on port 443, such as https://login.example.com/realms/spinnaker, got "http://login.example.com/realms/x"`,
    ],
    [
      `spinnaker:\n${AUTH.replace("login.example.com", "login.example.com:8443")}`,
      'spinnaker.auth.issuerUrl: expected the identity provider\'s issuer URL, https:// on port 443, such as https://login.example.com/realms/spinnaker, got "https://login.example.com:8443/realms/x"',
    ],
    [
      `spinnaker:\n${AUTH}    clientId: my client\n`.replace("    clientId: spinnaker\n", ""),
      'spinnaker.auth.clientId: expected the OAuth2 client id: 1-255 printable characters without spaces or $, got "my client"',
    ],
    [
      `spinnaker:\n${AUTH}    claims: { roles: "cognito groups" }\n`,
      'spinnaker.auth.claims.roles: expected a claim name such as email or groups, got "cognito groups"',
    ],
    [
      'spinnaker:\n  accounts:\n    aws: [{name: prod, accountId: "123456789012", permissions: {write: [dev team]}}]',
      'spinnaker.accounts.aws[0].permissions.write[0]: expected a role name without spaces or $, got "dev team"',
    ],
    [
      `spinnaker:\n${AUTH}    adminRoles: [admins, admins]\n`,
      "spinnaker.auth.adminRoles: expected distinct roles: one is listed twice",
    ],
    [
      "spinnaker:\n  accounts:\n    aws: [{name: prod, accountId: 12345}]",
      "spinnaker.accounts.aws[0].accountId: expected a 12-digit AWS account id, as a quoted string, got 12345",
    ],
    [
      "spinnaker:\n  accounts:\n    kubernetes: [{name: k8s}]",
      "spinnaker.accounts.kubernetes[0].kubeconfigSecretArn: set exactly one of kubeconfigSecretArn or kubeconfigS3Uri: the kubeconfig is read from Secrets Manager or from S3",
    ],
    [
      "spinnaker:\n  accounts:\n    aws: [{name: prod, accountId: '111111111111'}, {name: prod, accountId: '222222222222'}]",
      'spinnaker.accounts.aws[1].name: expected a name no other account has: Spinnaker addresses accounts by name, got "prod"',
    ],
    [
      "spinnaker:\n  accounts:\n    aws: [{name: a, accountId: '111111111111', createRole: true}, {name: b, accountId: '222222222222', createRole: true}]",
      "spinnaker.accounts.aws[1].createRole: expected createRole on one account at most: the account being deployed into, got true",
    ],
    [
      "spinnaker:\n  bake:\n    account: prod",
      'spinnaker.bake.account: must name one of spinnaker.accounts.aws: orca bakes in a managed account, got {"account":"prod","accounts":[]}',
    ],
    ["spinnaker:\n  bake:\n    baseImages: {windows: ami-0123456789abcdef0}", "spinnaker.bake.baseImages"],
    [
      "configBucket:\n  name: My_Bucket",
      'configBucket.name: expected an S3 bucket name (3-63 of a-z 0-9 . -), got "My_Bucket"',
    ],
    [
      "loadBalancer:\n  certificateArn: arn:aws:acm:us-west-2:123456789012:certificate/abc-123",
      "loadBalancer.hostname: required when loadBalancer.certificateArn is set",
    ],
    [
      "loadBalancer:\n  hostname: Spinnaker.Example",
      'loadBalancer.hostname: expected a lower-case DNS name such as spinnaker.example.com, got "Spinnaker.Example"',
    ],
    [
      "tags:\n  cost center: platform",
      'tags.cost center: expected a tag key of letters, digits and + - = . _ , : @ (no spaces or "/", not starting with aws:)',
    ],
    ["tags:\n  aws:owner: me", "tags.aws:owner: expected a tag key"],
    [
      "spinnaker:\n  front50Prefix: config",
      'spinnaker.front50Prefix: expected a prefix of front50\'s own, not config or kayenta: config/ is the rendered configuration, read-only to the instances, and kayenta writes kayenta/, got "config"',
    ],
    [
      "instance:\n  rootDeviceName: sda1",
      'instance.rootDeviceName: expected a device name such as /dev/sda1 or /dev/xvda, got "sda1"',
    ],
    [
      "ha:\n  redis:\n    existingUrlSecretArn: arn:aws:secretsmanager:us-west-2:111111111111:secret:r-AbCdEf",
      "ha.redis.existingSecurityGroupId: ha.redis.existingUrlSecretArn and ha.redis.existingSecurityGroupId go together",
    ],
    [
      "ha:\n  redis:\n    create: true\n    existingUrlSecretArn: arn:aws:secretsmanager:us-west-2:111111111111:secret:r-AbCdEf\n    existingSecurityGroupId: sg-0123456789abcdef0",
      "ha.redis.create: must be false with ha.redis.existingUrlSecretArn: true creates ElastiCache, false uses your own Redis (set ha.redis.create to false, or leave out ha.redis.existingUrlSecretArn and ha.redis.existingSecurityGroupId), got true",
    ],
    [
      "loadBalancer:\n  https: true",
      "loadBalancer.https: needs loadBalancer.certificateArn when true: HTTPS listeners need an ACM certificate (set it, or set loadBalancer.https to false), got true",
    ],
    [
      "loadBalancer:\n  https: false\n  hostname: spinnaker.example.com\n  certificateArn: arn:aws:acm:us-west-2:123456789012:certificate/abc-123",
      "loadBalancer.https: must be true with loadBalancer.certificateArn: the certificate makes both listeners HTTPS (set loadBalancer.https to true, or leave out loadBalancer.certificateArn for HTTP), got false",
    ],
    [
      "ha:\n  redis:\n    create: false",
      "ha.redis.create: needs ha.redis.existingUrlSecretArn and ha.redis.existingSecurityGroupId when false: they are your own Redis (set both, or set ha.redis.create to true to create ElastiCache), got false",
    ],
    [
      "spinnaker:\n  accounts:\n    aws: [{name: prod, accountId: '111111111111', regions: [everywhere]}]",
      'spinnaker.accounts.aws[0].regions[0]: expected an AWS region such as us-west-2 (a region of the aws, aws-cn, aws-us-gov or an ISO partition), got "everywhere"',
    ],
    [
      "spinnaker:\n  bake:\n    regions: [us-west-2, us-west-2]",
      "spinnaker.bake.regions: expected distinct regions: one is listed twice",
    ],
    [
      "spinnaker:\n  bake:\n    regions: [us-west-2, mars-north-1]",
      'spinnaker.bake.regions[1]: expected an AWS region such as us-west-2 (a region of the aws, aws-cn, aws-us-gov or an ISO partition), got "mars-north-1"',
    ],
    [
      "region: eu-west-1\nspinnaker:\n  bake:\n    regions: [us-west-2]",
      `spinnaker.bake.regions: must include the deployment's region (region): packer bakes there, in the instances' subnet, and copies the image to the other regions listed, got {"region":"eu-west-1","regions":["us-west-2"]}`,
    ],
    [
      "spinnaker:\n  accounts:\n    aws: [{name: prod, accountId: '111111111111', regions: [us-west-2, us-east-1]}]\n  bake:\n    regions: [us-west-2, eu-west-1]",
      'spinnaker.bake.regions: must be regions of the bake account (spinnaker.bake.account, else the one with createRole, else the only one): its regions in spinnaker.accounts.aws, or the deployment\'s region when it lists none; clouddriver finds the account\'s images only there, got {"accounts":[{"name":"prod","regions":["us-west-2","us-east-1"]}],"regions":["us-west-2","eu-west-1"]}',
    ],
    [
      "spinnaker:\n  version: 2027.0.0",
      'spinnaker.version: must be before 2027.0.0 while storage.type is s3-redis: from that release on front50 no longer stores in S3 and orca no longer keeps executions in Redis (set storage.type to sql), got "2027.0.0"',
    ],
    [
      "ha:\n  selfDeploy:\n    account: Spinnaker",
      'ha.selfDeploy.account: expected the name of clouddriver\'s account for the AWS account Spinnaker runs in: lower-case letters, digits and hyphens, got "Spinnaker"',
    ],
    [
      "ha:\n  selfDeploy:\n    subnetPurpose: 'internal \"a\"'",
      'ha.selfDeploy.subnetPurpose: expected a subnet purpose of 1 to 64 lower-case letters, digits and . _ -, got "internal \\"a\\""',
    ],
    [
      "spinnaker:\n  accounts:\n    aws: [{name: home, accountId: '111111111111'}]\nha:\n  selfDeploy:\n    enabled: true\n    account: home",
      'ha.selfDeploy.account: must differ from every name in spinnaker.accounts.aws while ha.selfDeploy.enabled is true: clouddriver addresses accounts by name, and this one is the account Spinnaker itself runs in, got {"account":"home","accounts":["home"]}',
    ],
    ["bogus: 1", 'unknown setting "bogus"'],
    ["instance:\n  typo: 1", 'instance: unknown setting "typo"'],
  ])("%s", (yaml, message) => {
    expect(errorOf(`${STATE}${yaml}\n`)).toContain(message);
  });

  describe("a misspelt key or choice: the nearest known ones (edit distance at that level)", () => {
    test.each([
      ["regoin: us-west-2", '(top level): unknown setting "regoin" (did you mean "region"?)'],
      ["loadBalancer:\n  shceme: internal", 'loadBalancer: unknown setting "shceme" (did you mean "scheme"?)'],
      [
        "spinnaker:\n  accounts:\n    aws: [{name: prod, accountId: '111111111111', regoins: [us-east-1]}]",
        'spinnaker.accounts.aws[0]: unknown setting "regoins" (did you mean "regions"?)',
      ],
      [
        // A mapping whose keys are choices: the nearest choice.
        "spinnaker:\n  images:\n    gat: ghcr.io/spinnaker/gate:1",
        'spinnaker.images: unknown setting "gat" (did you mean "gate"?)',
      ],
      [
        "instance:\n  os: ubunto",
        'instance.os: expected one of ubuntu, centos, rhel, got "ubunto" (did you mean "ubuntu"?)',
      ],
      [
        "environments:\n  prod:\n    instance:\n      tpye: m5.xlarge",
        'environments.prod.instance: unknown setting "tpye" (did you mean "type"?)',
      ],
    ])("%s", (yaml, message) => {
      expect(errorOf(`${STATE}${yaml}\n`)).toContain(message);
    });

    test("no guess when nothing is near", () => {
      const error = errorOf(`${STATE}bogus: 1\ninstance:\n  os: windows\n`);
      expect(error).toMatch(/\(top level\): unknown setting "bogus"$/m);
      expect(error).toMatch(/got "windows"$/m);
      expect(error).not.toContain("did you mean");
    });
  });

  test("the state bucket is required with the s3 backend", () => {
    expect(errorOf("region: us-west-2\n")).toContain(
      "state.bucket: required when state.backend is s3: set it (or SPINNAKER_STATE_BUCKET), or set state.backend to local",
    );
  });

  test("the state bucket's region is checked like the stack's", () => {
    expect(errorOf("state:\n  bucket: acme-state\n  region: mars\n")).toContain(
      'state.region: expected an AWS region such as us-west-2 (a region of the aws, aws-cn, aws-us-gov or an ISO partition), got "mars"',
    );
  });

  test("every problem is listed at once", () => {
    const message = errorOf(`${STATE}name: Bad\ninstance:\n  type: M4\n`);
    expect(message).toMatch(/^test\.yaml has 2 invalid settings:/);
    expect(message).toContain("  - name:");
    expect(message).toContain("  - instance.type:");
  });

  test("a file that is not YAML says so", () => {
    expect(errorOf("network: [unclosed")).toMatch(/^test\.yaml is not valid YAML/);
  });

  test("a file that is not a mapping says so", () => {
    expect(errorOf("- a\n- b\n")).toBe('test.yaml must hold a mapping of settings, got ["a","b"]');
  });
});

describe("SPINNAKER_* variables", () => {
  test("SPINNAKER_NAME and SPINNAKER_ENVIRONMENT name the deployment", () => {
    const settings = load(STATE, { SPINNAKER_NAME: "spin", SPINNAKER_ENVIRONMENT: "prod" });
    expect(settings.namePrefix).toBe("spin-prod");
  });

  test("an unknown one is refused with the list of known ones", () => {
    const message = errorOf(STATE, { SPINNAKER_ENVIROMENT: "prod", SPINNAKER_REGIONS: "eu-west-1" });
    expect(message).toContain("unknown environment variables SPINNAKER_ENVIROMENT, SPINNAKER_REGIONS");
    expect(message).toContain("SPINNAKER_CONFIG, SPINNAKER_ENVIRONMENT,");
    expect(message).toContain("SPINNAKER_VPC_ID");
  });

  test("other variables are none of our business", () => {
    expect(load(STATE, { PATH: "/usr/bin", SPINNAKERFOO: "x" }).namePrefix).toBe("armoryspinnaker-preprod");
  });
});

describe("environments", () => {
  const TWO = `${STATE}instance:
  type: m5.xlarge
network:
  userCidrs: [10.0.0.0/8]
environments:
  staging:
  prod:
    instance:
      type: m5.4xlarge
    network:
      vpcId: vpc-0123456789abcdef0
`;

  test("each entry is the top level with its own settings merged over it", () => {
    const { settings, environments } = loadConfiguration(TWO, "test.yaml");
    expect(settings.namePrefix).toBe("armoryspinnaker-preprod");
    expect(environments.map((e) => e.namePrefix)).toEqual(["armoryspinnaker-staging", "armoryspinnaker-prod"]);
    const [staging, prod] = environments;
    expect(staging.instance.type).toBe("m5.xlarge");
    expect(prod.instance.type).toBe("m5.4xlarge");
    // A mapping merges key by key: prod keeps the top level's userCidrs beside its own vpcId.
    expect(prod.network).toMatchObject({ vpcId: "vpc-0123456789abcdef0", userCidrs: ["10.0.0.0/8"] });
    expect(prod.instance.os).toBe("ubuntu");
  });

  test("SPINNAKER_* overrides win over an entry's settings", () => {
    const { environments } = loadConfiguration(TWO, "test.yaml", { SPINNAKER_VPC_ID: "vpc-0fedcba987654321f" });
    expect(environments.map((e) => e.network.vpcId)).toEqual(["vpc-0fedcba987654321f", "vpc-0fedcba987654321f"]);
  });

  test("without the map there are none", () => {
    expect(loadConfiguration(STATE, "test.yaml").environments).toEqual([]);
  });

  test("an entry's invalid setting is named under environments.<name>", () => {
    const message = errorOf(`${STATE}environments:
  prod:
    instance:
      type: 42
`);
    expect(message).toContain("environments.prod.instance.type:");
    expect(message).toContain("got 42");
  });

  test("an override that makes the whole invalid is named with the entry, and names both settings", () => {
    const message = errorOf(
      `${STATE}loadBalancer:
  gatePort: 8080
environments:
  prod:
    loadBalancer:
      deckPort: 8080
`,
    );
    expect(message).toContain(
      "environments.prod.loadBalancer.gatePort: must differ from deck's port (loadBalancer.deckPort, else 443 with HTTPS and 80 without): deck and gate need their own listeners, got 8080",
    );
  });

  test("an environment name that is not a valid Spinnaker stack name is refused", () => {
    const message = errorOf(`${STATE}environments:
  pre-prod: {}
  Prod: {}
`);
    expect(message).toContain(
      'environments.pre-prod: expected an environment name: lower-case letters and digits, starting with a letter, no hyphen (Spinnaker splits names on "-"), got "pre-prod"',
    );
    expect(message).toContain("environments.Prod: expected an environment name");
  });

  test("an entry may not name itself again, nor hold more environments", () => {
    expect(
      errorOf(`${STATE}environments:
  prod:
    environment: staging
`),
    ).toContain("environments.prod.environment: not allowed here: the entry's key, prod, names the environment");
    expect(
      errorOf(`${STATE}environments:
  prod:
    environments: {}
`),
    ).toContain("environments.prod.environments: not allowed here");
  });

  test("the map and each entry must be mappings", () => {
    expect(
      errorOf(`${STATE}environments: [prod, staging]
`),
    ).toContain('environments: expected a mapping of environment names to their settings, got ["prod","staging"]');
    expect(
      errorOf(`${STATE}environments:
  prod: large
`),
    ).toContain('environments.prod: expected a mapping of settings, got "large"');
  });

  test("SPINNAKER_ENVIRONMENT cannot pick one of them", () => {
    expect(
      errorOf(
        `${STATE}environments:
  prod: {}
`,
        { SPINNAKER_ENVIRONMENT: "prod" },
      ),
    ).toContain("environments: SPINNAKER_ENVIRONMENT cannot pick one of them");
  });

  test("an error of the top level is reported once, not once per environment", () => {
    const message = errorOf(`${STATE}instance:
  type: 42
environments:
  a: {}
  b: {}
`);
    expect(message).toContain("has 1 invalid setting:");
    expect(message).toContain("  - instance.type:");
  });
});

describe("deepMerge", () => {
  test("merges mappings key by key, replaces lists and values, and skips nulls", () => {
    expect(
      deepMerge({ a: { b: 1, c: [1, 2] }, d: "x", e: { f: 1 } }, { a: { c: [3] }, d: "y", e: null, g: { h: true } }),
    ).toEqual({ a: { b: 1, c: [3] }, d: "y", e: { f: 1 }, g: { h: true } });
  });
});
