/**
 * The vocabulary the settings' rules are written in. A setting has two gates: the configuration's
 * zod schema (at synthesis) and its Terraform variable's or module input's `validation` blocks (at
 * plan). A rule here is stated once, with its message, and renders both, so that the two cannot say
 * different things: the message reads `<setting>: expected <what>, got <value>` in both gates, the
 * setting spelt as each gate spells it (`network.userCidrs[0]`, `user_cidrs[*]`).
 *
 * The TypeScript test and the HCL condition sit side by side in each constructor: HCL cannot run
 * TypeScript, so the one place they are written twice is here, where a reader compares them at a
 * glance and `__tests__/tools/parity.test.ts` proves them alike.
 */
import { AWS_REGIONS } from "@aws-cdk/region-info/lib/aws-entities";
import { z } from "zod";
import { InternalError } from "../errors";

/** A Terraform `validation` block, as cdktf takes it. */
export interface Validation {
  readonly condition: string;
  readonly errorMessage: string;
}

/** A rule on one value. */
export interface Rule<T> {
  /** What a good value is, stating the limit ("a whole number from 1 to 50"): both gates' message. */
  readonly what: string;
  readonly test: (value: T) => boolean;
  /** The same test in HCL over the expression `x`. It may fail on a bad value: it is wrapped in try(). */
  readonly hcl: (x: string) => string;
  /** Advice that only makes sense in the configuration file (such as "leave this unset"). */
  readonly configurationHint?: string;
  /** Where in the value the configuration reports a failure (`[1, "name"]`). @default - the value itself */
  readonly at?: (value: T) => PropertyKey[];
}

/**
 * A pattern as the body of an HCL string for `regex()`. RE2 (Terraform's engine) has no lookaround,
 * and `${` would start an interpolation: a pattern that needs either cannot be a shared rule.
 */
