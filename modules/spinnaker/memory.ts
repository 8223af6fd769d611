/**
 * How an instance's memory is shared among its containers: each gets its minimum (`services.ts`),
 * and what the instance has above all minimums is shared by weight at boot. An instance type with
 * less than the minimums is refused: at synthesis when the type is known here, at plan time through
 * the type's data otherwise (`SpinnakerLaunchTemplate`). A type not in the table gets a warning
 * that names the nearest known ones: most such types are typos, but a family newer than the table
 * must still work.
 */
import { INSTANCE_MEMORY_MIB } from "../config/instance-memory";
import { ConfigError } from "../errors";
import { didYouMean, nearestWords } from "../spelling";
import {
  enabledServices,
  isOptional,
  type OptionalServices,
  OS_MEMORY_MIB,
  REDIS_MEMORY,
  SERVICES,
  type ServiceSpec,
} from "./services";

/** A container's memory: its minimum, and its weight in sharing what is above all minimums. */
export interface MemoryShare {
  readonly minimumMiB: number;
  readonly weight: number;
}

/** Which containers an instance runs. */
export interface Containers extends OptionalServices {
  /** Redis in a container on the instance (stand-alone). */
  readonly localRedis: boolean;
}

/** What each container gets of the instance's memory, for the boot-time sizing script. */
export function memoryBudget(o: Containers): Record<string, MemoryShare> {
  const share = (s: Pick<ServiceSpec, "minimumMemoryMiB" | "memoryWeight">) => ({
    minimumMiB: s.minimumMemoryMiB,
    weight: s.memoryWeight,
  });
  const budget: Record<string, MemoryShare> = {};
  for (const s of enabledServices(o)) budget[s.name] = share(s);
  if (o.localRedis) budget.redis = share(REDIS_MEMORY);
  return budget;
}

/**
 * `memory-budget` in the configuration, which the boot script compose-env reads: one line per
 * container of the topology with its minimum (MiB), its weight and its compose profile (`-` for a
 * container that always runs), and the OS's reserve as `os`. Every optional service is listed; the
 * script counts those whose profile is in `COMPOSE_PROFILES`. The same text whatever is switched on.
 */
export function renderMemoryBudget(o: { readonly localRedis: boolean }): string {
  const rows: string[][] = [["os", String(OS_MEMORY_MIB), "0", "-"]];
  for (const s of Object.values(SERVICES)) {
    rows.push([s.name, String(s.minimumMemoryMiB), String(s.memoryWeight), isOptional(s.name) ? s.name : "-"]);
  }
  if (o.localRedis) rows.push(["redis", String(REDIS_MEMORY.minimumMemoryMiB), String(REDIS_MEMORY.memoryWeight), "-"]);
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    "# Rendered by cdktf-spinnaker-aws: each container's memory on a Spinnaker instance, for compose-env.",
    "# container, minimum MiB, weight of its share of the rest, compose profile (-: always runs)",
    ...rows.map(([name, ...rest]) => [name.padEnd(width), ...rest].join(" ")),
    "",
  ].join("\n");
}

/** The least memory an instance needs: every container's minimum and the OS's share (MiB). */
export function requiredMemoryMiB(o: Containers): number {
  return Object.values(memoryBudget(o)).reduce((sum, share) => sum + share.minimumMiB, OS_MEMORY_MIB);
}

/**
 * Why an instance type is too small for the containers, or undefined when it is large enough or not
 * in the table (the plan-time check then decides). Names the smallest type of the same family that
 * fits, if any.
 */
export function memoryShortfall(instanceType: string, o: Containers): string | undefined {
  const required = requiredMemoryMiB(o);
  const memory = INSTANCE_MEMORY_MIB[instanceType];
  if (memory === undefined || memory >= required) return undefined;
  const family = `${instanceType.split(".")[0]}.`;
  const fits = Object.entries(INSTANCE_MEMORY_MIB)
    .filter(([type, mib]) => type.startsWith(family) && mib >= required)
    .sort(([, a], [, b]) => a - b)[0];
  const suggestion = fits ? `, such as ${fits[0]} (${fits[1]} MiB)` : "";
  return `has ${memory} MiB of memory, less than the ${required} MiB Spinnaker needs here (${breakdown(o)}): choose a larger type${suggestion}`;
}

/** "1024 MiB each for gate, orca, ...; 500 MiB for deck; 1024 MiB for the OS". */
function breakdown(o: Containers): string {
  const byMinimum = new Map<number, string[]>();
  for (const [name, share] of Object.entries(memoryBudget(o))) {
    byMinimum.set(share.minimumMiB, [...(byMinimum.get(share.minimumMiB) ?? []), name]);
  }
  const parts = [...byMinimum].map(([mib, names]) =>
    names.length === 1 ? `${mib} MiB for ${names[0]}` : `${mib} MiB each for ${names.join(", ")}`,
  );
  return [...parts, `${OS_MEMORY_MIB} MiB for the OS`].join("; ");
}

/** Refuses an instance type known to be too small, naming the setting `instance.type`. */
export function checkInstanceMemory(instanceType: string, o: Containers): void {
  const shortfall = memoryShortfall(instanceType, o);
  if (shortfall !== undefined) throw new ConfigError(`instance.type "${instanceType}" ${shortfall}`);
}

/**
 * A warning for an instance type the table does not know, naming the known types nearest to it
 * (spelling.ts: by edit distance, at most three): "m7z.2xlarge" suggests "m7a.2xlarge",
 * "m7g.2xlarge", "m7i.2xlarge". Undefined for a known type.
 */
export function unknownInstanceTypeWarning(setting: string, instanceType: string): string | undefined {
  if (INSTANCE_MEMORY_MIB[instanceType] !== undefined) return undefined;
  const nearest = nearestWords(instanceType, Object.keys(INSTANCE_MEMORY_MIB));
  return `${setting} "${instanceType}" is not an EC2 instance type this package knows (${Object.keys(INSTANCE_MEMORY_MIB).length} types, from EC2's DescribeInstanceTypes): its memory is checked only at plan, by AWS${didYouMean(nearest)}.`;
}
