/**
 * The policy rules on what Terraform users deploy (issue 20): the rules of __tests__/policy/invariants.ts
 * on every instance of the `standalone-module` and `ha-module` stacks, one per combination of the
 * choices the stacks' policy matrix covers, given as module inputs. The synthesized module JSON (with
 * its templates/ folder) is the source: the Registry module is the same configuration in another
 * file format.
 *
 * One root calls each module once, with `for_each` over the combinations (a module block per
 * combination would make Terraform validate the module once per block, a third more of the plan's
 * time), and is planned once, offline: the real provider from the local mirror, no credentials, and
 * a stand-in for STS's GetCallerIdentity on 127.0.0.1, which the managed account's role reads at plan,
 * and for EC2's DescribeSubnets, which Aurora's members read their zones from.
 */
import { rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { settingsFrom, synthStack, writeTemplates } from "../helpers";
import { combinations, configOf, labelOf, moduleInputsOf, REDIS_AUTH_TOKEN, type Topology } from "../policy/choices";
import { viewViolations } from "../policy/invariants";
import { plannedViews, type ShownPlan, type View } from "../policy/view";
import { expectSuccess, requireTool, runAsync, tempDir, terraformEnvironment, writeLookupsOverride } from "./harness";

/**
 * The plan of all 156 instances (about 12,000 resources) takes some 5 minutes of CPU time: about 3
 * minutes on two free cores, more on a shared machine; the test prints what it took.
 */
const TIMEOUT = 900_000;
const TOPOLOGIES: readonly Topology[] = ["standalone", "ha"];
/** The account of the managed role the `accounts` choice creates (choices.ts). */
const ACCOUNT_ID = "123456789012";

/** The zone of each subnet of the choices (choices.ts): two AZs, as RDS requires. */
const SUBNET_ZONES: Record<string, string> = {
  "subnet-0123456789abcdef0": "us-west-2a",
  "subnet-0fedcba9876543210": "us-west-2b",
};

/** EC2's answer to DescribeSubnets for one subnet id, as the provider's aws_subnet reads it. */
function describeSubnets(body: string): string | undefined {
  const id = /(?:^|&)SubnetId\.1=([^&]+)/.exec(body)?.[1];
  const zone = id === undefined ? undefined : SUBNET_ZONES[decodeURIComponent(id)];
  if (id === undefined || zone === undefined) return undefined;
  return `<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>00000000-0000-0000-0000-000000000000</requestId><subnetSet><item><subnetId>${id}</subnetId><subnetArn>arn:aws:ec2:us-west-2:${ACCOUNT_ID}:subnet/${id}</subnetArn><state>available</state><ownerId>${ACCOUNT_ID}</ownerId><vpcId>vpc-0123456789abcdef0</vpcId><cidrBlock>10.0.${zone.endsWith("a") ? 1 : 2}.0/24</cidrBlock><availableIpAddressCount>251</availableIpAddressCount><availabilityZone>${zone}</availabilityZone><availabilityZoneId>usw2-az${zone.endsWith("a") ? 1 : 2}</availabilityZoneId><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch></item></subnetSet></DescribeSubnetsResponse>`;
}

/**
 * STS's GetCallerIdentity and EC2's DescribeSubnets, the only AWS calls a plan of the modules makes;
 * the log shows what it got.
 */
function startCallerIdentity(): Promise<{ server: Server; endpoint: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      requests.push(body);
      const subnets = body.includes("Action=DescribeSubnets") ? describeSubnets(body) : undefined;
      if (subnets !== undefined) {
        response.writeHead(200, { "content-type": "text/xml" });
        response.end(subnets);
        return;
      }
      if (!body.includes("Action=GetCallerIdentity")) {
        response.writeHead(400, { "content-type": "text/xml" });
        response.end("<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>");
        return;
      }
      response.writeHead(200, { "content-type": "text/xml" });
      response.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT_ID}:user/policy</Arn><UserId>AIDAPOLICYMATRIX</UserId><Account>${ACCOUNT_ID}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, endpoint: `http://127.0.0.1:${port}`, requests });
    });
  });
}

/** `module.ha["tls, ssh"]`: Terraform's address of a combination's instance. */
function addressOf(topology: Topology, chosen: readonly string[]): string {
  return `module.${topology}[${JSON.stringify(labelOf(chosen as Parameters<typeof labelOf>[0]))}]`;
}

interface Instance {
  readonly topology: Topology;
  readonly chosen: Parameters<typeof labelOf>[0];
  readonly inputs: Record<string, unknown>;
}

const INSTANCES = new Map<string, Instance>(
  TOPOLOGIES.flatMap((topology) =>
    combinations(topology).map((chosen): [string, Instance] => [
      addressOf(topology, chosen),
      { topology, chosen, inputs: moduleInputsOf(new Set(chosen), topology) },
    ]),
  ),
);

