/**
 * The database boot scripts of the SQL storage for front50 and orca (modules/templates/), run with
 * bash on this machine:
 * - database-init.sh against a MariaDB server of this test (a temporary datadir, on 127.0.0.1 and a
 *   free port, stopped at the end): the first run makes the schemas, users and grants, the second
 *   changes nothing, a changed password file changes only that user, and bad input is refused;
 * - database-secrets.sh against moto's Secrets Manager (moto_server on 127.0.0.1, stopped at the
 *   end): the first run fills the empty service secrets and writes the files, the second keeps them,
 *   an instance that loses the race for the first value uses the winner's, and a password that
 *   could break SQL is refused without being shown.
 * Also shellcheck on both. MariaDB stands in for MySQL 8: both take the SQL the script sends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { expectSuccess, type Run, requireTool, run, tempDir } from "./harness";

const TEMPLATES = join(__dirname, "..", "..", "modules", "templates");
const INIT = join(TEMPLATES, "database-init.sh");
const SECRETS = join(TEMPLATES, "database-secrets.sh");
const SERVICES = ["front50", "orca"];
const USERS = SERVICES.flatMap((s) => [`${s}_service`, `${s}_migrate`]);
const SERVICE_GRANTS = "SELECT, INSERT, UPDATE, DELETE, CREATE, EXECUTE, SHOW VIEW";
const MIGRATE_GRANTS =
  "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, LOCK TABLES, EXECUTE, SHOW VIEW";
const MASTER = { user: "spinadmin", password: "Master0Password0For0Tests" };

const dir = tempDir("database-init");

/** A port on 127.0.0.1 that was free a moment ago: the system picks it, the server takes it next. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `ready` until it holds; fails after `seconds`. */
async function waitFor(what: string, ready: () => boolean | Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${seconds} seconds`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ends exactly the process this test started: SIGTERM, then SIGKILL after 10 seconds. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The first of `names` that is an executable file (mariadbd is in /usr/sbin, often not on PATH). */
function findTool(names: string[], install: string): string {
  const found = names
    .flatMap((name) =>
      name.includes("/") ? [name] : (process.env.PATH ?? "").split(delimiter).map((d) => join(d, name)),
    )
    .find((path) => existsSync(path));
  if (found === undefined) throw new Error(`The tools tier needs ${names[0]}, which is not installed: ${install}`);
  return found;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("shellcheck", () => {
  beforeAll(() => requireTool("shellcheck", ["--version"], "apt-get install -y shellcheck"));

  test.each([INIT, SECRETS])("finds nothing in %s", (script) => {
    expectSuccess(run("shellcheck", ["--shell=bash", script]), `shellcheck ${script}`);
  });
});

describe("database-init.sh against MariaDB", () => {
  const data = join(dir, "mariadb");
  const socket = join(data, "mariadbd.sock");
  const generalLog = join(data, "general.log");
  const runDir = join(dir, "run");
  const bin = join(dir, "bin");
  let client: string;
  let server: ChildProcess | undefined;
  let port: number;

  /** SQL as MariaDB's root, over the socket; rows as tab-separated lines. */
  function root(sql: string): string {
    const result = run(client, [
      "--no-defaults",
      `--socket=${socket}`,
      "--user=root",
      "--batch",
      "--skip-column-names",
      "-e",
      sql,
    ]);
    expectSuccess(result, `mariadb: ${sql}`);
    return result.stdout;
  }

  function writeClientConfig(to: number): void {
    // What database-secrets writes, without the TLS line: this server has no TLS.
    writeFileSync(
      join(runDir, "client.cnf"),
      `[client]\nhost="127.0.0.1"\nport=${to}\nuser="${MASTER.user}"\npassword="${MASTER.password}"\n`,
      { mode: 0o600 },
    );
  }

  function setPassword(user: string, password: string): void {
    writeFileSync(join(runDir, `${user}_password`), password, { mode: 0o600 });
  }

  function init(env: NodeJS.ProcessEnv = {}): Run {
    return run("bash", [INIT], {
      // `mysql` is MariaDB's client; HOME without a .my.cnf that could override client.cnf.
      env: {
        PATH: `${bin}${delimiter}${process.env.PATH}`,
        HOME: dir,
        DATABASE_RUN_DIR: runDir,
        DATABASE_SERVICES: SERVICES.join(" "),
        ...env,
      },
    });
  }

  function logsIn(user: string, password: string): boolean {
    const options = join(dir, "login.cnf");
    writeFileSync(options, `[client]\nhost=127.0.0.1\nport=${port}\nuser=${user}\npassword=${password}\n`, {
      mode: 0o600,
    });
    return run(client, [`--defaults-file=${options}`, "-e", "SELECT 1"]).status === 0;
  }

  /** What a run could change: schemas, grants and password hashes. */
  function state() {
    return {
      schemata: root(
        "SELECT schema_name, default_character_set_name, default_collation_name FROM information_schema.SCHEMATA ORDER BY schema_name",
      ),
      grants: Object.fromEntries(USERS.map((u) => [u, root(`SHOW GRANTS FOR '${u}'@'%'`)])),
      hashes: Object.fromEntries(
        root("SELECT user, authentication_string FROM mysql.user WHERE host = '%' ORDER BY user")
          .trim()
          .split("\n")
          .map((line) => line.split("\t")),
      ),
    };
  }

  /**
   * The ALTER USER statements the server ran since the general log was `from` bytes long. MariaDB's
   * hashes are not salted, so only the log shows an ALTER USER that set the same password again.
   */
  function alterUsersSince(from: number): string[] {
    const text = readFileSync(generalLog).subarray(from).toString("utf8");
    return [...text.matchAll(/ALTER USER '(\w+)'@'%'/g)].map((m) => m[1]);
  }

  const logSize = () => statSync(generalLog).size;
  const passwords = Object.fromEntries(USERS.map((u, i) => [u, `Initial${i}Password0123456789`]));

  beforeAll(async () => {
    const install = "apt-get install -y mariadb-server";
    const mariadbd = findTool(["mariadbd", "/usr/sbin/mariadbd"], install);
    const installDb = findTool(["mariadb-install-db", "mysql_install_db"], install);
    client = findTool(["mariadb", "mysql"], install);
    mkdirSync(bin);
    symlinkSync(client, join(bin, "mysql"));
    mkdirSync(runDir, { mode: 0o700 });
    // mariadbd refuses to run as root unless told to.
    const asRoot = process.getuid?.() === 0 ? ["--user=root"] : [];
    expectSuccess(
      run(installDb, [
        "--no-defaults",
        `--datadir=${data}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        ...asRoot,
      ]),
      "mariadb-install-db",
    );
    port = await freePort();
    server = spawn(
      mariadbd,
      [
        "--no-defaults",
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--pid-file=${join(data, "mariadbd.pid")}`,
        `--log-error=${join(data, "error.log")}`,
        "--bind-address=127.0.0.1",
        `--port=${port}`,
        "--skip-name-resolve",
        "--general-log=1",
        `--general-log-file=${generalLog}`,
        ...asRoot,
      ],
      { stdio: "ignore" },
    );
    await waitFor(
      "MariaDB",
      () => run(client, ["--no-defaults", `--socket=${socket}`, "--user=root", "-e", "SELECT 1"]).status === 0,
      30,
    );
    // What the RDS master user has for this: every privilege on *.*, CREATE USER and GRANT OPTION.
    root(
      `CREATE USER '${MASTER.user}'@'%' IDENTIFIED BY '${MASTER.password}'; GRANT ALL PRIVILEGES ON *.* TO '${MASTER.user}'@'%' WITH GRANT OPTION`,
    );
    writeClientConfig(port);
    for (const user of USERS) setPassword(user, passwords[user]);
  }, 60_000);

  afterAll(async () => {
    await stop(server);
  }, 30_000);

  test("the first run makes each service's schema and users with the grants of spinnaker.io's docs", () => {
    const first = init();
    expectSuccess(first, "database-init");
    expect(first.stderr).toContain("created user front50_service");
    const { schemata, grants } = state();
    for (const service of SERVICES) {
      expect(schemata).toContain(`${service}\tutf8mb4\tutf8mb4_unicode_ci\n`);
      expect(grants[`${service}_service`]).toContain(
        `GRANT ${SERVICE_GRANTS} ON \`${service}\`.* TO \`${service}_service\`@\`%\``,
      );
      expect(grants[`${service}_migrate`]).toContain(
        `GRANT ${MIGRATE_GRANTS} ON \`${service}\`.* TO \`${service}_migrate\`@\`%\``,
      );
    }
    for (const user of USERS) expect(logsIn(user, passwords[user])).toBe(true);
    expect(first.stdout + first.stderr).not.toMatch(/Initial\dPassword/);
  });

  test("a second run changes nothing", () => {
    const before = state();
    const from = logSize();
    const second = init();
    expectSuccess(second, "database-init");
    expect(state()).toEqual(before);
    expect(alterUsersSince(from)).toEqual([]);
    expect(second.stderr).toContain("user orca_migrate unchanged");
  });

  test("a changed password changes that user's password, and no other user", () => {
    const before = state();
    const from = logSize();
    setPassword("orca_service", "Changed0Password0123456789");
    const third = init();
    expectSuccess(third, "database-init");
    const after = state();
    expect(alterUsersSince(from)).toEqual(["orca_service"]);
    expect(after.hashes.orca_service).not.toEqual(before.hashes.orca_service);
    expect({ ...after.hashes, orca_service: "" }).toEqual({ ...before.hashes, orca_service: "" });
    // MariaDB shows the hash in the USAGE line; the grant on the schema stays.
    expect({ ...after.grants, orca_service: "" }).toEqual({ ...before.grants, orca_service: "" });
    expect(after.grants.orca_service.split("\n")[1]).toEqual(before.grants.orca_service.split("\n")[1]);
    expect(logsIn("orca_service", "Changed0Password0123456789")).toBe(true);
    expect(logsIn("orca_service", passwords.orca_service)).toBe(false);
    passwords.orca_service = "Changed0Password0123456789";
  });

  test("a password with a quote is refused, naming its file and not showing it", () => {
    const before = state();
    setPassword("front50_migrate", "Quote'0Password0123456789");
    try {
      const refused = init();
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(
        `${join(runDir, "front50_migrate_password")} must hold 16 or more letters and digits`,
      );
      expect(refused.stdout + refused.stderr).not.toContain("Quote'0Password");
      expect(state()).toEqual(before);
    } finally {
      setPassword("front50_migrate", passwords.front50_migrate);
    }
  });

  test("it waits for another instance's lock, and fails clearly when it is not released in time", async () => {
    const before = state();
    const from = logSize();
    // Another instance in the middle of its run: it holds the lock for up to 20 seconds.
    const holder = spawn(
      client,
      [
        "--no-defaults",
        `--socket=${socket}`,
        "--user=root",
        "-e",
        "DO GET_LOCK('spinnaker_database_init', 0); DO SLEEP(20)",
      ],
      { stdio: "ignore" },
    );
    try {
      await waitFor(
        "the other instance's lock",
        () => root("SELECT IS_USED_LOCK('spinnaker_database_init')").trim() !== "NULL",
        10,
      );
      const started = Date.now();
      const blocked = init({ DATABASE_LOCK_TIMEOUT_SECONDS: "1" });
      expect(blocked.status).toBe(1);
      expect(blocked.stderr).toContain("lock spinnaker_database_init not taken within 1 seconds");
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(alterUsersSince(from)).toEqual([]);
      expect(state()).toEqual(before);
    } finally {
      // The lock goes with the holder's connection; the server would notice a killed client only
      // after its SLEEP slice (5 seconds in MariaDB), so the connection is killed first.
      const id = root("SELECT IS_USED_LOCK('spinnaker_database_init')").trim();
      if (/^\d+$/.test(id)) root(`KILL ${id}`);
      await stop(holder);
    }
    expectSuccess(init(), "database-init once the lock is free");
  }, 30_000);

  test("a failed statement shows the database's error without the passwords in it", () => {
    // A master user that may create schemas and read users, but not create them.
    root(
      "CREATE USER 'weak'@'%' IDENTIFIED BY 'Weak0Password0123456789'; GRANT CREATE ON *.* TO 'weak'@'%'; GRANT SELECT ON mysql.* TO 'weak'@'%'",
    );
    writeFileSync(
      join(runDir, "client.cnf"),
      `[client]\nhost=127.0.0.1\nport=${port}\nuser=weak\npassword=Weak0Password0123456789\n`,
    );
    try {
      const failed = init();
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain("preparing the databases failed");
      expect(failed.stderr).toContain("CREATE USER");
      expect(failed.stderr).toContain("ERROR 1227");
      // MariaDB's client shows the failed statement; the script masks its password.
      expect(failed.stderr).toContain("IDENTIFIED BY '<password>'");
      for (const password of Object.values(passwords)) expect(failed.stdout + failed.stderr).not.toContain(password);
    } finally {
      writeClientConfig(port);
      root("DROP USER 'weak'@'%'");
    }
  });

  test("it gives up, failing, when the database does not accept connections within its bound", async () => {
    writeClientConfig(await freePort());
    try {
      const started = Date.now();
      const failed = init({ DATABASE_WAIT_SECONDS: "2" });
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain("the database did not accept connections within 2 seconds");
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      writeClientConfig(port);
    }
  }, 30_000);
});

