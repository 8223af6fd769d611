/**
 * What each instance boots, checked by the tools that will read it: `cloud-init schema` on the one
 * user data, `shellcheck` on every script it writes, the scripts themselves run against stand-ins for
 * the OS, the metadata service and Docker, and `docker-compose config` on each role's compose project
 * with every set of optional services, as the boot scripts prepare it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { parse } from "yaml";
import { BOOT_FILES, userDataText } from "../../modules/spinnaker/cloud-init";
import { renderComposeOverlay } from "../../modules/spinnaker/compose";
import { requiredMemoryMiB } from "../../modules/spinnaker/memory";
import { OPTIONAL_SERVICES, SERVICES } from "../../modules/spinnaker/services";
import { instanceEnvironment, instanceSoftwareFiles } from "../../modules/topologies/instance-software";
import { settingsFrom } from "../helpers";
import { composeCommand, expectSuccess, requireTool, run, tempDir } from "./harness";

interface WrittenFile {
  path: string;
  content: string;
}

const files = (parse(userDataText()) as { write_files: WrittenFile[] }).write_files;

function script(name: string): string {
  const file = files.find((f) => f.path === `/opt/spinnaker/bin/${name}`);
  if (!file) throw new Error(`the user data writes no /opt/spinnaker/bin/${name}`);
  return file.content;
}

/** Stand-in commands in `dir/bin`, each logging its arguments to `dir/calls` before its own body. */
function standIns(dir: string, commands: Record<string, string>): NodeJS.ProcessEnv {
  mkdirSync(join(dir, "bin"), { recursive: true });
  for (const [name, body] of Object.entries(commands)) {
    writeFileSync(join(dir, "bin", name), `#!/bin/bash\necho "${name} $*" >> ${join(dir, "calls")}\n${body}\n`, {
      mode: 0o755,
    });
  }
  return { PATH: `${join(dir, "bin")}:${process.env.PATH}` };
}

function calls(dir: string): string[] {
  return readFileSync(join(dir, "calls"), "utf8").trim().split("\n");
}

beforeAll(() => {
  requireTool("cloud-init", ["--version"], "apt-get install -y cloud-init");
  requireTool("shellcheck", ["--version"], "apt-get install -y shellcheck");
  if (composeCommand() === undefined) {
    throw new Error(
      "The tools tier needs docker-compose or the docker compose plugin: apt-get install -y docker-compose",
    );
  }
});

test("cloud-init accepts the user data", () => {
  const file = join(tempDir("user-data"), "user-data.yaml");
  writeFileSync(file, userDataText());
  const result = run("cloud-init", ["schema", "--config-file", file]);
  expectSuccess(result, "cloud-init schema");
  expect(result.stdout).toContain("Valid cloud-config");
});

test("shellcheck passes every script", () => {
  const scripts = files.filter((f) => f.content.startsWith("#!/bin/bash"));
  expect(scripts.map((f) => f.path.split("/").pop()).sort()).toEqual([
    "compose",
    "compose-env",
    "install-packages",
    "interservice-targets",
    "metadata",
    "sync-config",
  ]);
  const dir = tempDir("shellcheck");
  for (const s of scripts) {
    const file = join(dir, s.path.split("/").pop() as string);
    writeFileSync(file, s.content);
    expectSuccess(run("shellcheck", ["--severity=style", file]), `shellcheck ${s.path}`);
  }
});

