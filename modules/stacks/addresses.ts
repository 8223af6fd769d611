/**
 * Readable resource addresses. cdktf names a resource after its construct path plus a hash
 * (`aws_autoscaling_group.Spinnaker_ServerGroup_475B7678`); an address is a contract with every
 * user's state, and users need to write it in `moved` blocks and `terraform state mv`. Ours is the
 * construct path in snake_case, without the topology's own id and without a leaf that only repeats
 * its parent (`ServerGroup/Group` is `server_group`), so `aws_autoscaling_group.server_group`.
 */
import { TerraformElement, type TerraformResource, TerraformStack } from "cdktf";
import type { Node } from "constructs";
import { InternalError } from "../errors";

/** Ids of the wrapper constructs (the topologies) that add nothing to an address. */
export const TOPOLOGY_IDS: ReadonlySet<string> = new Set(["Spinnaker"]);

/**
 * `UserIngress-8084` -> user, ingress, 8084; `File-front50-local.yml` -> file, front50, local, yml.
 * Digits stay with the letters before them (front50, redis7); a port needs a separator in the id.
 * Remembered by id: every element of every stack splits the ids on its path (`Spinnaker`,
 * `SecurityGroups`...), the same few hundred.
 */
function words(id: string): readonly string[] {
  let split = WORDS.get(id);
  if (split === undefined) {
    split = id
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
      .split(/[^A-Za-z0-9]+/)
      .filter((w) => w !== "")
      .map((w) => w.toLowerCase());
    WORDS.set(id, split);
  }
  return split;
}

const WORDS = new Map<string, readonly string[]>();

/**
 * The logical id of the construct path below a stack.
 *
 * @param skip ids of wrapper constructs that add nothing to an address (the topology, `Spinnaker`)
 */
export function readableId(components: readonly string[], skip: ReadonlySet<string> = new Set()): string {
  const kept = components.filter((c, i) => !(i === 0 && skip.has(c) && components.length > 1));
  const all: string[] = [];
  for (const component of kept) {
    const next = words(component);
    const repeatsTail = all.length >= next.length && next.every((w, i) => all[all.length - next.length + i] === w);
    if (!repeatsTail) all.push(...next);
  }
  return all.join("_");
}

/**
 * The address `element` would have if one construct on its path had another id: where its state
 * was before that construct was renamed, for a `moved` block.
 */
export function renamedAddress(
  element: TerraformResource,
  rename: { readonly from: string; readonly to: string },
  skip: ReadonlySet<string>,
): string {
  const stack = TerraformStack.of(element);
  const scopes = element.node.scopes;
  const below = scopes.slice(scopes.indexOf(stack) + 1).map((c) => (c.node.id === rename.to ? rename.from : c.node.id));
  return `${element.terraformResourceType}.${readableId(below, skip)}`;
}

/**
 * Allocates readable ids for a stack and refuses two elements of one type under one id, which
 * Terraform would otherwise merge into one silently (the last would win in the JSON).
 */
export class ReadableAddresses {
  /** Type and id -> the element's node that has them. */
  private readonly taken = new Map<string, Node>();

  constructor(
    private readonly stack: TerraformStack,
    private readonly skip: ReadonlySet<string> = new Set(),
  ) {}

  allocate(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const below = node.scopes.slice(node.scopes.indexOf(this.stack) + 1).map((c) => c.node.id);
    if (below.length === 0) return "";
    const id = readableId(below, this.skip);
    if (TerraformElement.isTerraformElement(element)) {
      // Each class is one Terraform type (a resource, a data source, a variable...): its own namespace.
      const key = `${element.constructor.name} ${id}`;
      const holder = this.taken.get(key);
      if (holder !== undefined && holder !== node) {
        // Construct ids are the package's, never a setting: a clash is its own bug.
        throw new InternalError(
          `${node.path} and ${holder.path} would both be ${element.constructor.name} ${id}: one of them needs another construct id`,
        );
      }
      this.taken.set(key, node);
    }
    return id;
  }
}
