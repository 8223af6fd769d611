/**
 * The static files in `templates/` beside this file's folder, in the sources and the built package
 * alike: each read once per process, however many stacks write it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const texts = new Map<string, string>();

/** The text of `templates/<file>`. */
export function templateText(file: string): string {
  let text = texts.get(file);
  if (text === undefined) {
    text = readFileSync(join(__dirname, "..", "templates", file), "utf8");
    texts.set(file, text);
  }
  return text;
}