/** The root: each module once, for_each over its combinations' inputs. */
function writeRoot(dir: string, stsEndpoint: string): void {
  const locals: Record<string, Record<string, unknown>> = {};
  const modules: Record<string, unknown> = {};
  for (const topology of TOPOLOGIES) {
    const module = synthStack(settingsFrom(), `${topology}-module`);
    const moduleDir = join(dir, topology);
    rmSync(moduleDir, { recursive: true, force: true });
    writeTemplates(module, moduleDir);
    writeFileSync(join(moduleDir, "main.tf.json"), JSON.stringify(module));
    // The instance type's memory and the bakery's base images: EC2 lookups with no offline answer.
    writeLookupsOverride(moduleDir, module);
    const instances = [...INSTANCES.values()].filter((i) => i.topology === topology);
    locals[topology] = Object.fromEntries(instances.map((i) => [labelOf(i.chosen), i.inputs]));
    modules[topology] = {
      source: `./${topology}`,
      for_each: `\${local.${topology}}`,
      ...Object.fromEntries(Object.keys(instances[0].inputs).map((input) => [input, `\${each.value.${input}}`])),
    };
  }
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify(
      {
        provider: {
          aws: {
            region: "us-west-2",
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
            endpoints: { sts: stsEndpoint, ec2: stsEndpoint },
          },
        },
        locals,
        module: modules,
      },
      null,
      2,
    ),
  );
}

let dir: string;
let sts: Awaited<ReturnType<typeof startCallerIdentity>> | undefined;
let plan: ShownPlan;
let views: Map<string, View>;

function viewsOf(shown: ShownPlan): Map<string, View> {
  return plannedViews(shown, (address) => {
    const instance = INSTANCES.get(address);
    if (instance === undefined) throw new Error(`the plan has a module instance the matrix does not: ${address}`);
    return instance.inputs;
  });
}

beforeAll(async () => {
  requireTool("terraform", ["version"], "install Terraform 1.10 or newer");
  dir = tempDir("policy-modules");
  sts = await startCallerIdentity();
  try {
    writeRoot(dir, sts.endpoint);
    const env = terraformEnvironment(dir);
    const timed = async (what: string, args: string[]) => {
      const started = Date.now();
      const result = await runAsync("terraform", [...args, "-no-color"], { cwd: dir, env });
      expectSuccess(result, `terraform ${what}`);
      return { result, seconds: (Date.now() - started) / 1000 };
    };
    const init = await timed("init", ["init", "-input=false"]);
    const planned = await timed("plan", ["plan", "-input=false", "-out=plan.bin"]);
    const shown = await timed("show", ["show", "-json", "plan.bin"]);
    plan = JSON.parse(shown.result.stdout);
    console.log(
      `policy on the modules: ${INSTANCES.size} module instances, ${plan.resource_changes?.length} planned changes; ` +
        `terraform init ${init.seconds.toFixed(1)} s, plan ${planned.seconds.toFixed(1)} s, show ${shown.seconds.toFixed(1)} s`,
    );
  } finally {
    sts.server.close();
  }
  views = viewsOf(plan);
}, TIMEOUT);

afterAll(() => {
  // Also after a timeout, while a plan still runs.
  if (sts?.server.listening) sts.server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the plan has exactly one module instance per combination, each with what its rules judge", () => {
  expect([...views.keys()].sort()).toEqual([...INSTANCES.keys()].sort());
  for (const [address, view] of views) {
    const { topology, chosen } = INSTANCES.get(address) as Instance;
    const names = new Set(view.resources.map((r) => `${r.type}.${r.name.replace(/\[.*\]$/, "")}`));
    const types = new Set(view.resources.map((r) => r.type));
    // So that no rule passes on an instance only because what it judges is missing.
    const expected = [
      "aws_launch_template",
      "aws_lb",
      "aws_lb_listener",
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
      "aws_s3_bucket",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      ...(topology === "ha" && !chosen.includes("existing redis") ? ["aws_elasticache_replication_group"] : []),
      // What the database rules judge, which the rules also ask for themselves (missingDatabase).
      ...(chosen.includes("sql") && !chosen.includes("existing database")
        ? topology === "ha"
          ? ["aws_rds_cluster", "aws_rds_cluster_instance", "aws_rds_cluster_parameter_group"]
          : ["aws_db_instance", "aws_db_parameter_group"]
        : []),
      ...(chosen.includes("sql") ? ["aws_secretsmanager_secret"] : []),
    ];
    for (const type of expected) expect([address, type, types.has(type)]).toEqual([address, type, true]);
    if (chosen.includes("tls")) {
      const redirect = "aws_lb_listener.user_facing_load_balancer_http_redirect";
      expect([address, redirect, names.has(redirect)]).toEqual([address, redirect, true]);
    }
    const database = ["aws_db_instance", "aws_rds_cluster"].some((type) => types.has(type));
    expect([address, "a database", database]).toEqual([
      address,
      "a database",
      chosen.includes("sql") && !chosen.includes("existing database"),
    ]);
    if (chosen.includes("existing database")) {
      const egress = "aws_vpc_security_group_egress_rule.to_existing_database";
      expect([address, egress, names.has(egress)]).toEqual([address, egress, true]);
    }
    if (chosen.includes("ssh")) {
      const ssh = "aws_vpc_security_group_ingress_rule.security_groups_ssh_ingress";
      expect([address, ssh, names.has(ssh)]).toEqual([address, ssh, true]);
    }
  }
});

