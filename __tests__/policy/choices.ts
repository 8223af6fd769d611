/**
 * The choices the policy matrix varies (TLS, scheme, SSH, created or existing Redis, kayenta, managed
 * accounts, sign-in, SQL storage with a created or an existing database), as the configuration of a
 * stack and as the inputs of a module: one combination gives the same values to both, so the rules
 * judge the stacks and the module stacks on the same deployments.
 */
import type { Config } from "../../modules/config/schema";
import { SIGN_IN } from "../helpers";

export const CHOICES = ["tls", "internet-facing", "ssh", "existing redis", "kayenta", "accounts", "sign-in"] as const;
/** SQL storage (`storage.type` sql): the database created, or the deployer's own. */
export const SQL_CHOICES = ["sql", "existing database"] as const;
export type Choice = (typeof CHOICES)[number] | (typeof SQL_CHOICES)[number];
export type Topology = "standalone" | "ha";

const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555";
/** The deployer's own database of the `existing database` choice. */
const OWN_DATABASE = {
  existingEndpoint: "spinnaker.cluster-0123456789ab.us-west-2.rds.amazonaws.com",
  existingMasterSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:spinnaker-db-master-AbCdEf",
  existingSecurityGroupId: "sg-0fedcba9876543210",
};

export function configOf(chosen: ReadonlySet<Choice>): Config {
  return {
    network: {
      instanceSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      userCidrs: ["10.0.0.0/8"],
      sshCidrs: chosen.has("ssh") ? ["10.20.0.0/16"] : [],
      ...(chosen.has("internet-facing")
        ? { loadBalancerSubnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] }
        : {}),
    },
    loadBalancer: {
      scheme: chosen.has("internet-facing") ? "internet-facing" : "internal",
      ...(chosen.has("tls") ? { certificateArn: CERTIFICATE, hostname: "spinnaker.example.com" } : {}),
    },
    spinnaker: {
      kayenta: chosen.has("kayenta"),
      ...(chosen.has("sign-in") ? SIGN_IN.spinnaker : {}),
      accounts: chosen.has("accounts")
        ? {
            aws: [{ name: "home", accountId: "123456789012", createRole: true }],
            kubernetes: [
              {
                name: "eks",
                kubeconfigSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:kubeconfig-AbCdEf",
              },
            ],
          }
        : {},
    },
    storage: chosen.has("existing database")
      ? { type: "sql", createDatabase: false, ...OWN_DATABASE }
      : chosen.has("sql")
        ? { type: "sql" }
        : {},
    ha: chosen.has("existing redis")
      ? {
          redis: {
            existingUrlSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:redis-url-AbCdEf",
            existingSecurityGroupId: "sg-0123456789abcdef0",
          },
        }
      : {},
  };
}

/**
 * Every subset of the choices; stand-alone has no managed Redis, so no Redis choice, and sign-in
 * needs TLS. SQL storage, created or existing, with the combinations it could meet differently: none
 * of the other choices, TLS with managed accounts (the rules' mutations run there), and all of them
 * (in HA with an existing Redis: the defaults have a created one). Crossing it with every subset
 * would double the modules' plan (about 5 minutes of CPU time) for resources that depend on none of
 * the other choices but the instances' security group, role and Redis.
 */
export function combinations(topology: Topology): Choice[][] {
  const choices = CHOICES.filter((c) => topology === "ha" || c !== "existing redis");
  const all: Choice[][] = Array.from({ length: 2 ** choices.length }, (_, mask) =>
    choices.filter((_c, i) => mask & (2 ** i)),
  ).filter((chosen) => !chosen.includes("sign-in") || chosen.includes("tls"));
  const meetsSql: Choice[][] = [[], ["tls", "accounts"], [...choices]];
  const withSql = meetsSql.flatMap((chosen): Choice[][] => [
    [...chosen, "sql"],
    [...chosen, "sql", "existing database"],
  ]);
  return [...all, ...withSql];
}

/** How a broken rule names its combination. */
export function labelOf(chosen: readonly Choice[]): string {
  return chosen.join(", ") || "defaults";
}

/** The network of every combination, which the configuration gives the stacks' variables. */
const VPC_ID = "vpc-0123456789abcdef0";
const AMI_ID = "ami-0123456789abcdef0";
/** A placeholder AUTH token: the rules look for where it travels. */
export const REDIS_AUTH_TOKEN = "placeholder-token-0123456789";

/**
 * The module inputs of a combination, read from the same configuration the stacks get (`configOf`),
 * as JSON values of a `module` block. An explicit image, so that no official-image lookup needs AWS.
 */
export function moduleInputsOf(chosen: ReadonlySet<Choice>, topology: Topology): Record<string, unknown> {
  const config = configOf(chosen);
  const network = config.network ?? {};
  const loadBalancer = config.loadBalancer ?? {};
  const spinnaker = config.spinnaker ?? {};
  const auth = spinnaker.auth;
  const accounts = spinnaker.accounts ?? {};
  const redis = config.ha?.redis;
  const storage = config.storage ?? {};
  const inputs: Record<string, unknown> = {
    vpc_id: VPC_ID,
    instance_subnet_ids: network.instanceSubnetIds,
    user_cidrs: network.userCidrs,
    ssh_cidrs: network.sshCidrs,
    load_balancer_subnet_ids: network.loadBalancerSubnetIds ?? [],
    ami_id: AMI_ID,
    official_image: false,
    load_balancer: {
      scheme: loadBalancer.scheme,
      ...(loadBalancer.certificateArn === undefined
        ? {}
        : { https: true, certificate_arn: loadBalancer.certificateArn, hostname: loadBalancer.hostname }),
    },
    spinnaker: { kayenta: spinnaker.kayenta },
    accounts: {
      aws: (accounts.aws ?? []).map((a) => ({ name: a.name, account_id: a.accountId, create_role: a.createRole })),
      kubernetes: (accounts.kubernetes ?? []).map((k) => ({
        name: k.name,
        kubeconfig_secret_arn: k.kubeconfigSecretArn,
      })),
    },
    auth:
      auth === undefined
        ? null
        : {
            issuer_url: auth.issuerUrl,
            client_id: auth.clientId,
            client_secret_arn: auth.clientSecretArn,
            admin_roles: auth.adminRoles,
          },
    storage:
      storage.type === undefined
        ? {}
        : {
            type: storage.type,
            ...(storage.createDatabase === false
              ? {
                  create_database: false,
                  existing_endpoint: storage.existingEndpoint,
                  existing_master_secret_arn: storage.existingMasterSecretArn,
                  existing_security_group_id: storage.existingSecurityGroupId,
                }
              : {}),
          },
  };
  // Every instance of a module block takes the same inputs (its for_each value): the module's
  // defaults written out where a choice leaves one alone.
  if (topology === "ha") {
    const existing = redis?.existingUrlSecretArn !== undefined;
    inputs.redis_auth_token = existing ? null : REDIS_AUTH_TOKEN;
    inputs.redis = existing
      ? {
          create: false,
          existing_url_secret_arn: redis?.existingUrlSecretArn,
          existing_security_group_id: redis?.existingSecurityGroupId,
        }
      : {};
  }
  return inputs;
}
