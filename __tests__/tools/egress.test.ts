/**
 * Egress to the endpoints the services call (topologies/egress.ts): Terraform derives the rules from
 * the configuration (a stack) or the inputs (a module) with one expression; here Terraform evaluates
 * it, and the rules name what each port is for.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { settingsFrom, synthStack } from "../helpers";
import { expectSuccess, requireTool, terraform, terraformWorkdir } from "./harness";

const TIMEOUT = 180_000;
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The rules' map as Terraform evaluates it in `terraform console`, with `vars` set. */
function rulesOf(configuration: object, vars: string[] = []): Record<string, unknown> {
  const workdir = terraformWorkdir("egress", configuration);
  made.push(workdir.dir);
  expectSuccess(terraform(workdir, ["init", "-input=false"]), "terraform init");
  const result = spawnSync("terraform", ["console", "-no-color", ...vars.flatMap((v) => ["-var", v])], {
    cwd: workdir.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...workdir.env },
    encoding: "utf8",
    input: "jsonencode(local.endpoint_egress.rules)\n",
  });
  expectSuccess({ status: result.status, stdout: result.stdout, stderr: result.stderr }, "terraform console");
  // console prints the string quoted as HCL, a JSON string literal of the JSON, as its last line
  // (after any warning about the configuration).
  const last = result.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(JSON.parse(last));
}

beforeAll(() => requireTool("terraform", ["version"], "install Terraform >= 1.11 (see README)"));

test(
  "a stack opens each configured endpoint's port at each egress CIDR, saying what it is for; 80 and 443 stay the general rules",
  () => {
    const json = synthStack(
      settingsFrom({
        network: { egressCidrs: ["10.0.0.0/8", "192.168.0.0/16"], egressPorts: [8443, 443] },
        spinnaker: {
          kayenta: true,
          prometheusUrl: "http://prometheus.internal:9090",
          ci: {
            jenkins: [
              { name: "ci", address: "http://jenkins.internal:8080" },
              { name: "tls", address: "https://jenkins.example.com" },
            ],
          },
          accounts: {
            kubernetes: [
              { name: "eks", kubeconfigS3Uri: "s3://kubeconfigs/eks.yaml" },
              { name: "onprem", kubeconfigS3Uri: "s3://kubeconfigs/onprem.yaml", apiServerPort: 6443 },
              { name: "lab", kubeconfigS3Uri: "s3://kubeconfigs/lab.yaml", apiServerPort: 8080 },
            ],
          },
        },
      }),
    );
    const rules = rulesOf(json);
    expect(Object.keys(rules).sort()).toEqual(
      ["6443", "8080", "8443", "9090"].flatMap((p) => [`${p} 10.0.0.0/8`, `${p} 192.168.0.0/16`]).sort(),
    );
    expect(rules["8080 10.0.0.0/8"]).toEqual({
      key: "8080 10.0.0.0/8",
      port: 8080,
      cidr: "10.0.0.0/8",
      description: "Jenkins ci (igor), Kubernetes API of lab (clouddriver) on port 8080",
    });
    expect(rules["6443 192.168.0.0/16"]).toMatchObject({
      description: "Kubernetes API of onprem (clouddriver) on port 6443",
    });
    expect(rules["9090 10.0.0.0/8"]).toMatchObject({ description: "Prometheus (kayenta) on port 9090" });
    expect(rules["8443 10.0.0.0/8"]).toMatchObject({ description: "egress_ports on port 8443" });
  },
  TIMEOUT,
);

test(
  "nothing beyond 80 and 443 by default; a module derives the same rules from its inputs",
  () => {
    expect(rulesOf(synthStack(settingsFrom()))).toEqual({});
    const module = synthStack(settingsFrom(), "standalone-module");
    const rules = rulesOf(module, [
      "vpc_id=vpc-0123456789abcdef0",
      'instance_subnet_ids=["subnet-0123456789abcdef0"]',
      'user_cidrs=["10.0.0.0/8"]',
      'ci={ jenkins = [{ name = "ci", address = "http://jenkins.internal:8080" }] }',
      'accounts={ kubernetes = [{ name = "onprem", kubeconfig_s3_uri = "s3://kubeconfigs/onprem.yaml", api_server_port = 6443 }] }',
      'spinnaker={ kayenta = false, prometheus_url = "http://prometheus.internal:9090" }',
      'egress_cidrs=["10.0.0.0/8"]',
    ]);
    // kayenta is off: its Prometheus is not reached.
    expect(rules).toEqual({
      "6443 10.0.0.0/8": {
        key: "6443 10.0.0.0/8",
        port: 6443,
        cidr: "10.0.0.0/8",
        description: "Kubernetes API of onprem (clouddriver) on port 6443",
      },
      "8080 10.0.0.0/8": {
        key: "8080 10.0.0.0/8",
        port: 8080,
        cidr: "10.0.0.0/8",
        description: "Jenkins ci (igor) on port 8080",
      },
    });
  },
  TIMEOUT,
);
