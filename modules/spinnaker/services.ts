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
  /** Share of the instance's memory for this container, relative to the others. */
  readonly memoryWeight: number;
  readonly description: string;
}

export const SERVICES: Readonly<Record<SpinnakerService, ServiceSpec>> = {
  deck: { name: "deck", port: 9000, memoryWeight: 1, description: "deck (UI)" },
  gate: { name: "gate", port: 8084, healthPath: "/health", memoryWeight: 3, description: "gate (API)" },
  orca: { name: "orca", port: 8083, healthPath: "/health", memoryWeight: 4, description: "orca (orchestration)" },
  clouddriver: {
    name: "clouddriver",
    port: 7002,
    healthPath: "/health",
    memoryWeight: 8,
    description: "clouddriver (cloud providers)",
  },
  front50: { name: "front50", port: 8080, healthPath: "/health", memoryWeight: 3, description: "front50 (metadata)" },
  echo: { name: "echo", port: 8089, healthPath: "/health", memoryWeight: 3, description: "echo (events, scheduler)" },
  igor: { name: "igor", port: 8088, healthPath: "/health", memoryWeight: 2, description: "igor (CI triggers)" },
  rosco: { name: "rosco", port: 8087, healthPath: "/health", memoryWeight: 2, description: "rosco (bakery)" },
  fiat: { name: "fiat", port: 7003, healthPath: "/health", memoryWeight: 2, description: "fiat (authorization)" },
  kayenta: {
    name: "kayenta",
    port: 8090,
    healthPath: "/health",
    memoryWeight: 3,
    description: "kayenta (canary analysis)",
  },
};

export const REDIS_PORT = 6379;

/** The services an instance runs, in start order, with or without kayenta. */
export function enabledServices(kayenta: boolean): ServiceSpec[] {
  return Object.values(SERVICES).filter((s) => kayenta || s.name !== "kayenta");
}