describe("one install script for every operating system", () => {
  /** Runs install-packages with /etc/os-release, the package managers and the metadata service faked. */
  function install(osRelease: string, machine = "x86_64") {
    const dir = tempDir("install-packages");
    writeFileSync(join(dir, "os-release"), osRelease);
    const env = standIns(dir, {
      "apt-get": "exit 0",
      dnf: "exit 0",
      systemctl: "exit 0",
      uname: `echo ${machine}`,
      metadata: "echo eu-west-1",
    });
    const portable = script("install-packages")
      .replace(". /etc/os-release", `. ${join(dir, "os-release")}`)
      .replace("/etc/yum.repos.d/docker-ce.repo", join(dir, "docker-ce.repo"))
      .replaceAll("/opt/spinnaker/bin/metadata", "metadata");
    writeFileSync(join(dir, "install-packages"), portable);
    const result = run("bash", [join(dir, "install-packages")], { env });
    return { dir, result };
  }

  test("Ubuntu: Docker and Compose v2 from its own archive, nothing else", () => {
    const { dir, result } = install('ID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n');
    expectSuccess(result, "install-packages on Ubuntu");
    expect(calls(dir)).toEqual(["apt-get -o DPkg::Lock::Timeout=300 install -y docker.io docker-compose-v2"]);
  });

  test.each([
    ["rhel", 'ID="rhel"\nVERSION_ID="9.4"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n', "x86_64", "amd64"],
    ["centos", 'ID="centos"\nVERSION_ID="9"\nPRETTY_NAME="CentOS Stream 9"\n', "aarch64", "arm64"],
  ])("%s: Docker CE from Docker's signed repository for that OS, and the SSM agent", (id, osRelease, machine, arch) => {
    const { dir, result } = install(osRelease, machine);
    expectSuccess(result, `install-packages on ${id}`);
    const repo = readFileSync(join(dir, "docker-ce.repo"), "utf8");
    expect(repo).toContain(`baseurl=https://download.docker.com/linux/${id}/$releasever/$basearch/stable\n`);
    expect(repo).toContain(`gpgkey=https://download.docker.com/linux/${id}/gpg\n`);
    expect(repo).toContain("gpgcheck=1\n");
    expect(calls(dir)).toEqual([
      "dnf install -y docker-ce docker-ce-cli containerd.io docker-compose-plugin",
      "metadata placement/region",
      "uname -m",
      `dnf install -y https://s3.eu-west-1.amazonaws.com/amazon-ssm-eu-west-1/latest/linux_${arch}/amazon-ssm-agent.rpm`,
      "systemctl enable --now amazon-ssm-agent.service",
    ]);
  });

  test("another OS stops the boot with its name", () => {
    const { result } = install('ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "install-packages: Debian GNU/Linux 12 (bookworm) is not supported: use Ubuntu, RHEL or CentOS Stream",
    );
  });
});

