/**
 * HCL native syntax as tokens, and the canonical layout `terraform fmt` gives them. The printer
 * writes expressions as text (much of it comes verbatim from the synthesized JSON, where an
 * expression is the source inside `${ }`), then lays the tokens out here: indentation by bracket
 * depth, the spaces between tokens, and `=` aligned within runs of one-line attributes. These are
 * the rules hclwrite applies; `terraform fmt -check` on the Registry layout (tools tier) holds this
 * file to them.
 */

export type TokenType =
  | "ident"
  | "number"
  | "oquote"
  | "cquote"
  | "quotedlit"
  | "interp"
  | "control"
  | "seqend"
  | "oheredoc"
  | "stringlit"
  | "cheredoc"
  | "obrace"
  | "cbrace"
  | "obrack"
  | "cbrack"
  | "oparen"
  | "cparen"
  | "comma"
  | "dot"
  | "colon"
  | "question"
  | "equal"
  | "arrow"
  | "ellipsis"
  | "bang"
  | "minus"
  | "operator"
  | "comment"
  | "newline";

export interface Token {
  readonly type: TokenType;
  readonly text: string;
}

const OPERATORS: readonly [string, TokenType][] = [
  ["...", "ellipsis"],
  ["=>", "arrow"],
  ["==", "operator"],
  ["!=", "operator"],
  ["<=", "operator"],
  [">=", "operator"],
  ["&&", "operator"],
  ["||", "operator"],
  ["=", "equal"],
  ["!", "bang"],
  ["-", "minus"],
  ["+", "operator"],
  ["*", "operator"],
  ["/", "operator"],
  ["%", "operator"],
  ["<", "operator"],
  [">", "operator"],
  ["?", "question"],
  [":", "colon"],
  [",", "comma"],
  [".", "dot"],
  ["{", "obrace"],
  ["}", "cbrace"],
  ["[", "obrack"],
  ["]", "cbrack"],
  ["(", "oparen"],
  [")", "cparen"],
];

/** A syntax error names what was being read and where, with the text around it. */
function syntaxError(what: string, source: string, at: number): Error {
  return new Error(`HCL: ${what} at offset ${at} in ${JSON.stringify(source.slice(Math.max(0, at - 40), at + 40))}`);
}

/** Tokens of HCL source (a file, a body, or one expression). Whitespace other than newlines is dropped. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const end = expression(source, 0, tokens, false);
  if (end !== source.length) throw syntaxError("unexpected `}`", source, end);
  return tokens;
}

/**
 * Reads expression tokens from `at`; inside a template interpolation (`inTemplate`) it stops at the
 * `}` (or `~}`) that closes it, which is left for the caller. Returns the offset it stopped at.
 */
function expression(source: string, at: number, tokens: Token[], inTemplate: boolean): number {
  let i = at;
  let braces = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "\n") {
      tokens.push({ type: "newline", text: "\n" });
      i++;
    } else if (c === "#" || (c === "/" && source[i + 1] === "/")) {
      const stop = source.indexOf("\n", i);
      const to = stop === -1 ? source.length : stop;
      tokens.push({ type: "comment", text: source.slice(i, to) });
      i = to;
    } else if (c === '"') {
      tokens.push({ type: "oquote", text: '"' });
      i = quoted(source, i + 1, tokens);
    } else if (c === "<" && source[i + 1] === "<" && /^<<-?[A-Za-z_][\w-]*\n/.test(source.slice(i, i + 200))) {
      i = heredoc(source, i, tokens);
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: "ident", text: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: "number", text: m[0] });
      i += m[0].length;
    } else if (inTemplate && braces === 0 && (c === "}" || (c === "~" && source[i + 1] === "}"))) {
      return i;
    } else {
      const op = OPERATORS.find(([text]) => source.startsWith(text, i));
      if (!op) throw syntaxError(`unexpected character ${JSON.stringify(c)}`, source, i);
      if (op[1] === "obrace") braces++;
      if (op[1] === "cbrace") {
        if (braces === 0) return i;
        braces--;
      }
      tokens.push({ type: op[1], text: op[0] });
      i += op[0].length;
    }
  }
  return i;
}

