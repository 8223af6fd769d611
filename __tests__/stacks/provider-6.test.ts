/**
 * hashicorp/aws 6.x, checked statically. No 6.x provider binary is available offline, so the two
 * module stacks (what Terraform users call) and the stacks are read against the cdktf bindings of
 * 6.x (`@cdktf/provider-aws-v6`, an alias of `@cdktf/provider-aws` 21.x, a devDependency read only as
 * text): every resource and data source type, every argument (nested blocks included) and every
 * attribute the JSON references must exist there; the 6.0 changes that touch modules like ours
 * (upgrade guide) are rules below; and nothing may use what 6.x deprecates, but for the one use
 * accepted, with its reason. The same reading of the 5.100.0 bindings (`@cdktf/provider-aws` 20.1.0,
 * built for the provider that `terraform validate` and the emulator run) must find everything too:
 * nothing 6.x-only is used, and the reading of the `.d.ts` files is shown right. Neither package's
 * barrel is imported (it loads ~2,200 modules).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type App, Testing } from "cdktf";
import { addStacks } from "../../modules/app";
import { type Synthesized, settingsFrom } from "../helpers";

type Json = Record<string, unknown>;

/** One `XxxConfig` (or nested block) interface: snake_case argument -> camelCase and nested interface. */
type Interface = Map<string, { camel: string; nested?: string }>;

interface Binding {
  /** The `XxxConfig` interface of the constructor. */
  config: string;
  interfaces: Map<string, Interface>;
  /** camelCase getters of the resource or data source class: its attributes. */
  getters: Set<string>;
}

/** One package of bindings, read lazily type by type. */
class Bindings {
  readonly root: string;
  /** The hashicorp/aws version the package was generated from. */
  readonly providerVersion: string;
  private readonly cache = new Map<string, Binding | undefined>();

  constructor(packageName: string) {
    const manifest = require.resolve(`${packageName}/package.json`);
    this.root = dirname(manifest);
    this.providerVersion = JSON.parse(readFileSync(manifest, "utf8")).cdktf.provider.version;
  }

  /** `aws_lb` is `lib/lb`, the data source `aws_ami` is `lib/data-aws-ami`; undefined if absent. */
  binding(type: string, data: boolean): Binding | undefined {
    const key = `${data ? "data." : ""}${type}`;
    if (!this.cache.has(key)) {
      const dir = (data ? `data-${type}` : type.replace(/^aws_/, "")).replaceAll("_", "-");
      let text: string | undefined;
      try {
        text = readFileSync(join(this.root, "lib", dir, "index.d.ts"), "utf8");
      } catch {
        text = undefined;
      }
      this.cache.set(key, text === undefined ? undefined : parseBinding(text, type));
    }
    return this.cache.get(key);
  }
}

/**
 * Reads a binding's `.d.ts`: each member of an interface carries a JSDoc link to the registry whose
 * anchor is the snake_case name (`.../docs/resources/launch_template#http_tokens LaunchTemplate#http_tokens`),
 * then `readonly httpTokens?: string;`. A member whose type names another interface of the file is a
 * nested block. The class declaring `tfResourceType = "<type>"` has a getter per attribute.
 */
function parseBinding(text: string, type: string): Binding | undefined {
  const interfaces = new Map<string, Interface>();
  const nestedCandidates: [Interface, string, string][] = [];
  const getters = new Set<string>();
  let current: Interface | undefined;
  let inClass: "resource" | "other" | undefined;
  let pending: string | undefined;
  let config: string | undefined;
  let declaredType: string | undefined;
  for (const line of text.split("\n")) {
    const iface = /^export interface (\w+)/.exec(line);
    if (iface) {
      current = new Map();
      interfaces.set(iface[1], current);
      continue;
    }
    const cls = /^export declare class \w+ extends cdktf\.(\w+)/.exec(line);
    if (cls) {
      inClass = cls[1] === "TerraformResource" || cls[1] === "TerraformDataSource" ? "resource" : "other";
      continue;
    }
    if (line.startsWith("}")) {
      current = undefined;
      inClass = undefined;
      continue;
    }
    if (current) {
      const link =
        /\{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/[^/]+\/docs\/[a-z-]+\/\w+#(\w+) /.exec(
          line,
        );
      if (link) pending = link[1];
      const member = /^\s+readonly (\w+)\??: (.*)$/.exec(line);
      if (member && pending) {
        const entry = { camel: member[1] };
        current.set(pending, entry);
        const named = /^(?:cdktf\.\w+ \| )?([A-Z]\w*)/.exec(member[2]);
        if (named) nestedCandidates.push([current, pending, named[1]]);
        pending = undefined;
      }
    } else if (inClass === "resource") {
      const tf = /static readonly tfResourceType = "(\w+)";/.exec(line);
      if (tf) declaredType = tf[1];
      const ctor = /^\s+constructor\(scope: Construct, id: string, config\??: (\w+)\);/.exec(line);
      if (ctor) config = ctor[1];
      const getter = /^\s+get (\w+)\(\):/.exec(line);
      if (getter) getters.add(getter[1]);
    }
  }
  for (const [owner, snake, name] of nestedCandidates) {
    const entry = owner.get(snake);
    if (entry && interfaces.has(name)) owner.set(snake, { ...entry, nested: name });
  }
  if (declaredType !== type || config === undefined || !interfaces.has(config)) return undefined;
  return { config, interfaces, getters };
}

