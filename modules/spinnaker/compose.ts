/**
 * The Docker Compose project of a role: every Spinnaker service on host networking (no bridge
 * network whose CIDR could clash with the VPC, and the metadata service stays one hop away), each
 * with its health check, restart policy, log rotation and a memory limit that the instance sizes
 * from its own RAM at boot: its minimum, and a weighted share of what is above all minimums. The
 * optional services are compose profiles of their own name, switched on by `COMPOSE_PROFILES` in
 * `compose.env`: so the project is one text per topology and role, whatever is switched on. An
 * option that adds containers (SQL storage's boot steps, self-deploy's seeding container) is an
 * overlay of its own, a compose file the instance passes after the project (Compose merges them,
 * `depends_on` included), present in the configuration only while the option is on.
 */

import type { SpinnakerService } from "../config/schema";
import { type Role, roleEnvironment } from "./roles";
import { isOptional, REDIS_PORT, SERVICES, type ServiceSpec } from "./services";
import { toYaml } from "./yaml";

export const CONFIG_DIR = "/opt/spinnaker/config";
export const REDIS_DATA_DIR = "/var/lib/spinnaker/redis";

export interface ComposeOptions {
  readonly role: Role;
  /** Run Redis in a container on the instance (stand-alone); otherwise a managed endpoint is used. */
  readonly localRedis: boolean;
}

/**
 * The overlays, by the option that adds them, and the roles whose project takes them:
 * - `sql`: front50 and orca keep their data in SQL, and two one-shot containers prepare the
 *   database before they start (templates/database-secrets.sh, then templates/database-init.sh);
 * - `self-deploy`: the one-shot container that creates Spinnaker's application and pipeline
 *   (ha.selfDeploy), on the polling instance only.
 */
export const COMPOSE_OVERLAYS = {
  sql: ["polling", "nonpolling"],
  "self-deploy": ["polling"],
} as const satisfies Record<string, readonly Role[]>;

export type ComposeOverlay = keyof typeof COMPOSE_OVERLAYS;

/** The variables the database's one-shot containers read (`database.env` in the configuration). */
export const DATABASE_ENV_FILE = "database.env";
/**
 * Where the secrets step hands the master's option file and the users' passwords to the init step:
 * under /run, which is memory on every supported OS (never on disk), in a folder and files only root
 * may read, until the instance stops.
 */
export const DATABASE_RUN_DIR = "/run/spinnaker-database";
/** The images of the two steps, in compose.env beside the services'. */
export const DATABASE_IMAGE_VARIABLES = { secrets: "AWS_CLI_IMAGE", init: "DATABASE_CLIENT_IMAGE" } as const;

/** The seeding script in the configuration (templates/seed-spinnaker.sh). */
export const SEED_SCRIPT = "seed-spinnaker";

/** The environment variable that carries a container's memory limit, such as `CLOUDDRIVER_MEMORY`. */
export function memoryVariable(container: string): string {
  return `${container.toUpperCase()}_MEMORY`;
}

/** The environment variable that carries a container's image, such as `CLOUDDRIVER_IMAGE`. */
export function imageVariable(container: string): string {
  return `${container.toUpperCase()}_IMAGE`;
}

/**
 * `compose.env` in the configuration: the image of every container and the optional services that
 * run (`COMPOSE_PROFILES`, comma-separated). The compose project names only the variables, so a new
 * release, registry or optional service changes this file (and rolls the instances like any
 * configuration change), never the project or the user data. With SQL storage, `databaseImages`
 * adds the boot steps' images (`databaseImageLines`). Values may be Terraform strings (a module's
 * inputs); their validation keeps whitespace and `$` out of them.
 */
export function composeEnvironment(
  images: Readonly<Record<SpinnakerService, string>>,
  profiles: string,
  redisImage?: string,
  databaseImages?: string,
): string {
  const lines = Object.entries(images).map(([name, image]) => `${imageVariable(name)}=${image}`);
  if (redisImage !== undefined) lines.push(`${imageVariable("redis")}=${redisImage}`);
  // Lines of their own, each with its newline, before the last: when a module's input leaves them
  // out, the file is byte for byte what it was without them.
  lines.push(`${databaseImages ?? ""}COMPOSE_PROFILES=${profiles}`);
  return `# Rendered by cdktf-spinnaker-aws: the image of each container and the optional services, for docker compose.\n${lines.join("\n")}\n`;
}

/** compose.env's lines of the database's boot steps' images, with SQL storage, each ending its line. */
export function databaseImageLines(awsCliImage: string, clientImage: string): string {
  return `${DATABASE_IMAGE_VARIABLES.secrets}=${awsCliImage}\n${DATABASE_IMAGE_VARIABLES.init}=${clientImage}\n`;
}

const LOGGING = { driver: "json-file", options: { "max-size": "50m", "max-file": "5" } };

export function renderCompose(o: ComposeOptions): string {
  const roleEnv = roleEnvironment(o.role);
  const services: Record<string, unknown> = {};

  if (o.localRedis) {
    services.redis = {
      image: `$${imageVariable("redis")}`,
      network_mode: "host",
      restart: "always",
      // Loopback only: nothing outside the instance can reach this Redis, which has no password.
      command: ["redis-server", "--bind", "127.0.0.1", "--port", String(REDIS_PORT), "--appendonly", "yes"],
      volumes: [`${REDIS_DATA_DIR}:/data`],
      mem_limit: memoryLimit("redis"),
      healthcheck: {
        test: ["CMD", "redis-cli", "-p", String(REDIS_PORT), "ping"],
        interval: "10s",
        timeout: "5s",
        retries: 5,
      },
      logging: LOGGING,
    };
  }

  for (const spec of Object.values(SERVICES)) {
    services[spec.name] = serviceDefinition(spec, o, roleEnv[spec.name] ?? {});
  }

  return `# Rendered by cdktf-spinnaker-aws: the compose project of a ${o.role} instance${o.localRedis ? ", with Redis" : ""}.
# The optional services are profiles, switched on by COMPOSE_PROFILES in compose.env.
${toYaml({ services })}`;
}