export function hclPattern(pattern: RegExp): string {
  if (/\(\?[=!<]/.test(pattern.source) || /[$%]\{/.test(pattern.source)) {
    throw new InternalError(`the pattern ${pattern} cannot be written as a Terraform regex`);
  }
  return pattern.source.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

export function pattern(re: RegExp, what: string): Rule<string> {
  return { what, test: (v) => re.test(v), hcl: (x) => `can(regex("${hclPattern(re)}", ${x}))` };
}

/** A whole number in [min, max]; `unit` follows the limits ("30 to 16384 GiB"). */
export function whole(min: number, max: number, unit = ""): Rule<number> {
  return {
    what: `a whole number from ${min} to ${max}${unit}`,
    test: (v) => Number.isInteger(v) && v >= min && v <= max,
    hcl: (x) => `${x} >= ${min} && ${x} <= ${max} && floor(${x}) == ${x}`,
  };
}

/** A string of `min` to `max` characters. */
export function length(min: number, max: number, what: string): Rule<string> {
  return {
    what,
    test: (v) => v.length >= min && v.length <= max,
    hcl: (x) => `length(${x}) >= ${min} && length(${x}) <= ${max}`,
  };
}

/** A string that is not empty. */
export function nonEmpty(what: string): Rule<string> {
  return { what, test: (v) => v.length > 0, hcl: (x) => `length(${x}) > 0` };
}

/** None of `values` (reserved names). */
export function noneOf(values: readonly string[], what: string): Rule<string> {
  return { what, test: (v) => !values.includes(v), hcl: (x) => `!contains(${JSON.stringify(values)}, ${x})` };
}

/**
 * One of `values`, for a string that is not a choice of the schema's type (a region list). With a
 * name in RULE_LOCALS, a module's check reads the list as that local value, written once however
 * many inputs it serves (the variables' module makes it: modules/stacks/variables.ts).
 */
export function memberOf(values: readonly string[], what: string, local?: keyof typeof RULE_LOCALS): Rule<string> {
  if (local !== undefined && RULE_LOCALS[local] !== values) {
    throw new InternalError(`memberOf: local.${local} holds another list`);
  }
  const list = local === undefined ? JSON.stringify(values) : `local.${local}`;
  return { what, test: (v) => values.includes(v), hcl: (x) => `contains(${list}, ${x})` };
}

/**
 * Constant lists that rules read by name in a module (`local.<name>`). A validation may read a
 * local value since Terraform 1.9, and these read nothing, so no input's check waits on another.
 * `aws_regions`: every AWS region in every partition that aws-cdk's region-info knows.
 */
export const RULE_LOCALS: Readonly<Record<"aws_regions", readonly string[]>> = {
  aws_regions: AWS_REGIONS,
};

/** A list of `min` entries or more. */
export function entries(min: number, what: string, configurationHint?: string): Rule<readonly unknown[]> {
  return { what, test: (v) => v.length >= min, hcl: (x) => `length(${x}) >= ${min}`, configurationHint };
}

/** A list without repeats: Terraform would create one rule or attachment per entry, twice. */
export function distinct(what: string): Rule<readonly unknown[]> {
  return {
    what: `distinct ${what}: one is listed twice`,
    test: (v) => new Set(v).size === v.length,
    hcl: (x) => `length(distinct(${x})) == length(${x})`,
  };
}

/**
 * A list of objects whose `field` (camelCase; snake_case in Terraform) no two entries share; the
 * configuration reports the second entry that repeats one.
 */
export function uniqueBy<T>(field: keyof T & string, what: string): Rule<readonly T[]> {
  const repeat = (v: readonly T[]) => v.findIndex((o, i) => v.findIndex((p) => p[field] === o[field]) !== i);
  return {
    what,
    test: (v) => repeat(v) === -1,
    hcl: (x) => `length(distinct(${x}[*].${snake(field)})) == length(${x})`,
    at: (v) => [repeat(v), field],
  };
}

/** A list of objects in which at most one entry has the switch `field` on. */
export function atMostOne<T>(field: keyof T & string, what: string): Rule<readonly T[]> {
  return {
    what,
    test: (v) => v.filter((o) => o[field] === true).length <= 1,
    hcl: (x) => `length([for e in ${x} : e if e.${snake(field)}]) <= 1`,
    // The second entry with it on.
    at: (v) => [v.findIndex((o, i) => o[field] === true && v.findIndex((p) => p[field] === true) !== i), field],
  };
}

/** An IPv4 address, each octet 0-255 without leading zeros, and a prefix without them. */
const CIDR_PATTERN =
  /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\/(3[0-2]|[12]?[0-9])$/;

/** The network address of an IPv4 CIDR block: `10.1.2.3/8` -> `10.0.0.0`. */
export function networkAddress(block: string): string {
  const [address, bits] = block.split("/");
  const value = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const network = value - (value % size);
  return [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".");
}

/**
 * An IPv4 CIDR block whose address is the network's: the provider would refuse 10.1.2.3/8 at
 * apply, naming no setting.
 */
export const cidrBlock: Rule<string> = {
  what: "an IPv4 CIDR block without host bits, such as 10.0.0.0/16 (not 10.1.2.3/16)",
  test: (v) => CIDR_PATTERN.test(v) && networkAddress(v) === v.split("/")[0],
  hcl: (x) => `can(regex("${hclPattern(CIDR_PATTERN)}", ${x})) && cidrhost(${x}, 0) == split("/", ${x})[0]`,
};

/** A CIDR block of /`min` or narrower (its prefix at least `min`). */
export function prefixFrom(min: number, why: string): Rule<string> {
  return {
    what: `a CIDR block of /${min} or narrower: ${why}`,
    test: (v) => Number(v.split("/")[1]) >= min,
    hcl: (x) => `tonumber(split("/", ${x})[1]) >= ${min}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings: a zod type with its rules, and the Terraform validations of the same rules
// ---------------------------------------------------------------------------------------------

/** The received value in a Terraform message (Terraform 1.9+ lets a validation message name it). */
export const shown = (ref: string) => `\${jsonencode(${ref})}`;

/** `<setting>: expected <what>, got <value>.`, the configuration's wording, in Terraform. */
function validation(setting: string, got: string, condition: string, what: string): Validation {
  return { condition: `\${${condition}}`, errorMessage: `${setting}: expected ${what}, got ${shown(got)}.` };
}

/** The message of a rule in the configuration. */
const inConfiguration = (rule: Rule<never>) =>
  `expected ${rule.what}${rule.configurationHint ? ` (${rule.configurationHint})` : ""}`;

/**
 * One thing Terraform checks of a setting: one of its rules, or one rule of each of its entries
 * (`suffix` `[*]`), written over any expression `x` so that a setting nested in a list of objects
 * reuses it.
 */
export interface Check {
  /** After the setting's name in the message: `""`, `[*]`, `[*].name`. */
  readonly suffix: string;
  readonly what: string;
  /** HCL over `x`; it may fail on a bad value (it is wrapped in try()). */
  readonly hcl: (x: string) => string;
  /** The HCL cannot fail on a value that is there: it tries each entry of a list or map itself. */
  readonly tries?: boolean;
}

const checkOf = (rule: Rule<never>): Check => ({ suffix: "", what: rule.what, hcl: rule.hcl });

/** Where Terraform skips a setting's checks. */
export interface Skip {
  /** A null value passes (an optional attribute without a default). */
  readonly nullable?: boolean;
  /** An HCL condition under which the checks pass, such as `var.auth == null` for an attribute of a nullable object. */
  readonly unless?: string;
}

/** A setting's rules, rendered for both gates. */
export interface Checked<S extends z.ZodType> {
  /** The configuration's type of the setting, its rules attached (add `.optional()` or `.default()`). */
  readonly zod: S;
  /**
   * The Terraform validations of the variable or module input attribute `setting`, read as `ref`
   * (`var.redis.replicas`); `skip` true is `{ nullable: true }`.
   */
  readonly validations: (setting: string, ref: string, skip?: Skip | boolean) => Validation[];
  /** The same checks over any expression: for a list of such values, or a field of a list of objects. */
  readonly checks: readonly Check[];
}

/** `condition`, unless `skip` lets the value through. */
function skipping(skip: Skip, ref: string, condition: string): string {
  // Terraform evaluates every operand of ||: under `unless` the value's object may be null itself.
  const isNull = skip.unless ? `try(${ref}, null) == null` : `${ref} == null`;
  const passes = [...(skip.unless ? [skip.unless] : []), ...(skip.nullable ? [isNull] : [])];
  return [...passes, condition].join(" || ");
}

/** Each check as a Terraform validation of `ref`. */
function validationsOf(
  checks: readonly Check[],
  setting: string,
  ref: string,
  given: Skip | boolean = {},
): Validation[] {
  const skip = typeof given === "boolean" ? { nullable: given } : given;
  return checks.map((check) =>
    // try(): Terraform evaluates every operand of && and || even when the first decides, and a
    // function given a bad value (cidrhost of "x") fails the plan instead of the validation.
    validation(
      `${setting}${check.suffix}`,
      skip.unless ? `try(${ref}, null)` : ref,
      skipping(
        skip,
        ref,
        // Without a skip the value is there; with one, Terraform still evaluates the check.
        check.tries && !skip.nullable && !skip.unless ? check.hcl(ref) : `try(${check.hcl(ref)}, false)`,
      ),
      `${skip.nullable ? "null or " : ""}${check.what}`,
    ),
  );
}

/** A setting's zod type with its rules attached, each reported where the rule says. */
function withRules<S extends z.ZodType>(schema: S, rules: readonly Rule<never>[]): S {
  return rules.reduce<S>(
    (s, rule) =>
      s.superRefine((value, ctx) => {
        if (rule.test(value as never)) return;
        const path = rule.at?.(value as never) ?? [];
        const input = path.reduce<unknown>((v, key) => (v as Record<PropertyKey, unknown>)?.[key], value);
        ctx.addIssue({ code: "custom", path, input, message: inConfiguration(rule) });
      }),
    schema,
  );
}

function checked<S extends z.ZodType>(zod: S, checks: readonly Check[]): Checked<S> {
  return { zod, checks, validations: (setting, ref, skip) => validationsOf(checks, setting, ref, skip) };
}

/** A string setting. */
export function text(...rules: Rule<string>[]): Checked<z.ZodString> {
  return checked(withRules(z.string(), rules), rules.map(checkOf));
}

/**
 * A string setting whose first rule also answers a value of another type: for a value a YAML
 * reader may take for a number (an account id loses its leading zeros).
 */
export function typedText(first: Rule<string>, ...rules: Rule<string>[]): Checked<z.ZodString> {
  const all = [first, ...rules];
  return checked(withRules(z.string({ message: inConfiguration(first) }), all), all.map(checkOf));
}

/** A number setting; a value of another type gets the first rule's message, which states the limits. */
export function number(first: Rule<number>, ...rules: Rule<number>[]): Checked<z.ZodNumber> {
  const all = [first, ...rules];
  return checked(withRules(z.number({ message: inConfiguration(first) }), all), all.map(checkOf));
}

/** One of `values`. */
export function choice<const T extends readonly [string, ...string[]]>(
  values: T,
): Checked<z.ZodEnum<{ [K in T[number]]: K }>> {
  const rule = memberOf(values, `one of ${values.join(", ")}`);
  return checked(z.enum(values, { message: inConfiguration(rule) }) as unknown as z.ZodEnum<{ [K in T[number]]: K }>, [
    checkOf(rule),
  ]);
}

/** A list of `item`s with rules of its own (length, repeats). */
export function list<S extends z.ZodType>(
  item: Checked<S>,
  ...rules: Rule<readonly z.output<S>[]>[]
): Checked<z.ZodArray<S>> {
  return checked(withRules(z.array(item.zod), rules as Rule<never>[]), [
    ...item.checks.map((c) => ({
      suffix: `[*]${c.suffix}`,
      what: c.what,
      hcl: (x: string) => `alltrue([for e in ${x} : try(${c.hcl("e")}, false)])`,
      tries: true,
    })),
    ...rules.map((rule) => checkOf(rule as Rule<never>)),
  ]);
}

/**
 * A list of objects of the configuration's type `entry`, with rules of the list's own (names without
 * repeats). Terraform checks the objects' fields with `entryValidations`.
 */
export function objectList<S extends z.ZodType>(
  entry: S,
  ...rules: Rule<readonly z.output<S>[]>[]
): Checked<z.ZodArray<S>> {
  return list(checked(entry, []), ...rules);
}

/** A map of strings, such as tags: rules on its keys and on its values. */
export function stringMap(keys: readonly Rule<string>[], values: readonly Rule<string>[]) {
  return checked(z.record(withRules(z.string(), keys), withRules(z.string(), values)), mapChecks(keys, values));
}

/**
 * A map from some of `keys` (Spinnaker's services, the operating systems) to strings with rules: a
 * key of another name is refused, as in the configuration, where it is a typo.
 */
export function choiceMap<const K extends readonly [string, ...string[]]>(
  keys: K,
  ...values: Rule<string>[]
): Checked<z.ZodType<Partial<Record<K[number], string>>>> {
  // The declared type: zod's inferred record type does not compile in a consumer's strict check.
  const key = memberOf(keys, `keys from ${keys.join(", ")}`);
  return checked(
    z.partialRecord(z.enum(keys, { message: inConfiguration(key) }), withRules(z.string(), values)),
    mapChecks([key], values),
  );
}

function mapChecks(keys: readonly Rule<string>[], values: readonly Rule<string>[]): Check[] {
  const each = (suffix: string, variable: "k" | "v") => (rule: Rule<string>) => ({
    suffix,
    what: rule.what,
    hcl: (x: string) => `alltrue([for k, v in ${x} : try(${rule.hcl(variable)}, false)])`,
    tries: true,
  });
  return [...keys.map(each(" keys", "k")), ...values.map(each(" values", "v"))];
}

/** Rules of a whole value (a list's own) as Terraform validations of `setting`, read as `ref`. */
export function ruleValidations(rules: readonly Rule<never>[], setting: string, ref: string): Validation[] {
  return validationsOf(rules.map(checkOf), setting, ref);
}

/**
 * The validations of the fields of every object of the list `ref` (`var.accounts.aws`), as the
 * setting `setting` (`accounts.aws`): `accounts.aws[*].name: expected ...`. `optional` fields
 * (camelCase) pass when null; `entry` names the object in the HCL (`a` for an account).
 */
export function entryValidations(
  setting: string,
  ref: string,
  fields: Record<string, { readonly checks: readonly Check[] }>,
  options: { readonly optional?: readonly string[]; readonly entry: string },
): Validation[] {
  const e = options.entry;
  return Object.entries(fields).flatMap(([field, { checks }]) => {
    const attribute = field.split(".").map(snake).join(".");
    const nullable = options.optional?.includes(field) ?? false;
    const value = `${e}.${attribute}`;
    return checks.map((check) =>
      validation(
        `${setting}[*].${attribute}${check.suffix}`,
        `[for ${e} in ${ref} : try(${value}, null)]`,
        `alltrue([for ${e} in ${ref} : ${nullable ? `try(${value}, null) == null || ` : ""}try(${check.hcl(value)}, false)])`,
        `${nullable ? "null or " : ""}${check.what}`,
      ),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Relations: rules that join two settings of one object (each names both, and says which to use)
// ---------------------------------------------------------------------------------------------

/** A condition on an object's field (camelCase; its Terraform attribute is the snake_case name). */
export interface Condition<T> {
  readonly test: (o: T) => boolean;
  /** HCL over `attribute`, which gives the HCL reference to a field. */
  readonly hcl: (attribute: (field: keyof T & string) => string) => string;
}

/** The field is given (in Terraform: not null). */
export const given = <T>(field: keyof T & string): Condition<T> => ({
  test: (o) => o[field] !== undefined && o[field] !== null,
  hcl: (a) => `${a(field)} != null`,
});
/** The field is left out (in Terraform: null). */
export const absent = <T>(field: keyof T & string): Condition<T> => ({
  test: (o) => o[field] === undefined || o[field] === null,
  hcl: (a) => `${a(field)} == null`,
});
/** A switch written as true (a configuration's unset switch is neither true nor false). */
export const on = <T>(field: keyof T & string): Condition<T> => ({
  test: (o) => o[field] === true,
  hcl: (a) => `${a(field)} == true`,
});
/** A switch written as false. */
export const off = <T>(field: keyof T & string): Condition<T> => ({
  test: (o) => o[field] === false,
  hcl: (a) => `${a(field)} == false`,
});

export interface Relation<T> {
  /** The field reported: the one the message tells to change. @default - by the value, see `at` */
  readonly subject: keyof T & string;
  /** The fields the Terraform message shows the values of. */
  readonly fields: readonly (keyof T & string)[];
  /** After the subject's name; `name` spells a field as the gate does (`loadBalancer.https`, `load_balancer.https`). */
  readonly message: (name: (field: keyof T & string) => string) => string;
  readonly test: (o: T) => boolean;
  readonly hcl: (attribute: (field: keyof T & string) => string) => string;
  /** The field to report in the configuration when it depends on the value. @default subject */
  readonly at?: (o: T) => keyof T & string;
}

/** `when` holds only if `then` does; reported on `subject`. */
export function implies<T>(
  subject: keyof T & string,
  when: Condition<T>,
  then: Condition<T>,
  fields: readonly (keyof T & string)[],
  message: Relation<T>["message"],
): Relation<T> {
  return {
    subject,
    fields,
    message,
    test: (o) => !when.test(o) || then.test(o),
    hcl: (a) => `!(${when.hcl(a)}) || ${then.hcl(a)}`,
  };
}

/** Both fields given, or neither; reported on the one missing. */
export function together<T>(a: keyof T & string, b: keyof T & string, why: string): Relation<T> {
  return {
    subject: a,
    fields: [a, b],
    message: (name) => `${name(a)} and ${name(b)} go together: ${why}`,
    test: (o) => given<T>(a).test(o) === given<T>(b).test(o),
    hcl: (attribute) => `(${attribute(a)} == null) == (${attribute(b)} == null)`,
    at: (o) => (given<T>(a).test(o) ? b : a),
  };
}

/** Exactly one of the two fields given; reported on the first. */
export function exactlyOne<T>(a: keyof T & string, b: keyof T & string, why: string): Relation<T> {
  return {
    subject: a,
    fields: [a, b],
    message: (name) => `set exactly one of ${name(a)} or ${name(b)}: ${why}`,
    test: (o) => given<T>(a).test(o) !== given<T>(b).test(o),
    hcl: (attribute) => `(${attribute(a)} == null) != (${attribute(b)} == null)`,
  };
}

/** camelCase -> snake_case: a configuration field's Terraform attribute. */
export const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The relations as a zod check of the object at the configuration path `path` (`loadBalancer`);
 * without a path (an entry of a list), the message names the fields alone.
 */
export function relationsCheck<T>(relations: readonly Relation<T>[], path?: string) {
  return (o: T, ctx: z.RefinementCtx) => {
    for (const r of relations) {
      if (r.test(o)) continue;
      const at = r.at?.(o) ?? r.subject;
      ctx.addIssue({
        code: "custom",
        path: [at],
        input: o[at],
        message: r.message((field) => (path ? `${path}.${field}` : field)),
      });
    }
  };
}

/** The relations as Terraform validations of the object input `setting` (`load_balancer`), read as `ref`. */
export function relationValidations<T>(relations: readonly Relation<T>[], setting: string, ref: string): Validation[] {
  const attribute = (field: string) => `${ref}.${snake(field)}`;
  return relations.map((r) => {
    const values = r.fields.map((f) => `${snake(f)} = ${attribute(f)}`).join(", ");
    return {
      condition: `\${${r.hcl(attribute)}}`,
      errorMessage: `${setting}.${snake(r.subject)}: ${r.message((field) => `${setting}.${snake(field)}`)}, got ${shown(`{ ${values} }`)}.`,
    };
  });
}

/**
 * The relations of every object of the list `ref` (`var.ci.jenkins`) as Terraform validations of
 * the setting `setting` (`ci.jenkins`); the message names the fields alone, as the configuration's.
 */
export function entryRelationValidations<T>(
  relations: readonly Relation<T>[],
  setting: string,
  ref: string,
  entry: string,
): Validation[] {
  const attribute = (field: string) => `${entry}.${snake(field)}`;
  return relations.map((r) => {
    const values = r.fields.map((f) => `${snake(f)} = ${attribute(f)}`).join(", ");
    return {
      condition: `\${alltrue([for ${entry} in ${ref} : ${r.hcl(attribute)}])}`,
      errorMessage: `${setting}[*].${snake(r.subject)}: ${r.message(snake)}, got ${shown(`[for ${entry} in ${ref} : { ${values} }]`)}.`,
    };
  });
}
