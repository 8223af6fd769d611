/**
 * The cloud-init user data of a Spinnaker instance: install Docker Engine and Compose v2 from the
 * OS's packages (Ubuntu) or Docker's repository (RHEL, CentOS Stream), write the compose project
 * and a systemd unit that pulls the configuration from S3 and starts it at every boot.
 */

import type { OperatingSystem } from "../constructs/machine-image";
import { CONFIG_DIR, memoryVariable, REDIS_DATA_DIR } from "./compose";
import type { MemoryShare } from "./memory";
import type { Role } from "./roles";
import { OS_MEMORY_MIB } from "./services";
import { toYaml } from "./yaml";

export const SPINNAKER_HOME = "/opt/spinnaker";
export const ENVIRONMENT_FILE = "/etc/default/spinnaker";

/**
 * Instance tags the boot scripts read through the metadata service: values Terraform only knows at
 * apply time (a generated bucket name), kept out of the user data so that it is fixed at synthesis.
 * The region is read there too (`placement/region`): one user data serves every region, and a
 * module's region is its caller's provider's.
 */
export const INSTANCE_TAGS = {
  configBucket: "SpinnakerConfigBucket",
  configVersion: "SpinnakerConfigVersion",
  /** The aws-cli image that syncs the configuration: needed before the configuration is on disk. */
  awsCliImage: "SpinnakerAwsCliImage",
} as const;

export interface UserDataOptions {
  readonly os: OperatingSystem;
  readonly role: Role;
  /** The rendered compose project. */
  readonly compose: string;
  /** Each container's minimum and weight, sized against the instance's RAM at boot. */
  readonly memoryBudget: Readonly<Record<string, MemoryShare>>;
  /** Key prefix of the rendered profiles in the config bucket, such as `config`. */
  readonly configPrefix: string;
  /**
   * The instance registers itself in the target groups listed in the configuration's
   * `interservice-target-groups` once Spinnaker starts, and deregisters when it stops (HA).
   * @default false
   */
  readonly interserviceTargets?: boolean;
}

/** The configuration file that lists the interservice target groups, one ARN per line. */
export const INTERSERVICE_TARGETS_FILE = "interservice-target-groups";

/**
 * How each OS gets Docker Engine and the Compose v2 plugin, and whether it needs the SSM agent
 * installed (Ubuntu's images ship it; Red Hat's and CentOS's do not, and SSH is closed by default).
 */
const OS_SETUP: Record<OperatingSystem, { dockerRepo?: string; packages: string[]; installSsmAgent: boolean }> = {
  // Ubuntu's own archive (universe) carries both; no third-party repository needed.
  ubuntu: { packages: ["docker.io", "docker-compose-v2"], installSsmAgent: false },
  rhel: {
    dockerRepo: "rhel",
    packages: ["docker-ce", "docker-ce-cli", "containerd.io", "docker-compose-plugin"],
    installSsmAgent: true,
  },
  centos: {
    dockerRepo: "centos",
    packages: ["docker-ce", "docker-ce-cli", "containerd.io", "docker-compose-plugin"],
    installSsmAgent: true,
  },
};

/**
 * Every container uses host networking, so Docker needs no bridge; without one, no 172.17.0.0/16
 * route on the instance can capture replies to clients or load balancers in that range.
 */
const DOCKER_DAEMON = `${JSON.stringify({ bridge: "none" }, null, 2)}\n`;