/** An interpolation or directive starting at `at` (`${` or `%{`); returns the offset after its `}`. */
function templateSequence(source: string, at: number, tokens: Token[]): number {
  const strip = source[at + 2] === "~";
  const open = source.slice(at, at + (strip ? 3 : 2));
  tokens.push({ type: open[0] === "$" ? "interp" : "control", text: open });
  const i = expression(source, at + open.length, tokens, true);
  if (source[i] === "~" && source[i + 1] === "}") {
    tokens.push({ type: "seqend", text: "~}" });
    return i + 2;
  }
  if (source[i] !== "}") throw syntaxError(`unclosed ${open}`, source, at);
  tokens.push({ type: "seqend", text: "}" });
  return i + 1;
}

/** The rest of a quoted template after its opening quote; returns the offset after the closing quote. */
function quoted(source: string, at: number, tokens: Token[]): number {
  let i = at;
  let literal = "";
  const flush = () => {
    if (literal) tokens.push({ type: "quotedlit", text: literal });
    literal = "";
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      flush();
      tokens.push({ type: "cquote", text: '"' });
      return i + 1;
    }
    if (c === "\n") throw syntaxError("newline in a quoted string", source, i);
    if (c === "\\") {
      literal += source.slice(i, i + 2);
      i += 2;
    } else if ((c === "$" || c === "%") && source[i + 1] === c && source[i + 2] === "{") {
      literal += source.slice(i, i + 3);
      i += 3;
    } else if ((c === "$" || c === "%") && source[i + 1] === "{") {
      flush();
      i = templateSequence(source, i, tokens);
    } else {
      literal += c;
      i++;
    }
  }
  throw syntaxError("unclosed quoted string", source, at);
}

/** A heredoc from its `<<`; its lines are one logical line to the layout, as they are to hclwrite. */
function heredoc(source: string, at: number, tokens: Token[]): number {
  const header = /^<<-?([A-Za-z_][\w-]*)\n/.exec(source.slice(at)) as RegExpExecArray;
  const delimiter = header[1];
  tokens.push({ type: "oheredoc", text: header[0] });
  let i = at + header[0].length;
  while (i < source.length) {
    const lineEnd = source.indexOf("\n", i);
    const line = source.slice(i, lineEnd === -1 ? source.length : lineEnd);
    if (line.trim() === delimiter) {
      tokens.push({ type: "cheredoc", text: line });
      return i + line.length;
    }
    // One line of the template: literals up to each sequence, the sequences as tokens.
    let literal = "";
    const stop = lineEnd === -1 ? source.length : lineEnd + 1;
    while (i < stop) {
      const c = source[i];
      if ((c === "$" || c === "%") && source[i + 1] === c && source[i + 2] === "{") {
        literal += source.slice(i, i + 3);
        i += 3;
      } else if ((c === "$" || c === "%") && source[i + 1] === "{") {
        if (literal) tokens.push({ type: "stringlit", text: literal });
        literal = "";
        i = templateSequence(source, i, tokens);
      } else {
        literal += c;
        i++;
      }
    }
    if (literal) tokens.push({ type: "stringlit", text: literal });
  }
  throw syntaxError(`heredoc without its closing ${delimiter}`, source, at);
}

const OPENERS = new Set<TokenType>(["obrace", "obrack", "oparen", "interp", "control"]);
const CLOSERS = new Set<TokenType>(["cbrace", "cbrack", "cparen", "seqend"]);

export function bracketChange(token: Token): number {
  if (OPENERS.has(token.type)) return 1;
  if (CLOSERS.has(token.type)) return -1;
  return 0;
}

const NEGATION_AFTER = new Set<TokenType>([
  "oparen",
  "obrace",
  "obrack",
  "equal",
  "colon",
  "comma",
  "question",
  "minus",
  "bang",
  "operator",
]);

