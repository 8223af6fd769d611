/**
 * `npm run provider-blocks`: rewrites modules/registry/provider-blocks.json, the nested block names
 * of every resource and data source type the modules use, from `terraform providers schema -json`
 * against the local provider mirror (TF_PLUGIN_MIRROR, default /opt/tf-plugins; nothing is
 * downloaded). Run it after a construct starts using a new type, or when the tested provider moves.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeModules } from "../modules/registry/build";
import {
  PROVIDER_BLOCKS_SOURCE,
  PROVIDER_BLOCKS_VERSION,
  type ProviderSchemas,
  providerBlocks,
  typesUsed,
} from "../modules/registry/provider-schema";

const mirror = process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
const dir = mkdtempSync(join(tmpdir(), "spinnaker-provider-schema-"));
try {
  writeFileSync(
    join(dir, "versions.tf"),
    `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${PROVIDER_BLOCKS_VERSION}"\n    }\n  }\n}\n`,
  );
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  const run = (args: string[]) => {
    const result = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (result.error || result.status !== 0) {
      throw new Error(`terraform ${args.join(" ")} failed in ${dir}: ${result.error ?? result.stderr}`);
    }
    return result.stdout;
  };
  run(["init", "-input=false", "-backend=false", `-plugin-dir=${mirror}`]);
  const schemas = JSON.parse(run(["providers", "schema", "-json"])) as ProviderSchemas;
  const { standalone, ha } = synthesizeModules();
  const table = providerBlocks(
    schemas,
    PROVIDER_BLOCKS_SOURCE,
    PROVIDER_BLOCKS_VERSION,
    typesUsed(standalone.configuration, ha.configuration),
  );
  const target = join(__dirname, "..", "modules", "registry", "provider-blocks.json");
  writeFileSync(target, `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(
    `wrote ${Object.keys(table.resource).length} resource and ${Object.keys(table.data).length} data source types to ${target}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