describe("database-secrets.sh against moto's Secrets Manager", () => {
  // Not there yet: the script makes it, private.
  const runDir = join(dir, "secrets-run");
  const endpointBin = join(dir, "endpoint-bin");
  const raceBin = join(dir, "race-bin");
  const master = {
    username: "spinadmin",
    // As JSON: a backslash, \u003c for <, and # and space, which an option file must quote.
    json: '{"username": "spinadmin", "password": "Ma5ter#pa\\\\ss w\'rd\\u003c"}',
    password: "Ma5ter#pa\\ss w'rd<",
  };
  const arns: Record<string, string> = {};
  let moto: ChildProcess | undefined;
  let awsEnv: NodeJS.ProcessEnv;
  let realAws: string;
  /** The CLI that reaches moto: the real one, or the wrapper that adds --endpoint-url. */
  let awsCli: string;

  function aws(args: string[]): Record<string, unknown> {
    const result = run("aws", [...args, "--output", "json"], { env: awsEnv });
    expectSuccess(result, `aws ${args.slice(0, 2).join(" ")}`);
    return JSON.parse(result.stdout);
  }

  function createSecret(name: string, value?: string): string {
    const secretString = value === undefined ? [] : ["--secret-string", value];
    return aws(["secretsmanager", "create-secret", "--name", name, ...secretString]).ARN as string;
  }

  function secretValue(arn: string): Record<string, string> {
    return JSON.parse(aws(["secretsmanager", "get-secret-value", "--secret-id", arn]).SecretString as string);
  }

  function versions(arn: string): string[] {
    const { Versions } = aws(["secretsmanager", "list-secret-version-ids", "--secret-id", arn]);
    return (Versions as { VersionId: string }[]).map((v) => v.VersionId);
  }

  function secrets(serviceSecrets: string, bin?: string): Run {
    return run("bash", [SECRETS], {
      env: {
        ...awsEnv,
        PATH: [bin, awsEnv.PATH].filter((p) => p !== undefined).join(delimiter),
        DATABASE_RUN_DIR: runDir,
        DATABASE_HOST: "spin-db.cluster-abc.us-west-2.rds.amazonaws.com",
        DATABASE_PORT: "3306",
        DATABASE_MASTER_SECRET_ARN: arns.master,
        DATABASE_SERVICE_SECRETS: serviceSecrets,
        DATABASE_SECRETS_RETRY_SECONDS: "1",
      },
    });
  }

  const file = (name: string) => readFileSync(join(runDir, name), "utf8");
  const mode = (path: string) => statSync(path).mode & 0o777;

  beforeAll(async () => {
    requireTool("moto_server", ["--help"], "pip install 'moto[server]'");
    requireTool("aws", ["--version"], "pip install awscli");
    realAws = findTool(["aws"], "pip install awscli");
    awsCli = realAws;
    const port = await freePort();
    moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      "moto_server",
      () =>
        fetch(`${url}/moto-api/`).then(
          (r) => r.ok,
          () => false,
        ),
      30,
    );
    awsEnv = {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: "us-west-2",
      AWS_DEFAULT_REGION: "us-west-2",
      AWS_CONFIG_FILE: join(dir, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
    // AWS_ENDPOINT_URL needs CLI v1.29 or v2.13 and newer; an older CLI gets --endpoint-url instead.
    // Some versions print it on standard error.
    const version = run("aws", ["--version"]);
    const [major, minor] = (/aws-cli\/(\d+)\.(\d+)/.exec(version.stdout + version.stderr) ?? []).slice(1).map(Number);
    if (!((major === 1 && minor >= 29) || (major === 2 && minor >= 13) || major > 2)) {
      mkdirSync(endpointBin);
      writeFileSync(
        join(endpointBin, "aws"),
        `#!/bin/sh\nexec '${realAws}' --endpoint-url "$AWS_ENDPOINT_URL" "$@"\n`,
        {
          mode: 0o755,
        },
      );
      awsEnv.PATH = `${endpointBin}${delimiter}${awsEnv.PATH}`;
      awsCli = join(endpointBin, "aws");
    }
    arns.master = createSecret("spin-db-master", master.json);
    // As Terraform makes them: no value.
    arns.front50 = createSecret("spin-db-front50");
    arns.orca = createSecret("spin-db-orca");
  }, 60_000);

  afterAll(async () => {
    await stop(moto);
  }, 30_000);

  test("the first run fills the empty service secrets and writes the files, private", () => {
    const first = secrets(`front50=${arns.front50} orca=${arns.orca}`);
    expectSuccess(first, "database-secrets");
    expect(mode(runDir)).toBe(0o700);
    for (const service of SERVICES) {
      const value = secretValue(arns[service]);
      expect(Object.keys(value).sort()).toEqual(["migrate_password", "service_password"]);
      expect(value.service_password).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(value.migrate_password).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(value.service_password).not.toEqual(value.migrate_password);
      for (const role of ["service", "migrate"]) {
        const name = `${service}_${role}_password`;
        expect(mode(join(runDir, name))).toBe(0o600);
        expect(file(name)).toBe(value[`${role}_password`]);
        expect(first.stdout + first.stderr).not.toContain(value[`${role}_password`]);
      }
    }
    expect(mode(join(runDir, "client.cnf"))).toBe(0o600);
    expect(file("client.cnf")).toBe(
      `[client]\nhost="spin-db.cluster-abc.us-west-2.rds.amazonaws.com"\nport=3306\nuser="spinadmin"\npassword="Ma5ter#pa\\\\ss w'rd<"\nssl-mode=REQUIRED\n`,
    );
    // What a MySQL client reads from it: the master user from the secret, and its password intact.
    const parsed = run("my_print_defaults", [`--defaults-file=${join(runDir, "client.cnf")}`, "client"]);
    expectSuccess(parsed, "my_print_defaults");
    expect(parsed.stdout).toContain(`--user=${master.username}\n`);
    expect(parsed.stdout).toContain(`--password=${master.password}\n`);
    expect(first.stdout + first.stderr).not.toContain("Ma5ter");
  });

  test("a second run keeps the secrets' values and makes no new version", () => {
    const before = { front50: secretValue(arns.front50), orca: secretValue(arns.orca) };
    const second = secrets(`front50=${arns.front50} orca=${arns.orca}`);
    expectSuccess(second, "database-secrets");
    for (const service of SERVICES) {
      expect(secretValue(arns[service])).toEqual(before[service as keyof typeof before]);
      expect(versions(arns[service])).toHaveLength(1);
      expect(file(`${service}_service_password`)).toBe(before[service as keyof typeof before].service_password);
    }
    expect(second.stderr).not.toContain("stored new passwords");
  });

  test("an instance whose first put loses the race uses the winner's passwords", () => {
    // Another instance's put, with the same client request token, lands just before this one's.
    const winner = { service_password: "Winner0Service0Password0123", migrate_password: "Winner0Migrate0Password0123" };
    writeFileSync(join(dir, "winner.json"), JSON.stringify(winner));
    mkdirSync(raceBin);
    writeFileSync(
      join(raceBin, "aws"),
      `#!/usr/bin/env bash
if [[ " $* " == *" put-secret-value "* ]]; then
  "${awsCli}" "\${@/#file:\\/\\/*/file://${join(dir, "winner.json")}}" >/dev/null
fi
exec "${awsCli}" "$@"
`,
      { mode: 0o755 },
    );
    const arn = createSecret("spin-db-raced");
    const raced = secrets(`front50=${arn}`, raceBin);
    expectSuccess(raced, "database-secrets");
    expect(raced.stderr).toContain(`front50: did not store passwords in secret ${arn}, reading what is there`);
    expect(secretValue(arn)).toEqual(winner);
    expect(versions(arn)).toHaveLength(1);
    expect(file("front50_service_password")).toBe(winner.service_password);
    expect(file("front50_migrate_password")).toBe(winner.migrate_password);
  });

  test("a password that is not letters and digits is refused, naming the secret but not the value", () => {
    const arn = createSecret(
      "spin-db-bad",
      JSON.stringify({ service_password: "Bad'0Password0123456789", migrate_password: "Fine0Password0123456789" }),
    );
    const refused = secrets(`orca=${arn}`);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `secret ${arn} (orca in DATABASE_SERVICE_SECRETS): service_password must be 16 or more letters and digits`,
    );
    expect(refused.stdout + refused.stderr).not.toContain("Bad'0Password");
  });
});
