import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Fn, type ISynthesisSession, ref, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { InternalError } from "../errors";

/** The folder beside a stack's (or module's) Terraform configuration that holds its static files. */
export const TEMPLATES_DIR = "templates";

/**
 * The static text files of one stack, written beside its Terraform configuration as
 * `templates/<name>` when the app synthesizes, and read by Terraform from there
 * (`${path.module}/templates/<name>`, which also holds when the stack is called as a child module).
 * The configuration then names a file a reviewer can read, instead of holding its text as an
 * escaped or encoded string; the Registry module carries the same files. The folder is written
 * anew at each synthesis, so a file no longer asked for does not linger.
 */
export class TemplateFiles extends Construct {
  /** The stack's folder, made on first use. */
  static of(scope: Construct): TemplateFiles {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild(ID) as TemplateFiles | undefined) ?? new TemplateFiles(stack, ID);
  }

  private readonly files = new Map<string, string>();

  private constructor(stack: TerraformStack, id: string) {
    super(stack, id);
    // The stack's synthesizer is its public extension point: it writes the configuration, then this
    // writes the folder beside it.
    const configuration = stack.synthesizer;
    stack.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        configuration.synthesize(session);
        this.write(session, stack);
      },
    };
  }

  private write(session: ISynthesisSession, stack: TerraformStack) {
    const stackPath = session.manifest.forStack(stack).synthesizedStackPath;
    const dir = join(session.outdir, stackPath, "..", TEMPLATES_DIR);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of this.files) writeFileSync(join(dir, name), content);
  }

  /**
   * Adds `templates/<name>` and returns its path as Terraform reads it. Asking again for a name
   * with the same text returns the same file (two launch templates share one user data).
   */
  add(name: string, content: string): string {
    const existing = this.files.get(name);
    if (existing !== undefined && existing !== content) {
      throw new InternalError(`Two different texts were given for ${TEMPLATES_DIR}/${name} of one stack`);
    }
    this.files.set(name, content);
    return `${Token.asString(ref("path.module"))}/${TEMPLATES_DIR}/${name}`;
  }

  /** The files added so far, by name. */
  get contents(): ReadonlyMap<string, string> {
    return this.files;
  }
}

const ID = "TemplateFiles";

/** `file(path)`: a template file's text, for a resource argument. */
export function fileText(path: string): string {
  return Token.asString(Fn.file(path));
}
