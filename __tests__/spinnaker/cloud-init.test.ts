import { parse } from "yaml";
import { CONFIG_PREFIX } from "../../modules/config/schema";
import { USER_DATA_LIMIT } from "../../modules/constructs/launch-template";
import { BOOT_FILES, INSTANCE_TAGS, userDataText } from "../../modules/spinnaker/cloud-init";

interface CloudConfig {
  package_update: boolean;
  packages?: string[];
  write_files: { path: string; content: string; permissions: string; owner: string }[];
  runcmd: string[][];
}

const text = userDataText();
const config = parse(text) as CloudConfig;

function fileAt(path: string): string {
  const file = config.write_files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in write_files`);
  return file.content;
}

test("is a cloud-config document, well inside the EC2 limit", () => {
  expect(text.startsWith("#cloud-config\n")).toBe(true);
  const bytes = Buffer.byteLength(text);
  console.log(
    `user data: ${bytes} bytes, ${((100 * bytes) / USER_DATA_LIMIT).toFixed(1)}% of EC2's ${USER_DATA_LIMIT}`,
  );
  // 75% of the limit: room for the boot steps of later features.
  expect(bytes).toBeLessThanOrEqual(12 * 1024);
});

test("installs Docker for the OS it finds at boot: Ubuntu's archive, Docker's repository on RHEL and CentOS", () => {
  // No package list of one OS in the document: the script picks by /etc/os-release.
  expect(config.packages).toBeUndefined();
  const install = fileAt("/opt/spinnaker/bin/install-packages");
  expect(install).toContain(". /etc/os-release");
  expect(install).toMatch(
    /ubuntu\)\n\s+DEBIAN_FRONTEND=noninteractive apt-get .* install -y docker.io docker-compose-v2\n/,
  );
  expect(install).toMatch(/rhel \| centos\)/);
  expect(install).toContain("baseurl=https://download.docker.com/linux/$ID/\\$releasever/\\$basearch/stable");
  expect(install).toContain("gpgcheck=1");
  expect(install).toContain("dnf install -y docker-ce docker-ce-cli containerd.io docker-compose-plugin");
  // Any other OS stops with its name rather than booting half-installed.
  expect(install).toMatch(/\*\)\n\s+echo "install-packages: \$PRETTY_NAME is not supported/);
  expect(config.runcmd[0]).toEqual(["/opt/spinnaker/bin/install-packages"]);
});

test("RHEL and CentOS get the SSM agent of the instance's own region and architecture", () => {
  const install = fileAt("/opt/spinnaker/bin/install-packages");
  const redHat = install.slice(install.indexOf("rhel | centos)"), install.indexOf("*)\n"));
  expect(redHat).toContain("region=$(/opt/spinnaker/bin/metadata placement/region)");
  expect(redHat).toContain(
    'dnf install -y "https://s3.$region.amazonaws.com/amazon-ssm-$region/latest/linux_$arch/amazon-ssm-agent.rpm"',
  );
  // Graviton instances report aarch64; AWS publishes the agent as linux_arm64 there, linux_amd64 else.
  expect(redHat).toMatch(/case "\$\(uname -m\)" in\n\s+aarch64\) arch=arm64 ;;\n\s+\*\) arch=amd64 ;;\n\s+esac/);
  expect(redHat).toContain("systemctl enable --now amazon-ssm-agent.service");
  // Ubuntu's images ship the agent.
  const ubuntu = install.slice(install.indexOf("ubuntu)"), install.indexOf("rhel | centos)"));
  expect(ubuntu).not.toContain("amazon-ssm-agent");
});

