/**
 * A stack's Terraform JSON, the same as cdktf 0.21's `TerraformStack.toTerraform()` returns, without
 * the work that method repeats. Resolving was most of synthesizing a stack (`npm run bench`,
 * `--cpu-prof`), for three reasons:
 *
 * - it resolves every element, then the merged tree of them all again, where only the stack's own
 *   overrides are left to resolve;
 * - cdktf's resolver makes two resolution contexts for every key of every object and runs three
 *   regular expressions over every string, though most of a stack is literal text (descriptions,
 *   validations, policies);
 * - an expression resolves each of its arguments twice (once whole, once part by part), so a
 *   reference nested in function calls and conditionals is resolved twice per level: a module's
 *   `var.load_balancer` some 400 times in one stack.
 *
 * Here a literal value is kept as it is (a list or mapping without a token is handed on as the same
 * object, not copied: `merge()` says why that is safe), a value with a token goes to cdktf's
 * resolver, and a token (a reference, function call, operator or conditional, which never changes
 * once made) resolves once per stack and context. A unit test compares every stack's JSON with
 * cdktf's own.
 */
import {
  DefaultTokenResolver,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
  LazyBase,
  StringConcat,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Token,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";

type Json = Record<string, unknown>;

/** `toTerraform()` of a stack: its elements' blocks and its own overrides, with cdktf's metadata. */
export function terraformJson(stack: TerraformStack): Json {
  // cdktf keeps a stack's overrides (`addOverride`) in a private field and merges them last.
  const overrides = (stack as unknown as { rawOverrides: Json }).rawOverrides;
  const resolver = new ExpressionResolver();
  const resolveTokens = (value: unknown) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver });
  const resolve = (value: unknown) => resolveLiterals(value, resolveTokens);
  const elements = terraformElements(stack);

  const metadata: Json = {
    version: stack.node.tryGetContext("cdktfVersion"),
    stackName: stack.node.id,
    backend: "local", // the backend's metadata overwrites it
    ...(Object.keys(overrides).length > 0 ? { overrides: { stack: Object.keys(overrides) } } : {}),
  };
  for (const element of elements) merge(metadata, resolve(element.toMetadata()) as Json);
  const outputs: Json = {};
  for (const output of elements.filter(TerraformOutput.isTerraformOutput)) {
    const path = output.node.path.split("/");
    merge(
      outputs,
      path.reduceRight<Json | string>((inner, part) => ({ [part]: inner }), output.friendlyUniqueId) as Json,
    );
  }

  const json: Json = { "//": { metadata, outputs } };
  for (const element of elements) merge(json, resolve(element.toTerraform()) as Json);
  merge(json, overrides);
  // Only the blocks the stack's overrides touched may hold a value not yet resolved.
  for (const block of Object.keys(overrides)) if (block in json) json[block] = resolve(json[block]);
  return json;
}

/** The stack's elements, in construct order, without those of a nested stack (as cdktf lists them). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/**
 * What cdktf's resolver would make of a value, without running it over literals: a string without a
 * token marker or an encoded number, a number that encodes no token, and plain objects and arrays of
 * those stay as they are (undefined entries dropped, as cdktf drops them). Anything else, and a
 * collection with a list or map token, goes to `resolveTokens`, which then also raises cdktf's
 * errors.
 */