describe("sync-config", () => {
  /** Runs sync-config with the metadata service and Docker faked; the "bucket" is `dir/bucket`. */
  function sync(role: string, bucketFiles: Record<string, string>) {
    const dir = tempDir("sync-config");
    mkdirSync(join(dir, "bucket"));
    for (const [name, content] of Object.entries(bucketFiles)) writeFileSync(join(dir, "bucket", name), content);
    const env = standIns(dir, {
      metadata: `case "$1" in\n  tags/instance/SpinnakerRole) echo ${role} ;;\n  *) echo value ;;\nesac`,
      // `docker run ... s3 sync s3://bucket/config/ /config ...`: copy the fake bucket into the config dir.
      docker: `cp -r ${join(dir, "bucket")}/. ${join(dir, "config")}/`,
    });
    const portable = script("sync-config")
      .replaceAll("/opt/spinnaker/bin/metadata", "metadata")
      .replaceAll("/opt/spinnaker/config", join(dir, "config"))
      .replace("/opt/spinnaker/compose.yaml", join(dir, "compose.yaml"))
      .replaceAll("/opt/spinnaker/compose.d", join(dir, "compose.d"))
      .replace("sleep $((attempt * 10))", "true");
    writeFileSync(join(dir, "sync-config"), portable);
    return { dir, result: run("bash", [join(dir, "sync-config")], { env }) };
  }

  test("puts the project of the instance's role (its tag) in place", () => {
    const { dir, result } = sync("nonpolling", {
      [BOOT_FILES.compose("polling")]: "# polling\n",
      [BOOT_FILES.compose("nonpolling")]: "# nonpolling\n",
    });
    expectSuccess(result, "sync-config");
    expect(readFileSync(join(dir, "compose.yaml"), "utf8")).toBe("# nonpolling\n");
  });

  test("puts the overlays the configuration holds for the role in compose.d, and only those", () => {
    const { dir, result } = sync("polling", {
      [BOOT_FILES.compose("polling")]: "# polling\n",
      [BOOT_FILES.composeOverlay("polling", "sql")]: "# polling, sql\n",
      [BOOT_FILES.composeOverlay("polling", "self-deploy")]: "# polling, self-deploy\n",
      [BOOT_FILES.composeOverlay("nonpolling", "sql")]: "# nonpolling, sql\n",
    });
    expectSuccess(result, "sync-config");
    expect(readdirSync(join(dir, "compose.d")).sort()).toEqual([
      "compose-polling.self-deploy.yaml",
      "compose-polling.sql.yaml",
    ]);
    expect(readFileSync(join(dir, "compose.d", "compose-polling.sql.yaml"), "utf8")).toBe("# polling, sql\n");
  });

  test("leaves no overlay of an option switched off since the last start", () => {
    const { dir, result } = sync("nonpolling", { [BOOT_FILES.compose("nonpolling")]: "# nonpolling\n" });
    expectSuccess(result, "sync-config");
    expect(readdirSync(join(dir, "compose.d"))).toEqual([]);
    // The same folder again, after an overlay was there: the next start removes it.
    writeFileSync(join(dir, "compose.d", "compose-nonpolling.sql.yaml"), "# stale\n");
    expectSuccess(
      run("bash", [join(dir, "sync-config")], { env: { PATH: `${join(dir, "bin")}:${process.env.PATH}` } }),
      "sync-config",
    );
    expect(readdirSync(join(dir, "compose.d"))).toEqual([]);
  });

  test("stops with the role's name when the configuration has no project for it", () => {
    const { result } = sync("nonpolling", { [BOOT_FILES.compose("polling")]: "# polling\n" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sync-config: the configuration has no compose project for the role "nonpolling"');
  });
});

/**
 * Runs the user data's compose-env against a fake /proc/meminfo and the configuration files in
 * `dir/config`: the script's logic, not the machine's. Leaves `dir/compose.env` as the instance would.
 */
function composeEnv(dir: string, memTotalKib: number) {
  writeFileSync(join(dir, "meminfo"), `MemTotal:       ${memTotalKib} kB\n`);
  const portable = script("compose-env")
    .replace("/proc/meminfo", join(dir, "meminfo"))
    .replace("config=/opt/spinnaker/config", `config=${join(dir, "config")}`)
    .replaceAll("/opt/spinnaker/compose.env", join(dir, "compose.env"));
  writeFileSync(join(dir, "compose-env"), portable);
  return run("bash", [join(dir, "compose-env")]);
}

/**
 * Runs the user data's bin/compose with `config` in `dir` (for /opt/spinnaker), as systemd runs it,
 * Docker a stand-in that hands `docker compose ...` to this machine's Compose.
 */
function composeConfig(dir: string) {
  const [command, ...subcommand] = composeCommand() as string[];
  const real = run("bash", ["-c", `command -v ${command}`]).stdout.trim();
  const env = standIns(dir, { docker: `[ "$1" = compose ] && shift\nexec ${[real, ...subcommand].join(" ")} "$@"` });
  writeFileSync(join(dir, "compose"), script("compose").replaceAll("/opt/spinnaker", dir));
  return run("bash", [join(dir, "compose"), "config"], { cwd: dir, env });
}

/** The configuration files a topology writes, with these optional services on, in `dir/config`. */
function configuration(dir: string, localRedis: boolean, on: readonly string[]) {
  const settings = settingsFrom();
  mkdirSync(join(dir, "config"), { recursive: true });
  const software = instanceSoftwareFiles({ roles: ["polling", "nonpolling"], localRedis });
  for (const [name, content] of Object.entries(software)) writeFileSync(join(dir, "config", name), content);
  const optional = { kayenta: on.includes("kayenta"), fiat: on.includes("fiat") };
  writeFileSync(
    join(dir, "config", BOOT_FILES.composeEnvironment),
    instanceEnvironment(new TerraformStack(Testing.app(), "compose-env"), settings.spinnaker, optional, localRedis),
  );
  return settings;
}

const shapes = [
  // As the topologies combine them: stand-alone has one polling instance with Redis on it.
  { topology: "stand-alone", role: "polling", localRedis: true },
  { topology: "HA", role: "polling", localRedis: false },
  { topology: "HA", role: "nonpolling", localRedis: false },
] as const;

/**
 * docker-compose 1.29's `config` validates a project and prints every service, whatever profiles
 * are on; which services `up` starts is Compose's documented rule (a service with `profiles` only
 * when one of them is in COMPOSE_PROFILES). So this checks both sides of that rule: the project
 * gives exactly kayenta and fiat a profile of their own name, and compose.env lists what is on.
 */
describe.each(shapes)("$topology, $role", ({ role, localRedis }) => {
  test.each([[[]], [["kayenta", "fiat"]]] as const)("docker-compose accepts the project with %j on", (on) => {
    const dir = tempDir(`compose-${role}`);
    const settings = configuration(dir, localRedis, on);
    expectSuccess(composeEnv(dir, 32768000), "compose-env");
    expect(readFileSync(join(dir, "compose.env"), "utf8")).toContain(`\nCOMPOSE_PROFILES=${on.join(",")}\n`);
    writeFileSync(join(dir, "compose.yaml"), readFileSync(join(dir, "config", BOOT_FILES.compose(role)), "utf8"));
    const result = composeConfig(dir);
    expectSuccess(result, "bin/compose config");
    expect(result.stderr).not.toContain("is not set");
    const services = parse(result.stdout).services as Record<string, { image: string; profiles?: string[] }>;
    expect(Object.keys(services).sort()).toEqual([...Object.keys(SERVICES), ...(localRedis ? ["redis"] : [])].sort());
    const profiles = Object.entries(services).filter(([, s]) => s.profiles !== undefined);
    expect(profiles.map(([name, s]) => [name, s.profiles])).toEqual(OPTIONAL_SERVICES.map((n) => [n, [n]]).sort());
    expect(services.clouddriver.image).toBe(`ghcr.io/spinnaker/clouddriver:${settings.spinnaker.version}`);
    if (localRedis) expect(services.redis.image).toBe(settings.spinnaker.redisImage);
  });
});

test("HA, polling, with Spinnaker deploying itself: bin/compose passes the overlay, and the seeding container runs beside the services", () => {
  const dir = tempDir("compose-seed");
  configuration(dir, false, []);
  expectSuccess(composeEnv(dir, 32768000), "compose-env");
  writeFileSync(join(dir, "compose.yaml"), readFileSync(join(dir, "config", BOOT_FILES.compose("polling")), "utf8"));
  mkdirSync(join(dir, "compose.d"));
  const overlay = BOOT_FILES.composeOverlay("polling", "self-deploy");
  writeFileSync(join(dir, "compose.d", overlay), renderComposeOverlay("self-deploy"));
  const result = composeConfig(dir);
  expectSuccess(result, "bin/compose config");
  // Docker was asked for the project, then the overlay, with the variables compose-env wrote.
  expect(calls(dir)).toEqual([
    `docker compose --project-directory ${dir} --file ${join(dir, "compose.yaml")} --file ${join(dir, "compose.d", overlay)} --env-file ${join(dir, "compose.env")} config`,
  ]);
  const services = parse(result.stdout).services as Record<
    string,
    { image: string; restart: string; entrypoint: string[] }
  >;
  expect(Object.keys(services).sort()).toEqual([...Object.keys(SERVICES), "seed"].sort());
  expect(services.seed).toMatchObject({
    image: services.front50.image,
    restart: "no",
    entrypoint: ["/bin/sh", "/opt/spinnaker/config/seed-spinnaker"],
  });
});

describe("compose-env", () => {
  const memTotalKib = 32768000;
  const limitsOf = (dir: string) =>
    Object.fromEntries(
      [...readFileSync(join(dir, "compose.env"), "utf8").matchAll(/^([A-Z0-9]+)_MEMORY=(\d+)k$/gm)].map(
        ([, name, kib]) => [name.toLowerCase(), Number(kib)],
      ),
    );

  test.each([
    ["no optional service", [] as string[]],
    ["kayenta", ["kayenta"]],
  ])("with %s: each container running gets its minimum and a share of the rest by weight", (_, on) => {
    const dir = tempDir("compose-env");
    configuration(dir, true, on);
    expectSuccess(composeEnv(dir, memTotalKib), "compose-env");
    const env = readFileSync(join(dir, "compose.env"), "utf8");
    expect(env).toContain(`COMPOSE_PROFILES=${on.join(",")}\n`);
    expect(env).toMatch(/^ORCA_IMAGE=ghcr\.io\/spinnaker\/orca:/m);
    const limits = limitsOf(dir);
    const running = Object.values(SERVICES).filter((s) => !["kayenta", "fiat"].includes(s.name) || on.includes(s.name));
    const weights = running.reduce((sum, s) => sum + s.memoryWeight, 0) + 2; // Redis weighs 2.
    const optional = { kayenta: on.includes("kayenta"), fiat: false, localRedis: true };
    const spareKib = memTotalKib - requiredMemoryMiB(optional) * 1024;
    expect(limits.clouddriver).toBe(1024 * 1024 + Math.floor((spareKib * 8) / weights));
    // A service that does not run gets its minimum, unused, so the project's variables are all set.
    expect(limits.fiat).toBe(1024 * 1024);
    expect(limits.kayenta > 1024 * 1024).toBe(on.includes("kayenta"));
    // Together the running containers leave the OS its share.
    const used = running.map((s) => limits[s.name]).reduce((a, b) => a + b, limits.redis);
    expect(used).toBeLessThanOrEqual(memTotalKib - 1024 * 1024);
  });

  test("refuses an instance with less memory than the running containers and the OS need", () => {
    const dir = tempDir("compose-env-small");
    configuration(dir, true, []);
    // 8.5 GiB: below the 8948 MiB the stand-alone containers and the OS need.
    const small = composeEnv(dir, 8704 * 1024);
    expect(small.status).toBe(1);
    expect(small.stderr).toContain(
      `too little for Spinnaker: its containers need ${(8948 - 1024) * 1024} KiB and the OS ${1024 * 1024} KiB`,
    );
    // The same instance with kayenta on needs 1 GiB more.
    expect(composeEnv(dir, 9000 * 1024).status).toBe(0);
    configuration(dir, true, ["kayenta"]);
    expect(composeEnv(dir, 9000 * 1024).status).toBe(1);
  });
});

describe("interservice-targets", () => {
  const arns = [
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/spin-orca/0123456789abcdef",
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/spin-echo/0123456789abcdef",
  ];

  function setUp(targets?: string) {
    const dir = tempDir("interservice-targets");
    // Stand-ins for the metadata service and Docker: docker fails once per target group.
    const env = standIns(dir, {
      metadata:
        'case "$1" in\n  instance-id) echo i-0123456789abcdef0 ;;\n  placement/region) echo eu-west-1 ;;\n  *) echo example/aws-cli:2 ;;\nesac',
      docker: `key=$(echo "$*" | md5sum | cut -c1-8)\n[ -e ${dir}/seen-$key ] && exit 0\ntouch ${dir}/seen-$key\nexit 1`,
    });
    if (targets !== undefined) writeFileSync(join(dir, BOOT_FILES.interserviceTargets), targets);
    const portable = script("interservice-targets")
      .replaceAll("/opt/spinnaker/bin/metadata", "metadata")
      .replaceAll(`/opt/spinnaker/config/${BOOT_FILES.interserviceTargets}`, join(dir, BOOT_FILES.interserviceTargets))
      .replaceAll("sleep $((attempt * 5))", "true");
    writeFileSync(join(dir, "interservice-targets"), portable);
    return { dir, env, command: join(dir, "interservice-targets") };
  }

  test("puts the instance in every listed target group, retries, and takes it out again", () => {
    const { dir, env, command } = setUp(`${arns.join("\n")}\n`);
    expectSuccess(run("bash", [command, "register"], { env }), "interservice-targets register");
    const docker = calls(dir).filter((c) => c.startsWith("docker "));
    // Each target group: one failed attempt, then success.
    expect(docker).toHaveLength(4);
    expect(docker[1]).toBe(
      `docker run --rm --network host example/aws-cli:2 elbv2 register-targets --target-group-arn ${arns[0]} --targets Id=i-0123456789abcdef0 --region eu-west-1`,
    );
    expect(docker[3]).toContain(`register-targets --target-group-arn ${arns[1]} `);
    expectSuccess(run("bash", [command, "deregister"], { env }), "interservice-targets deregister");
    expect(calls(dir).join("\n")).toContain(`elbv2 deregister-targets --target-group-arn ${arns[1]} `);
    expect(run("bash", [command, "join"], { env }).status).toBe(2);
  });

  test("does nothing where the configuration lists no target group (stand-alone)", () => {
    const { dir, env, command } = setUp();
    expectSuccess(run("bash", [command, "register"], { env }), "interservice-targets register");
    expect(() => calls(dir)).toThrow(/ENOENT/);
  });
});
