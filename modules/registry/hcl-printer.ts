/**
 * Terraform JSON -> HCL native syntax, for the Registry copy of the modules. Terraform JSON is the
 * source of truth (cdktf synthesizes it); this prints the same configuration so that a reviewer
 * reads `.tf` files. What the printer must know that JSON does not say:
 * - which object-valued keys are nested blocks (from the provider schema: provider-blocks.json);
 * - which strings are templates (evaluated: resource arguments, locals, outputs' values, conditions),
 *   which are literals (a variable's default and description, the `terraform` block: Terraform reads
 *   those JSON strings without evaluating them) and which are bare references (`depends_on`,
 *   `ignore_changes`, a dynamic block's `iterator`, `moved`);
 * - how a long line is broken so that `terraform fmt` leaves it as it is (hcl-syntax.ts).
 * Values are printed as they are, with two exceptions: a description or a validation's message too
 * long for a line is wrapped into a heredoc at spaces, since those are prose for people; and a
 * quoted template too long for its line is written as `join("", [...])` of its parts, the same
 * string, so that it breaks one part per line.
 */
import {
  bracketChange,
  layoutLines,
  splitLines,
  type TemplatePart,
  type Token,
  templateParts,
  tokenize,
} from "./hcl-syntax";
import type { BlockNames, ProviderBlocks } from "./provider-schema";

/** The longest line the printer writes where it has a choice (heredoc bodies and literals excepted). */
export const MAX_LINE = 160;
/** Prose wrapped into a heredoc is wrapped at this width, for reading. */
const PROSE_WIDTH = 100;

const KEYWORDS = new Set(["for", "in", "if", "null", "true", "false", "endfor", "endif", "else"]);
const META_ARGUMENTS = ["count", "for_each", "provider", "depends_on"];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** How a JSON string is read by Terraform in a given place. */
type StringMode = "template" | "literal";

export class HclPrintError extends Error {}

