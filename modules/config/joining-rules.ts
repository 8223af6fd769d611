/**
 * The rules that join settings of different groups: Armory's version and images, the release that
 * needs SQL storage against the storage setting, sign-in's release and HTTPS, the bake account among the AWS accounts, the bake
 * regions against the deployment's region and the bake account's regions, the self-deploy account
 * beside the AWS accounts. Each is
 * stated once, with its message, and checked by both gates: the configuration's last check
 * (`ConfigSchema`) and a validation block of the module input that holds the setting it reports
 * (Terraform 1.9+ lets a validation read another variable). As in `rules.ts`, the TypeScript test
 * and the HCL condition sit side by side; `registry.test.ts` and `load.test.ts` refuse the same
 * values through each gate.
 */
import {
  ARMORY_RELEASE_PATTERN,
  ARMORY_SHARED_TAGS_FROM,
  armoryTagsDiffer,
  needsSqlStorage,
  OSS_RELEASE_PATTERN,
  SIGN_IN_FROM,
  SQL_ONLY_FROM,
  SQL_ONLY_REASON,
  signInSupported,
} from "../spinnaker/releases";
import { hclPattern, shown, type Validation } from "./rules";
import { SPINNAKER_SERVICES } from "./setting-rules";

/** A setting as each gate spells it: its path in the configuration, and its module input (`var.<input>`). */
export interface Setting {
  readonly path: string;
  readonly input: string;
  /**
   * What a module reads for a setting that is no input of its own, `input` then naming it in the
   * messages. @default - `var.<input>`
   */
  readonly hcl?: string;
}

const DISTRIBUTION = { path: "spinnaker.distribution", input: "spinnaker.distribution" };
const VERSION = { path: "spinnaker.version", input: "spinnaker.version" };
const IMAGES = { path: "spinnaker.images", input: "spinnaker.images" };
const KAYENTA = { path: "spinnaker.kayenta", input: "spinnaker.kayenta" };
const BAKE_ENABLED = { path: "spinnaker.bake.enabled", input: "spinnaker.bake.enabled" };
const BAKE_ACCOUNT = { path: "spinnaker.bake.account", input: "spinnaker.bake.account" };
const BAKE_REGIONS = { path: "spinnaker.bake.regions", input: "spinnaker.bake.regions" };
/**
 * A module's region is its provider's, read as `data.aws_region.current.id` (the stacks'
 * CURRENT_REGION; Terraform 1.9+ lets a validation read a data source).
 */
const REGION = { path: "region", input: "the provider's region", hcl: "data.aws_region.current.id" };
const AWS_ACCOUNTS = { path: "spinnaker.accounts.aws", input: "accounts.aws" };
/** Each account's switch, named as in an entry of the list. */
const CREATE_ROLE = { path: "createRole", input: "create_role" };
const AUTH = { path: "spinnaker.auth", input: "auth" };
const CERTIFICATE_ARN = { path: "loadBalancer.certificateArn", input: "load_balancer.certificate_arn" };
const STORAGE_TYPE = { path: "storage.type", input: "storage.type" };
const SELF_DEPLOY_ENABLED = { path: "ha.selfDeploy.enabled", input: "self_deploy.enabled" };
const SELF_DEPLOY_ACCOUNT = { path: "ha.selfDeploy.account", input: "self_deploy.account" };

/** The configuration's values the rules read: as parsed, before the defaults that depend on others. */
export interface Joined {
  readonly region: string;
  readonly spinnaker: {
    readonly distribution: "oss" | "armory";
    readonly version?: string;
    readonly images: Readonly<Partial<Record<string, string>>>;
    readonly kayenta: boolean;
    readonly auth?: unknown;
    readonly bake: { readonly enabled: boolean; readonly account?: string; readonly regions?: readonly string[] };
    readonly accounts: {
      readonly aws: readonly {
        readonly name: string;
        readonly createRole: boolean;
        readonly regions?: readonly string[];
      }[];
    };
  };
  readonly loadBalancer: { readonly certificateArn?: string };
  /** @default - S3 and Redis */
  readonly storage?: { readonly type: "s3-redis" | "sql" };
  /** @default - self-deploy off */
  readonly ha?: { readonly selfDeploy: { readonly enabled: boolean; readonly account: string } };
}

