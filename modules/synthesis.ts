/**
 * Synthesis that leaves either a complete output or none. cdktf writes straight into `cdktf.out`:
 * a configuration that fails a check then leaves an empty `stacks/` folder, and a failed synthesis
 * after a good one leaves the old stacks in place, so a `terraform plan` in them plans the old
 * configuration. Here the app writes to a staging folder beside the output, which replaces the
 * output's synthesized files only once the whole app has synthesized.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Manifest } from "cdktf";

/**
 * What a synthesis writes in each stack's folder. Anything else there (`.terraform`, the lock file
 * `terraform init` writes) belongs to the runs of Terraform in that folder and is kept.
 */
const SYNTHESIZED = ["cdk.tf.json", "cdk.tf", "metadata.json", "templates"];

/**
 * Runs `synthesize` against a staging folder and moves its output into `outdir` when it returns.
 * When it throws, the staging folder is dropped, and so is the previous synthesis in `outdir`,
 * which no longer matches the configuration; `report` is told what was removed. The error is
 * rethrown.
 */
export function synthesizeAtomically(
  outdir: string,
  synthesize: (stagingOutdir: string) => void,
  report: (message: string) => void,
): void {
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  // Beside the output, on the same file system, so that the files move by renaming.
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    synthesize(staging);
    replaceSynthesis(staging, target);
  } catch (e) {
    rmSync(join(target, Manifest.fileName), { force: true });
    const removed = removeStacks(target);
    if (removed.length > 0) {
      report(
        `removed the previous synthesis in ${outdir} (${removed.join(", ")}): it no longer matches the configuration`,
      );
    }
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves a complete synthesis into `target`, stack by stack, and drops stacks it no longer has. */
function replaceSynthesis(staging: string, target: string): void {
  const stacks = stackNames(staging);
  removeStacks(target, (name) => !stacks.includes(name));
  for (const stack of stacks) {
    const from = join(staging, Manifest.stacksFolder, stack);
    const to = join(target, Manifest.stacksFolder, stack);
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      rmSync(join(to, entry), { recursive: true, force: true });
      renameSync(join(from, entry), join(to, entry));
    }
  }
  renameSync(join(staging, Manifest.fileName), join(target, Manifest.fileName));
}

/**
 * Removes the synthesized files of the stacks `which` selects (every stack by default), and the
 * folders left empty; returns the stacks it removed.
 */
function removeStacks(target: string, which: (stack: string) => boolean = () => true): string[] {
  const removed = stackNames(target).filter(which);
  for (const stack of removed) {
    const dir = join(target, Manifest.stacksFolder, stack);
    for (const entry of SYNTHESIZED) rmSync(join(dir, entry), { recursive: true, force: true });
    // A stack folder Terraform never ran in is empty now.
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  }
  const stacks = join(target, Manifest.stacksFolder);
  if (existsSync(stacks) && readdirSync(stacks).length === 0) rmSync(stacks, { recursive: true });
  return removed;
}

function stackNames(outdir: string): string[] {
  const stacks = join(outdir, Manifest.stacksFolder);
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}
