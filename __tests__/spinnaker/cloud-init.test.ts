import { parse } from "yaml";
import { INSTANCE_TAGS, renderUserData, type UserDataOptions } from "../../modules/spinnaker/cloud-init";

const options: UserDataOptions = {
  os: "ubuntu",
  role: "polling",
  compose: "name: spinnaker\nservices: {}\n",
  memoryBudget: { clouddriver: { minimumMiB: 1024, weight: 8 }, deck: { minimumMiB: 500, weight: 1 } },
  configPrefix: "config",
};

interface CloudConfig {
  packages: string[];
  yum_repos?: Record<string, { baseurl: string; gpgkey: string; gpgcheck: boolean }>;
  write_files: { path: string; content: string; permissions: string }[];
  runcmd: string[][];
}

function render(overrides: Partial<UserDataOptions> = {}): { text: string; config: CloudConfig } {
  const text = renderUserData({ ...options, ...overrides });
  return { text, config: parse(text) as CloudConfig };
}

function fileAt(config: CloudConfig, path: string): string {
  const file = config.write_files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in write_files`);
  return file.content;
}

test("is a cloud-config document", () => {
  expect(render().text.startsWith("#cloud-config\n")).toBe(true);
});

test("Ubuntu installs Docker and Compose v2 from its own archive", () => {
  const { config } = render();
  expect(config.packages).toEqual(["docker.io", "docker-compose-v2"]);
  expect(config.yum_repos).toBeUndefined();
});

test.each([
  ["rhel", "https://download.docker.com/linux/rhel/$releasever/$basearch/stable"],
  ["centos", "https://download.docker.com/linux/centos/$releasever/$basearch/stable"],
] as const)("%s installs Docker CE and the Compose plugin from Docker's signed repository", (os, baseurl) => {
  const { config } = render({ os });
  expect(config.yum_repos?.["docker-ce-stable"]).toMatchObject({ baseurl, gpgcheck: true });
  expect(config.packages).toEqual(expect.arrayContaining(["docker-ce", "docker-compose-plugin"]));
});

test("writes the compose project verbatim and a unit that syncs, prepares its variables and starts it", () => {
  const { config } = render();
  expect(fileAt(config, "/opt/spinnaker/compose.yaml")).toBe(options.compose);
  const unit = fileAt(config, "/etc/systemd/system/spinnaker.service");
  expect(unit).toContain("ExecStartPre=/opt/spinnaker/bin/sync-config");
  expect(unit).toContain("ExecStartPre=/opt/spinnaker/bin/compose-env");
  expect(unit).toContain("docker compose --env-file /opt/spinnaker/compose.env up --detach");
  expect(unit).toContain("WantedBy=multi-user.target");
});

test("starts Docker, then Spinnaker, at first boot and every boot after", () => {
  const { config } = render();
  expect(config.runcmd).toContainEqual(["systemctl", "enable", "--now", "docker.service"]);
  expect(config.runcmd).toContainEqual(["systemctl", "enable", "--now", "--no-block", "spinnaker.service"]);
});

test("the bucket name comes from the instance tag through IMDSv2, not the user data", () => {
  const { config } = render();
  const sync = fileAt(config, "/opt/spinnaker/bin/sync-config");
  expect(sync).toContain(`/opt/spinnaker/bin/metadata tags/instance/${INSTANCE_TAGS.configBucket}`);
  expect(fileAt(config, "/opt/spinnaker/bin/metadata")).toContain("X-aws-ec2-metadata-token");
  expect(sync).toContain("--delete");
  expect(fileAt(config, "/etc/default/spinnaker")).toContain("SPINNAKER_ROLE=polling");
});

test("compose-env gives each container its minimum and its weighted share of the rest", () => {
  const script = fileAt(render().config, "/opt/spinnaker/bin/compose-env");
  expect(script).toContain("cat /opt/spinnaker/config/compose.env");
  // Above 1 GiB for the OS and the 1524 MiB of both minimums.
  expect(script).toContain(`spare_kib=$((total_kib - ${1024 * 1024} - ${1524 * 1024}))`);
  expect(script).toContain(`echo "CLOUDDRIVER_MEMORY=$((${1024 * 1024} + spare_kib * 8 / 9))k"`);
  expect(script).toContain(`echo "DECK_MEMORY=$((${500 * 1024} + spare_kib * 1 / 9))k"`);
});

test("scripts are executable, everything else is not", () => {
  for (const file of render().config.write_files) {
    expect(file.permissions).toBe(file.path.includes("/bin/") ? "0755" : "0644");
  }
});

test("Docker starts without its default bridge: every container uses host networking", () => {
  const { config } = render();
  expect(JSON.parse(fileAt(config, "/etc/docker/daemon.json"))).toEqual({ bridge: "none" });
  // write_files runs before packages: the file exists when the package first starts Docker.
  expect(config.write_files[0].path).toBe("/etc/docker/daemon.json");
});

test.each(["rhel", "centos"] as const)(
  "%s installs and starts the SSM agent of the instance's own region and architecture",
  (os) => {
    const { config } = render({ os });
    expect(config.runcmd).toContainEqual(["/opt/spinnaker/bin/install-ssm-agent"]);
    expect(config.runcmd).toContainEqual(["systemctl", "enable", "--now", "amazon-ssm-agent.service"]);
    const install = fileAt(config, "/opt/spinnaker/bin/install-ssm-agent");
    expect(install).toContain("region=$(/opt/spinnaker/bin/metadata placement/region)");
    expect(install).toContain(
      'dnf install -y "https://s3.$region.amazonaws.com/amazon-ssm-$region/latest/linux_$arch/amazon-ssm-agent.rpm"',
    );
    // Graviton instances report aarch64; AWS publishes the agent as linux_arm64 there, linux_amd64 else.
    expect(install).toMatch(/case "\$\(uname -m\)" in\n {2}aarch64\) arch=arm64 ;;\n {2}\*\) arch=amd64 ;;\nesac/);
  },
);

test("no region in the user data: the scripts read it from the metadata service", () => {
  for (const os of ["ubuntu", "rhel", "centos"] as const) {
    const { text, config } = render({ os });
    expect(text).not.toMatch(/(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d/);
    expect(fileAt(config, "/opt/spinnaker/bin/sync-config")).toContain('--region "$region"');
  }
});

test("Ubuntu's images ship the SSM agent: nothing to install", () => {
  expect(JSON.stringify(render().config.runcmd)).not.toContain("amazon-ssm-agent");
});