/** cdktf's camelCase of a snake_case name: `http_put_response_hop_limit` -> `httpPutResponseHopLimit`. */
function camel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Terraform's meta-arguments and cdktf's metadata: not the provider's arguments. */
const META_ARGUMENTS = new Set([
  "count",
  "for_each",
  "depends_on",
  "lifecycle",
  "provider",
  "provisioner",
  "connection",
  "//",
]);

/**
 * Arguments and attributes that 6.x deprecates, or whose meaning 6.0 changed: those the version 6
 * upgrade guide lists, and `id` of the meta data sources, deprecated by hashicorp/terraform-provider-aws
 * #48036 in a 6.x release after the 6.25.0 the bindings are built from (#48067 plans their removal).
 * The bindings carry no deprecation marks, hence this table. Keys are `<type>.<argument path>` or
 * `data.<type>.<attribute>`.
 */
const DEPRECATED_IN_6: Record<string, string> = {
  "data.aws_region.name": "deprecated in 6.0: use `region`",
  "data.aws_region.id": "deprecated by #48036: use `region`",
  "data.aws_partition.id": "deprecated by #48036",
  "data.aws_arn.id": "deprecated by #48036",
  "data.aws_default_tags.id": "deprecated by #48036",
  "data.aws_ip_ranges.id": "deprecated by #48036",
  "data.aws_regions.id": "deprecated by #48036",
  "data.aws_service.id": "deprecated by #48036",
  "data.aws_s3_bucket.region": "6.0: now the region the provider reads the bucket in; use `bucket_region`",
  "aws_s3_bucket.region": "6.0: now the region the bucket is managed in; use `bucket_region`",
  "data.aws_servicequotas_templates.region": "deprecated in 6.0: use `aws_region`",
  "data.aws_ssmincidents_replication_set.region": "deprecated in 6.0: use `regions`",
  "data.aws_vpc_endpoint_service.region": "deprecated in 6.0: use `service_region`",
  "data.aws_vpc_peering_connection.region": "deprecated in 6.0: use `requester_region`",
  "aws_cloudformation_stack_set_instance.region": "deprecated in 6.0: use `stack_set_instance_region`",
  "aws_config_aggregate_authorization.region": "deprecated in 6.0: use `authorized_aws_region`",
  "aws_dx_hosted_connection.region": "deprecated in 6.0: use `connection_region`",
  "aws_servicequotas_template.region": "deprecated in 6.0: use `aws_region`",
  "aws_ssmincidents_replication_set.region": "deprecated in 6.0: use `regions`",
  "aws_guardduty_detector.datasources": "deprecated in 6.0: use aws_guardduty_detector_feature",
  "aws_guardduty_organization_configuration.datasources": "deprecated in 6.0",
};

/** Whole types 6.x deprecates (upgrade guide); a module must not start using them. */
const DEPRECATED_TYPES_IN_6 = new Set([
  "aws_elastictranscoder_pipeline",
  "aws_elastictranscoder_preset",
  "aws_evidently_feature",
  "aws_evidently_launch",
  "aws_evidently_project",
  "aws_evidently_segment",
  "aws_kinesis_analytics_application",
  "aws_media_store_container",
  "aws_media_store_container_policy",
  "data.aws_kms_secret",
]);

/**
 * Deprecated uses we keep, each with why. `data.aws_region.current.id` names the provider's region in
 * 5.100 and 6.x alike; `name` is deprecated from 6.0, and `region`, their replacement, does not exist
 * in 5.100. A plan with a 6.x release that has #48036 warns about it; #48067 plans its removal, a
 * breaking change.
 */
