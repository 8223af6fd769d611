/**
 * Text that becomes a Terraform string with references in it (the S3 objects' contents). Terraform
 * reads `${` and `%{` there as its own template syntax, and cdktf does not escape them reliably; so
 * rendered text never contains either, and this check keeps it that way with an error instead of a
 * silently changed file. (User data avoids the question: it is base64-encoded at synthesis.)
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
