/**
 * Choices on values that are literals in a stack (from the configuration) and Terraform expressions
 * in a module (from its inputs). Each helper decides in TypeScript when it can, so a stack's JSON
 * stays literal, and writes the Terraform expression only when a value is known only at plan time
 * (not at synthesis).
 */
import { Fn, type IResolvable, Op, TerraformLocal, TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";

/** A condition: a boolean, or a Terraform boolean expression. */
export type Condition = boolean | IResolvable;

function known(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

/**
 * Whether a value that is a literal or a Terraform value is the latter (a token, such as a module's
 * input), narrowing its type.
 */
export function isExpression<T>(value: T | IResolvable): value is IResolvable {
  return Token.isUnresolved(value);
}

/** `condition ? whenTrue : whenFalse`. */
export function pick<T extends string | number>(condition: Condition, whenTrue: T, whenFalse: T): T {
  if (typeof condition === "boolean") return condition ? whenTrue : whenFalse;
  const chosen = Fn.conditional(condition, whenTrue, whenFalse);
  return (typeof whenTrue === "number" ? Token.asNumber(chosen) : Token.asString(chosen)) as T;
}

/**
 * A condition as a file's text takes it: the boolean, or the Terraform expression, which renders
 * `true` or `false` where YAML and JavaScript read them.
 */
export function conditionText(condition: Condition): boolean | string {
  return typeof condition === "boolean" ? condition : Token.asString(condition);
}

/** `a == b`. */
export function equal(a: string | number, b: string | number): Condition {
  return known(a) && known(b) ? a === b : Op.eq(a, b);
}

/** `a != b`. */
export function differ(a: string | number, b: string | number): Condition {
  return known(a) && known(b) ? a !== b : Op.neq(a, b);
}

/** `!condition`. */
export function not(condition: Condition): Condition {
  return typeof condition === "boolean" ? !condition : Op.not(condition);
}

/** `a && b`. */
export function both(a: Condition, b: Condition): Condition {
  if (typeof a === "boolean") return a ? b : false;
  if (typeof b === "boolean") return b ? a : false;
  return Op.and(a, b);
}

/** A value is given: a defined literal, or a Terraform value that is not null. */
export function given(value: string | undefined): Condition {
  if (value === undefined) return false;
  return known(value) ? true : Op.neq(value, Token.nullValue());
}

/**
 * The `count` of a resource that exists only when `condition` holds: undefined (plain, one) when it
 * surely does, a Terraform count when it depends on inputs. Call only when the condition can hold.
 */
export function countWhen(condition: Condition): number | undefined {
  return typeof condition === "boolean" ? undefined : Token.asNumber(Fn.conditional(condition, 1, 0));
}

/** The condition may hold: false only when it is a literal false. */
export function possible(condition: Condition): boolean {
  return condition !== false;
}

/** `condition ? whenTrue : whenFalse` for lists. */
export function pickList(condition: Condition, whenTrue: string[], whenFalse: string[]): string[] {
  if (typeof condition === "boolean") return condition ? whenTrue : whenFalse;
  return Token.asList(Fn.conditional(condition, whenTrue, whenFalse));
}

/** `concat(lists...)`: a literal list while every part is one. */
export function concatLists(...lists: string[][]): string[] {
  return lists.some((list) => Token.isUnresolved(list)) ? Token.asList(Fn.concat(lists)) : lists.flat();
}

/**
 * `value >= minimum`. A Terraform minimum goes through `tonumber()`: cdktf writes an operand without
 * parentheses, and `a >= c ? x : y` would compare `a` with the condition.
 */
export function atLeast(value: IResolvable, minimum: number): Condition {
  return Op.gte(value, Token.isUnresolved(minimum) ? Fn.tonumber(minimum) : minimum);
}

/** `length(list) >= 1` (cdktf writes a literal 0 operand as `undefined`). */
export function nonEmpty(list: string[]): Condition {
  return Token.isUnresolved(list) ? Op.gte(Fn.lengthOf(list), 1) : list.length > 0;
}

/** `${expression}`: a Terraform interpolation, for values written in HCL. */
export function interpolate(expression: string): string {
  return `\${${expression}}`;
}

/**
 * A local value (`local.<name>`) holding an HCL object expression that a module computes from its
 * inputs, and an accessor for its attributes.
 */
export function hclLocal(scope: Construct, id: string, name: string, hcl: string): (attribute: string) => IResolvable {
  const local = new TerraformLocal(scope, id, interpolate(hcl));
  local.overrideLogicalId(name);
  return (attribute) => Fn.lookupNested(local.expression, [attribute]);
}

/**
 * A string that may be a Terraform expression, as a local value (`local.<name>`) when it is one: a
 * value read in several places, or one too long to read inside a profile, gets a name.
 */
export function namedValue(scope: Construct, id: string, name: string, value: string): string {
  if (!Token.isUnresolved(value)) return value;
  // Asked again (the same id in the same scope): the value already named.
  const existing = scope.node.tryFindChild(id);
  if (existing instanceof TerraformLocal) return existing.asString;
  const local = new TerraformLocal(scope, id, value);
  local.overrideLogicalId(name);
  return local.asString;
}

/**
 * A list that may be a Terraform expression, as a local value (`local.<name>`) when it is one: a
 * list read in several places is written once.
 */
export function namedList(scope: Construct, id: string, name: string, list: string[]): string[] {
  if (!Token.isUnresolved(list)) return list;
  const local = new TerraformLocal(scope, id, list);
  local.overrideLogicalId(name);
  return local.asList;
}

/**
 * `arn:<partition>:ec2:<region>`, the start of every regional EC2 ARN of the deployment, named once
 * per stack (`local.ec2_arn` in a module): the bakery's and self-deploy's policies read it in most
 * statements.
 */
export function ec2Arn(scope: Construct, place: { readonly partition: string; readonly region: string }): string {
  return namedValue(TerraformStack.of(scope), "Ec2Arn", "ec2_arn", `arn:${place.partition}:ec2:${place.region}`);
}

/**
 * A local value of the whole stack (`local.<name>` in a module), made by the first construct that
 * asks for it by `id` and shared with the others: a table several lookups read.
 */
export function stackLocal(scope: Construct, id: string, name: string, value: unknown): TerraformLocal {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof TerraformLocal) return existing;
  const local = new TerraformLocal(stack, id, value);
  local.overrideLogicalId(name);
  return local;
}
