/**
 * The deploy tier's engine: a Terraform working directory whose AWS provider (and S3 backend) talk
 * to the emulator, and the cycle every stack and module goes through: init, apply, a second plan
 * that must be empty, destroy. Only the copies here are changed, never the synthesized output.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { addStacks } from "../../modules/app";
import type { Settings } from "../../modules/config/schema";
import { TEMPLATES_DIR } from "../../modules/constructs/template-file";
import { settingsFrom } from "../helpers";
import { expectSuccess, type Run, run, tempDir, terraformEnvironment } from "../tools/harness";
import { Emulator } from "./emulator";

/** The region of the stacks and the fixture network (the emulator's images and AZs are per region). */
export const REGION = "us-west-2";
/** The DNS name of the fixture's certificate, which the signed-in `ha` stack is reached by. */
const HOSTNAME = "spinnaker.example.com";

/**
 * Every AWS service the stacks call (cloudformation, lambda and logs: the server groups created
 * through CloudFormation stacks and the destroy-time clean-up function; rds: SQL storage's database).
 */
const SERVICES = [
  "acm",
  "autoscaling",
  "cloudformation",
  "ec2",
  "elasticache",
  "elbv2",
  "iam",
  "lambda",
  "logs",
  "rds",
  "s3",
  "secretsmanager",
  "sts",
];

/** The AWS provider pointed at the emulator; credentials are the emulator's placeholders. */
export function emulatorProvider(emulator: Emulator, region = REGION): Record<string, unknown> {
  return {
    region,
    access_key: "test",
    secret_key: "test",
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    // The stacks read the account id (createRole's check, ARNs); the emulator answers as 123456789012.
    skip_requesting_account_id: false,
    s3_use_path_style: true,
    endpoints: [Object.fromEntries(SERVICES.map((s) => [s, emulator.endpoint]))],
  };
}

/** Synthesizes the app as `cdktf synth` does and returns each stack's directory. */
export function synthesize(settings: Settings): Record<string, string> {
  const outdir = tempDir("deploy-synth");
  const app = new App({ outdir });
  const stacks = addStacks(app, settings);
  app.synth();
  return Object.fromEntries(
    Object.entries(stacks)
      .filter(([, stack]) => stack !== undefined)
      .map(([name]) => [name, join(outdir, "stacks", name)]),
  );
}

export type Backend = { kind: "local" } | { kind: "s3" };