export function renderUserData(o: UserDataOptions): string {
  const setup = OS_SETUP[o.os];
  const config: Record<string, unknown> = {
    package_update: true,
    ...(setup.dockerRepo
      ? {
          yum_repos: {
            "docker-ce-stable": {
              name: "Docker CE Stable - $basearch",
              baseurl: `https://download.docker.com/linux/${setup.dockerRepo}/$releasever/$basearch/stable`,
              enabled: true,
              gpgcheck: true,
              gpgkey: `https://download.docker.com/linux/${setup.dockerRepo}/gpg`,
            },
          },
        }
      : {}),
    packages: setup.packages,
    // write_files runs before packages are installed, so Docker starts with this configuration.
    write_files: [
      file("/etc/docker/daemon.json", "0644", DOCKER_DAEMON),
      file(ENVIRONMENT_FILE, "0644", environmentFile(o)),
      file(`${SPINNAKER_HOME}/compose.yaml`, "0644", o.compose),
      file(METADATA_PATH, "0755", METADATA),
      file(`${SPINNAKER_HOME}/bin/sync-config`, "0755", SYNC_CONFIG),
      ...(setup.installSsmAgent ? [file(INSTALL_SSM_AGENT_PATH, "0755", INSTALL_SSM_AGENT)] : []),
      file(`${SPINNAKER_HOME}/bin/compose-env`, "0755", composeEnvScript(o.memoryBudget)),
      ...(o.interserviceTargets ? [file(INTERSERVICE_TARGETS_PATH, "0755", INTERSERVICE_TARGETS)] : []),
      file("/etc/systemd/system/spinnaker.service", "0644", systemdUnit(o.interserviceTargets === true)),
    ],
    runcmd: [
      ...(setup.installSsmAgent
        ? [[INSTALL_SSM_AGENT_PATH], ["systemctl", "enable", "--now", "amazon-ssm-agent.service"]]
        : []),
      ["install", "-d", "-m", "0755", CONFIG_DIR, REDIS_DATA_DIR],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "docker.service"],
      // --no-block: the first start pulls every image and can take minutes; cloud-init need not wait.
      ["systemctl", "enable", "--now", "--no-block", "spinnaker.service"],
    ],
  };
  return `#cloud-config\n${toYaml(config)}`;
}

function file(path: string, permissions: string, content: string) {
  return { path, permissions, owner: "root:root", content };
}

function environmentFile(o: UserDataOptions): string {
  return [
    "# Written by cloud-init from the launch template; read by the spinnaker.service helpers.",
    `# The config bucket's name and the aws-cli image are the instance tags ${INSTANCE_TAGS.configBucket}`,
    `# and ${INSTANCE_TAGS.awsCliImage}.`,
    `SPINNAKER_ROLE=${o.role}`,
    `SPINNAKER_CONFIG_PREFIX=${o.configPrefix}`,
    "",
  ].join("\n");
}

const METADATA_PATH = `${SPINNAKER_HOME}/bin/metadata`;

/** Prints one instance metadata path, through IMDSv2 (the launch template requires tokens). */
const METADATA = `#!/bin/bash
# Usage: metadata <path>, such as placement/region or tags/instance/<key>.
set -euo pipefail
token=$(curl --fail --silent --show-error --max-time 5 --request PUT \\
  --header "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token)
exec curl --fail --silent --show-error --max-time 5 \\
  --header "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
`;

const INSTALL_SSM_AGENT_PATH = `${SPINNAKER_HOME}/bin/install-ssm-agent`;

/** AWS publishes the agent per region; the instances' HTTPS egress reaches it. */
const INSTALL_SSM_AGENT = `#!/bin/bash
# Installs the SSM agent of this instance's region (Session Manager is the way in; SSH is closed).
set -euo pipefail
region=$(${METADATA_PATH} placement/region)
# AWS names the agent's builds linux_amd64 and linux_arm64 (Graviton).
case "$(uname -m)" in
  aarch64) arch=arm64 ;;
  *) arch=amd64 ;;
esac
dnf install -y "https://s3.$region.amazonaws.com/amazon-ssm-$region/latest/linux_$arch/amazon-ssm-agent.rpm"
`;

// The instance profile's credentials can lag the instance's start by a few seconds, so the sync retries.
const SYNC_CONFIG = `#!/bin/bash
# Pulls Spinnaker's rendered configuration from the config bucket into ${CONFIG_DIR}.
set -euo pipefail
# shellcheck source=/dev/null
. ${ENVIRONMENT_FILE}

install -d -m 0755 ${CONFIG_DIR}
for attempt in 1 2 3 4 5; do
  if bucket=$(${METADATA_PATH} tags/instance/${INSTANCE_TAGS.configBucket}) &&
    aws_cli_image=$(${METADATA_PATH} tags/instance/${INSTANCE_TAGS.awsCliImage}) &&
    region=$(${METADATA_PATH} placement/region) &&
    docker run --rm --network host --volume ${CONFIG_DIR}:/config "$aws_cli_image" \\
      s3 sync "s3://$bucket/$SPINNAKER_CONFIG_PREFIX/" /config \\
      --region "$region" --delete --only-show-errors; then
    # The services run as unprivileged users; the files must be readable by them.
    chmod -R a+rX ${CONFIG_DIR}
    exit 0
  fi
  echo "sync-config: attempt $attempt failed; retrying" >&2
  sleep $((attempt * 10))
done
echo "sync-config: could not sync $SPINNAKER_CONFIG_PREFIX/ from the config bucket" >&2
exit 1
`;

