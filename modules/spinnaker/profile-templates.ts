/**
 * Spinnaker profiles that are Terraform templates (`templates/*.tftpl`), written once for stacks and
 * modules alike: clouddriver's accounts, igor's build masters and rosco's packer template. Terraform renders them with
 * `templatefile()` from values shaped like the modules' `accounts` and `ci` inputs; a module passes
 * its input, a stack the same shape built from its configuration. A reviewer reads them as YAML with
 * `${}` and `%{ for }` directives in the module's `templates/` folder.
 */
import type { Settings } from "../config/schema";
import { templateText } from "./template-texts";

/** The profiles rendered from a template, by the name of the file Spinnaker loads. */
export const PROFILE_TEMPLATES = {
  "clouddriver-local.yml": "clouddriver-local.yml.tftpl",
  "igor-local.yml": "igor-local.yml.tftpl",
  // Not a profile Spring loads: the template rosco runs packer with (spinnaker/bakery.ts).
  "packer-aws-ebs.json": "packer-aws-ebs.json.tftpl",
} as const;

export type TemplatedProfile = keyof typeof PROFILE_TEMPLATES;

/** A template's text: in `templates/` beside this file's folder, in the sources and the built package. */
export function profileTemplateText(profile: TemplatedProfile): string {
  return templateText(PROFILE_TEMPLATES[profile]);
}

type Accounts = Settings["spinnaker"]["accounts"];
type Jenkins = Settings["spinnaker"]["ci"]["jenkins"];

/**
 * The configuration's accounts in the shape of a module's `accounts` input, with every attribute
 * present (null when unset) as a module's typed input has them.
 */
export function accountsTemplateInput(accounts: Accounts) {
  return {
    aws: accounts.aws.map((a) => ({
      name: a.name,
      account_id: a.accountId,
      role_name: a.roleName,
      // None: the deployment's region, which the template fills in.
      regions: a.regions?.length ? a.regions : null,
      create_role: a.createRole,
      permissions: a.permissions ?? null,
    })),
    kubernetes: accounts.kubernetes.map((k) => ({
      name: k.name,
      context: k.context ?? null,
      namespaces: k.namespaces,
      only_spinnaker_managed: k.onlySpinnakerManaged,
      kubeconfig_secret_arn: k.kubeconfigSecretArn ?? null,
      kubeconfig_s3_uri: k.kubeconfigS3Uri ?? null,
      kubeconfig_s3_region: k.kubeconfigS3Region ?? null,
      api_server_port: k.apiServerPort,
      permissions: k.permissions ?? null,
    })),
  };
}

/** The configuration's Jenkins masters in the shape of a module's `ci.jenkins` input. */
export function jenkinsTemplateInput(jenkins: Jenkins) {
  return jenkins.map((m) => ({
    name: m.name,
    address: m.address,
    username: m.username ?? null,
    password_secret_arn: m.passwordSecretArn ?? null,
    csrf: m.csrf,
  }));
}