/** Variables as `-var` arguments; lists and objects as JSON, which Terraform reads as HCL. */
export function varArgs(vars: Record<string, unknown>): string[] {
  return Object.entries(vars).map(([k, v]) => `-var=${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
}

interface ResourceChange {
  address: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

/**
 * One Terraform root against the emulator: a copy of a synthesized stack, or a root written here
 * (a module caller, a fixture). Steps throw with Terraform's output when they fail.
 */
export class EmulatedRoot {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  /**
   * @param files the root's files (name -> JSON), written as they are
   * @param modules child module directories to copy in (name -> synthesized stack directory)
   * @param dir the root's directory, when it exists already @default - a new temporary directory
   */
  constructor(
    readonly name: string,
    private readonly emulator: Emulator,
    files: Record<string, unknown>,
    modules: Record<string, string> = {},
    dir?: string,
  ) {
    this.dir = dir ?? tempDir(`deploy-${name}`);
    this.env = terraformEnvironment(this.dir);
    for (const [file, content] of Object.entries(files)) {
      writeFileSync(join(this.dir, file), JSON.stringify(content, null, 2));
    }
    for (const [module, source] of Object.entries(modules)) {
      mkdirSync(join(this.dir, module));
      cpSync(join(source, "cdk.tf.json"), join(this.dir, module, "main.tf.json"));
      cpSync(join(source, TEMPLATES_DIR), join(this.dir, module, TEMPLATES_DIR), { recursive: true });
    }
  }

  /** A copy of a synthesized stack with its provider pointed at the emulator. */
  static ofStack(name: string, emulator: Emulator, stackDir: string, backend: Backend): EmulatedRoot {
    const override: Record<string, unknown> = { provider: { aws: emulatorProvider(emulator) } };
    const root = new EmulatedRoot(name, emulator, { "emulator_override.tf.json": override });
    cpSync(join(stackDir, "cdk.tf.json"), join(root.dir, "main.tf.json"));
    // The state stack has no template files.
    if (existsSync(join(stackDir, TEMPLATES_DIR))) {
      cpSync(join(stackDir, TEMPLATES_DIR), join(root.dir, TEMPLATES_DIR), { recursive: true });
    }
    if (backend.kind === "local") {
      // cdktf's local backend path is absolute to the synthesis directory; keep state here instead.
      override.terraform = { backend: { local: { path: join(root.dir, "terraform.tfstate") } } };
      writeFileSync(join(root.dir, "emulator_override.tf.json"), JSON.stringify(override, null, 2));
    }
    return root;
  }

  /**
   * An example of the published layout, run where it stands in a copy of the layout (it calls the
   * module by relative path); an override file points its provider at the emulator in its region.
   */
  static ofExample(name: string, emulator: Emulator, layout: string, example: string, region: string): EmulatedRoot {
    const copy = join(tempDir(`deploy-${name}`), "layout");
    cpSync(layout, copy, { recursive: true });
    const override = { provider: { aws: emulatorProvider(emulator, region) } };
    return new EmulatedRoot(
      name,
      emulator,
      { "emulator_override.tf.json": override },
      {},
      join(copy, "examples", example),
    );
  }

  terraform(args: string[]): Run {
    return run("terraform", [...args, "-no-color"], { cwd: this.dir, env: this.env });
  }

  /**
   * `terraform init` from the local provider mirror. The S3 backend keeps the synthesized bucket,
   * key, region and `use_lockfile`; only its endpoint and credentials point at the emulator.
   */
  init(backend: Backend = { kind: "local" }): void {
    const args = ["init", "-input=false"];
    if (backend.kind === "s3") {
      const file = join(this.dir, "emulator.s3.tfbackend");
      writeFileSync(
        file,
        [
          'access_key = "test"',
          'secret_key = "test"',
          `endpoints = { s3 = "${this.emulator.endpoint}", sts = "${this.emulator.endpoint}" }`,
          "use_path_style = true",
          "skip_credentials_validation = true",
          "skip_requesting_account_id = true",
          "skip_metadata_api_check = true",
          "skip_region_validation = true",
          "",
        ].join("\n"),
      );
      args.push(`-backend-config=${file}`);
    }
    expectSuccess(this.terraform(args), `terraform init (${this.name})`);
  }

  apply(vars: Record<string, unknown> = {}): void {
    expectSuccess(
      this.terraform(["apply", "-auto-approve", "-input=false", ...varArgs(vars)]),
      `terraform apply (${this.name})`,
    );
  }

  /**
   * The plan right after an apply must propose nothing. A difference here is a perpetual diff: the
   * configuration says one thing and AWS (or the provider's reading of it) another, forever.
   */
  expectEmptyPlan(vars: Record<string, unknown> = {}): void {
    const plan = this.terraform(["plan", "-detailed-exitcode", "-input=false", "-out=second.tfplan", ...varArgs(vars)]);
    if (plan.status === 0) return;
    if (plan.status !== 2) expectSuccess(plan, `terraform plan (${this.name})`);
    const shown = this.terraform(["show", "-json", "second.tfplan"]);
    expectSuccess(shown, `terraform show (${this.name})`);
    const changes = (JSON.parse(shown.stdout).resource_changes as ResourceChange[])
      .filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === "no-op"))
      .map((c) => `${c.address} (${c.change.actions.join(", ")}: ${changedKeys(c).join(", ")})`);
    throw new Error(
      `The plan after applying ${this.name} is not empty: a perpetual diff in\n  ${changes.join("\n  ")}`,
    );
  }

  destroy(vars: Record<string, unknown> = {}): Run {
    return this.terraform(["destroy", "-auto-approve", "-input=false", ...varArgs(vars)]);
  }

  outputs(): Record<string, unknown> {
    const shown = this.terraform(["output", "-json"]);
    expectSuccess(shown, `terraform output (${this.name})`);
    return Object.fromEntries(
      Object.entries(JSON.parse(shown.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
    );
  }

  /**
   * Starts an apply that stops at its approval prompt, so it holds the state lock until `release`
   * answers "no". Resolves once the prompt is shown; `vars` must make a change to approve (with
   * nothing to change, Terraform exits without a prompt).
   */
  holdLock(vars: Record<string, unknown>, timeoutMs = 120_000): Promise<{ release: () => Promise<number | null> }> {
    const child = spawn("terraform", ["apply", "-no-color", "-input=true", ...varArgs(vars)], {
      cwd: this.dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", ...this.env, TF_INPUT: "1" },
    });
    let out = "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const release = async () => {
      child.stdin.end("no\n");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`terraform apply (${this.name}) did not reach its prompt:\n${out}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Enter a value:")) {
          clearTimeout(timer);
          resolve({ release });
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`terraform apply (${this.name}) exited (${code}) before its prompt:\n${out}`));
      });
    });
  }
}