/** Where the compose project's variables are assembled at every start: images, then memory limits. */
const COMPOSE_ENV_FILE = `${SPINNAKER_HOME}/compose.env`;

function composeEnvScript(budget: Readonly<Record<string, MemoryShare>>): string {
  const shares = Object.values(budget);
  const minimumKib = shares.reduce((sum, s) => sum + s.minimumMiB, 0) * 1024;
  const totalWeight = shares.reduce((sum, s) => sum + s.weight, 0);
  const lines = Object.entries(budget).map(
    ([name, s]) =>
      `  echo "${memoryVariable(name)}=$((${s.minimumMiB * 1024} + spare_kib * ${s.weight} / ${totalWeight}))k"`,
  );
  const osKib = OS_MEMORY_MIB * 1024;
  return `#!/bin/bash
# Writes the compose project's variables: each container's image from the synced configuration
# (compose.env), and its memory limit: its own minimum, and a share by fixed weights of what the
# instance has above all minimums, so that one set of user data fits any instance type.
# ${OS_MEMORY_MIB} MiB stays with the OS and Docker.
set -euo pipefail
total_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
spare_kib=$((total_kib - ${osKib} - ${minimumKib}))
if [ "$spare_kib" -lt 0 ]; then
  echo "compose-env: $total_kib KiB of memory is too little for Spinnaker: its containers need ${minimumKib} KiB and the OS ${osKib} KiB" >&2
  exit 1
fi
{
  cat ${CONFIG_DIR}/compose.env
${lines.join("\n")}
} > ${COMPOSE_ENV_FILE}
`;
}

const INTERSERVICE_TARGETS_PATH = `${SPINNAKER_HOME}/bin/interservice-targets`;

/**
 * The interservice target groups are not the server groups' (whose ELB health check would replace
 * the instance when any one of them fails): the instance joins them itself, so that their health
 * checks only route around a service that is down.
 */
const INTERSERVICE_TARGETS = `#!/bin/bash
# Usage: interservice-targets register|deregister. Puts this instance in, or takes it out of, every
# target group listed in ${CONFIG_DIR}/${INTERSERVICE_TARGETS_FILE}.
set -euo pipefail
case "\${1:-}" in
  register | deregister) action=$1 ;;
  *) echo "usage: interservice-targets register|deregister" >&2; exit 2 ;;
esac
targets=${CONFIG_DIR}/${INTERSERVICE_TARGETS_FILE}
[ -s "$targets" ] || exit 0
instance=$(${METADATA_PATH} instance-id)
region=$(${METADATA_PATH} placement/region)
aws_cli_image=$(${METADATA_PATH} tags/instance/${INSTANCE_TAGS.awsCliImage})
while read -r arn; do
  [ -n "$arn" ] || continue
  attempt=1
  until docker run --rm --network host "$aws_cli_image" elbv2 "$action-targets" \\
      --target-group-arn "$arn" --targets "Id=$instance" --region "$region" </dev/null; do
    if [ "$attempt" -ge 5 ]; then
      echo "interservice-targets: could not $action this instance in $arn" >&2
      exit 1
    fi
    echo "interservice-targets: $action in $arn failed (attempt $attempt); retrying" >&2
    sleep $((attempt * 5))
    attempt=$((attempt + 1))
  done
done < "$targets"
`;

function systemdUnit(interserviceTargets: boolean): string {
  return `[Unit]
Description=Spinnaker (Docker Compose project in ${SPINNAKER_HOME})
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory=${SPINNAKER_HOME}
ExecStartPre=${SPINNAKER_HOME}/bin/sync-config
ExecStartPre=${SPINNAKER_HOME}/bin/compose-env
ExecStart=/usr/bin/docker compose --env-file ${COMPOSE_ENV_FILE} up --detach --remove-orphans
${
  interserviceTargets
    ? `ExecStartPost=${INTERSERVICE_TARGETS_PATH} register
# Out of the target groups first (the load balancer drains), then down; "-": down runs regardless.
ExecStop=-${INTERSERVICE_TARGETS_PATH} deregister
`
    : ""
}ExecStop=/usr/bin/docker compose --env-file ${COMPOSE_ENV_FILE} down
# The first start pulls every image.
TimeoutStartSec=1800

[Install]
WantedBy=multi-user.target
`;
}