function fail(where: string, problem: string, value: unknown): never {
  throw new HclPrintError(`${where}: ${problem}; got ${JSON.stringify(value)?.slice(0, 200)}`);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether an object key can be written bare. HCL allows `-` in identifiers, but `managed-by = 1`
 * reads as a subtraction: such keys stay quoted.
 */
function identifier(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !KEYWORDS.has(key);
}

/**
 * Object keys that cdktf quotes inside expressions (`{ "Name" = ... }`), bare where they can be: a
 * bare identifier key is the same string in an object constructor, and `"x" =` occurs nowhere else.
 */
function unquoteKeys(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const [open, literal, close, equal] = tokens.slice(i, i + 4);
    if (
      open.type === "oquote" &&
      literal?.type === "quotedlit" &&
      close?.type === "cquote" &&
      equal?.type === "equal" &&
      identifier(literal.text)
    ) {
      out.push({ type: "ident", text: literal.text });
      i += 2;
    } else {
      out.push(open);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strings

/** Escapes literal text for a quoted HCL string; `$${` and `%%{` escapes pass through as they are. */
function escapeQuoted(text: string): string {
  return [...text].map((c) => (c === "\\" || c === '"' || c.charCodeAt(0) < 0x20 ? escapeCharacter(c) : c)).join("");
}

function escapeCharacter(c: string): string {
  switch (c) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }
}

/** A literal (unevaluated) string as template source: `${` and `%{` must not start a sequence. */
function literalAsTemplate(text: string): string {
  return text.replace(/([$%])\{/g, "$1$1{");
}

/** The expression inside a template that is exactly one `${ }` without strip markers, if it is one. */
function soleInterpolation(parts: readonly TemplatePart[]): string | undefined {
  if (parts.length !== 1 || parts[0].kind !== "sequence") return undefined;
  const text = parts[0].text;
  if (!text.startsWith("${") || text.startsWith("${~") || text.endsWith("~}")) return undefined;
  return text.slice(2, -1);
}

function quotedTemplate(parts: readonly TemplatePart[]): string {
  return `"${parts.map((p) => (p.kind === "literal" ? escapeQuoted(p.text) : p.text)).join("")}"`;
}

/**
 * A heredoc for multi-line template source. Indented (`<<-`) when Terraform's removal of the
 * common indentation gives back exactly the text: some line must start without whitespace, and no
 * line may be whitespace only or start with a tab (Terraform counts those differently).
 */
function heredoc(source: string, indent: number): string {
  if (!source.endsWith("\n")) {
    // A heredoc always ends in a newline. After a last literal, chomp() takes it away (the closing
    // delimiter must end its line, so chomp's parenthesis goes on the next); after a last
    // interpolation, whose value may end in newlines of its own (yamlencode), a strip marker `~}`
    // drops only the heredoc's newline.
    const parts = templateParts(source);
    const last = parts[parts.length - 1];
    if (last.kind === "literal") return `chomp(${heredoc(`${source}\n`, indent)}\n)`;
    const stripped = last.text.endsWith("~}") ? last.text : `${last.text.slice(0, -1)}~}`;
    return heredoc(`${source.slice(0, source.length - last.text.length)}${stripped}\n`, indent);
  }
  const lines = source.slice(0, -1).split("\n");
  let delimiter = "EOT";
  for (let n = 1; lines.some((l) => l.trim() === delimiter); n++) delimiter = `EOT${n}`;
  const flushable =
    lines.some((l) => l.length > 0 && !/^\s/.test(l)) && !lines.some((l) => /^\t/.test(l) || /^\s+$/.test(l));
  const pad = flushable ? " ".repeat(indent + 2) : "";
  return [
    `<<${flushable ? "-" : ""}${delimiter}`,
    ...lines.map((l) => (l.length === 0 ? "" : pad + l)),
    `${flushable ? " ".repeat(indent) : ""}${delimiter}`,
  ].join("\n");
}

/** Prose wrapped at spaces outside of `${ }`, as the lines of a heredoc. */
function wrapProse(source: string, indent: number): string {
  const words: string[] = [""];
  for (const part of templateParts(source)) {
    if (part.kind === "sequence") {
      words[words.length - 1] += part.text;
      continue;
    }
    const pieces = part.text.split(" ");
    words[words.length - 1] += pieces[0];
    words.push(...pieces.slice(1));
  }
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= PROSE_WIDTH) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return heredoc(`${lines.join("\n")}\n`, indent);
}

// ---------------------------------------------------------------------------------------------
// Values

/** A JSON value as an HCL expression on one line (`layout` spaces it; `breakLongLines` breaks it). */
function value(v: Json, mode: StringMode, where: string): string {
  if (v === null) return "null";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (typeof v === "string") {
    const source = mode === "literal" ? literalAsTemplate(v) : v;
    const parts = templateParts(source);
    return soleInterpolation(parts) ?? quotedTemplate(parts);
  }
  if (Array.isArray(v)) return `[${v.map((item, i) => value(item, mode, `${where}[${i}]`)).join(", ")}]`;
  const items = Object.entries(v).map(
    ([key, item]) => `${objectKey(key, mode)} = ${value(item, mode, `${where}.${key}`)}`,
  );
  return items.length === 0 ? "{}" : `{ ${items.join(", ")} }`;
}

function objectKey(key: string, mode: StringMode): string {
  if (identifier(key)) return key;
  return quotedTemplate(templateParts(mode === "literal" ? literalAsTemplate(key) : key));
}

/**
 * An attribute's value: a string of several lines becomes a heredoc, so that it reads as the text
 * it is. One line and its newline stay quoted, where a long interpolation can still be broken.
 */
function attributeValue(v: Json, mode: StringMode, indent: number, where: string): string {
  if (typeof v === "string" && v.slice(0, -1).includes("\n") && !v.includes("\r")) {
    const source = mode === "literal" ? literalAsTemplate(v) : v;
    const parts = templateParts(source);
    const sole = soleInterpolation(parts);
    if (sole !== undefined) return sole;
    return heredoc(source, indent);
  }
  return value(v, mode, where);
}

/** A description or message: quoted when `key = "..."` fits on its line, else wrapped into a heredoc. */
function prose(key: string, v: Json, mode: StringMode, indent: number, where: string): string {
  if (typeof v !== "string") return `${key} = ${value(v, mode, where)}`;
  const source = mode === "literal" ? literalAsTemplate(v) : v;
  const quoted = quotedTemplate(templateParts(source));
  if (indent + key.length + 3 + quoted.length <= MAX_LINE || v.includes("\n")) {
    return `${key} = ${attributeValue(v, mode, indent, where)}`;
  }
  return `${key} = ${wrapProse(source, indent)}`;
}

/** A JSON string that Terraform reads as a bare expression (`"aws_lb.this"`, `"${aws_lb.this}"`). */
function reference(v: Json, where: string): string {
  if (typeof v !== "string") fail(where, "expected a reference as a string", v);
  const sole = soleInterpolation(templateParts(v));
  return sole ?? v;
}

// ---------------------------------------------------------------------------------------------
// Bodies

/** Lines of a body; `indent` is only needed where a heredoc's closing line is written. */
class Body {
  readonly lines: string[] = [];
  constructor(readonly indent: number) {}

  attribute(key: string, text: string): void {
    this.lines.push(`${key} = ${text}`);
  }

  block(header: string, fill: (body: Body) => void): void {
    const inner = new Body(this.indent + 2);
    fill(inner);
    // A gap left after the meta-arguments of a body with nothing else.
    while (inner.lines[inner.lines.length - 1] === "") inner.lines.pop();
    if (inner.lines.length === 0) {
      this.lines.push(`${header} {}`);
      return;
    }
    this.lines.push(`${header} {`, ...inner.lines, "}");
  }

  gap(): void {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }
}

function blockList(v: Json, where: string): JsonObject[] {
  const list = Array.isArray(v) ? v : [v];
  for (const item of list) if (!isObject(item)) fail(where, "a nested block must be a JSON object", item);
  return list as JsonObject[];
}

/**
 * A resource, data source or nested block body: meta-arguments first, then attributes, then
 * nested blocks (each name's static blocks, then its dynamic ones: the order Terraform gives them
 * in JSON), then `lifecycle`.
 */
function resourceBody(body: Body, object: JsonObject, blocks: BlockNames, where: string): void {
  const meta = META_ARGUMENTS.filter((key) => key in object);
  for (const key of meta) {
    const v = object[key];
    if (key === "depends_on") {
      if (!Array.isArray(v)) fail(`${where}.depends_on`, "expected a list", v);
      body.attribute(key, `[${v.map((d, i) => reference(d, `${where}.depends_on[${i}]`)).join(", ")}]`);
    } else if (key === "provider") {
      body.attribute(key, reference(v, `${where}.provider`));
    } else {
      body.attribute(key, value(v, "template", `${where}.${key}`));
    }
  }
  body.gap();
  const rest = Object.entries(object).filter(([key]) => !META_ARGUMENTS.includes(key));
  for (const [key, v] of rest) {
    if (key === "dynamic" || key === "lifecycle" || key in blocks) continue;
    if (key === "provisioner" || key === "connection") fail(`${where}.${key}`, "the printer writes no provisioners", v);
    body.attribute(key, attributeValue(v, "template", body.indent, `${where}.${key}`));
  }
  const dynamic = (object.dynamic ?? {}) as JsonObject;
  if (!isObject(dynamic)) fail(`${where}.dynamic`, "expected an object of dynamic blocks by name", dynamic);
  // Blocks in the JSON's key order, `dynamic` where it stands: Terraform reads a JSON body's blocks
  // in that order, and the order of blocks of one name is the order of their values (a policy
  // document's statements). cdktf sorts keys, so dynamic blocks come before static ones.
  for (const [key, v] of rest) {
    if (key === "dynamic") {
      for (const [name, list] of Object.entries(dynamic)) {
        const nested = blocks[name];
        if (nested === undefined)
          fail(`${where}.dynamic.${name}`, "not a nested block of this type in the provider schema", list);
        for (const [i, item] of blockList(list, `${where}.dynamic.${name}`).entries()) {
          body.gap();
          body.block(`dynamic "${name}"`, (inner) =>
            dynamicBody(inner, item, nested, `${where}.dynamic.${name}[${i}]`),
          );
        }
      }
    } else if (key in blocks) {
      for (const [i, item] of blockList(v, `${where}.${key}`).entries()) {
        body.gap();
        body.block(key, (inner) => resourceBody(inner, item, blocks[key], `${where}.${key}[${i}]`));
      }
    }
  }
  if ("lifecycle" in object) {
    body.gap();
    body.block("lifecycle", (inner) => lifecycleBody(inner, object.lifecycle, `${where}.lifecycle`));
  }
}

function dynamicBody(body: Body, object: JsonObject, blocks: BlockNames, where: string): void {
  const { for_each, iterator, labels, content, ...unknown } = object;
  if (Object.keys(unknown).length > 0) fail(where, "unknown keys in a dynamic block", Object.keys(unknown));
  body.attribute("for_each", value(for_each, "template", `${where}.for_each`));
  if (iterator !== undefined) body.attribute("iterator", reference(iterator, `${where}.iterator`));
  if (labels !== undefined) body.attribute("labels", value(labels, "template", `${where}.labels`));
  if (!isObject(content)) fail(`${where}.content`, "expected the content block as an object", content);
  body.gap();
  body.block("content", (inner) => resourceBody(inner, content, blocks, `${where}.content`));
}

function conditions(body: Body, name: string, v: Json, where: string): void {
  for (const [i, check] of blockList(v, where).entries()) {
    body.gap();
    body.block(name, (inner) => {
      inner.attribute("condition", value(check.condition, "template", `${where}[${i}].condition`));
      inner.lines.push(
        prose("error_message", check.error_message, "template", inner.indent, `${where}[${i}].error_message`),
      );
    });
  }
}

function lifecycleBody(body: Body, v: Json, where: string): void {
  if (!isObject(v)) fail(where, "expected an object", v);
  for (const [key, item] of Object.entries(v)) {
    if (key === "precondition" || key === "postcondition") continue;
    if (key === "ignore_changes" || key === "replace_triggered_by") {
      if (!Array.isArray(item)) {
        // `ignore_changes = all`
        body.attribute(key, reference(item, `${where}.${key}`));
      } else {
        body.attribute(key, `[${item.map((x, i) => reference(x, `${where}.${key}[${i}]`)).join(", ")}]`);
      }
    } else if (key === "create_before_destroy" || key === "prevent_destroy") {
      body.attribute(key, value(item, "template", `${where}.${key}`));
    } else {
      fail(`${where}.${key}`, "not a lifecycle argument the printer knows", item);
    }
  }
  for (const key of ["precondition", "postcondition"]) {
    if (key in v) conditions(body, key, v[key], `${where}.${key}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Top-level blocks

/** The parts of a module's JSON, by top-level block type. */
export interface ModuleJson {
  terraform?: JsonObject;
  variable?: Record<string, JsonObject>;
  output?: Record<string, JsonObject>;
  locals?: JsonObject;
  resource?: Record<string, Record<string, JsonObject>>;
  data?: Record<string, Record<string, JsonObject>>;
  moved?: JsonObject[];
  check?: Record<string, JsonObject>;
  [block: string]: unknown;
}

export function terraformBlock(terraform: JsonObject): string[] {
  const top = new Body(0);
  top.block("terraform", (body) => {
    const { required_providers, ...rest } = terraform;
    for (const [key, v] of Object.entries(rest)) body.attribute(key, value(v, "literal", `terraform.${key}`));
    if (required_providers !== undefined) {
      if (!isObject(required_providers)) fail("terraform.required_providers", "expected an object", required_providers);
      body.gap();
      body.block("required_providers", (inner) => {
        // One line per setting, as every Registry module writes its requirements.
        for (const [name, p] of Object.entries(required_providers)) {
          const where = `terraform.required_providers.${name}`;
          if (!isObject(p)) fail(where, "expected { source, version }", p);
          inner.lines.push(
            `${name} = {`,
            ...Object.entries(p).map(([k, x]) => `${k} = ${value(x, "literal", where)}`),
            "}",
          );
        }
      });
    }
  });
  return top.lines;
}

export function variableBlock(name: string, v: JsonObject): string[] {
  const where = `variable.${name}`;
  const top = new Body(0);
  top.block(`variable "${name}"`, (body) => {
    const { description, type, default: fallback, nullable, sensitive, ephemeral, validation, ...unknown } = v;
    if (Object.keys(unknown).length > 0) fail(where, "unknown variable arguments", Object.keys(unknown));
    if (description !== undefined)
      body.lines.push(prose("description", description, "literal", 2, `${where}.description`));
    // A type is a type expression written as a string in JSON, and bare in HCL.
    if (type !== undefined)
      body.attribute("type", typeof type === "string" ? type : fail(`${where}.type`, "expected a string", type));
    if ("default" in v) body.attribute("default", attributeValue(fallback, "literal", 2, `${where}.default`));
    for (const [key, flag] of Object.entries({ nullable, sensitive, ephemeral })) {
      if (flag !== undefined) body.attribute(key, value(flag, "literal", `${where}.${key}`));
    }
    if (validation !== undefined) {
      for (const [i, rule] of blockList(validation, `${where}.validation`).entries()) {
        body.gap();
        body.block("validation", (inner) => {
          inner.attribute("condition", value(rule.condition, "template", `${where}.validation[${i}].condition`));
          inner.lines.push(
            prose("error_message", rule.error_message, "template", 4, `${where}.validation[${i}].error_message`),
          );
        });
      }
    }
  });
  return top.lines;
}

export function outputBlock(name: string, o: JsonObject): string[] {
  const where = `output.${name}`;
  const top = new Body(0);
  top.block(`output "${name}"`, (body) => {
    const { description, value: v, sensitive, ephemeral, depends_on, precondition, ...unknown } = o;
    if (Object.keys(unknown).length > 0) fail(where, "unknown output arguments", Object.keys(unknown));
    if (description !== undefined)
      body.lines.push(prose("description", description, "literal", 2, `${where}.description`));
    body.attribute("value", attributeValue(v, "template", 2, `${where}.value`));
    for (const [key, flag] of Object.entries({ sensitive, ephemeral })) {
      if (flag !== undefined) body.attribute(key, value(flag, "template", `${where}.${key}`));
    }
    if (depends_on !== undefined) {
      if (!Array.isArray(depends_on)) fail(`${where}.depends_on`, "expected a list", depends_on);
      body.attribute(
        "depends_on",
        `[${depends_on.map((d, i) => reference(d, `${where}.depends_on[${i}]`)).join(", ")}]`,
      );
    }
    if (precondition !== undefined) conditions(body, "precondition", precondition, `${where}.precondition`);
  });
  return top.lines;
}

export function localsBlock(locals: JsonObject): string[] {
  const top = new Body(0);
  top.block("locals", (body) => {
    for (const [name, v] of Object.entries(locals))
      body.attribute(name, attributeValue(v, "template", 2, `locals.${name}`));
  });
  return top.lines;
}

export function resourceBlock(
  kind: "resource" | "data",
  type: string,
  name: string,
  object: JsonObject,
  schema: ProviderBlocks,
): string[] {
  const blocks = schema[kind][type];
  const where = `${kind === "data" ? "data." : ""}${type}.${name}`;
  if (blocks === undefined) {
    fail(
      where,
      `${schema.provider} has no ${kind} type ${type} in provider-blocks.json (run \`npm run provider-blocks\`)`,
      type,
    );
  }
  const top = new Body(0);
  top.block(`${kind} "${type}" "${name}"`, (body) => resourceBody(body, object, blocks, where));
  return top.lines;
}

export function movedBlock(moved: JsonObject, i: number): string[] {
  const top = new Body(0);
  top.block("moved", (body) => {
    body.attribute("from", reference(moved.from, `moved[${i}].from`));
    body.attribute("to", reference(moved.to, `moved[${i}].to`));
  });
  return top.lines;
}

export function checkBlock(name: string, check: JsonObject, schema: ProviderBlocks): string[] {
  const top = new Body(0);
  top.block(`check "${name}"`, (body) => {
    const { data, assert, ...unknown } = check;
    if (Object.keys(unknown).length > 0) fail(`check.${name}`, "unknown check arguments", Object.keys(unknown));
    for (const [type, byName] of Object.entries((data ?? {}) as Record<string, Record<string, JsonObject>>)) {
      for (const [dataName, object] of Object.entries(byName)) {
        body.gap();
        body.lines.push(...resourceBlock("data", type, dataName, object, schema));
      }
    }
    if (assert !== undefined) conditions(body, "assert", assert, `check.${name}.assert`);
  });
  return top.lines;
}

// ---------------------------------------------------------------------------------------------
// Files

/** One .tf file from top-level blocks (each a list of raw lines), laid out as `terraform fmt` would. */
export function hclFile(comment: string, blocks: readonly string[][]): string {
  const raw = [...comment.split("\n").map((line) => `# ${line}`.trimEnd()), ...blocks.flatMap((b) => ["", ...b])].join(
    "\n",
  );
  return `${layoutLines(breakLongLines(unquoteKeys(tokenize(raw)))).join("\n")}\n`;
}

/** Where a line may be broken: a bracket group on one line, or the `&&`/`||` of a line inside brackets. */
interface Break {
  readonly depth: number;
  readonly priority: number;
  readonly span: number;
  readonly apply: (tokens: Token[]) => Token[];
}

const NEWLINE: Token = { type: "newline", text: "\n" };
const COMMA: Token = { type: "comma", text: "," };

/**
 * Breaks every line longer than MAX_LINE where the syntax allows it, outermost group first:
 * calls and tuples one argument per line with a trailing comma, objects one item per line,
 * `for` expressions on their own line, and a chain of `&&`/`||` after each operator.
 */
export function breakLongLines(input: readonly Token[]): Token[] {
  let tokens = [...input];
  for (let pass = 0; pass < 10_000; pass++) {
    const lines = layoutLines(tokens);
    const logical = splitLines(tokens);
    let start = 0;
    let applied = false;
    const context = expressionContext(tokens);
    for (const [i, line] of logical.entries()) {
      const firstPhysical = lines[i].split("\n")[0];
      if (firstPhysical.length > MAX_LINE) {
        for (const candidate of breaks(tokens, start, line.length, context)) {
          const next = candidate.apply(tokens);
          if (next.length !== tokens.length) {
            tokens = next;
            applied = true;
            break;
          }
        }
        if (applied) break;
      }
      start += line.length + 1;
    }
    if (!applied) return tokens;
  }
  throw new HclPrintError("breaking long lines did not settle after 10000 passes");
}

/** For each token, whether a newline before it is insignificant: inside (), [] or a `${ }`. */
function expressionContext(tokens: readonly Token[]): boolean[] {
  const stack: boolean[] = [];
  const out: boolean[] = [];
  for (const t of tokens) {
    out.push(stack.length > 0 && stack[stack.length - 1]);
    if (t.type === "oparen" || t.type === "obrack") stack.push(true);
    else if (t.type === "obrace") {
      // In a block's body and in an object constructor alike, a newline ends an item.
      stack.push(false);
    } else if (t.type === "interp" || t.type === "control") {
      stack.push(true);
    } else if (t.type === "oquote" || t.type === "oheredoc") {
      // A template's literal text keeps its line.
      stack.push(false);
    } else if (["cparen", "cbrack", "cbrace", "seqend", "cquote", "cheredoc"].includes(t.type)) stack.pop();
  }
  return out;
}

/** The ways to break the line of `length` tokens from `start`, best first. */
function breaks(tokens: readonly Token[], start: number, length: number, context: readonly boolean[]): Break[] {
  const end = start + length;
  const found: Break[] = [];
  // Nothing inside a heredoc is broken: hclwrite indents the lines of a heredoc's interpolation as
  // if the brackets opened before them did not count, which would move the lines after it. Inside a
  // quoted string's `${ }` a newline is insignificant, as anywhere between brackets.
  let heredocs = 0;
  const opens: { index: number; depth: number }[] = [];
  const quotes: { index: number; depth: number }[] = [];
  for (let i = start; i < end; i++) {
    const t = tokens[i];
    if (t.type === "oheredoc") heredocs++;
    if (t.type === "cheredoc") heredocs--;
    if (heredocs > 0) continue;
    if (t.type === "oquote") quotes.push({ index: i, depth: opens.length });
    if (t.type === "cquote") {
      const quote = quotes.pop();
      const rewrite = quote && templateAsJoin(tokens, quote.index, i, quote.depth);
      if (rewrite) found.push(rewrite);
    }
    if (t.type === "obrace" || t.type === "obrack" || t.type === "oparen")
      opens.push({ index: i, depth: opens.length });
    if (t.type === "cbrace" || t.type === "cbrack" || t.type === "cparen") {
      const open = opens.pop();
      if (open === undefined) continue;
      const group = groupBreak(tokens, open.index, i, open.depth);
      if (group) found.push(group);
    }
  }
  // `&&`/`||` at the line's own level, when a newline there is insignificant.
  const chain: number[] = [];
  // The line's own `cond ? a : b`: where its expression starts (after a top-level `=`), and its
  // top-level `?` and `:` tokens.
  let exprStart = start;
  const ternary: number[] = [];
  let depth = 0;
  for (let i = start; i < end; i++) {
    const t = tokens[i];
    if (t.type === "oheredoc") heredocs++;
    if (t.type === "cheredoc") heredocs--;
    if (heredocs > 0) continue;
    depth += bracketChange(t);
    if (depth !== 0) continue;
    const last = i === end - 1;
    if (!last && t.type === "operator" && (t.text === "&&" || t.text === "||") && context[i]) chain.push(i);
    if (t.type === "equal" && exprStart === start && ternary.length === 0) exprStart = i + 1;
    if (t.type === "question" || t.type === "colon") ternary.push(i);
  }
  if (chain.length > 0) {
    found.push({ depth: -1, priority: 0, span: length, apply: (all) => insertAfter(all, chain) });
  }
  const conditional = ternaryBreak(tokens, exprStart, end, ternary, context);
  if (conditional) found.push(conditional);
  return found.sort((a, b) => a.depth - b.depth || a.priority - b.priority || b.span - a.span);
}

/**
 * A conditional too long for its line, one part per line: before its `?` and its `:`. Where a
 * newline would end the attribute or the object item, the expression is parenthesized first
 * (the next pass breaks inside the parentheses). Not a `for` expression's own `:`.
 */
function ternaryBreak(
  tokens: readonly Token[],
  exprStart: number,
  end: number,
  marks: readonly number[],
  context: readonly boolean[],
): Break | undefined {
  const first = tokens[exprStart];
  if (marks.length < 2 || tokens[marks[0]].type !== "question" || first === undefined) return undefined;
  if (first.type === "ident" && first.text === "for") return undefined;
  // The `:` of the first `?`: nested conditionals in the branches pair their own.
  let open = 0;
  const colon = marks.find((i) => {
    open += tokens[i].type === "question" ? 1 : -1;
    return open === 0;
  });
  if (colon === undefined) return undefined;
  const question = marks[0];
  if (context[question]) {
    return {
      depth: -1,
      priority: 1,
      span: end - exprStart,
      apply: (all) => all.flatMap((t, i) => (i === question || i === colon ? [NEWLINE, t] : [t])),
    };
  }
  const stop = tokens[end - 1].type === "comma" ? end - 1 : end;
  return {
    depth: -1,
    priority: 1,
    span: end - exprStart,
    apply: (all) => [
      ...all.slice(0, exprStart),
      { type: "oparen", text: "(" },
      NEWLINE,
      ...all.slice(exprStart, stop),
      NEWLINE,
      { type: "cparen", text: ")" },
      ...all.slice(stop),
    ],
  };
}

function insertAfter(tokens: readonly Token[], positions: readonly number[]): Token[] {
  const set = new Set(positions);
  return tokens.flatMap((t, i) => (set.has(i) && tokens[i + 1]?.type !== "newline" ? [t, NEWLINE] : [t]));
}

/**
 * A quoted template too long for its line, as `join("", [...])` of its parts: each literal a
 * string, each interpolation its expression. The same string whenever the template has one (both
 * refuse a null or a collection; numbers and bools convert alike), and it breaks one part per line
 * instead of inside an interpolation. Not for object keys, strip markers or `%{ }` directives.
 */
function templateAsJoin(tokens: readonly Token[], oquote: number, cquote: number, depth: number): Break | undefined {
  if (tokens[cquote + 1]?.type === "equal") return undefined;
  const parts: Token[][] = [];
  for (let i = oquote + 1; i < cquote; i++) {
    const t = tokens[i];
    if (t.type === "quotedlit") {
      parts.push([{ type: "oquote", text: '"' }, t, { type: "cquote", text: '"' }]);
    } else if (t.type === "interp" && t.text === "${") {
      const close = matching(tokens, i);
      if (tokens[close].text !== "}") return undefined;
      parts.push(tokens.slice(i + 1, close));
      i = close;
    } else {
      return undefined;
    }
  }
  if (parts.length < 2 || parts.every((p) => p[0].type === "oquote")) return undefined;
  const replacement: Token[] = [
    { type: "ident", text: "join" },
    { type: "oparen", text: "(" },
    { type: "oquote", text: '"' },
    { type: "cquote", text: '"' },
    COMMA,
    { type: "obrack", text: "[" },
    ...parts.flatMap((p, i) => (i === 0 ? p : [COMMA, ...p])),
    { type: "cbrack", text: "]" },
    { type: "cparen", text: ")" },
  ];
  return {
    depth,
    priority: 0,
    span: cquote - oquote,
    apply: (all) => [...all.slice(0, oquote), ...replacement, ...all.slice(cquote + 1)],
  };
}

/** How to break the group from `open` to `close` (both on one line), if it is worth breaking. */
function groupBreak(tokens: readonly Token[], open: number, close: number, depth: number): Break | undefined {
  if (close === open + 1) return undefined;
  const commas: number[] = [];
  let level = 0;
  for (let i = open + 1; i < close; i++) {
    level += bracketChange(tokens[i]);
    if (level === 0 && tokens[i].type === "comma") commas.push(i);
  }
  const isFor = tokens[open + 1].type === "ident" && tokens[open + 1].text === "for";
  const span = close - open;
  const kind = tokens[open].type;
  if (isFor) {
    return { depth, priority: 2, span, apply: (all) => splice(all, [open], [close], []) };
  }
  const trailing = commas.length > 0 && commas[commas.length - 1] === close - 1;
  const separators = trailing ? commas.slice(0, -1) : commas;
  if (kind === "obrace") {
    // Items on their own lines need no commas.
    return {
      depth,
      priority: 1,
      span,
      apply: (all) => splice(all, [open], [close], commas, { replaceCommas: true }),
    };
  }
  const lastItem = separators.length === 0 ? open + 1 : separators[separators.length - 1] + 1;
  const itemEnd = close - 1 - (trailing ? 1 : 0);
  // The last argument, when it is a bracket group or a call, stays on the opening line
  // (`jsonencode({`, `sha256(join(`, `join(",", [`), and is broken itself: one indent, not two.
  const hugged = (at: number) =>
    (bracketChange(tokens[at]) > 0 && matching(tokens, at) === itemEnd) ||
    (tokens[at].type === "ident" && tokens[at + 1]?.type === "oparen" && matching(tokens, at + 1) === itemEnd);
  const before = tokens
    .slice(open + 1, lastItem)
    .map((t) => t.text)
    .join("");
  if (kind === "oparen" && hugged(lastItem) && before.length <= 40) return undefined;
  if (separators.length === 0) {
    if (hugged(open + 1)) return undefined;
    return { depth, priority: 3, span, apply: (all) => splice(all, [open], [close], []) };
  }
  const ellipsis = tokens[close - 1].type === "ellipsis";
  return {
    depth,
    priority: 1,
    span,
    apply: (all) => splice(all, [open], [close], separators, { trailingComma: !trailing && !ellipsis }),
  };
}

function matching(tokens: readonly Token[], open: number): number {
  let level = 0;
  for (let i = open; i < tokens.length; i++) {
    level += bracketChange(tokens[i]);
    if (level === 0) return i;
  }
  return -1;
}

/** Newlines after `afterOpen`, after each comma in `commas` (or in their place), and before `beforeClose`. */
function splice(
  tokens: readonly Token[],
  afterOpen: readonly number[],
  beforeClose: readonly number[],
  commas: readonly number[],
  options: { replaceCommas?: boolean; trailingComma?: boolean } = {},
): Token[] {
  const out: Token[] = [];
  for (const [i, t] of tokens.entries()) {
    if (beforeClose.includes(i)) {
      if (options.trailingComma) out.push(COMMA);
      if (out[out.length - 1]?.type !== "newline") out.push(NEWLINE);
    }
    if (commas.includes(i)) {
      if (!options.replaceCommas) out.push(t);
      out.push(NEWLINE);
      continue;
    }
    out.push(t);
    if (afterOpen.includes(i)) out.push(NEWLINE);
  }
  return out;
}
