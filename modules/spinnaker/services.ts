/**
 * The Spinnaker services, their ports and health checks: one table that the security groups, the load
 * balancers and the compose project all read. Sources: spinnaker.io microservices overview and each
 * service's default yml.
 */
import type { SpinnakerService } from "../config/schema";

export interface ServiceSpec {
  readonly name: SpinnakerService;
  readonly port: number;
  /** HTTP path that answers 200 when the service is up; deck has none, so only its port is probed. */
  readonly healthPath?: string;
  /**
   * The least memory the container runs in (MiB): every JVM service 1 GiB, deck 500 MiB, as
   * spinnaker-kustomize gives them (`base/<service>/deployment.yml` and `overlays/resources`, in the
   * spinnaker/spinnaker monorepo). With `-XX:MaxRAMPercentage=80.0` that leaves a JVM about 820 MiB
   * of heap.
   */
  readonly minimumMemoryMiB: number;
  /** Share of the memory above all minimums for this container, relative to the others. */
  readonly memoryWeight: number;
  readonly description: string;
}

/** See `ServiceSpec.minimumMemoryMiB`. */
const JVM_MINIMUM_MIB = 1024;

export const SERVICES: Readonly<Record<SpinnakerService, ServiceSpec>> = {
  deck: { name: "deck", port: 9000, minimumMemoryMiB: 500, memoryWeight: 1, description: "deck (UI)" },
  gate: {
    name: "gate",
    port: 8084,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 3,
    description: "gate (API)",
  },
  orca: {
    name: "orca",
    port: 8083,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 4,
    description: "orca (orchestration)",
  },
  clouddriver: {
    name: "clouddriver",
    port: 7002,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 8,
    description: "clouddriver (cloud providers)",
  },
  front50: {
    name: "front50",
    port: 8080,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 3,
    description: "front50 (metadata)",
  },
  echo: {
    name: "echo",
    port: 8089,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 3,
    description: "echo (events, scheduler)",
  },
  igor: {
    name: "igor",
    port: 8088,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 2,
    description: "igor (CI triggers)",
  },
  rosco: {
    name: "rosco",
    port: 8087,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 2,
    description: "rosco (bakery)",
  },
  fiat: {
    name: "fiat",
    port: 7003,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 2,
    description: "fiat (authorization)",
  },
  kayenta: {
    name: "kayenta",
    port: 8090,
    healthPath: "/health",
    minimumMemoryMiB: JVM_MINIMUM_MIB,
    memoryWeight: 3,
    description: "kayenta (canary analysis)",
  },
};

export const REDIS_PORT = 6379;

/**
 * Redis on the instance (stand-alone), as `ServiceSpec` gives the services: spinnaker-kustomize's
 * `components/redis` requests 256 MiB.
 */
export const REDIS_MEMORY = { minimumMemoryMiB: 256, memoryWeight: 2 } as const;
/** Memory left to the OS, Docker and the agents, outside every container's limit. */
export const OS_MEMORY_MIB = 1024;

/**
 * The services that run only when a setting asks for them: kayenta with canary analysis
 * (`spinnaker.kayenta`), fiat with sign-in (`spinnaker.auth`), as authorization needs users.
 */
export const OPTIONAL_SERVICES = ["kayenta", "fiat"] as const;
export type OptionalService = (typeof OPTIONAL_SERVICES)[number];
export type OptionalServices = Readonly<Record<OptionalService, boolean>>;

/** The services an instance runs, in start order. */
export function enabledServices(optional: OptionalServices): ServiceSpec[] {
  return Object.values(SERVICES).filter((s) => !isOptional(s.name) || optional[s.name]);
}

/** A service that runs only when a setting asks for it: a compose profile of its own name. */
export function isOptional(name: string): name is OptionalService {
  return (OPTIONAL_SERVICES as readonly string[]).includes(name);
}