/** The attributes whose planned value differs from the applied one. */
function changedKeys(c: ResourceChange): string[] {
  const before = c.change.before ?? {};
  const after = c.change.after ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/**
 * What a deployer's account already has: a VPC with private subnets in two AZs, and for the HA
 * stack's "bring your own Redis" path, a Redis security group and the secret holding its URL.
 */
function networkFixture(emulator: Emulator, region: string): EmulatedRoot {
  const azs = ["a", "b"];
  return new EmulatedRoot(`network-${region}`, emulator, {
    "main.tf.json": {
      provider: { aws: emulatorProvider(emulator, region) },
      resource: {
        aws_vpc: { this: { cidr_block: "10.20.0.0/16" } },
        aws_subnet: Object.fromEntries(
          azs.map((az, i) => [
            `private_${az}`,
            {
              vpc_id: "${aws_vpc.this.id}",
              cidr_block: `10.20.${i + 1}.0/24`,
              availability_zone: `${region}${az}`,
            },
          ]),
        ),
        aws_security_group: {
          redis: { name: "existing-redis", description: "The deployer's own Redis", vpc_id: "${aws_vpc.this.id}" },
        },
        aws_secretsmanager_secret: {
          redis_url: { name: "existing-redis-url" },
          // gate would read the OAuth2 client secret at start; only its ARN matters here.
          oidc_client: { name: "spinnaker-oidc-client" },
          // clouddriver would read a Kubernetes account's kubeconfig at start; only its ARN matters here.
          kubeconfig: { name: "spinnaker-kubeconfig" },
        },
        // The certificate of the HTTPS listeners (with sign-in, which needs them).
        aws_acm_certificate: { spinnaker: { domain_name: HOSTNAME, validation_method: "DNS" } },
        aws_secretsmanager_secret_version: {
          redis_url: {
            secret_id: "${aws_secretsmanager_secret.redis_url.id}",
            // A placeholder endpoint: nothing connects to it in the emulator.
            secret_string: "rediss://redis.example.internal:6379",
          },
        },
      },
      output: {
        vpc_id: { value: "${aws_vpc.this.id}" },
        subnet_ids: { value: azs.map((az) => `\${aws_subnet.private_${az}.id}`) },
        redis_security_group_id: { value: "${aws_security_group.redis.id}" },
        redis_url_secret_arn: { value: "${aws_secretsmanager_secret.redis_url.arn}" },
        oidc_client_secret_arn: { value: "${aws_secretsmanager_secret.oidc_client.arn}" },
        kubeconfig_secret_arn: { value: "${aws_secretsmanager_secret.kubeconfig.arn}" },
        certificate_arn: { value: "${aws_acm_certificate.spinnaker.arn}" },
      },
    },
  });
}

export interface Network {
  vpcId: string;
  subnetIds: string[];
  redisSecurityGroupId: string;
  redisUrlSecretArn: string;
  oidcClientSecretArn: string;
  kubeconfigSecretArn: string;
  certificateArn: string;
}

export function applyNetwork(emulator: Emulator, region = REGION): Network {
  const root = networkFixture(emulator, region);
  root.init();
  root.apply();
  const o = root.outputs();
  return {
    vpcId: o.vpc_id as string,
    subnetIds: o.subnet_ids as string[],
    redisSecurityGroupId: o.redis_security_group_id as string,
    redisUrlSecretArn: o.redis_url_secret_arn as string,
    oidcClientSecretArn: o.oidc_client_secret_arn as string,
    kubeconfigSecretArn: o.kubeconfig_secret_arn as string,
    certificateArn: o.certificate_arn as string,
  };
}

/** The stacks' required variables for this network. */
export function networkVars(network: Network): Record<string, unknown> {
  return { vpc_id: network.vpcId, instance_subnet_ids: network.subnetIds, user_cidrs: ["10.0.0.0/8"] };
}

/** A command Terraform must refuse, with this text in its (whitespace-folded) diagnostics. */
export function expectRefused(result: Run, message: string | RegExp): void {
  expect(result.status).not.toBe(0);
  const text = `${result.stdout}\n${result.stderr}`.replace(/\s+/g, " ");
  if (typeof message === "string") expect(text).toContain(message);
  else expect(text).toMatch(message);
}

export interface Tier {
  readonly emulator: Emulator;
  readonly network: Network;
  /** Synthesized stack directories by name, for the settings `startTier` describes. */
  readonly stacks: Record<string, string>;
}

/**
 * What each deploy test file starts with: its own emulator, the fixture network, and every stack
 * synthesized for it: the built-in defaults (the bakery on), but `ha` on its "existing Redis" path
 * (the emulator has no ElastiCache) and with HTTPS and sign-in, so that both listener protocols and
 * both fiat choices are applied; both with canary analysis and a Kubernetes account, so that the
 * bakery, kayenta, sign-in and the accounts' permissions and egress apply together in one apply.
 */
export async function startTier(stateBucket: string): Promise<Tier> {
  const emulator = await Emulator.start();
  try {
    const network = applyNetwork(emulator);
    const spinnaker = {
      kayenta: true,
      prometheusUrl: "http://prometheus.example.com:9090",
      accounts: { kubernetes: [{ name: "k8s", kubeconfigSecretArn: network.kubeconfigSecretArn }] },
    };
    const config = {
      state: { bucket: stateBucket },
      spinnaker,
      ha: {
        redis: {
          existingUrlSecretArn: network.redisUrlSecretArn,
          existingSecurityGroupId: network.redisSecurityGroupId,
        },
      },
    };
    const stacks = synthesize(settingsFrom(config));
    const signedIn = synthesize(
      settingsFrom({
        ...config,
        loadBalancer: { certificateArn: network.certificateArn, hostname: HOSTNAME },
        spinnaker: {
          ...spinnaker,
          auth: {
            issuerUrl: "https://login.example.com",
            clientId: "spinnaker",
            clientSecretArn: network.oidcClientSecretArn,
            adminRoles: ["spinnaker-admins"],
          },
        },
      }),
    );
    return { emulator, network, stacks: { ...stacks, ha: signedIn.ha } };
  } catch (e) {
    await emulator.stop();
    throw e;
  }
}

/** The roots earlier steps applied, so that a later step of the same root finds it (or says why not). */
export class AppliedRoots {
  private readonly roots = new Map<string, EmulatedRoot>();

  add(name: string, root: EmulatedRoot): void {
    this.roots.set(name, root);
  }

  get(name: string): EmulatedRoot {
    const found = this.roots.get(name);
    if (!found) throw new Error(`${name} was not applied: see the failed step above`);
    return found;
  }
}
