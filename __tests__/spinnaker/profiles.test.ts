import { runInNewContext } from "node:vm";
import { parse } from "yaml";
import { type ProfileOptions, renderProfiles, secretsManagerReference } from "../../modules/spinnaker/profiles";
import { selfDeployText } from "../../modules/spinnaker/self-deploy-files";
import { PROFILE_OPTIONS } from "../helpers";

const options = PROFILE_OPTIONS;

function profile(name: string, overrides: Partial<ProfileOptions> = {}) {
  return parse(renderProfiles({ ...options, ...overrides })[name]);
}

test("services find each other through the service host, Redis with its port", () => {
  const shared = profile("spinnaker-local.yml", { serviceHost: "internal-lb.example.com" });
  expect(shared.services.clouddriver.baseUrl).toBe("http://internal-lb.example.com:7002");
  expect(shared.services.front50.baseUrl).toBe("http://internal-lb.example.com:8080");
  expect(shared.services.fiat.baseUrl).toBe("http://internal-lb.example.com:7003");
  expect(shared.services.deck.baseUrl).toBe("http://spin.example.com");
  expect(shared.services.redis.baseUrl).toBe("redis://localhost:6379");
  expect(shared.services.kayenta.enabled).toBe(false);
});

test("front50 stores its data in the config bucket under its own prefix", () => {
  expect(profile("front50-local.yml").spinnaker.s3).toEqual({
    enabled: true,
    bucket: "spin-config",
    region: "us-west-2",
    rootFolder: "front50",
    versioning: true,
  });
});

test("gate honours the load balancer's X-Forwarded-* headers, with or without TLS", () => {
  expect(profile("gate-local.yml").server.tomcat.remoteip).toEqual({
    "protocol-header": "X-Forwarded-Proto",
    "remote-ip-header": "X-Forwarded-For",
  });
});

test("gate does not issue CONFIG on managed Redis", () => {
  expect(profile("gate-local.yml", { managedRedis: true }).redis.configuration.secure).toBe(true);
});

test("deck's browser settings point at gate's external URL", () => {
  const settings = renderProfiles(options)["settings-local.js"];
  expect(settings).toContain('window.spinnakerSettings.gateUrl = "http://spin.example.com:8084";');
});

test("clouddriver's and igor's profiles are Terraform's rendering of their templates, as given", () => {
  // Their content is checked where Terraform renders it (tools/profile-templates.test.ts).
  const files = renderProfiles(options);
  expect(files["clouddriver-local.yml"]).toBe(options.clouddriverProfile);
  expect(files["igor-local.yml"]).toBe(options.igorProfile);
});

test("kayenta gets its storage account only when enabled", () => {
  expect(renderProfiles(options)["kayenta-local.yml"]).toBeUndefined();
  expect(profile("kayenta-local.yml", { kayenta: true }).kayenta.aws.accounts[0]).toMatchObject({
    bucket: "spin-config",
    rootFolder: "kayenta",
  });
});

test("the nonpolling profile turns clouddriver's caching agents off", () => {
  expect(profile("clouddriver-nonpolling.yml")).toEqual({ caching: { "write-enabled": false } });
});

test("HA on managed Redis: the URL with its auth token is a secret reference resolved at start", () => {
  const secret = "arn:aws:secretsmanager:us-west-2:111111111111:secret:spin-redis-AbCdEf";
  const files = renderProfiles({
    ...options,
    serviceHost: "internal-spin.elb.amazonaws.com",
    redisUrl: secretsManagerReference(secret, { jsonKey: "url" }),
    managedRedis: true,
  });
  const shared = parse(files["spinnaker-local.yml"]);
  expect(shared.services.redis.baseUrl).toBe(`encrypted:secrets-manager!r:us-west-2!s:${secret}!k:url`);
  expect(shared.redis.connection).toBe(shared.services.redis.baseUrl);
  expect(parse(files["gate-local.yml"]).redis.configuration.secure).toBe(true);
});

describe("settings-local.js sets deck's AWS defaults", () => {
  /** Runs the file as deck would, after its own settings.js, and returns the settings. */
  type DeckSettings = { providers: { aws: { defaults: Record<string, string> } } };
  function deckSettings(overrides: Partial<ProfileOptions>): DeckSettings {
    const window: { spinnakerSettings: DeckSettings & { feature: object } } = {
      spinnakerSettings: {
        feature: {},
        // deck's own defaults (settings.js): the test account in us-east-1.
        providers: { aws: { defaults: { account: "test", region: "us-east-1", iamRole: "BaseIAMRole" } } },
      },
    };
    runInNewContext(renderProfiles({ ...options, ...overrides })["settings-local.js"], { window, Object });
    return window.spinnakerSettings;
  }

  test("to the first managed account and the deployment's region, keeping deck's other defaults", () => {
    const settings = deckSettings({
      awsAccounts: [
        { name: "prod", accountId: "012345678901", roleName: "spinnakerManaged", regions: [] },
        { name: "dev", accountId: "111111111111", roleName: "spinnakerManaged", regions: [] },
      ],
    });
    expect(settings.providers.aws.defaults).toEqual({ account: "prod", region: "us-west-2", iamRole: "BaseIAMRole" });
  });

  test("in the first account's first region when it names regions", () => {
    const settings = deckSettings({
      awsAccounts: [{ name: "prod", accountId: "012345678901", roleName: "spinnakerManaged", regions: ["eu-west-1"] }],
    });
    expect(settings.providers.aws.defaults).toMatchObject({ account: "prod", region: "eu-west-1" });
  });

  test("leaves them alone without a managed AWS account", () => {
    expect(deckSettings({}).providers.aws.defaults).toEqual({
      account: "test",
      region: "us-east-1",
      iamRole: "BaseIAMRole",
    });
  });
});