/** Whether hclwrite puts one space between `subject` and `after` (`before` precedes `subject`). */
function spaceAfter(subject: Token, before: Token | undefined, after: Token | undefined): boolean {
  if (after === undefined || after.type === "newline") return false;
  if (subject.type === "ident" && after.type === "oparen") return false;
  if (subject.type === "dot" || after.type === "dot") return false;
  if (after.type === "comma" || after.type === "ellipsis") return false;
  if (subject.type === "comma") return true;
  if (
    ["quotedlit", "stringlit", "oquote", "oheredoc"].includes(subject.type) ||
    ["quotedlit", "stringlit", "cquote", "cheredoc"].includes(after.type)
  ) {
    return false;
  }
  if (subject.type === "ident" && subject.text === "in" && before?.type === "ident") return true;
  if (
    after.type === "obrack" &&
    (subject.type === "ident" || subject.type === "number" || bracketChange(subject) < 0)
  ) {
    return false;
  }
  // A minus after something that cannot end an operand is a negation: no space after it.
  if (subject.type === "minus") return !(before === undefined || NEGATION_AFTER.has(before.type));
  if (subject.type === "bang") return false;
  if (subject.type === "obrace" || after.type === "cbrace")
    return !(subject.type === "obrace" && after.type === "cbrace");
  if ((subject.type === "interp" || subject.type === "control") && after.type === "obrace") return true;
  if (subject.type === "cbrace" && after.type === "seqend") return true;
  if (subject.type === "seqend" && (after.type === "interp" || after.type === "control")) return false;
  if (bracketChange(subject) > 0) return false;
  if (bracketChange(after) < 0) return false;
  return true;
}

/** A line for layout: its tokens up to the `=` of a one-line attribute ("lead"), and from there ("assign"). */
interface Line {
  lead: Token[];
  assign: Token[] | undefined;
}

export function splitLines(tokens: readonly Token[]): Token[][] {
  const lines: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type === "newline") lines.push([]);
    else lines[lines.length - 1].push(token);
  }
  return lines;
}

/**
 * The text `terraform fmt` would write for these tokens: each newline token ends a line; every
 * other decision about whitespace is made here.
 */
export function layout(tokens: readonly Token[]): string {
  return layoutLines(tokens).join("\n");
}

/** `layout`, one entry per logical line (a heredoc's lines belong to the line that opens it). */
export function layoutLines(tokens: readonly Token[]): string[] {
  const lines: Line[] = splitLines(tokens).map((lead) => {
    // Only a whole one-line expression after `=` joins the alignment of its neighbours.
    const eq = lead.findIndex((t, i) => i > 0 && t.type === "equal");
    if (eq > 0 && lead.slice(eq).reduce((n, t) => n + bracketChange(t), 0) === 0) {
      return { lead: lead.slice(0, eq), assign: lead.slice(eq) };
    }
    return { lead, assign: undefined };
  });

  const indents: number[] = [];
  const indentOf = lines.map((line) => {
    if (line.lead.length === 0) return 0;
    let net = 0;
    for (const t of line.lead) {
      net += bracketChange(t);
      if (t.type === "oheredoc") break;
    }
    for (const t of line.assign ?? []) net += bracketChange(t);
    const indent = 2 * indents.length;
    if (net > 0) {
      indents.push(net);
      return indent;
    }
    let closed = -net;
    while (closed > 0 && indents.length > 0) {
      const top = indents[indents.length - 1];
      if (closed >= top) {
        closed -= top;
        indents.pop();
      } else {
        indents[indents.length - 1] = top - closed;
        closed = 0;
      }
    }
    return 2 * indents.length;
  });

  const joined = (cell: readonly Token[]) =>
    cell.map((t, i) => (i > 0 && spaceAfter(cell[i - 1], cell[i - 2], t) ? " " : "") + t.text).join("");
  const leads = lines.map((line, i) => " ".repeat(indentOf[i]) + joined(line.lead));

  // `=` aligned within each run of consecutive lines that have an assign cell.
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (lines[i].assign === undefined) {
      out.push(lines[i].lead.length === 0 ? "" : leads[i]);
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].assign !== undefined) j++;
    const width = Math.max(...leads.slice(i, j).map((l) => l.length));
    for (let k = i; k < j; k++) {
      out.push(`${leads[k].padEnd(width)} ${joined(lines[k].assign as Token[])}`);
    }
    i = j;
  }
  return out;
}

/** A piece of a template: literal text (with its `$${`/`%%{` escapes), or a whole `${ }`/`%{ }` sequence. */
export interface TemplatePart {
  readonly kind: "literal" | "sequence";
  readonly text: string;
}

/** Splits template source (a Terraform JSON string) into literals and sequences, keeping every character. */
export function templateParts(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if ((c === "$" || c === "%") && source[i + 1] === c && source[i + 2] === "{") {
      literal += source.slice(i, i + 3);
      i += 3;
    } else if ((c === "$" || c === "%") && source[i + 1] === "{") {
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      const end = templateSequence(source, i, []);
      parts.push({ kind: "sequence", text: source.slice(i, end) });
      i = end;
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  return parts;
}