const ACCEPTED_DEPRECATIONS: Record<string, string> = {
  "data.aws_region.id": "the only attribute that names the region in both 5.100 and 6.x (`region` is 6.x only)",
};

/**
 * Arguments whose validation 6.0 narrowed to `true`, `false` or `""` (upgrade guide, "Nullable
 * Boolean Validation Update"): a literal 0 or 1 there fails in 6.x.
 */
const NULLABLE_BOOLEANS: Record<string, string[]> = {
  aws_elasticache_cluster: ["auto_minor_version_upgrade"],
  aws_elasticache_replication_group: ["at_rest_encryption_enabled", "auto_minor_version_upgrade"],
  aws_launch_template: [
    "block_device_mappings.ebs.delete_on_termination",
    "block_device_mappings.ebs.encrypted",
    "ebs_optimized",
    "network_interfaces.associate_carrier_ip_address",
    "network_interfaces.associate_public_ip_address",
    "network_interfaces.delete_on_termination",
    "network_interfaces.primary_ipv6",
  ],
  aws_lb_target_group: ["preserve_client_ip"],
  aws_alb_target_group: ["preserve_client_ip"],
};

/** Whose `engine` 6.x wants lowercase (upgrade guide; required from 7.0). */
const LOWERCASE_ENGINE = new Set([
  "aws_elasticache_replication_group",
  "aws_elasticache_user",
  "aws_elasticache_user_group",
]);

interface Report {
  types: number;
  arguments: number;
  references: number;
  /** Distinct `<type>.<attribute>` among the references. */
  attributes: number;
  missingTypes: string[];
  missingArguments: string[];
  missingAttributes: string[];
  deprecated: string[];
  accepted: string[];
  /** Breaches of the 6.0 rules (upgrade guide) that the bindings cannot show. */
  rules: string[];
}

/** Reads one synthesized stack against one package of bindings. */
function check(json: Synthesized, bindings: Bindings): Report {
  const usedArguments = new Set<string>();
  const missingTypes = new Set<string>();
  const missingArguments = new Set<string>();
  const missingAttributes = new Set<string>();
  const deprecated = new Set<string>();
  const rules = new Set<string>();
  const types = new Set<string>();

  const walk = (type: string, binding: Binding, iface: Interface, block: Json, path: string[]): void => {
    for (const [key, value] of Object.entries(block)) {
      if (path.length === 0 && META_ARGUMENTS.has(key)) continue;
      if (key === "dynamic" && value && typeof value === "object") {
        // dynamic "<block>" { for_each, iterator, content }: cdktf writes one object per block name, or a list.
        for (const [name, generators] of Object.entries(value as Json)) {
          for (const generator of [generators].flat() as Json[]) {
            visit(type, binding, iface, name, generator.content, path);
          }
        }
        continue;
      }
      visit(type, binding, iface, key, value, path);
    }
  };
  const visit = (type: string, binding: Binding, iface: Interface, key: string, value: unknown, path: string[]) => {
    const argument = [type, ...path, key].join(".");
    const member = iface.get(key);
    if (!member) {
      missingArguments.add(argument);
      return;
    }
    usedArguments.add(argument);
    if (member.nested === undefined || !value || typeof value !== "object") return;
    const nested = binding.interfaces.get(member.nested) as Interface;
    for (const element of [value].flat()) {
      if (element && typeof element === "object") walk(type, binding, nested, element as Json, [...path, key]);
    }
  };

  const kinds: [boolean, Synthesized["resource"]][] = [
    [false, json.resource],
    [true, json.data],
  ];
  for (const [data, byType] of kinds) {
    for (const [type, byName] of Object.entries(byType ?? {})) {
      const name = `${data ? "data." : ""}${type}`;
      types.add(name);
      if (DEPRECATED_TYPES_IN_6.has(name)) deprecated.add(`${name} (a deprecated type)`);
      const binding = bindings.binding(type, data);
      if (!binding) {
        missingTypes.add(name);
        continue;
      }
      for (const [address, config] of Object.entries(byName)) {
        walk(name, binding, binding.interfaces.get(binding.config) as Interface, config, []);
        for (const rule of sixZeroRules(name, `${name}.${address}`, config)) rules.add(rule);
      }
    }
  }
  for (const argument of usedArguments) {
    if (argument in DEPRECATED_IN_6) deprecated.add(argument);
  }

  // References: `aws_x.y.attr`, `aws_x.y[*].attr`, `data.aws_x.y["0"].attr`, in every string of the stack.
  const declared = (data: boolean, type: string, name: string) => (data ? json.data : json.resource)?.[type]?.[name];
  let references = 0;
  const attributes = new Set<string>();
  for (const text of stringsOf(json)) {
    for (const m of text.matchAll(/(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([a-z0-9_]+)(?:\[[^\]]*\])?\.([a-z0-9_]+)/g)) {
      const [, dataPrefix, type, name, attribute] = m;
      const data = dataPrefix !== undefined;
      if (!declared(data, type, name)) continue;
      references++;
      const qualified = `${data ? "data." : ""}${type}.${attribute}`;
      attributes.add(qualified);
      const binding = bindings.binding(type, data);
      if (binding && !binding.getters.has(camel(attribute))) missingAttributes.add(qualified);
      if (qualified in DEPRECATED_IN_6) deprecated.add(qualified);
    }
  }
  const accepted = [...deprecated].filter((d) => d in ACCEPTED_DEPRECATIONS);
  return {
    types: types.size,
    arguments: usedArguments.size,
    references,
    attributes: attributes.size,
    missingTypes: [...missingTypes].sort(),
    missingArguments: [...missingArguments].sort(),
    missingAttributes: [...missingAttributes].sort(),
    deprecated: [...deprecated].filter((d) => !(d in ACCEPTED_DEPRECATIONS)).sort(),
    accepted: accepted.sort(),
    rules: [...rules].sort(),
  };
}

