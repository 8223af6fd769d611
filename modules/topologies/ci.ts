/**
 * The build servers igor polls for CI triggers: the secrets of their API tokens, which the instance
 * role may read. A stack knows them from the configuration; a module takes them as its `ci` input
 * and lets Terraform list them at plan time (`local.ci`). igor's profile is a template both render
 * alike (profile-templates.ts).
 */
import { Token } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import { hclLocal } from "../terraform-values";

export interface ContinuousIntegration {
  /** The secrets holding the masters' API tokens. */
  readonly secretArns: string[];
}

export function continuousIntegration(
  scope: Construct,
  settings: Pick<Deployment, "spinnaker" | "ciInput">,
): ContinuousIntegration {
  if (settings.ciInput === undefined) {
    return {
      secretArns: settings.spinnaker.ci.jenkins.flatMap((m) => (m.passwordSecretArn ? [m.passwordSecretArn] : [])),
    };
  }
  const hcl = `{
  secret_arns = [for m in ${settings.ciInput}.jenkins : m.password_secret_arn if m.password_secret_arn != null]
}`;
  const attribute = hclLocal(scope, "ContinuousIntegration", "ci", hcl);
  return { secretArns: Token.asList(attribute("secret_arns")) };
}
