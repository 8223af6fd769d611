/**
 * docker-compose 1.29's `config` on a role's compose project and SQL storage's overlay, passed after
 * it as bin/compose passes it: the merged project is valid, and each step's order and files are as
 * the instance runs them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  CONFIG_DIR,
  DATABASE_ENV_FILE,
  DATABASE_IMAGE_VARIABLES,
  imageVariable,
  memoryVariable,
  renderCompose,
  renderComposeOverlay,
} from "../../modules/spinnaker/compose";
import { SERVICES } from "../../modules/spinnaker/services";
import { composeCommand, expectSuccess, run, tempDir } from "./harness";

test.each([true, false])(
  "docker-compose accepts the steps before front50 and orca (Redis on the instance: %s)",
  (localRedis) => {
    const command = composeCommand();
    if (command === undefined)
      throw new Error("The tools tier needs docker-compose: apt-get install -y docker-compose");
    const dir = tempDir("compose-database");
    // The configuration's folder is this test's: docker-compose reads env_file when it validates.
    writeFileSync(
      join(dir, "compose.yaml"),
      renderCompose({ role: "polling", localRedis }).replaceAll(CONFIG_DIR, dir),
    );
    writeFileSync(join(dir, "compose.sql.yaml"), renderComposeOverlay("sql").replaceAll(CONFIG_DIR, dir));
    writeFileSync(join(dir, DATABASE_ENV_FILE), "DATABASE_HOST=db.example.internal\nDATABASE_PORT=3306\n");
    const containers = [...Object.keys(SERVICES), "redis"];
    writeFileSync(
      join(dir, "compose.env"),
      [
        ...containers.map((name) => `${imageVariable(name)}=example/${name}:1`),
        ...containers.map((name) => `${memoryVariable(name)}=1024m`),
        `${DATABASE_IMAGE_VARIABLES.secrets}=example/aws-cli:2`,
        `${DATABASE_IMAGE_VARIABLES.init}=example/mysql:8.4`,
        "",
      ].join("\n"),
    );
    const shell = `set -a; . ./compose.env; set +a; exec ${command.join(" ")} --file compose.yaml --file compose.sql.yaml --env-file compose.env config`;
    const result = run("bash", ["-c", shell], { cwd: dir });
    expectSuccess(result, "docker-compose config");
    expect(result.stderr).not.toContain("is not set");
    const services = parse(result.stdout).services as Record<string, Record<string, unknown>>;
    expect(services["database-secrets"]).toMatchObject({ image: "example/aws-cli:2", restart: "no" });
    expect(services["database-init"]).toMatchObject({
      image: "example/mysql:8.4",
      depends_on: { "database-secrets": { condition: "service_completed_successfully" } },
    });
    // Compose merges the overlay's dependencies with the project's own (Redis on the instance).
    for (const name of ["front50", "orca"]) {
      expect(services[name].depends_on).toEqual({
        "database-init": { condition: "service_completed_successfully" },
        ...(localRedis ? { redis: { condition: "service_healthy" } } : {}),
      });
      expect(services[name].image).toBe(`example/${name}:1`);
    }
    expect(services.clouddriver.depends_on).toEqual(
      localRedis ? { redis: { condition: "service_healthy" } } : undefined,
    );
    expect(services["database-init"].environment).toMatchObject({
      DATABASE_HOST: "db.example.internal",
      DATABASE_PORT: "3306",
    });
  },
);
