/**
 * Spinnaker's own configuration, rendered from the settings: the `*-local.yml` profiles each Java
 * service loads from /opt/spinnaker/config, and deck's settings-local.js. They are stored in the
 * config bucket and synced to every instance before Spinnaker starts; both roles read the same files,
 * and what differs per role is set in the compose project instead.
 */

import { Fn, Op, Token } from "cdktf";
import { KAYENTA_PREFIX, type SpinnakerService } from "../config/schema";
import { type Condition, conditionText, given, isExpression, possible } from "../terraform-values";
import { type BakeProfile, orcaBakeAccount, PACKER_TEMPLATE, roscoProfile } from "./bakery";
import { SERVICES } from "./services";
import { fiatProfile } from "./sign-in";
import { front50SqlProfile, orcaSqlProfile, type SqlStorageOptions } from "./sql-storage";
import { toYaml } from "./yaml";

/** fiat's roles that may read and write an account. */
export interface AccountPermissions {
  readonly read: readonly string[];
  readonly write: readonly string[];
}

export interface AwsAccountProfile {
  readonly name: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly regions: readonly string[];
  /** @default - open to every user */
  readonly permissions?: AccountPermissions;
}

export interface ProfileOptions {
  readonly region: string;
  /** ARN partition of the managed roles: aws, aws-us-gov or aws-cn. */
  readonly partition: string;
  readonly configBucket: string;
  readonly front50Prefix: string;
  /** Host the services reach each other on: localhost stand-alone, the interservice load balancer in HA. */
  readonly serviceHost: string;
  /** Browser-facing URLs of deck and gate. */
  readonly deckUrl: string;
  readonly gateUrl: string;
  /**
   * Redis: a URL with the port, or a Spinnaker secret reference that resolves to one
   * (`encrypted:secrets-manager!r:<region>!s:<name>`), so no password is ever written here.
   */
  readonly redisUrl: string;
  /** Managed Redis (ElastiCache) blocks CONFIG; gate must not issue it. */
  readonly managedRedis: boolean;
  /** A boolean, or a module's Terraform boolean. */
  readonly kayenta: Condition;
  /** Where kayenta reads canary metrics; may be a Terraform string that is null. @default - none */
  readonly prometheusUrl?: string;
  /** The managed AWS accounts, for deck's defaults. */
  readonly awsAccounts: readonly AwsAccountProfile[];
  /**
   * `clouddriver-local.yml`: Terraform renders it from its template (profile-templates.ts), for a
   * stack and a module alike.
   */
  readonly clouddriverProfile: string;
  /**
   * deck's default AWS account as a JSON literal (`"prod"`, or `null` for none), which may be a
   * Terraform value. @default - the first of `awsAccounts`
   */
  readonly defaultAwsAccountJson?: string;
  /** deck's default AWS region: the first account's first region, else the deployment's. @default - from `awsAccounts` */
  readonly defaultAwsRegion?: string;
  /** `igor-local.yml`: Terraform renders it from its template (profile-templates.ts). */
  readonly igorProfile: string;
  /** rosco's AWS bakery and orca's bake account. @default - rosco's AWS bakery stays off */
  readonly bake?: BakeProfile;
  /**
   * Users sign in through gate and fiat authorizes them: a boolean, or a module's Terraform boolean.
   * @default false
   */
  readonly signIn?: Condition;
  /**
   * gate's sign-in settings (`gateSignIn`), merged into `gate-local.yml`; or, from a module's input,
   * that YAML as Terraform renders it (empty without sign-in). @default - none
   */
  readonly gateSignIn?: Record<string, unknown> | string;
  /** fiat's administrator roles; may be a Terraform list. @default - none */
  readonly adminRoles?: readonly string[];
  /**
   * deck's settings for Spinnaker's deploys of itself (ha.selfDeploy), appended to
   * settings-local.js; may be a Terraform string. @default - none
   */
  readonly deckSelfDeploy?: string;
  /**
   * front50 and orca keep their data in SQL: always (true), or as a module's input decides (a
   * Terraform boolean). @default - in the config bucket and Redis
   */
  readonly sqlStorage?: {
    readonly sql: Condition;
    readonly options: SqlStorageOptions;
    /**
     * Names a text Terraform chooses at plan (a local value, `local.<name>`), so that a profile reads
     * `sql ? local.front50_sql_profile : local.front50_s3_profile`. @default - left inline
     */
    readonly name?: (name: string, text: string) => string;
  };
}

