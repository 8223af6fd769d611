/**
 * Builds the Registry layout from the built-in defaults: the published modules' defaults are the
 * package's, never one deployer's `spinnaker.config.yaml` (callers change them through the inputs).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { addStacks } from "../app";
import { loadConfiguration } from "../config/load";
import { TEMPLATES_DIR } from "../constructs/template-file";
import { registryLayout, type SynthesizedModule } from "./layout";
import type { ProviderBlocks } from "./provider-schema";

/** The modules keep no state of their own; a local backend keeps the defaults free of a bucket. */
const BUILT_IN_DEFAULTS = "state:\n  backend: local\n";

export function buildRegistryLayout(license: string, version: string): Record<string, string> {
  return registryLayout({ ...synthesizeModules(), blocks: readProviderBlocks(), license, version });
}

/**
 * The committed table of nested blocks. Read here, not imported, so that the package's build
 * carries no data file for a tool that only `npm run registry` uses.
 */
export function readProviderBlocks(): ProviderBlocks {
  return JSON.parse(readFileSync(join(__dirname, "provider-blocks.json"), "utf8")) as ProviderBlocks;
}

/** `standalone-module` and `ha-module` synthesized from the built-in defaults: JSON and templates. */
export function synthesizeModules(): { standalone: SynthesizedModule; ha: SynthesizedModule } {
  const outdir = mkdtempSync(join(tmpdir(), "spinnaker-registry-"));
  try {
    const app = new App({ outdir });
    addStacks(app, loadConfiguration(BUILT_IN_DEFAULTS, "built-in defaults", {}));
    app.synth();
    const stack = (name: string): SynthesizedModule => {
      const dir = join(outdir, "stacks", name);
      const templates = join(dir, TEMPLATES_DIR);
      return {
        configuration: JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")),
        templates: Object.fromEntries(
          readdirSync(templates).map((file) => [file, readFileSync(join(templates, file), "utf8")]),
        ),
      };
    };
    return { standalone: stack("standalone-module"), ha: stack("ha-module") };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