describe.each(TOPOLOGIES)("the %s-module", (topology) => {
  test(`keeps every security rule in all ${combinations(topology).length} combinations, as planned`, () => {
    const broken: string[] = [];
    for (const [address, instance] of INSTANCES) {
      if (instance.topology !== topology) continue;
      const view = views.get(address);
      if (view === undefined) throw new Error(`the plan has no ${address}`);
      const settings = settingsFrom(configOf(new Set(instance.chosen)));
      for (const v of viewViolations(view, settings)) broken.push(`${address} ${v}`);
    }
    expect(broken).toEqual([]);
  });
});

/** A planned change as `terraform show -json` writes it: `after`, and `after_unknown` marking what apply decides. */
// biome-ignore lint/suspicious/noExplicitAny: a test breaks the plan's JSON wherever it likes.
type Change = { after: any; after_unknown: any };

/** A copy of the plan with one change of one instance broken, and what the rules then say of it. */
function brokenPlan(address: string, resource: string, breakIt: (change: Change) => void) {
  const copy = structuredClone(plan);
  const change = copy.resource_changes?.find(
    (c) => `${c.module_address}.${c.type}.${c.name}` === `${address}.${resource}`,
  );
  if (change === undefined) throw new Error(`the plan has no ${resource} in ${address}`);
  breakIt(change.change);
  const instance = INSTANCES.get(address) as Instance;
  const view = viewsOf(copy).get(address) as View;
  return viewViolations(view, settingsFrom(configOf(new Set(instance.chosen))));
}

const HA_TLS = addressOf("ha", ["tls", "accounts"]);
const HA_SQL = addressOf("ha", ["tls", "accounts", "sql"]);
const STANDALONE_SQL = addressOf("standalone", ["tls", "accounts", "sql"]);

test.each<[string, string, (change: Change) => void, RegExp]>([
  [
    "an ingress rule open to the internet",
    "aws_vpc_security_group_ingress_rule.security_groups_user_ingress_deck",
    (c) => {
      c.after.cidr_ipv4 = "0.0.0.0/0";
    },
    /^ingress only from .*: security_groups_user_ingress_deck\["10.0.0.0\/8"\] admits 0.0.0.0\/0/,
  ],
  [
    "IMDSv1 allowed",
    "aws_launch_template.polling_launch_template",
    (c) => {
      c.after.metadata_options[0].http_tokens = "optional";
    },
    /^IMDSv2 required .*: polling_launch_template metadata_options/,
  ],
  [
    "the Redis token in a profile",
    "aws_s3_object.configuration_file_orca_local_yml",
    (c) => {
      c.after.content = `redis: { password: ${REDIS_AUTH_TOKEN} }`;
      delete c.after_unknown.content;
    },
    /^no secret .*: aws_s3_object.configuration_file_orca_local_yml holds the Redis token/,
  ],
  [
    "an HTTPS listener on a TLS 1.0 policy",
    "aws_lb_listener.user_facing_load_balancer_deck_listener",
    (c) => {
      c.after.ssl_policy = "ELBSecurityPolicy-2016-08";
    },
    /^load balancers drop .*: user_facing_load_balancer_deck_listener uses ELBSecurityPolicy-2016-08/,
  ],
  [
    "a description known only at apply",
    "aws_security_group.security_groups_internal",
    (c) => {
      delete c.after.description;
      c.after_unknown.description = true;
    },
    /^every security group .*: cannot be evaluated: aws_security_group.security_groups_internal description is known only at apply/,
  ],
])("a broken plan fragment is caught: %s", (_what, resource, breakIt, expected) => {
  expect(viewViolations(views.get(HA_TLS) as View, settingsFrom(configOf(new Set(["tls", "accounts"]))))).toEqual([]);
  const found = brokenPlan(HA_TLS, resource, breakIt);
  expect(found.length).toBe(1);
  expect(found[0]).toMatch(expected);
});