/** File name -> contents, for /opt/spinnaker/config. */
export type ProfileFiles = Record<string, string>;

const HEADER = "# Rendered by cdktf-spinnaker-aws from its configuration; edits here are overwritten.\n";

export function renderProfiles(o: ProfileOptions): ProfileFiles {
  const services = Object.fromEntries(
    Object.values(SERVICES)
      .filter((s) => s.name !== "deck" && s.name !== "gate")
      .map((s) => [s.name, { baseUrl: `http://${o.serviceHost}:${s.port}` }]),
  ) as Record<
    Exclude<SpinnakerService, "deck" | "gate">,
    { baseUrl: string; enabled?: boolean | string; canaryConfigStore?: boolean | string }
  >;
  const kayenta = conditionText(o.kayenta);
  services.kayenta.enabled = kayenta;
  // gate proxies canary configurations to kayenta only with this (deck-kayenta's README).
  services.kayenta.canaryConfigStore = kayenta;
  // igor always runs: gate and fiat read services.igor.enabled (GateConfig, fiat's ResourcesConfig),
  // echo and orca igor.enabled with igor.base-url (their IgorConfig); gate, fiat and echo default
  // to off (orca.yml already has igor on).
  services.igor.enabled = true;
  // Every service asks fiat (kork's FiatClientConfigurationProperties, `services.fiat.enabled`, read
  // from this file by each one) only with sign-in; without it fiat does not run.
  const signIn = o.signIn ?? false;
  const fiat = conditionText(signIn);
  services.fiat.enabled = fiat;

  const sql = o.sqlStorage?.sql ?? false;
  const sqlOptions = o.sqlStorage?.options as SqlStorageOptions;
  const files: Record<string, unknown> = {
    "spinnaker-local.yml": {
      services: {
        ...services,
        deck: { baseUrl: o.deckUrl },
        gate: { baseUrl: o.gateUrl },
        redis: { baseUrl: o.redisUrl },
      },
      redis: { connection: o.redisUrl },
      igor: { enabled: true, baseUrl: services.igor.baseUrl },
    },
    "gate-local.yml": {
      // gate is always behind the user-facing load balancer, which sets X-Forwarded-Proto (https when
      // it terminates TLS) and X-Forwarded-For; without these gate builds http:// redirect URLs
      // behind TLS and logs the load balancer's address as the client's.
      server: {
        tomcat: {
          remoteip: { "protocol-header": "X-Forwarded-Proto", "remote-ip-header": "X-Forwarded-For" },
        },
      },
      // ElastiCache blocks CONFIG, so gate must not try to set notify-keyspace-events itself; the
      // parameter group sets it instead.
      ...(o.managedRedis ? { redis: { configuration: { secure: true } } } : {}),
      ...(typeof o.gateSignIn === "object" ? o.gateSignIn : {}),
    },
    // Its storage, below.
    "front50-local.yml": sql === true ? front50SqlProfile(sqlOptions) : sql === false ? front50S3Profile(o) : "",
    // orca registers its canary stages only with kayenta.enabled, off in orca.yml.
    "orca-local.yml": {
      kayenta: { enabled: kayenta, baseUrl: services.kayenta.baseUrl },
      ...(o.bake ? orcaBakeAccount(o.bake) : {}),
      ...(sql === true ? orcaSqlProfile(sqlOptions) : {}),
    },
    ...(o.bake ? { "rosco-local.yml": roscoProfile(o.bake, o.region) } : {}),
    // Settings that only non-polling clouddriver nodes load (the 2017 installer's profile); the
    // compose project includes it there and sets the same switch in the environment.
    "clouddriver-nonpolling.yml": { caching: { "write-enabled": false } },
  };
  // Only kayenta reads this file: written whenever kayenta may run (a module's input decides at plan time).
  if (o.kayenta !== false) files["kayenta-local.yml"] = kayentaProfile(o);
  // The same for fiat's; a module's roles are a Terraform list, which Terraform writes.
  if (signIn !== false) {
    const roles = o.adminRoles ?? [];
    files["fiat-local.yml"] = Token.isUnresolved(roles)
      ? Token.asString(Fn.yamlencode(fiatProfile(roles)))
      : fiatProfile(roles);
  }

  const rendered: ProfileFiles = {};
  for (const [name, body] of Object.entries(files)) {
    rendered[name] = HEADER + (typeof body === "string" ? body : isEmpty(body) ? "{}\n" : toYaml(body));
  }
  // Rendered by Terraform from their templates, header included.
  rendered["clouddriver-local.yml"] = o.clouddriverProfile;
  rendered["igor-local.yml"] = o.igorProfile;
  // rosco's packer template (JSON, no header): written whenever the bakery may run.
  if (o.bake && possible(o.bake.enabled)) rendered[PACKER_TEMPLATE] = o.bake.packerTemplate;
  // A module's sign-in: YAML of its own top-level key (spring), after the file's others.
  if (typeof o.gateSignIn === "string") rendered["gate-local.yml"] += o.gateSignIn;
  // A module's storage: Terraform chooses front50's whole profile, and orca's top-level keys of SQL.
  if (isExpression(sql)) {
    const name = o.sqlStorage?.name ?? ((_: string, text: string) => text);
    rendered["front50-local.yml"] += Token.asString(
      Fn.conditional(
        sql,
        name("front50_sql_profile", toYaml(front50SqlProfile(sqlOptions))),
        name("front50_s3_profile", toYaml(front50S3Profile(o))),
      ),
    );
    rendered["orca-local.yml"] += Token.asString(
      Fn.conditional(sql, name("orca_sql_profile", toYaml(orcaSqlProfile(sqlOptions))), ""),
    );
  }
  rendered["settings-local.js"] = [
    "// Rendered by cdktf-spinnaker-aws: where the browser finds gate.",
    `window.spinnakerSettings.gateUrl = ${JSON.stringify(o.gateUrl)};`,
    // deck asks gate who the user is, and sends the browser to gate's sign-in when no one is
    // (deck's AuthenticationInitializer); settings.js fixed authEndpoint from the build's API host.
    `window.spinnakerSettings.authEnabled = ${fiat};`,
    `window.spinnakerSettings.authEndpoint = ${JSON.stringify(`${o.gateUrl}/auth/user`)};`,
    // fiat's screens in deck, an application's permissions and a trigger's "Run As User" (deck's
    // ServiceAccountReader asks gate for service accounts only then), show only with
    // feature.fiatEnabled, which deck's settings.js leaves false unless built with FIAT_ENABLED.
    `window.spinnakerSettings.feature = Object.assign({}, window.spinnakerSettings.feature, { fiatEnabled: ${fiat} });`,
    // deck-kayenta's switches (canary.settings.ts: featureDisabled, stagesEnabled, the storage and
    // metrics accounts); feature.canary would only register the retired Netflix ACA stage.
    `window.spinnakerSettings.canary = Object.assign({}, window.spinnakerSettings.canary, ${canarySettings(o, kayenta)});`,
    // deck's AWS defaults (IAWSProviderSettings.defaults, deck's aws.settings.ts) are `test` and
    // us-east-1 otherwise: the first managed account, in its first region (else the deployment's).
    "(function (account, region) {",
    "  if (account === null) return;",
    "  var providers = (window.spinnakerSettings.providers = window.spinnakerSettings.providers || {});",
    "  var aws = (providers.aws = providers.aws || {});",
    "  aws.defaults = Object.assign({}, aws.defaults, { account: account, region: region });",
    `})(${o.defaultAwsAccountJson ?? JSON.stringify(o.awsAccounts[0]?.name ?? null)}, ${JSON.stringify(o.defaultAwsRegion ?? o.awsAccounts[0]?.regions[0] ?? o.region)});`,
    "",
  ].join("\n");
  if (o.deckSelfDeploy !== undefined) rendered["settings-local.js"] += o.deckSelfDeploy;
  return rendered;
}