/** The 6.0 changes (upgrade guide) that a binding's list of arguments cannot show. */
function sixZeroRules(type: string, address: string, config: Json): string[] {
  const found: string[] = [];
  // Enhanced region support: `region` on (almost) every resource now moves it to another region.
  if ("region" in config) found.push(`${address}: sets \`region\`, which 6.x reads as the region to manage it in`);
  if (
    type === "aws_elasticache_replication_group" &&
    "auth_token" in config &&
    !("auth_token_update_strategy" in config)
  ) {
    found.push(`${address}: \`auth_token\` without \`auth_token_update_strategy\`, which 6.x requires with it`);
  }
  if (type === "data.aws_ami" && config.most_recent !== undefined && config.most_recent !== false) {
    const filters = [config.filter ?? []].flat() as Json[];
    const identifies = filters.some((f) => f.name === "owner-id" || f.name === "image-id");
    if (!config.owners && !identifies)
      found.push(`${address}: \`most_recent\` without \`owners\` or an owner-id/image-id filter`);
  }
  for (const path of NULLABLE_BOOLEANS[type] ?? []) {
    for (const value of valuesAt(config, path.split("."))) {
      if (typeof value === "number" || value === "0" || value === "1") {
        found.push(`${address}: ${path} = ${JSON.stringify(value)}; 6.x takes only true, false or ""`);
      }
    }
  }
  if (LOWERCASE_ENGINE.has(type) && typeof config.engine === "string" && !config.engine.includes("${")) {
    if (config.engine !== config.engine.toLowerCase())
      found.push(`${address}: engine ${config.engine} is not lowercase`);
  }
  return found;
}

/** Every value at a dotted path, through lists of blocks. */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [value];
  return [value]
    .flat()
    .filter((v): v is Json => !!v && typeof v === "object")
    .flatMap((v) => valuesAt(v[path[0]], path.slice(1)));
}

function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsOf);
  return [];
}

const v6 = new Bindings("@cdktf/provider-aws-v6");
const v5 = new Bindings("@cdktf/provider-aws");

// One app, as `addStacks` builds it for `npm run synth` and the Registry layout: the two modules (every
// option is an input there, so every resource is in them) and the stacks, which declare the same range.
const stacks = addStacks(Testing.app() as App, settingsFrom());
const MODULES = ["standalone-module", "ha-module"];
const STACKS = [...MODULES, "standalone", "ha", "state"];
const synthesized: Record<string, Synthesized> = Object.fromEntries(
  STACKS.map((name) => [name, JSON.parse(Testing.synth(stacks[name])) as Synthesized]),
);

test("the bindings are the ones this check is about: hashicorp/aws 6.x and 5.100.0", () => {
  expect(v6.providerVersion).toMatch(/^6\./);
  expect(v5.providerVersion).toBe("5.100.0");
});

