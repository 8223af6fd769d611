import { parse } from "yaml";
import {
  type ComposeOptions,
  composeEnvironment,
  imageVariable,
  memoryVariable,
  renderCompose,
} from "../../modules/spinnaker/compose";
import { imageReferences } from "../../modules/spinnaker/images";
import { SERVICES } from "../../modules/spinnaker/services";

const options: ComposeOptions = { role: "polling", kayenta: false, fiat: false, localRedis: true };

interface Service {
  image: string;
  network_mode: string;
  restart: string;
  environment: Record<string, string>;
  mem_limit: string;
  healthcheck: { test: string[] };
  logging: { driver: string; options: Record<string, string> };
  command?: string[];
  depends_on?: Record<string, unknown>;
}

function services(overrides: Partial<ComposeOptions> = {}): Record<string, Service> {
  return parse(renderCompose({ ...options, ...overrides })).services;
}

test("runs every Spinnaker service of the table and Redis, kayenta and fiat only when asked", () => {
  expect(Object.keys(services()).sort()).toEqual(
    ["clouddriver", "deck", "echo", "front50", "gate", "igor", "orca", "redis", "rosco"].sort(),
  );
  expect(Object.keys(services({ kayenta: true }))).toContain("kayenta");
  expect(Object.keys(services({ kayenta: true }))).not.toContain("fiat");
  expect(Object.keys(services({ fiat: true }))).toContain("fiat");
});

test("HA instances use managed Redis: no Redis container", () => {
  expect(services({ localRedis: false }).redis).toBeUndefined();
  expect(services({ localRedis: false }).gate.depends_on).toBeUndefined();
});

test("every container: host networking, restart always, rotated logs, a memory limit sized at boot", () => {
  for (const [name, service] of Object.entries(services({ kayenta: true }))) {
    expect(service.network_mode).toBe("host");
    expect(service.restart).toBe("always");
    expect(service.logging).toEqual({ driver: "json-file", options: { "max-size": "50m", "max-file": "5" } });
    expect(service.mem_limit).toBe(`$${memoryVariable(name)}`);
  }
});

test("health checks probe each service's own port", () => {
  const all = services({ kayenta: true, fiat: true });
  for (const spec of Object.values(SERVICES)) {
    const probe = all[spec.name].healthcheck.test.join(" ");
    expect(probe).toContain(String(spec.port));
    if (spec.healthPath) expect(probe).toContain(`http://localhost:${spec.port}/health`);
  }
});

test("every container's image is a variable of compose.env, never a literal of the user data", () => {
  for (const [name, service] of Object.entries(services({ kayenta: true }))) {
    expect(service.image).toBe(`$${imageVariable(name)}`);
  }
});

test("compose.env: registry/service:version unless one is overridden, and Redis's when it runs here", () => {
  const custom = imageReferences({
    registry: "registry.example.com/spin",
    version: "1.2.3",
    images: { gate: "registry.example.com/gate-custom:7" },
  });
  const env = composeEnvironment(custom, "docker.io/library/redis:7.4-alpine");
  expect(env).toContain("\nORCA_IMAGE=registry.example.com/spin/orca:1.2.3\n");
  expect(env).toContain("\nGATE_IMAGE=registry.example.com/gate-custom:7\n");
  expect(env).toContain("\nREDIS_IMAGE=docker.io/library/redis:7.4-alpine\n");
  expect(composeEnvironment(custom)).not.toContain("REDIS_IMAGE");
});

test("the polling role runs igor's polling, echo's scheduler and clouddriver's caching agents", () => {
  const polling = services({ role: "polling" });
  expect(polling.igor.environment.SPINNAKER_BUILD_POLLINGENABLED).toBe("true");
  expect(polling.echo.environment.SCHEDULER_ENABLED).toBe("true");
  expect(polling.clouddriver.environment.CACHING_WRITEENABLED).toBe("true");
  expect(polling.clouddriver.environment.SPRING_PROFILES_INCLUDE).toBeUndefined();
});

test("the non-polling role turns all three off and includes the nonpolling profile", () => {
  const nonpolling = services({ role: "nonpolling" });
  expect(nonpolling.igor.environment.SPINNAKER_BUILD_POLLINGENABLED).toBe("false");
  expect(nonpolling.echo.environment.SCHEDULER_ENABLED).toBe("false");
  expect(nonpolling.clouddriver.environment.CACHING_WRITEENABLED).toBe("false");
  // kork's own default include, "composite", must survive.
  expect(nonpolling.clouddriver.environment.SPRING_PROFILES_INCLUDE).toBe("composite,nonpolling");
});

test("Redis on the instance listens on loopback only", () => {
  expect(services().redis.command).toEqual(expect.arrayContaining(["--bind", "127.0.0.1"]));
});
