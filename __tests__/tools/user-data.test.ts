/**
 * What each instance boots, checked by the tools that will read it: `cloud-init schema` on the user
 * data, `shellcheck` on every script it writes, `docker-compose config` on the compose project, for
 * every OS, role and Redis variant.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { OPERATING_SYSTEMS } from "../../modules/config/schema";
import { memoryShares, memoryVariable } from "../../modules/spinnaker/compose";
import { ROLES } from "../../modules/spinnaker/roles";
import { renderInstanceUserData } from "../../modules/topologies/instance-software";
import { settingsFrom } from "../helpers";
import { expectSuccess, requireTool, run, tempDir } from "./harness";

interface WrittenFile {
  path: string;
  content: string;
}

const variants = OPERATING_SYSTEMS.flatMap((os) =>
  ROLES.flatMap((role) =>
    [true, false].map((localRedis) => ({ os, role, localRedis, kayenta: localRedis && role === "polling" })),
  ),
);

beforeAll(() => {
  requireTool("cloud-init", ["--version"], "apt-get install -y cloud-init");
  requireTool("shellcheck", ["--version"], "apt-get install -y shellcheck");
  requireTool("docker-compose", ["version"], "apt-get install -y docker-compose");
});

describe.each(variants)("$os, $role, local Redis: $localRedis", ({ os, role, localRedis, kayenta }) => {
  const settings = settingsFrom({ instance: { os }, spinnaker: { kayenta } });
  const userData = renderInstanceUserData({ settings, role, localRedis });
  const files = (parse(userData) as { write_files: WrittenFile[] }).write_files;
  const dir = tempDir(`${os}-${role}`);

  test("cloud-init accepts the user data", () => {
    const file = join(dir, "user-data.yaml");
    writeFileSync(file, userData);
    const result = run("cloud-init", ["schema", "--config-file", file]);
    expectSuccess(result, "cloud-init schema");
    expect(result.stdout).toContain("Valid cloud-config");
  });

  test("shellcheck passes every script", () => {
    const scripts = files.filter((f) => f.content.startsWith("#!/bin/bash"));
    expect(scripts.map((f) => f.path).sort()).toEqual([
      ...(os === "ubuntu" ? [] : ["/opt/spinnaker/bin/install-ssm-agent"]),
      "/opt/spinnaker/bin/metadata",
      "/opt/spinnaker/bin/size-memory",
      "/opt/spinnaker/bin/sync-config",
    ]);
    for (const script of scripts) {
      const file = join(dir, script.path.split("/").pop() as string);
      writeFileSync(file, script.content);
      expectSuccess(run("shellcheck", ["--severity=style", file]), `shellcheck ${script.path}`);
    }
  });

  test("docker-compose accepts the project with the limits the boot script writes", () => {
    const compose = files.find((f) => f.path === "/opt/spinnaker/compose.yaml");
    expect(compose).toBeDefined();
    writeFileSync(join(dir, "compose.yaml"), compose?.content ?? "");
    const limits = Object.keys(memoryShares({ kayenta, localRedis }))
      .map((name) => `${memoryVariable(name)}=1048576k`)
      .join("\n");
    writeFileSync(join(dir, "memory.env"), `${limits}\n`);
    const result = run("docker-compose", ["--file", "compose.yaml", "--env-file", "memory.env", "config"], {
      cwd: dir,
    });
    expectSuccess(result, "docker-compose config");
    expect(result.stderr).not.toContain("is not set");
    const services = Object.keys(parse(result.stdout).services);
    expect(services.includes("redis")).toBe(localRedis);
    expect(services.includes("kayenta")).toBe(kayenta);
  });
});

test("size-memory splits a 32 GiB machine's memory as the weights say", () => {
  const settings = settingsFrom();
  const files = (
    parse(renderInstanceUserData({ settings, role: "polling", localRedis: true })) as {
      write_files: WrittenFile[];
    }
  ).write_files;
  const script = files.find((f) => f.path.endsWith("size-memory"))?.content ?? "";
  const dir = tempDir("size-memory");
  // Run it against a fake /proc/meminfo and output path: the script's logic, not the machine's.
  const portable = script
    .replace("/proc/meminfo", join(dir, "meminfo"))
    .replace("/opt/spinnaker/memory.env", join(dir, "memory.env"));
  writeFileSync(join(dir, "meminfo"), "MemTotal:       32768000 kB\n");
  writeFileSync(join(dir, "size-memory"), portable);
  expectSuccess(run("bash", [join(dir, "size-memory")]), "size-memory");
  const env = run("cat", [join(dir, "memory.env")]).stdout;
  const available = 32768000 - 1048576;
  expect(env).toContain(`CLOUDDRIVER_MEMORY=${Math.floor((available * 8) / 30)}k`);
  writeFileSync(join(dir, "meminfo"), "MemTotal:       4000000 kB\n");
  const small = run("bash", [join(dir, "size-memory")]);
  expect(small.status).toBe(1);
  expect(small.stderr).toContain("too little for Spinnaker");
});