/** An overlay's text: the same for every role that takes it. */
export function renderComposeOverlay(overlay: ComposeOverlay): string {
  switch (overlay) {
    case "sql":
      return `# Rendered by cdktf-spinnaker-aws: what SQL storage adds to a role's compose project, passed after it.
# front50 and orca wait for the database's one-shot steps; the other services do not.
${toYaml({ services: { ...databaseDependents(), ...databaseServices() } })}`;
    case "self-deploy":
      return `# Rendered by cdktf-spinnaker-aws: what self-deploy adds to the polling instance's compose project, passed after it.
${toYaml({ services: { seed: seedService() } })}`;
  }
}

function serviceDefinition(spec: ServiceSpec, o: ComposeOptions, roleEnv: Record<string, string>) {
  const isDeck = spec.name === "deck";
  return {
    ...(isOptional(spec.name) ? { profiles: [spec.name] } : {}),
    image: `$${imageVariable(spec.name)}`,
    network_mode: "host",
    restart: "always",
    environment: isDeck
      ? // deck proxies /gate to this address; the browser's gate URL is in settings-local.js.
        { API_HOST: "http://localhost:8084", DECK_HOST: "0.0.0.0", DECK_PORT: String(spec.port) }
      : { JAVA_OPTS: "-XX:MaxRAMPercentage=80.0", ...roleEnv },
    // The same path inside: rosco names our packer template by it (bakery.ts, PACKER_TEMPLATE_FILE).
    volumes: [`${CONFIG_DIR}:${CONFIG_DIR}:ro`],
    mem_limit: memoryLimit(spec.name),
    healthcheck: {
      test: isDeck
        ? // deck's Debian image has neither curl nor wget; bash can open the port itself.
          ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${spec.port}`]
        : ["CMD", "curl", "--fail", "--silent", "--show-error", `http://localhost:${spec.port}${spec.healthPath}`],
      interval: "30s",
      timeout: "10s",
      retries: 5,
      // The JVMs need minutes to start; failures before then do not count.
      start_period: "5m",
    },
    ...dependencies(spec, o),
    logging: LOGGING,
  };
}

/** What a service waits for: the instance's Redis to answer (the SQL overlay adds the database). */
function dependencies(spec: ServiceSpec, o: ComposeOptions) {
  return o.localRedis && spec.name !== "deck" ? { depends_on: { redis: { condition: "service_healthy" } } } : {};
}

/** The services that keep their data in SQL wait for the database to be prepared. */
function databaseDependents() {
  const prepared = () => ({ depends_on: { "database-init": { condition: "service_completed_successfully" } } });
  return { [SERVICES.front50.name]: prepared(), [SERVICES.orca.name]: prepared() };
}

/**
 * The database's one-shot steps, once per start of the project: the secrets step (the AWS CLI's
 * image) reads the master secret and fills the services' secrets when they are empty; the init step
 * (a MySQL client's image) then creates the schemas and users it finds missing. Both read the
 * configuration and share only DATABASE_RUN_DIR.
 */
function databaseServices() {
  const step = (script: string, image: string, memory: string) => ({
    image: `$${image}`,
    network_mode: "host",
    restart: "no",
    entrypoint: ["/bin/bash", `${CONFIG_DIR}/${script}`],
    env_file: [`${CONFIG_DIR}/${DATABASE_ENV_FILE}`],
    environment: { DATABASE_RUN_DIR },
    volumes: [`${CONFIG_DIR}:${CONFIG_DIR}:ro`, `${DATABASE_RUN_DIR}:${DATABASE_RUN_DIR}`],
    mem_limit: memory,
    logging: LOGGING,
  });
  return {
    // The AWS CLI is Python: more than the client needs. Both fit the OS's reserve in the budget.
    "database-secrets": step("database-secrets.sh", DATABASE_IMAGE_VARIABLES.secrets, "256m"),
    "database-init": {
      ...step("database-init.sh", DATABASE_IMAGE_VARIABLES.init, "128m"),
      depends_on: { "database-secrets": { condition: "service_completed_successfully" } },
    },
  };
}

/**
 * Runs templates/seed-spinnaker.sh once per start of the project (`restart: "no"`: `up` starts it
 * again next time), in front50's image: it has a POSIX shell and curl, which the health checks
 * above use too. It waits for front50 and orca itself, so nothing waits for it.
 */
function seedService() {
  return {
    image: `$${imageVariable("front50")}`,
    network_mode: "host",
    restart: "no",
    entrypoint: ["/bin/sh", `/opt/spinnaker/config/${SEED_SCRIPT}`],
    volumes: [`${CONFIG_DIR}:/opt/spinnaker/config:ro`],
    // curl and a shell: the OS's reserve in the memory budget covers it.
    mem_limit: "128m",
    logging: LOGGING,
  };
}

/** Compose interpolation of the limit that compose-env writes at boot (no braces: see terraform-text.ts). */
function memoryLimit(container: string): string {
  return `$${memoryVariable(container)}`;
}