/** front50's storage in the config bucket, under its prefix (front50-s3's S3Config). */
function front50S3Profile(o: ProfileOptions): Record<string, unknown> {
  return {
    spinnaker: {
      s3: {
        enabled: true,
        bucket: o.configBucket,
        region: o.region,
        rootFolder: o.front50Prefix,
        // No serverSideEncryption: front50 would then name the aws/s3 key and bypass a customer
        // managed one; the bucket's default encryption applies to every object instead.
        versioning: true,
      },
    },
  };
}

/** The role clouddriver assumes in a managed account. */
export function managedRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** deck-kayenta's settings as a JavaScript object literal, one per line (values may be Terraform interpolations). */
function canarySettings(o: ProfileOptions, kayenta: boolean | string): string {
  const metrics = hasMetricsAccount(o);
  const metricsAccount =
    metrics === true
      ? JSON.stringify(METRICS_ACCOUNT)
      : metrics === false
        ? "undefined"
        : `${metrics} ? ${JSON.stringify(METRICS_ACCOUNT)} : undefined`;
  return [
    "{",
    `  featureDisabled: !${kayenta},`,
    `  stagesEnabled: ${kayenta},`,
    `  templatesEnabled: ${kayenta},`,
    `  storageAccountName: ${JSON.stringify(CANARY_STORAGE_ACCOUNT)},`,
    `  metricsAccountName: ${metricsAccount},`,
    '  metricStore: "prometheus",',
    '  defaultJudge: "NetflixACAJudge-v1.0",',
    "}",
  ].join("\n");
}

