/**
 * Which keys of a resource or data source are nested blocks rather than attributes. Terraform JSON
 * writes both as JSON objects; HCL writes `name { ... }` for one and `name = { ... }` for the other,
 * and only the provider schema tells them apart. The table is derived from
 * `terraform providers schema -json` for the types the modules use (`npm run provider-blocks`
 * rewrites provider-blocks.json; a tools-tier test compares it with the real schema), so printing
 * HCL needs no Terraform.
 */

/** The provider the table is read from: the one the tools tier validates and plans with. */
export const PROVIDER_BLOCKS_SOURCE = "registry.terraform.io/hashicorp/aws";
export const PROVIDER_BLOCKS_VERSION = "5.100.0";

/** Nested block names, each with the nested blocks of its own body, recursively. */
export interface BlockNames {
  readonly [block: string]: BlockNames;
}

export interface ProviderBlocks {
  /** The provider and version the table was read from. */
  readonly provider: string;
  readonly resource: Readonly<Record<string, BlockNames>>;
  readonly data: Readonly<Record<string, BlockNames>>;
}

interface SchemaBlock {
  block_types?: Record<string, { block: SchemaBlock }>;
}

/** The subset of `terraform providers schema -json` read here. */
export interface ProviderSchemas {
  provider_schemas: Record<
    string,
    {
      resource_schemas: Record<string, { block: SchemaBlock }>;
      data_source_schemas: Record<string, { block: SchemaBlock }>;
    }
  >;
}

function names(block: SchemaBlock): BlockNames {
  return Object.fromEntries(
    Object.entries(block.block_types ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, nested]) => [name, names(nested.block)]),
  );
}

/** The table for the given resource and data source types, from one provider's schema. */
export function providerBlocks(
  schemas: ProviderSchemas,
  provider: string,
  version: string,
  types: { resource: readonly string[]; data: readonly string[] },
): ProviderBlocks {
  const schema = schemas.provider_schemas[provider];
  if (!schema) {
    throw new Error(
      `The provider schema has no ${provider}; it has ${Object.keys(schemas.provider_schemas).join(", ")}`,
    );
  }
  const pick = (kind: string, all: Record<string, { block: SchemaBlock }>, wanted: readonly string[]) =>
    Object.fromEntries(
      [...new Set(wanted)].sort().map((type) => {
        const found = all[type];
        if (!found) throw new Error(`${provider} ${version} has no ${kind} type ${type}`);
        return [type, names(found.block)];
      }),
    );
  return {
    provider: `${provider} ${version}`,
    resource: pick("resource", schema.resource_schemas, types.resource),
    data: pick("data source", schema.data_source_schemas, types.data),
  };
}

/** The resource and data source types a module's JSON uses. */
export function typesUsed(...modules: { resource?: object; data?: object }[]): { resource: string[]; data: string[] } {
  return {
    resource: [...new Set(modules.flatMap((m) => Object.keys(m.resource ?? {})))].sort(),
    data: [...new Set(modules.flatMap((m) => Object.keys(m.data ?? {})))].sort(),
  };
}
