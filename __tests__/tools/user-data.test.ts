/**
 * What each instance boots, checked by the tools that will read it: `cloud-init schema` on the user
 * data, `shellcheck` on every script it writes, `docker-compose config` on the compose project, for
 * every OS, role and Redis variant.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { OPERATING_SYSTEMS } from "../../modules/config/schema";
import { composeEnvironment } from "../../modules/spinnaker/compose";
import { imageReferences } from "../../modules/spinnaker/images";
import { memoryBudget, requiredMemoryMiB } from "../../modules/spinnaker/memory";
import { ROLES } from "../../modules/spinnaker/roles";
import { renderInstanceUserData } from "../../modules/topologies/instance-software";
import { SIGN_IN, settingsFrom } from "../helpers";
import { composeCommand, expectSuccess, requireTool, run, tempDir } from "./harness";

interface WrittenFile {
  path: string;
  content: string;
}

const variants = OPERATING_SYSTEMS.flatMap((os) =>
  ROLES.flatMap((role) =>
    // As the topologies combine them: stand-alone has Redis on the instance; HA joins the interservice target groups.
    [true, false].map((localRedis) => ({
      os,
      role,
      localRedis,
      interserviceTargets: !localRedis,
      kayenta: localRedis && role === "polling",
      // Sign-in (fiat) on for HA's, off for stand-alone's, so each shape is checked on every OS.
      signIn: !localRedis,
    })),
  ),
);

beforeAll(() => {
  requireTool("cloud-init", ["--version"], "apt-get install -y cloud-init");
  requireTool("shellcheck", ["--version"], "apt-get install -y shellcheck");
  if (composeCommand() === undefined) {
    throw new Error(
      "The tools tier needs docker-compose or the docker compose plugin: apt-get install -y docker-compose",
    );
  }
});

describe.each(variants)(
  "$os, $role, local Redis: $localRedis, sign-in: $signIn",
  ({ os, role, localRedis, interserviceTargets, kayenta, signIn }) => {
    const settings = settingsFrom({
      instance: { os },
      ...(signIn ? SIGN_IN : {}),
      spinnaker: { kayenta, ...(signIn ? SIGN_IN.spinnaker : {}) },
    });
    const userData = renderInstanceUserData({ settings, role, localRedis, interserviceTargets });
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
        "/opt/spinnaker/bin/compose-env",
        ...(os === "ubuntu" ? [] : ["/opt/spinnaker/bin/install-ssm-agent"]),
        ...(interserviceTargets ? ["/opt/spinnaker/bin/interservice-targets"] : []),
        "/opt/spinnaker/bin/metadata",
        "/opt/spinnaker/bin/sync-config",
      ]);
      for (const script of scripts) {
        const file = join(dir, script.path.split("/").pop() as string);
        writeFileSync(file, script.content);
        expectSuccess(run("shellcheck", ["--severity=style", file]), `shellcheck ${script.path}`);
      }
    });

    test("docker-compose accepts the project with the variables the boot script writes", () => {
      const compose = files.find((f) => f.path === "/opt/spinnaker/compose.yaml");
      expect(compose).toBeDefined();
      writeFileSync(join(dir, "compose.yaml"), compose?.content ?? "");
      const images = imageReferences(settings.spinnaker);
      const env = composeEnvFromScript(
        files,
        dir,
        composeEnvironment(images, localRedis ? settings.spinnaker.redisImage : undefined),
        32768000,
      );
      expect(env.status).toBe(0);
      const [command, ...subcommand] = composeCommand() as string[];
      const result = run(command, [...subcommand, "--file", "compose.yaml", "--env-file", "compose.env", "config"], {
        cwd: dir,
      });
      expectSuccess(result, "docker-compose config");
      expect(result.stderr).not.toContain("is not set");
      const services = parse(result.stdout).services as Record<string, { image: string }>;
      expect(Object.keys(services).includes("redis")).toBe(localRedis);
      expect(Object.keys(services).includes("kayenta")).toBe(kayenta);
      expect(Object.keys(services).includes("fiat")).toBe(signIn);
      expect(services.clouddriver.image).toBe(images.clouddriver);
      if (localRedis) expect(services.redis.image).toBe(settings.spinnaker.redisImage);
    });
  },
);

/**
 * Runs the user data's compose-env script against a fake /proc/meminfo and a synced compose.env in
 * `dir`: the script's logic, not the machine's. Leaves `dir/compose.env` as the instance would.
 */
function composeEnvFromScript(files: WrittenFile[], dir: string, synced: string, memTotalKib: number) {
  const script = files.find((f) => f.path.endsWith("/bin/compose-env"))?.content ?? "";
  mkdirSync(join(dir, "config"), { recursive: true });
  writeFileSync(join(dir, "config", "compose.env"), synced);
  writeFileSync(join(dir, "meminfo"), `MemTotal:       ${memTotalKib} kB\n`);
  const portable = script
    .replace("/proc/meminfo", join(dir, "meminfo"))
    .replace("/opt/spinnaker/config/compose.env", join(dir, "config", "compose.env"))
    .replace("> /opt/spinnaker/compose.env", `> ${join(dir, "compose.env")}`);
  writeFileSync(join(dir, "compose-env"), portable);
  return run("bash", [join(dir, "compose-env")]);
}

