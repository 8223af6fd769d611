/**
 * Text that becomes part of a Terraform string (user data, S3 object contents). cdktf embeds such
 * text in expressions like `base64encode("...")`, where Terraform would read `${` and `%{` as its own
 * template syntax and cdktf does not escape them reliably; so rendered text never contains either,
 * and this check keeps it that way with an error instead of a silently changed file.
 */
import { ConfigError } from "./errors";

const TOKEN = /\$\{TfToken\[[^\]]+\]\}/g;

export function assertTemplateSafe(text: string, what: string): string {
  const literal = text.replace(TOKEN, "");
  const match = /\$\{|%\{/.exec(literal);
  if (match) {
    const context = literal.slice(Math.max(0, match.index - 30), match.index + 30);
    throw new ConfigError(
      `${what} contains "${match[0]}", which Terraform would read as template syntax: write $VAR instead of \${VAR} (near ${JSON.stringify(context)})`,
    );
  }
  return text;
}