/** A rule over settings of different groups. */
export interface Joining {
  /** The setting reported: the one the message tells to change. */
  readonly subject: Setting;
  /** After the subject's name; `name` spells a setting as the gate does. */
  readonly message: (name: (s: Setting) => string) => string;
  readonly test: (c: Joined) => boolean;
  /** The same test in HCL; `ref` reads a setting's module input. */
  readonly hcl: (ref: (s: Setting) => string) => string;
  /** What the message shows after "got", in each gate. */
  readonly got: { readonly value: (c: Joined) => unknown; readonly hcl: (ref: (s: Setting) => string) => string };
}

/** `<major> * 100 + <minor>` of an open-source release number (HCL), such as 202504 for 2025.4.1. */
function releaseNumber(version: string): string {
  const parts = `regex("${hclPattern(OSS_RELEASE_PATTERN)}", ${version})`;
  return `(tonumber(${parts}[0]) * 100 + tonumber(${parts}[1]))`;
}

/** An open-source release number in HCL: a tag that is none (a build of your own) is taken as given. */
const isRelease = (version: string) => `can(regex("${hclPattern(OSS_RELEASE_PATTERN)}", coalesce(${version}, "-")))`;

/** `major * 1000 + minor` of an Armory release number in HCL, to compare with ARMORY_SHARED_TAGS_FROM. */
function armoryMinor(version: string): string {
  const part = (i: number) => `tonumber(regex("${hclPattern(ARMORY_RELEASE_PATTERN)}", ${version})[${i}])`;
  return `${part(0)} * 1000 + ${part(1)}`;
}

/** The services whose image must be given for an Armory release before ARMORY_SHARED_TAGS_FROM. */
const armoryRunning = (kayenta: boolean) =>
  // Never fiat: it runs only with sign-in, which Armory's releases cannot have (signInSupported).
  SPINNAKER_SERVICES.filter((s) => (s === "kayenta" ? kayenta : s !== "fiat"));

/**
 * The regions of the account orca bakes in, as topologies/bakery.ts picks it (the account set, else
 * the createRole one, else the only one): its `regions`, else the deployment's. Undefined when there
 * is no such account (none, or a name no account has: rules of their own report those).
 */
function bakeAccountRegions({ region, spinnaker: s }: Joined): readonly string[] | undefined {
  const aws = s.accounts.aws;
  const name = s.bake.account ?? aws.find((a) => a.createRole)?.name ?? (aws.length === 1 ? aws[0].name : undefined);
  const account = aws.find((a) => a.name === name);
  return account === undefined ? undefined : (account.regions ?? [region]);
}

/** The same in HCL (`try()` it: it fails where the TypeScript gives undefined). */
function bakeAccountRegionsHcl(r: (s: Setting) => string): string {
  const aws = r(AWS_ACCOUNTS);
  // one() is null for no account and fails for several: no account, as above.
  const name = `try(coalesce(${r(BAKE_ACCOUNT)}), [for a in ${aws} : a.name if a.create_role][0], one(${aws}).name)`;
  return `[for a in ${aws} : coalesce(a.regions, [${r(REGION)}]) if a.name == ${name}][0]`;
}

const { major, minor } = ARMORY_SHARED_TAGS_FROM;
const versionShown = {
  value: (c: Joined) => ({ distribution: c.spinnaker.distribution, version: c.spinnaker.version ?? null }),
  hcl: (r: (s: Setting) => string) => `{ distribution = ${r(DISTRIBUTION)}, version = ${r(VERSION)} }`,
};