test("compose-env keeps the synced images, gives each container its minimum and shares the rest by weight", () => {
  const settings = settingsFrom();
  const files = (
    parse(renderInstanceUserData({ settings, role: "polling", localRedis: true })) as {
      write_files: WrittenFile[];
    }
  ).write_files;
  const dir = tempDir("compose-env");
  const budget = memoryBudget({ kayenta: false, fiat: false, localRedis: true });
  const totalWeight = Object.values(budget).reduce((sum, s) => sum + s.weight, 0);
  const memTotalKib = 32768000;
  const spareKib = memTotalKib - requiredMemoryMiB({ kayenta: false, fiat: false, localRedis: true }) * 1024;
  expectSuccess(composeEnvFromScript(files, dir, "ORCA_IMAGE=example/orca:1\n", memTotalKib), "compose-env");
  const env = run("cat", [join(dir, "compose.env")]).stdout;
  expect(env).toContain("ORCA_IMAGE=example/orca:1\n");
  const limits = Object.fromEntries(
    [...env.matchAll(/^([A-Z0-9]+)_MEMORY=(\d+)k$/gm)].map(([, name, kib]) => [name.toLowerCase(), Number(kib)]),
  );
  expect(Object.keys(limits).sort()).toEqual(Object.keys(budget).sort());
  expect(limits.clouddriver).toBe(1024 * 1024 + Math.floor((spareKib * 8) / totalWeight));
  // No container gets less than its minimum, and together they leave the OS its share.
  for (const [name, share] of Object.entries(budget)) expect(limits[name]).toBeGreaterThan(share.minimumMiB * 1024);
  expect(Object.values(limits).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(memTotalKib - 1024 * 1024);

  // 8.5 GiB: below the 8948 MiB the stand-alone containers and the OS need.
  const small = composeEnvFromScript(files, dir, "ORCA_IMAGE=example/orca:1\n", 8704 * 1024);
  expect(small.status).toBe(1);
  expect(small.stderr).toContain(`too little for Spinnaker: its containers need ${(8948 - 1024) * 1024} KiB`);
});

test("interservice-targets puts the instance in every listed target group, retries, and takes it out again", () => {
  const files = (
    parse(
      renderInstanceUserData({
        settings: settingsFrom(),
        role: "nonpolling",
        localRedis: false,
        interserviceTargets: true,
      }),
    ) as { write_files: WrittenFile[] }
  ).write_files;
  const script = files.find((f) => f.path === "/opt/spinnaker/bin/interservice-targets")?.content ?? "";
  const dir = tempDir("interservice-targets");
  mkdirSync(join(dir, "bin"));
  // Stand-ins for the metadata service and Docker: docker logs its arguments and fails once per target group.
  writeFileSync(
    join(dir, "bin", "metadata"),
    '#!/bin/bash\ncase "$1" in\n  instance-id) echo i-0123456789abcdef0 ;;\n  placement/region) echo eu-west-1 ;;\n  *) echo example/aws-cli:2 ;;\nesac\n',
    { mode: 0o755 },
  );
  writeFileSync(
    join(dir, "bin", "docker"),
    `#!/bin/bash\necho "$*" >> ${join(dir, "calls")}\nkey=$(echo "$*" | md5sum | cut -c1-8)\n[ -e ${dir}/seen-$key ] && exit 0\ntouch ${dir}/seen-$key\nexit 1\n`,
    { mode: 0o755 },
  );
  const arns = [
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/spin-orca/0123456789abcdef",
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/spin-echo/0123456789abcdef",
  ];
  writeFileSync(join(dir, "interservice-target-groups"), `${arns.join("\n")}\n`);
  const portable = script
    .replaceAll("/opt/spinnaker/bin/metadata", join(dir, "bin", "metadata"))
    .replaceAll("/opt/spinnaker/config/interservice-target-groups", join(dir, "interservice-target-groups"))
    .replaceAll("sleep $((attempt * 5))", "true");
  writeFileSync(join(dir, "interservice-targets"), portable);
  const env = { PATH: `${join(dir, "bin")}:${process.env.PATH}` };

  expectSuccess(run("bash", [join(dir, "interservice-targets"), "register"], { env }), "interservice-targets register");
  const calls = run("cat", [join(dir, "calls")])
    .stdout.trim()
    .split("\n");
  // Each target group: one failed attempt, then success.
  expect(calls).toHaveLength(4);
  expect(calls[1]).toBe(
    `run --rm --network host example/aws-cli:2 elbv2 register-targets --target-group-arn ${arns[0]} --targets Id=i-0123456789abcdef0 --region eu-west-1`,
  );
  expect(calls[3]).toContain(`register-targets --target-group-arn ${arns[1]} `);

  expectSuccess(
    run("bash", [join(dir, "interservice-targets"), "deregister"], { env }),
    "interservice-targets deregister",
  );
  expect(run("cat", [join(dir, "calls")]).stdout).toContain(`elbv2 deregister-targets --target-group-arn ${arns[1]} `);
  expect(run("bash", [join(dir, "interservice-targets"), "join"], { env }).status).toBe(2);
});
