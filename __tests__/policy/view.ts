/**
 * What the policy rules read: one deployment's resources, data sources and variables, from either of
 * two sources, so that each rule is written once.
 *
 * - A synthesized stack (`synthesizedView`): one entry per resource block, its values as the JSON
 *   writes them; a string may be a Terraform expression (`${var.user_cidrs}`), decided at plan.
 * - One module instance of a plan (`plannedViews`, from `terraform show -json`): one entry per
 *   resource instance, its values as Terraform planned them. A value Terraform knows only at apply
 *   is an `Unknown` that carries the expression the module writes for it (the module is JSON, so the
 *   plan's `configuration` holds the same text as the synthesized stack), never a guess.
 */
import type { Synthesized } from "../helpers";

type Body = Record<string, unknown>;

/** A planned value known only at apply; `expression` is what the module writes for it, if anything. */
export class Unknown {
  constructor(readonly expression: string | undefined) {}

  toJSON(): string {
    return `(known after apply${this.expression === undefined ? "" : `: ${this.expression}`})`;
  }
}

export interface ViewResource {
  readonly type: string;
  /** The block's name; for a planned instance with `count` or `for_each`, with its index: `name[0]`. */
  readonly name: string;
  /** Arguments and meta-arguments (`count`, `for_each`: their expressions) of the block or instance. */
  readonly values: Body;
  /** The block's configuration as text: what its expressions read (`var.redis_auth_token`). */
  readonly configuration: string;
}

export interface View {
  readonly resources: readonly ViewResource[];
  readonly data: readonly ViewResource[];
  /** The value each variable takes: a stack's defaults; the values a module's caller passes. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The variables declared sensitive. */
  readonly sensitive: ReadonlySet<string>;
}

function blocks(byType: Synthesized["resource"]): ViewResource[] {
  return Object.entries(byType ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, values]) => ({ type, name, values, configuration: JSON.stringify(values) })),
  );
}

/** A synthesized stack's view: its blocks as written, its variables' defaults as the inputs. */
export function synthesizedView(json: Synthesized): View {
  const variables = json.variable ?? {};
  return {
    resources: blocks(json.resource),
    data: blocks(json.data),
    inputs: Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.default])),
    sensitive: new Set(Object.entries(variables).flatMap(([name, v]) => (v.sensitive === true ? [name] : []))),
  };
}

/** The parts of `terraform show -json <plan>` the views read. */
export interface ShownPlan {
  resource_changes?: {
    module_address?: string;
    mode: "managed" | "data";
    type: string;
    name: string;
    index?: string | number;
    change: { actions: string[]; after: unknown; after_unknown: unknown };
  }[];
  prior_state?: { values?: { root_module?: PlannedModule } };
  configuration: {
    root_module: {
      module_calls?: Record<string, { module: ConfiguredModule }>;
    };
  };
}

interface PlannedModule {
  address?: string;
  resources?: { mode: string; type: string; name: string; index?: string | number; values: Body }[];
  child_modules?: PlannedModule[];
}

interface ConfiguredModule {
  resources: {
    address: string;
    expressions?: Body;
    count_expression?: { constant_value?: unknown };
    for_each_expression?: { constant_value?: unknown };
  }[];
  variables?: Record<string, { default?: unknown; sensitive?: boolean }>;
}

/**
 * The planned value with every unknown part made an `Unknown`: `after_unknown` mirrors `after`, with
 * `true` where Terraform knows the value only at apply. `expression` is the configuration's, where
 * the module writes one for that place.
 */
function withUnknowns(after: unknown, unknown: unknown, expression: unknown): unknown {
  if (unknown === true) return new Unknown(typeof expression === "string" ? expression : undefined);
  if (Array.isArray(unknown)) {
    const known = Array.isArray(after) ? after : [];
    const written = Array.isArray(expression) ? expression : [];
    return unknown.map((u, i) => withUnknowns(known[i], u, written[i]));
  }
  if (unknown !== null && typeof unknown === "object") {
    const known = (after ?? {}) as Body;
    const written = (expression ?? {}) as Body;
    const keys = new Set([...Object.keys(known), ...Object.keys(unknown)]);
    return Object.fromEntries(
      [...keys].map((key) => [key, withUnknowns(known[key], (unknown as Body)[key], written[key])]),
    );
  }
  return after;
}