test("a unit that syncs the configuration, prepares its variables and starts the role's project", () => {
  const unit = fileAt("/etc/systemd/system/spinnaker.service");
  expect(unit).toContain("ExecStartPre=/opt/spinnaker/bin/sync-config\nExecStartPre=/opt/spinnaker/bin/compose-env\n");
  expect(unit).toContain("ExecStart=/opt/spinnaker/bin/compose up --detach --remove-orphans");
  expect(unit).toContain("ExecStop=/opt/spinnaker/bin/compose down");
  expect(unit).toContain("WantedBy=multi-user.target");
  // Out of the interservice target groups before the services stop; in once they started.
  expect(unit.indexOf("ExecStop=-/opt/spinnaker/bin/interservice-targets deregister")).toBeLessThan(
    unit.indexOf("ExecStop=/opt/spinnaker/bin/compose down"),
  );
  expect(unit).toContain("ExecStartPost=/opt/spinnaker/bin/interservice-targets register");
});

test("the compose wrapper exports COMPOSE_PROFILES from the variables, where every Compose version reads it", () => {
  const compose = fileAt("/opt/spinnaker/bin/compose");
  expect(compose).toContain("set -a\n# shellcheck source=/dev/null\n. /opt/spinnaker/compose.env\nset +a\n");
  expect(compose).toContain("--file /opt/spinnaker/compose.yaml");
  expect(compose).toContain('--env-file /opt/spinnaker/compose.env "$@"');
});

test("starts Docker, then Spinnaker, at first boot and every boot after", () => {
  expect(config.runcmd).toContainEqual(["systemctl", "enable", "--now", "docker.service"]);
  expect(config.runcmd).toContainEqual(["systemctl", "enable", "--now", "--no-block", "spinnaker.service"]);
});

test("what varies comes from the instance's tags through IMDSv2, never from the user data", () => {
  const sync = fileAt("/opt/spinnaker/bin/sync-config");
  for (const tag of [INSTANCE_TAGS.configBucket, INSTANCE_TAGS.role, INSTANCE_TAGS.awsCliImage]) {
    expect(sync).toContain(`/opt/spinnaker/bin/metadata tags/instance/${tag})`);
  }
  expect(fileAt("/opt/spinnaker/bin/metadata")).toContain("X-aws-ec2-metadata-token");
  expect(sync).toContain(`s3 sync "s3://$bucket/${CONFIG_PREFIX}/" /config --region "$region" --delete`);
});

test("the boot scripts read the configuration's files by the names the topologies write them", () => {
  const sync = fileAt("/opt/spinnaker/bin/sync-config");
  expect(sync).toContain(`"/opt/spinnaker/config/${BOOT_FILES.compose("$role" as never)}"`);
  const composeEnv = fileAt("/opt/spinnaker/bin/compose-env");
  expect(composeEnv).toContain(`"$config/${BOOT_FILES.memoryBudget}"`);
  expect(composeEnv).toContain(`. "$config/${BOOT_FILES.composeEnvironment}"`);
  expect(fileAt("/opt/spinnaker/bin/interservice-targets")).toContain(
    `targets=/opt/spinnaker/config/${BOOT_FILES.interserviceTargets}\n[ -s "$targets" ] || exit 0`,
  );
});

test("scripts are executable, everything else is not; all of it is root's", () => {
  for (const file of config.write_files) {
    expect([file.path, file.permissions]).toEqual([file.path, file.path.includes("/bin/") ? "0755" : "0644"]);
    expect(file.owner).toBe("root:root");
  }
});

test("Docker starts without its default bridge: every container uses host networking", () => {
  expect(JSON.parse(fileAt("/etc/docker/daemon.json"))).toEqual({ bridge: "none" });
  // write_files runs before runcmd installs Docker: the file exists when Docker first starts.
  expect(config.write_files[0].path).toBe("/etc/docker/daemon.json");
});

test("no region, bucket, image or role in the user data: one text serves every instance", () => {
  expect(text).not.toMatch(/(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d/);
  expect(text).not.toMatch(/ghcr\.io|docker\.io\/|spinnaker-community/);
  expect(text).not.toMatch(/=(polling|nonpolling)\b/);
});
