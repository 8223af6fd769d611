import { parse } from "yaml";
import {
  COMPOSE_OVERLAYS,
  type ComposeOptions,
  type ComposeOverlay,
  composeEnvironment,
  imageVariable,
  memoryVariable,
  renderCompose,
  renderComposeOverlay,
} from "../../modules/spinnaker/compose";
import { imageReferences } from "../../modules/spinnaker/images";
import { SERVICES } from "../../modules/spinnaker/services";

const options: ComposeOptions = { role: "polling", localRedis: true };

interface Service {
  profiles?: string[];
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

test("holds every Spinnaker service of the table and Redis; kayenta and fiat are profiles of their own name", () => {
  const all = services();
  expect(Object.keys(all).sort()).toEqual(
    ["clouddriver", "deck", "echo", "fiat", "front50", "gate", "igor", "kayenta", "orca", "redis", "rosco"].sort(),
  );
  expect(all.kayenta.profiles).toEqual(["kayenta"]);
  expect(all.fiat.profiles).toEqual(["fiat"]);
  // Everything else always runs.
  expect(
    Object.entries(all)
      .filter(([, s]) => s.profiles !== undefined)
      .map(([name]) => name),
  ).toEqual(["fiat", "kayenta"]);
});

test("one text per role and Redis, whatever is switched on: it opens with what it is", () => {
  expect(renderCompose(options)).toMatch(
    /^# Rendered by cdktf-spinnaker-aws: the compose project of a polling instance, with Redis\./,
  );
  expect(renderCompose({ role: "nonpolling", localRedis: false })).toMatch(/^# .* a nonpolling instance\.\n/);
});

test("HA instances use managed Redis: no Redis container", () => {
  expect(services({ localRedis: false }).redis).toBeUndefined();
  expect(services({ localRedis: false }).gate.depends_on).toBeUndefined();
});

test("every container: host networking, restart always, rotated logs, a memory limit sized at boot", () => {
  for (const [name, service] of Object.entries(services())) {
    expect(service.network_mode).toBe("host");
    expect(service.restart).toBe("always");
    expect(service.logging).toEqual({ driver: "json-file", options: { "max-size": "50m", "max-file": "5" } });
    expect(service.mem_limit).toBe(`$${memoryVariable(name)}`);
  }
});

test("health checks probe each service's own port", () => {
  const all = services();
  for (const spec of Object.values(SERVICES)) {
    const probe = all[spec.name].healthcheck.test.join(" ");
    expect(probe).toContain(String(spec.port));
    if (spec.healthPath) expect(probe).toContain(`http://localhost:${spec.port}/health`);
  }
});

test("every container's image is a variable of compose.env, never a literal of the user data", () => {
  for (const [name, service] of Object.entries(services())) {
    expect(service.image).toBe(`$${imageVariable(name)}`);
  }
});

test("compose.env: registry/service:version unless one is overridden, and Redis's when it runs here", () => {
  const custom = imageReferences({
    registry: "registry.example.com/spin",
    version: "1.2.3",
    images: { gate: "registry.example.com/gate-custom:7" },
  });
  const env = composeEnvironment(custom, "kayenta", "docker.io/library/redis:7.4-alpine");
  expect(env).toContain("\nORCA_IMAGE=registry.example.com/spin/orca:1.2.3\n");
  expect(env).toContain("\nGATE_IMAGE=registry.example.com/gate-custom:7\n");
  expect(env).toContain("\nREDIS_IMAGE=docker.io/library/redis:7.4-alpine\n");
  expect(composeEnvironment(custom, "")).not.toContain("REDIS_IMAGE");
});

test("compose.env switches the optional services on through COMPOSE_PROFILES", () => {
  const images = imageReferences({ registry: "r.example.com", version: "1", images: {} });
  expect(composeEnvironment(images, "kayenta,fiat")).toMatch(/\nCOMPOSE_PROFILES=kayenta,fiat\n$/);
  expect(composeEnvironment(images, "")).toMatch(/\nCOMPOSE_PROFILES=\n$/);
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

/** An overlay's services, as its YAML holds them. */
function overlay(name: ComposeOverlay): Record<string, Record<string, unknown>> {
  return parse(renderComposeOverlay(name)).services;
}

test("each option that adds containers is an overlay of its own, which says what it is", () => {
  expect(Object.keys(COMPOSE_OVERLAYS).sort()).toEqual(["self-deploy", "sql"]);
  expect(renderComposeOverlay("sql")).toMatch(/^# Rendered by cdktf-spinnaker-aws: what SQL storage adds to a role's/);
  expect(renderComposeOverlay("self-deploy")).toMatch(/^# Rendered by cdktf-spinnaker-aws: what self-deploy adds/);
  // Only the polling instance seeds; every instance runs front50 and orca, so every one prepares.
  expect(COMPOSE_OVERLAYS["self-deploy"]).toEqual(["polling"]);
  expect(COMPOSE_OVERLAYS.sql).toEqual(["polling", "nonpolling"]);
});

describe("the seeding container (ha.selfDeploy)", () => {
  test("runs the seeding script once per start, in front50's image, reading the configuration only", () => {
    expect(overlay("self-deploy")).toEqual({
      seed: {
        image: "$FRONT50_IMAGE",
        network_mode: "host",
        restart: "no",
        entrypoint: ["/bin/sh", "/opt/spinnaker/config/seed-spinnaker"],
        volumes: ["/opt/spinnaker/config:/opt/spinnaker/config:ro"],
        mem_limit: "128m",
        logging: { driver: "json-file", options: { "max-size": "50m", "max-file": "5" } },
      },
    });
    // A YAML reader takes a bare no for false, which compose would refuse as a restart policy.
    expect(renderComposeOverlay("self-deploy")).toContain('restart: "no"');
  });

  test("is in no role's project", () => {
    expect(services({ role: "polling", localRedis: false }).seed).toBeUndefined();
    expect(services({ role: "nonpolling", localRedis: false }).seed).toBeUndefined();
  });
});

describe("the database's one-shot steps (SQL storage)", () => {
  test("secrets, then init, then front50 and orca; the other services do not wait for the database", () => {
    const all = overlay("sql");
    expect(all["database-secrets"]).toMatchObject({
      image: "$AWS_CLI_IMAGE",
      restart: "no",
      entrypoint: ["/bin/bash", "/opt/spinnaker/config/database-secrets.sh"],
      env_file: ["/opt/spinnaker/config/database.env"],
      environment: { DATABASE_RUN_DIR: "/run/spinnaker-database" },
      volumes: ["/opt/spinnaker/config:/opt/spinnaker/config:ro", "/run/spinnaker-database:/run/spinnaker-database"],
    });
    expect(all["database-init"]).toMatchObject({
      image: "$DATABASE_CLIENT_IMAGE",
      entrypoint: ["/bin/bash", "/opt/spinnaker/config/database-init.sh"],
      depends_on: { "database-secrets": { condition: "service_completed_successfully" } },
    });
    // Only what it adds to front50 and orca: Compose merges it with the project's own dependencies
    // (the tools tier's docker-compose shows the merged project).
    for (const name of ["front50", "orca"]) {
      expect(all[name]).toEqual({ depends_on: { "database-init": { condition: "service_completed_successfully" } } });
    }
    expect(Object.keys(all).sort()).toEqual(["database-init", "database-secrets", "front50", "orca"]);
  });

  test("are in no role's project", () => {
    const all = services({ role: "polling", localRedis: false });
    expect(Object.keys(all).filter((name) => name.startsWith("database"))).toEqual([]);
    expect(all.front50.depends_on).toBeUndefined();
  });
});