const CANARY_STORAGE_ACCOUNT = "canary-storage";
const METRICS_ACCOUNT = "metrics";

/** Whether kayenta has a metrics account: a boolean, or a Terraform condition as text. */
function hasMetricsAccount(o: ProfileOptions): boolean | string {
  return conditionText(given(o.prometheusUrl));
}

function kayentaProfile(o: ProfileOptions): Record<string, unknown> {
  const metrics = hasMetricsAccount(o);
  return {
    kayenta: {
      ...(metrics === false
        ? {}
        : {
            // kayenta's PrometheusConfiguration loads only when enabled; a module's URL may be null.
            prometheus: {
              enabled: metrics,
              accounts: [
                {
                  name: METRICS_ACCOUNT,
                  endpoint: {
                    baseUrl:
                      metrics === true
                        ? o.prometheusUrl
                        : Token.asString(Fn.coalesce([o.prometheusUrl, "http://localhost:9090"])),
                  },
                  supportedTypes: ["METRICS_STORE"],
                },
              ],
            },
          }),
      aws: {
        enabled: true,
        accounts: [
          {
            name: CANARY_STORAGE_ACCOUNT,
            bucket: o.configBucket,
            region: o.region,
            rootFolder: KAYENTA_PREFIX,
            supportedTypes: ["OBJECT_STORE", "CONFIGURATION_STORE"],
          },
        ],
      },
      s3: { enabled: true },
    },
  };
}

/**
 * A Spinnaker secret reference to a Secrets Manager secret, or to one key of a JSON secret. The
 * service resolves it when it starts, with the instance role, so the value is never in the bucket,
 * the user data or the Terraform configuration (kork-secrets: `encrypted:secrets-manager!r:..!s:..`).
 */
export function secretsManagerReference(
  secretArn: string,
  options: { region?: string; jsonKey?: string } = {},
): string {
  // The secret's own region, its ARN's fourth field: read by Terraform when the ARN is a Terraform
  // value (a created secret, a module's input).
  const region =
    options.region ??
    (Token.isUnresolved(secretArn) ? Token.asString(Fn.element(Fn.split(":", secretArn), 3)) : secretArn.split(":")[3]);
  const key = options.jsonKey;
  const keyPart =
    key === undefined
      ? ""
      : Token.isUnresolved(key)
        ? // A module's optional input: no key part when it is null.
          Token.asString(Fn.conditional(Op.eq(key, Token.nullValue()), "", Fn.join("", ["!k:", key])))
        : `!k:${key}`;
  return `encrypted:secrets-manager!r:${region}!s:${secretArn}${keyPart}`;
}

function isEmpty(body: unknown): boolean {
  return typeof body === "object" && body !== null && Object.keys(body).length === 0;
}
