/**
 * JSON written as a Terraform template (`templatefile()`), for a document that TypeScript builds and
 * Terraform fills in: the same builder gives plain values (what a test reads) or, given template
 * variables, a template whose every configuration-dependent value is a variable, so that one text
 * serves every stack and module. Literal text is escaped for Terraform (`$${`, `%%{`), so a pipeline
 * expression such as `${trigger['parameters']['version']}` reaches Spinnaker unchanged.
 */
import { InternalError } from "../errors";

/** A template variable or expression, such as `security_group_ids`: written as its JSON. */
export class Expression {
  constructor(readonly hcl: string) {}
}

/** A string of literal text and template expressions (which must not hold quotes or backslashes). */
export class Text {
  constructor(readonly parts: readonly (string | Expression)[]) {}
}

/** One of two values, chosen by a template condition (`%{ if }`): for a list entry. */
export class Choice {
  constructor(
    readonly condition: Expression,
    readonly whenTrue: unknown,
    readonly whenFalse: unknown,
  ) {}
}

/** A value that is a literal, or a template expression. */
export type Value<T> = T | Expression;

/** A template variable. */
export const variable = (name: string) => new Expression(name);

/** `condition ? whenTrue : whenFalse`: decided here for a literal, by the template for an expression. */
export function choose<T>(condition: Value<boolean>, whenTrue: T, whenFalse: T): T | Choice {
  if (condition instanceof Expression) return new Choice(condition, whenTrue, whenFalse);
  return condition ? whenTrue : whenFalse;
}

/** Literal text with expressions in it: a plain string when every part is literal. */
export function text(...parts: (string | Expression)[]): string | Text {
  return parts.every((p) => typeof p === "string") ? parts.join("") : new Text(parts);
}

/** Marks an object key that is a template expression (JSON keys are strings, never expressions). */
const EXPRESSION_KEY = "\u0000";

/**
 * An object key that may be a template expression, such as the region of a deploy's zones: the
 * literal, or a marked key that the template writes as `"${<expression>}"` (which must hold no quotes).
 */
export function key(value: Value<string>): string {
  return value instanceof Expression ? `${EXPRESSION_KEY}${value.hcl}` : value;
}

/** Terraform's template syntax in literal text: `${` and `%{` become `$${` and `%%{`. */
function escaped(literal: string): string {
  // A function: in a replacement string, "$$" would stand for one "$".
  return literal.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** A literal string as JSON inside the template. */
const jsonString = (s: string) => escaped(JSON.stringify(s));

/**
 * The template text of `value`, indented by two spaces a level, with a trailing newline. Objects and
 * lists of literals are as `JSON.stringify(value, null, 2)` writes them.
 */
export function jsonTemplate(value: unknown): string {
  return `${render(value, "")}\n`;
}

function render(value: unknown, indent: string): string {
  if (value instanceof Expression) return `\${jsonencode(${value.hcl})}`;
  if (value instanceof Text) {
    const inner = value.parts
      .map((p) => (typeof p === "string" ? escaped(JSON.stringify(p).slice(1, -1)) : `\${${p.hcl}}`))
      .join("");
    return `"${inner}"`;
  }
  if (value instanceof Choice) throw new InternalError("a template choice stands only for an entry of a list");
  if (typeof value === "string") return jsonString(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const lines = value.map((entry, i) => {
      const comma = i < value.length - 1 ? "," : "";
      if (!(entry instanceof Choice)) return `${inner}${render(entry, inner)}${comma}\n`;
      // Each branch is one whole entry, comma included; `~` strips the directive's own line break.
      return [
        `%{ if ${entry.condition.hcl} ~}\n`,
        `${inner}${render(entry.whenTrue, inner)}${comma}\n`,
        "%{ else ~}\n",
        `${inner}${render(entry.whenFalse, inner)}${comma}\n`,
        "%{ endif ~}\n",
      ].join("");
    });
    return `[\n${lines.join("")}${indent}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const name = (k: string) => (k.startsWith(EXPRESSION_KEY) ? `"\${${k.slice(1)}}"` : jsonString(k));
    const lines = entries.map(([k, v]) => `${inner}${name(k)}: ${render(v, inner)}`);
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  throw new InternalError(`a JSON template cannot hold a ${typeof value}`);
}