describe.each(STACKS)("%s", (name) => {
  const json = synthesized[name];
  const six = check(json, v6);
  const five = check(json, v5);
  const figures = `${six.types} types, ${six.arguments} arguments, ${six.references} references to ${six.attributes} attributes`;
  process.stdout.write(
    `${name} against hashicorp/aws ${v6.providerVersion} (@cdktf/provider-aws-v6): ${figures}; ` +
      `accepted deprecations: ${six.accepted.map((d) => `${d} (${ACCEPTED_DEPRECATIONS[d]})`).join(", ") || "none"}\n`,
  );

  test("declares the range this check stands for", () => {
    expect(json.terraform?.required_providers).toMatchObject({ aws: { version: ">= 5.100.0, < 7.0.0" } });
  });

  test(`every type, argument and referenced attribute exists in 6.x (${figures})`, () => {
    expect(six.types).toBeGreaterThan(MODULES.includes(name) ? 20 : 0);
    expect(six.missingTypes).toEqual([]);
    expect(six.missingArguments).toEqual([]);
    expect(six.missingAttributes).toEqual([]);
  });

  test("and in 5.100.0, read the same way: nothing 6.x-only, and proof that the reading finds what validate does", () => {
    expect(five).toMatchObject({ missingTypes: [], missingArguments: [], missingAttributes: [] });
    expect(five.arguments).toBe(six.arguments);
    expect(five.references).toBe(six.references);
  });

  test("uses nothing 6.x deprecates, but what is accepted with its reason", () => {
    expect(six.deprecated).toEqual([]);
    expect(six.accepted).toEqual(name === "state" ? [] : ["data.aws_region.id"]);
  });

  test("follows the 6.0 upgrade guide: no per-resource region, rotation strategy with the token, AMI owners", () => {
    expect(six.rules).toEqual([]);
  });
});

test("nested block arguments are read: metadata_options.http_tokens is in both bindings and in the modules", () => {
  for (const bindings of [v6, v5]) {
    const lt = bindings.binding("aws_launch_template", false) as Binding;
    const options = lt.interfaces.get(lt.interfaces.get(lt.config)?.get("metadata_options")?.nested as string);
    expect(options?.get("http_tokens")).toEqual({ camel: "httpTokens" });
  }
  const templates = Object.values(synthesized["standalone-module"].resource?.aws_launch_template ?? {});
  expect(templates.map((t) => (t.metadata_options as Json).http_tokens)).toContain("required");
});

test("it can fail: unknown types, arguments, attributes, deprecated uses and 6.0 breaches are reported", () => {
  const broken: Synthesized = {
    resource: {
      aws_launch_template: {
        lt: { name: "x", region: "us-east-1", metadata_options: { http_tokens: "required", no_such_option: 1 } },
      },
      aws_elasticache_replication_group: {
        redis: { replication_group_id: "r", description: "d", auth_token: "${var.t}", at_rest_encryption_enabled: 1 },
      },
      aws_no_such_thing: { x: {} },
      aws_s3_object: { o: { bucket: "b", key: "k", content: "${aws_launch_template.lt.no_such_attribute}" } },
    },
    data: {
      aws_region: { current: {} },
      aws_ami: { image: { most_recent: true, filter: [{ name: "name", values: ["x-*"] }] } },
    },
    output: { region: { value: "${data.aws_region.current.name}" } },
  };
  const report = check(broken, v6);
  expect(report.missingTypes).toEqual(["aws_no_such_thing"]);
  expect(report.missingArguments).toEqual(["aws_launch_template.metadata_options.no_such_option"]);
  expect(report.missingAttributes).toEqual(["aws_launch_template.no_such_attribute"]);
  expect(report.deprecated).toEqual(["data.aws_region.name"]);
  expect(report.rules).toEqual([
    "aws_elasticache_replication_group.redis: `auth_token` without `auth_token_update_strategy`, which 6.x requires with it",
    'aws_elasticache_replication_group.redis: at_rest_encryption_enabled = 1; 6.x takes only true, false or ""',
    "aws_launch_template.lt: sets `region`, which 6.x reads as the region to manage it in",
    "data.aws_ami.image: `most_recent` without `owners` or an owner-id/image-id filter",
  ]);
  // `region` is an argument of 6.x (so the rule, not the bindings, reports it); 5.100 has none.
  expect(check(broken, v5).missingArguments).toContain("aws_launch_template.region");
});