function resolveLiterals(value: unknown, resolveTokens: (value: unknown) => unknown): unknown {
  switch (typeof value) {
    case "undefined":
    case "boolean":
      return value;
    case "string": {
      if (!mayHoldToken(value)) return value;
      // One token alone, as most references are: cdktf resolves the string to what the token
      // resolves to, without the work of splitting it around the token.
      const token = ONE_TOKEN.test(value) ? Tokenization.reverseString(value).firstToken : undefined;
      return resolveTokens(token ?? value);
    }
    case "number":
      return Token.isUnresolved(value) || value === Token.NUMBER_MAP_TOKEN_VALUE ? resolveTokens(value) : value;
    case "object": {
      if (value === null) return null;
      // A collection is copied only from its first entry that resolves to something else (or is
      // dropped); one that is all literal is given as it is.
      if (Array.isArray(value)) {
        let resolved: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const v = value[i];
          if (isListToken(v)) return resolveTokens(value);
          const r = resolveLiterals(v, resolveTokens);
          if (resolved === undefined && (r !== v || r === undefined)) resolved = value.slice(0, i);
          if (resolved !== undefined && r !== undefined) resolved.push(r);
        }
        return resolved ?? value;
      }
      const prototype = Object.getPrototypeOf(value);
      if ((prototype !== Object.prototype && prototype !== null) || Tokenization.isResolvable(value)) {
        return resolveTokens(value);
      }
      const keys = Object.keys(value);
      let resolved: Json | undefined;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (mayHoldToken(key)) return resolveTokens(value);
        const v = (value as Json)[key];
        const r = resolveLiterals(v, resolveTokens);
        if (resolved === undefined && (r !== v || r === undefined)) {
          resolved = {};
          for (const before of keys.slice(0, i)) resolved[before] = (value as Json)[before];
        }
        if (resolved !== undefined && r !== undefined) resolved[key] = r;
      }
      return resolved ?? value;
    }
    default:
      return resolveTokens(value);
  }
}

/** An element that makes cdktf resolve its whole list as one list token. */
function isListToken(element: unknown): boolean {
  return typeof element === "string" ? element.includes("#{TfToken[") : Token.isUnresolved([element]);
}

/**
 * A string cdktf's resolver would change or refuse: one with a token marker (`${TfToken[`,
 * `#{TfToken[`, `&{TfToken[`), a map token's placeholder, or what its pattern of an encoded number
 * (`[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)`) matches.
 */
function mayHoldToken(text: string): boolean {
  return (
    text.includes("TfToken[") ||
    ENCODED_NUMBER.test(text) ||
    text === Token.STRING_MAP_TOKEN_VALUE ||
    text === Token.ANY_MAP_TOKEN_VALUE
  );
}

const ONE_TOKEN = /^\$\{TfToken\[[^\]]+\]\}$/;
const ENCODED_NUMBER = /[-|\d.+]e[-|\d.eE+]/;

/**
 * cdktf's resolver, resolving each token once per context: a token's text depends only on the
 * braces, escapes and iterator of where it is written, which the context says. A Lazy value is the
 * exception, computed anew each time it is asked for (cdktf's iterators and dynamic blocks are
 * Lazy values).
 */
class ExpressionResolver extends DefaultTokenResolver {
  private readonly resolved = new Map<IResolvable, Map<string, string>>();

  constructor() {
    super(new StringConcat());
  }

  override resolveToken(token: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (token instanceof LazyBase) return super.resolveToken(token, context, postProcessor);
    const where = `${context.suppressBraces} ${context.ignoreEscapes} ${context.warnEscapes} ${context.iteratorContext}`;
    let texts = this.resolved.get(token);
    if (texts === undefined) {
      texts = new Map();
      this.resolved.set(token, texts);
    }
    const known = texts.get(where);
    if (known !== undefined) return known;
    const text = super.resolveToken(token, context, postProcessor);
    if (typeof text === "string") texts.set(where, text);
    return text;
  }
}

/**
 * cdktf's merge of blocks: objects merge key by key, lists concatenate (two providers of one type),
 * and an undefined value removes the key (an override that removes a block). A block new to the
 * target is taken as it is, not copied: every source is resolved anew, and the blocks the stack's
 * overrides reach are resolved again after this.
 */
function merge(target: Json, source: Json): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const existing = target[key];
    if (value === undefined) {
      delete target[key];
    } else if (isPlainObject(value) && isPlainObject(existing)) {
      merge(existing, value);
    } else if (Array.isArray(value) && Array.isArray(existing)) {
      target[key] = [...existing, ...value];
    } else {
      target[key] = value;
    }
  }
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Tokenization.isResolvable(value);
}