test("the managed account's role was planned against the stand-in STS, not skipped", () => {
  const role = views
    .get(addressOf("standalone", ["accounts"]))
    ?.resources.find((r) => r.type === "aws_iam_role" && r.name === "managed_account_role[0]");
  expect(role?.values.name).toBe("spinnakerManaged");
});

test.each<[string, string, string, (change: Change) => void, RegExp]>([
  [
    "an unencrypted cluster",
    HA_SQL,
    "aws_rds_cluster.database_cluster[0]",
    (c) => {
      c.after.storage_encrypted = false;
    },
    /^databases encrypted at rest: database_cluster\[0\] is not encrypted at rest$/,
  ],
  [
    "a public Aurora member",
    HA_SQL,
    "aws_rds_cluster_instance.database_member[1]",
    (c) => {
      c.after.publicly_accessible = true;
    },
    /^databases never publicly accessible: database_member\[1\] publicly_accessible is true$/,
  ],
  [
    "TLS not required by the cluster parameter group",
    HA_SQL,
    "aws_rds_cluster_parameter_group.database_cluster_parameters[0]",
    (c) => {
      for (const p of c.after.parameter) if (p.name === "require_secure_transport") p.value = "OFF";
    },
    /^databases require TLS.*: database_cluster_parameters\[0\] sets require_secure_transport to "OFF", not ON$/,
  ],
  [
    "Aurora's ON written for MySQL",
    STANDALONE_SQL,
    "aws_db_parameter_group.database_parameters[0]",
    (c) => {
      for (const p of c.after.parameter) if (p.name === "require_secure_transport") p.value = "ON";
    },
    /^databases require TLS.*: database_parameters\[0\] sets require_secure_transport to "ON", not 1$/,
  ],
  [
    "backups off",
    STANDALONE_SQL,
    "aws_db_instance.database_instance[0]",
    (c) => {
      c.after.backup_retention_period = 0;
    },
    /^databases keep automated backups.*: database_instance\[0\] backup_retention_period is 0$/,
  ],
  [
    "no deletion protection",
    HA_SQL,
    "aws_rds_cluster.database_cluster[0]",
    (c) => {
      c.after.deletion_protection = false;
    },
    /^databases protected from deletion.*: database_cluster\[0\] deletion_protection is false$/,
  ],
  [
    "no final snapshot",
    STANDALONE_SQL,
    "aws_db_instance.database_instance[0]",
    (c) => {
      c.after.skip_final_snapshot = true;
    },
    /^databases protected from deletion.*: database_instance\[0\] is deleted without a final snapshot$/,
  ],
  [
    "a master password",
    STANDALONE_SQL,
    "aws_db_instance.database_instance[0]",
    (c) => {
      c.after.password = "placeholder-0123456789";
    },
    /^no password argument.*: aws_db_instance.database_instance\[0\] has password$/,
  ],
])("a broken database in a plan is caught: %s", (_what, address, resource, breakIt, expected) => {
  const chosen = INSTANCES.get(address)?.chosen ?? [];
  expect(viewViolations(views.get(address) as View, settingsFrom(configOf(new Set(chosen))))).toEqual([]);
  const copy = structuredClone(plan);
  const change = copy.resource_changes?.find(
    (c) => `${c.module_address}.${c.type}.${indexedName(c.name, c.index)}` === `${address}.${resource}`,
  );
  if (change === undefined) throw new Error(`the plan has no ${resource} in ${address}`);
  breakIt(change.change as Change);
  const found = viewViolations(viewsOf(copy).get(address) as View, settingsFrom(configOf(new Set(chosen))));
  expect(found.length).toBe(1);
  expect(found[0]).toMatch(expected);
});

test("a database planned with a write-only password is caught from the configuration, its value never planned", () => {
  const copy = structuredClone(plan);
  const module = copy.configuration.root_module.module_calls?.ha?.module as unknown as {
    resources: { address: string; expressions?: Record<string, unknown> }[];
  };
  const cluster = module.resources.find((r) => r.address === "aws_rds_cluster.database_cluster");
  if (cluster?.expressions === undefined) throw new Error("the ha module has no aws_rds_cluster.database_cluster");
  cluster.expressions.master_password_wo = { references: ["var.database_password"] };
  const chosen = INSTANCES.get(HA_SQL)?.chosen ?? [];
  const found = viewViolations(viewsOf(copy).get(HA_SQL) as View, settingsFrom(configOf(new Set(chosen))));
  expect(found).toEqual([
    "no password argument: RDS keeps the master's password, the boot step the services': aws_rds_cluster.database_cluster[0] has expressions.master_password_wo",
  ]);
});

/** A count's or for_each's instance as `terraform show -json` names it: `name[0]`, `name["key"]`. */
function indexedName(name: string, index: string | number | undefined): string {
  if (index === undefined) return name;
  return typeof index === "number" ? `${name}[${index}]` : `${name}[${JSON.stringify(index)}]`;
}
