/**
 * Tags that may be a Terraform map (a module's `tags` input) or a plain object (a stack's, from the
 * configuration). A token cannot be spread in TypeScript, so extra tags are merged by Terraform then.
 */
import { Fn, Token } from "cdktf";

type Tags = Record<string, string>;

/** `tags` with `extra` on top (extra wins, like a spread). */
export function withTags(tags: Tags | undefined, extra: Tags): Tags {
  if (tags === undefined) return extra;
  if (Token.isUnresolved(tags)) return Token.asStringMap(Fn.merge([tags, extra]));
  return { ...tags, ...extra };
}
