/**
 * Jest's global setup of the tools tier: checks every tool the tier needs before any test runs and
 * names all that are missing at once, with how to get them, instead of failing one test file at a
 * time. `docker compose` (the v2 plugin) stands in for `docker-compose`.
 */
import { spawnSync } from "node:child_process";
import { composeCommand, mirrorHasProvider, PROVIDER_VERSION } from "./harness";

function works(command: string, args: string[], env: NodeJS.ProcessEnv): boolean {
  const result = spawnSync(command, args, { encoding: "utf8", env });
  return !result.error && result.status === 0;
}

/** Jest calls its global setup with its own configuration: the tools are looked up on this PATH. */
export default function preflight(): void {
  checkTools(process.env);
}

export function checkTools(env: NodeJS.ProcessEnv): void {
  const missing: string[] = [];
  if (!works("terraform", ["version"], env))
    missing.push("terraform (1.10 or newer): https://developer.hashicorp.com/terraform/install");
  if (!works("cloud-init", ["--version"], env)) missing.push("cloud-init: apt-get install -y cloud-init");
  if (!works("shellcheck", ["--version"], env)) missing.push("shellcheck: apt-get install -y shellcheck");
  // The seeding script of ha.selfDeploy runs with curl against a stand-in for front50 and orca.
  if (!works("curl", ["--version"], env)) missing.push("curl: apt-get install -y curl");
  if (composeCommand(env) === undefined) {
    missing.push("docker-compose or the docker compose plugin: apt-get install -y docker-compose");
  }
  // SQL storage's boot step runs against a MariaDB server of the test's own; /usr/sbin may be off PATH.
  if (!works("mariadbd", ["--version"], env) && !works("/usr/sbin/mariadbd", ["--version"], env)) {
    missing.push("mariadbd: apt-get install -y mariadb-server");
  }
  // The clean-up function and the database secrets step run against moto, with the AWS CLI.
  if (!works("python3", ["-c", "import moto, boto3"], env))
    missing.push("Python 3 with moto 5.2 and boto3: pip install 'moto[server]==5.2.1'");
  if (!works("aws", ["--version"], env)) missing.push("the AWS CLI: pip install awscli");
  const mirror = env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
  if (!mirrorHasProvider(mirror)) {
    missing.push(
      `hashicorp/aws ${PROVIDER_VERSION} in a filesystem mirror at ${mirror} (TF_PLUGIN_MIRROR): on a machine with network, \`terraform providers mirror ${mirror}\` in a directory whose configuration requires hashicorp/aws = ${PROVIDER_VERSION}`,
    );
  }
  if (missing.length > 0) {
    throw new Error(
      `The tools tier cannot run; it needs:\n  - ${missing.join("\n  - ")}\n(on Debian or Ubuntu: apt-get install -y cloud-init shellcheck curl docker-compose mariadb-server; or run the unit tier alone: npm run test:unit)`,
    );
  }
}