describe("settings-local.js with Spinnaker deploying itself (ha.selfDeploy)", () => {
  const deck = selfDeployText("settings-self-deploy.js");
  const run = (text: string) => {
    const window = {
      // deck's settings.js: launch templates and IMDSv2 off, other server-group settings kept.
      spinnakerSettings: {
        feature: {},
        providers: { aws: { serverGroups: { enableLaunchTemplates: false, enableIMDSv2: false, enableIPv6: true } } },
      },
    };
    runInNewContext(text, { window, Object });
    return window.spinnakerSettings.providers.aws.serverGroups;
  };

  test("turns on deck's AWS server-group settings for launch templates and IMDSv2, keeping the others", () => {
    const settings = renderProfiles({ ...options, deckSelfDeploy: deck })["settings-local.js"];
    expect(settings.endsWith(deck)).toBe(true);
    // The rendered file, as the instances sync it: gate's URL first, then deck's server-group settings.
    expect(settings).toMatch(/^\/\/ Rendered by cdktf-spinnaker-aws: where the browser finds gate\./);
    expect(deck).toContain(
      "aws.serverGroups = { ...aws.serverGroups, enableLaunchTemplates: true, enableIMDSv2: true };",
    );
    expect(run(settings)).toEqual({ enableLaunchTemplates: true, enableIMDSv2: true, enableIPv6: true });
  });

  test("leaves them as deck's settings.js has them when off", () => {
    const settings = renderProfiles(options)["settings-local.js"];
    expect(settings).not.toContain("enableLaunchTemplates");
    expect(run(settings)).toEqual({ enableLaunchTemplates: false, enableIMDSv2: false, enableIPv6: true });
  });
});

describe("CI triggers", () => {
  test("every service that reads it finds igor enabled: services.igor.enabled and igor.enabled with its URL", () => {
    const local = profile("spinnaker-local.yml");
    // gate (GateConfig) and fiat (ResourcesConfig) read services.igor.enabled; echo's and orca's
    // IgorConfig read igor.enabled and igor.base-url. All default to off.
    expect(local.services.igor).toEqual({ baseUrl: "http://localhost:8088", enabled: true });
    expect(local.igor).toEqual({ enabled: true, baseUrl: "http://localhost:8088" });
  });
});

describe("canary analysis (kayenta)", () => {
  function canary(overrides: Partial<ProfileOptions>): Record<string, unknown> {
    const window = { spinnakerSettings: { feature: {}, providers: {} } as Record<string, unknown> };
    runInNewContext(renderProfiles({ ...options, ...overrides })["settings-local.js"], { window, Object });
    return window.spinnakerSettings.canary as Record<string, unknown>;
  }

  test("switches deck-kayenta's UI and stages on (canary.settings.ts), with its storage and metrics accounts", () => {
    expect(canary({ kayenta: true, prometheusUrl: "http://prometheus.example.com:9090" })).toEqual({
      featureDisabled: false,
      stagesEnabled: true,
      templatesEnabled: true,
      storageAccountName: "canary-storage",
      metricsAccountName: "metrics",
      metricStore: "prometheus",
      defaultJudge: "NetflixACAJudge-v1.0",
    });
    expect(canary({ kayenta: false }).featureDisabled).toBe(true);
    // orca registers its canary stages only with kayenta.enabled (orca.yml has it off).
    expect(profile("orca-local.yml", { kayenta: true }).kayenta).toEqual({
      enabled: true,
      baseUrl: "http://localhost:8090",
    });
    expect(profile("orca-local.yml", { kayenta: false }).kayenta.enabled).toBe(false);
    // gate serves canary configurations only with canaryConfigStore (deck-kayenta's README).
    expect(profile("spinnaker-local.yml", { kayenta: true }).services.kayenta).toMatchObject({
      enabled: true,
      canaryConfigStore: true,
    });
  });

  test("kayenta reads metrics from the configured Prometheus, and keeps its data in the config bucket", () => {
    const kayenta = profile("kayenta-local.yml", {
      kayenta: true,
      prometheusUrl: "http://prometheus.example.com:9090",
    });
    expect(kayenta.kayenta.prometheus).toEqual({
      enabled: true,
      accounts: [
        {
          name: "metrics",
          endpoint: { baseUrl: "http://prometheus.example.com:9090" },
          supportedTypes: ["METRICS_STORE"],
        },
      ],
    });
    expect(kayenta.kayenta.aws.accounts[0]).toMatchObject({ name: "canary-storage", rootFolder: "kayenta" });
    expect(profile("kayenta-local.yml", { kayenta: true }).kayenta.prometheus).toBeUndefined();
  });
});