export const JOINING_RULES: readonly Joining[] = [
  {
    subject: VERSION,
    message: (name) =>
      `required when ${name(DISTRIBUTION)} is armory: Armory numbers its own releases (such as 2.36.3)`,
    test: (c) => c.spinnaker.distribution !== "armory" || c.spinnaker.version !== undefined,
    hcl: (r) => `${r(DISTRIBUTION)} != "armory" || ${r(VERSION)} != null`,
    got: versionShown,
  },
  {
    subject: IMAGES,
    message: (name) =>
      `must give the image of every service that runs (kayenta's with ${name(KAYENTA)}) for an Armory release before ${major}.${minor}.0, which tags each service with its own version, so <registry>/<service>:<version> does not exist; or use ${major}.${minor}.0 or later`,
    test: ({ spinnaker: s }) =>
      s.distribution !== "armory" ||
      s.version === undefined ||
      !armoryTagsDiffer(s.version) ||
      armoryRunning(s.kayenta).every((service) => s.images[service] !== undefined),
    // A version that is no release number passes, as armoryTagsDiffer takes it as given.
    hcl: (r) =>
      `${r(DISTRIBUTION)} != "armory" || !can(regex("${hclPattern(ARMORY_RELEASE_PATTERN)}", coalesce(${r(VERSION)}, "-"))) || try(${armoryMinor(r(VERSION))} >= ${major * 1000 + minor}, true) || length(setsubtract(concat(${JSON.stringify(armoryRunning(false))}, ${r(KAYENTA)} ? ["kayenta"] : []), keys(${r(IMAGES)}))) == 0`,
    got: {
      value: ({ spinnaker: s }) => ({ version: s.version, images: Object.keys(s.images) }),
      hcl: (r) => `{ version = ${r(VERSION)}, images = keys(${r(IMAGES)}) }`,
    },
  },
  {
    subject: VERSION,
    message: (name) => SQL_ONLY_REASON(name(STORAGE_TYPE)),
    test: (c) =>
      c.spinnaker.distribution !== "oss" ||
      c.spinnaker.version === undefined ||
      c.storage?.type === "sql" ||
      !needsSqlStorage(c.spinnaker.version),
    hcl: (r) =>
      `${r(DISTRIBUTION)} != "oss" || ${r(STORAGE_TYPE)} == "sql" || !${isRelease(r(VERSION))} || try(${releaseNumber(r(VERSION))} < ${SQL_ONLY_FROM.year * 100 + SQL_ONLY_FROM.minor}, true)`,
    got: { value: (c) => c.spinnaker.version, hcl: (r) => r(VERSION) },
  },
  {
    subject: AUTH,
    message: (name) =>
      `needs ${name(DISTRIBUTION)} oss at ${SIGN_IN_FROM.year}.${SIGN_IN_FROM.minor}.0 or later, whose gate reads this sign-in (Spring Security's OAuth2 client)`,
    test: (c) => c.spinnaker.auth === undefined || signInSupported(c.spinnaker.distribution, c.spinnaker.version),
    hcl: (r) =>
      `${r(AUTH)} == null || (${r(DISTRIBUTION)} == "oss" && (${r(VERSION)} == null || !${isRelease(r(VERSION))} || try(${releaseNumber(r(VERSION))} >= ${SIGN_IN_FROM.year * 100 + SIGN_IN_FROM.minor}, false)))`,
    got: versionShown,
  },
  {
    subject: CERTIFICATE_ARN,
    message: (name) =>
      `required when ${name(AUTH)} is set: sign-in needs HTTPS (identity providers refuse http:// redirect URIs, and the session cookie and tokens must not cross in clear)`,
    test: (c) => c.spinnaker.auth === undefined || c.loadBalancer.certificateArn !== undefined,
    hcl: (r) => `${r(AUTH)} == null || ${r(CERTIFICATE_ARN)} != null`,
    got: { value: () => null, hcl: (r) => r(CERTIFICATE_ARN) },
  },
  {
    // Without it the bakery would bake in the first account, which need not be the one whose role
    // packer runs with.
    subject: BAKE_ACCOUNT,
    message: (name) =>
      `required when ${name(AWS_ACCOUNTS)} lists several accounts and none has ${name(CREATE_ROLE)}: packer bakes with the instances' role, so name the account they run in (or set ${name(BAKE_ENABLED)} to false)`,
    test: ({ spinnaker: s }) =>
      !s.bake.enabled ||
      s.bake.account !== undefined ||
      s.accounts.aws.length <= 1 ||
      s.accounts.aws.some((a) => a.createRole),
    hcl: (r) =>
      `!${r(BAKE_ENABLED)} || ${r(BAKE_ACCOUNT)} != null || length(${r(AWS_ACCOUNTS)}) <= 1 || anytrue([for a in ${r(AWS_ACCOUNTS)} : a.create_role])`,
    got: {
      value: ({ spinnaker: s }) => s.accounts.aws.map((a) => a.name),
      hcl: (r) => `[for a in ${r(AWS_ACCOUNTS)} : a.name]`,
    },
  },
  {
    subject: BAKE_ACCOUNT,
    message: (name) => `must name one of ${name(AWS_ACCOUNTS)}: orca bakes in a managed account`,
    test: ({ spinnaker: s }) => s.bake.account === undefined || s.accounts.aws.some((a) => a.name === s.bake.account),
    hcl: (r) =>
      `${r(BAKE_ACCOUNT)} == null || contains([for a in ${r(AWS_ACCOUNTS)} : a.name], coalesce(${r(BAKE_ACCOUNT)}, "-"))`,
    got: {
      value: ({ spinnaker: s }) => ({ account: s.bake.account, accounts: s.accounts.aws.map((a) => a.name) }),
      hcl: (r) => `{ account = ${r(BAKE_ACCOUNT)}, accounts = [for a in ${r(AWS_ACCOUNTS)} : a.name] }`,
    },
  },
  {
    subject: BAKE_REGIONS,
    message: (name) =>
      `must include the deployment's region (${name(REGION)}): packer bakes there, in the instances' subnet, and copies the image to the other regions listed`,
    test: ({ region, spinnaker: s }) => s.bake.regions === undefined || s.bake.regions.includes(region),
    hcl: (r) => `${r(BAKE_REGIONS)} == null || try(contains(${r(BAKE_REGIONS)}, ${r(REGION)}), false)`,
    got: {
      value: (c) => ({ region: c.region, regions: c.spinnaker.bake.regions }),
      hcl: (r) => `{ region = ${r(REGION)}, regions = ${r(BAKE_REGIONS)} }`,
    },
  },
  {
    // clouddriver caches images only in an account's regions, so a copy anywhere else is one no
    // deploy stage of that account can find, and a region it does not list may not even be enabled.
    subject: BAKE_REGIONS,
    message: (name) =>
      `must be regions of the bake account (${name(BAKE_ACCOUNT)}, else the one with ${name(CREATE_ROLE)}, else the only one): its regions in ${name(AWS_ACCOUNTS)}, or the deployment's region when it lists none; clouddriver finds the account's images only there`,
    test: (c) => {
      const regions = c.spinnaker.bake.regions;
      const allowed = bakeAccountRegions(c);
      return regions === undefined || allowed === undefined || regions.every((region) => allowed.includes(region));
    },
    hcl: (r) =>
      `${r(BAKE_REGIONS)} == null || try(length(setsubtract(${r(BAKE_REGIONS)}, ${bakeAccountRegionsHcl(r)})) == 0, true)`,
    // Every account's regions, not the bake account's alone: that expression is three lines long,
    // and a local value is no way out (a module's local that reads this input cannot be read by the
    // input's own validation: Terraform calls it a cycle). The message says which account bakes.
    got: {
      value: (c) => ({
        accounts: c.spinnaker.accounts.aws.map((a) => ({ name: a.name, regions: a.regions ?? null })),
        regions: c.spinnaker.bake.regions,
      }),
      hcl: (r) =>
        `{ accounts = [for a in ${r(AWS_ACCOUNTS)} : { name = a.name, regions = a.regions }], regions = ${r(BAKE_REGIONS)} }`,
    },
  },
  {
    // clouddriver keeps one account per name: a managed account of the same name would replace
    // Spinnaker's own (or the other way round), and deploys would go to the wrong account.
    subject: SELF_DEPLOY_ACCOUNT,
    message: (name) =>
      `must differ from every name in ${name(AWS_ACCOUNTS)} while ${name(SELF_DEPLOY_ENABLED)} is true: clouddriver addresses accounts by name, and this one is the account Spinnaker itself runs in`,
    test: (c) =>
      c.ha?.selfDeploy.enabled !== true || !c.spinnaker.accounts.aws.some((a) => a.name === c.ha?.selfDeploy.account),
    hcl: (r) =>
      `!${r(SELF_DEPLOY_ENABLED)} || !contains([for a in ${r(AWS_ACCOUNTS)} : a.name], ${r(SELF_DEPLOY_ACCOUNT)})`,
    got: {
      value: (c) => ({ account: c.ha?.selfDeploy.account, accounts: c.spinnaker.accounts.aws.map((a) => a.name) }),
      hcl: (r) => `{ account = ${r(SELF_DEPLOY_ACCOUNT)}, accounts = [for a in ${r(AWS_ACCOUNTS)} : a.name] }`,
    },
  },
];

/** The configuration's issues: each broken rule, reported on its subject. */
export function joiningIssues(c: Joined): { path: string[]; message: string }[] {
  return JOINING_RULES.filter((rule) => !rule.test(c)).map((rule) => ({
    path: rule.subject.path.split("."),
    message: `${rule.message((s) => s.path)}, got ${JSON.stringify(rule.got.value(c))}`,
  }));
}

/** The validations of the module input `variable` (`spinnaker`): the rules whose subject it holds. */
export function joiningValidations(variable: string): Validation[] {
  const ref = (s: Setting) => s.hcl ?? `var.${s.input}`;
  return JOINING_RULES.filter((rule) => rule.subject.input.split(".")[0] === variable).map((rule) => ({
    condition: `\${${rule.hcl(ref)}}`,
    errorMessage: `${rule.subject.input}: ${rule.message((s) => s.input)}, got ${shown(rule.got.hcl(ref))}.`,
  }));
}