/** The configuration's expressions of a block, as the values they write (`constant_value`). */
function written(expressions: Body | undefined): unknown {
  if (Array.isArray(expressions)) return expressions.map((e) => written(e as Body));
  if (expressions === undefined || expressions === null || typeof expressions !== "object") return undefined;
  if ("constant_value" in expressions) return expressions.constant_value;
  if ("references" in expressions) return undefined;
  return Object.fromEntries(Object.entries(expressions).map(([key, e]) => [key, written(e as Body)]));
}

function indexed(name: string, index: string | number | undefined): string {
  if (index === undefined) return name;
  return typeof index === "number" ? `${name}[${index}]` : `${name}[${JSON.stringify(index)}]`;
}

/**
 * The view of each instance of the root's module calls in a plan, by module address
 * (`module.ha["tls, ssh"]`). `inputsOf` gives the values the root passes that instance.
 */
export function plannedViews(plan: ShownPlan, inputsOf: (moduleAddress: string) => Body): Map<string, View> {
  const calls = plan.configuration.root_module.module_calls ?? {};
  const configured = (moduleAddress: string) => {
    const call = /^module\.([^.[]+)/.exec(moduleAddress)?.[1] ?? "";
    const module = calls[call]?.module;
    if (module === undefined) throw new Error(`the plan's configuration has no module call for ${moduleAddress}`);
    return module;
  };
  const resourcesOf = new Map<string, { managed: ViewResource[]; data: ViewResource[] }>();
  const entry = (address: string) => {
    const found = resourcesOf.get(address) ?? { managed: [], data: [] };
    resourcesOf.set(address, found);
    return found;
  };
  const blockOf = (moduleAddress: string, mode: string, type: string, name: string) => {
    const address = `${mode === "data" ? "data." : ""}${type}.${name}`;
    const block = configured(moduleAddress).resources.find((r) => r.address === address);
    if (block === undefined) throw new Error(`the plan's configuration has no ${address} in ${moduleAddress}`);
    return block;
  };
  const meta = (block: ReturnType<typeof blockOf>): Body => ({
    ...(block.count_expression === undefined ? {} : { count: block.count_expression.constant_value }),
    ...(block.for_each_expression === undefined ? {} : { for_each: block.for_each_expression.constant_value }),
  });

  for (const change of plan.resource_changes ?? []) {
    if (change.module_address === undefined) continue;
    const block = blockOf(change.module_address, change.mode, change.type, change.name);
    const values = {
      ...meta(block),
      ...(withUnknowns(change.change.after, change.change.after_unknown, written(block.expressions)) as Body),
    };
    const resource = {
      type: change.type,
      name: indexed(change.name, change.index),
      values,
      configuration: JSON.stringify(block),
    };
    entry(change.module_address)[change.mode === "data" ? "data" : "managed"].push(resource);
  }
  // Data sources Terraform could read at plan are in the prior state, not among the changes.
  const visit = (module: PlannedModule) => {
    for (const r of module.resources ?? []) {
      if (r.mode !== "data" || module.address === undefined) continue;
      const block = blockOf(module.address, r.mode, r.type, r.name);
      entry(module.address).data.push({
        type: r.type,
        name: indexed(r.name, r.index),
        values: { ...meta(block), ...r.values },
        configuration: JSON.stringify(block),
      });
    }
    for (const child of module.child_modules ?? []) visit(child);
  };
  if (plan.prior_state?.values?.root_module) visit(plan.prior_state.values.root_module);

  return new Map(
    [...resourcesOf].map(([address, { managed, data }]) => {
      const variables = configured(address).variables ?? {};
      const view: View = {
        resources: managed,
        data,
        // What the caller leaves out takes the module's default.
        inputs: {
          ...Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.default ?? null])),
          ...inputsOf(address),
        },
        sensitive: new Set(Object.entries(variables).flatMap(([name, v]) => (v.sensitive === true ? [name] : []))),
      };
      return [address, view];
    }),
  );
}
