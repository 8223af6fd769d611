/**
 * The build servers igor polls for CI triggers: their secrets, which the instance role may read,
 * and igor's profile. A stack knows them from the configuration; a module takes them as its `ci`
 * input and lets Terraform render the same profile at plan time (`local.ci`).
 */
import { Token } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import { type JenkinsMasterProfile, secretsManagerReferenceHcl } from "../spinnaker/profiles";
import { hclLocal, withoutNullAttributes } from "../terraform-values";

export interface ContinuousIntegration {
  /** The Jenkins masters of a stack; a module's are in `igorProfile`. */
  readonly jenkinsMasters: readonly JenkinsMasterProfile[];
  /** The secrets holding the masters' API tokens. */
  readonly secretArns: string[];
  /** `igor-local.yml` as Terraform renders it from a module's input. @default - rendered in TypeScript */
  readonly igorProfile?: string;
}

export function continuousIntegration(scope: Construct, settings: Pick<Deployment, "spinnaker" | "ciInput">) {
  if (settings.ciInput === undefined) {
    const masters = settings.spinnaker.ci.jenkins;
    return {
      jenkinsMasters: masters,
      secretArns: masters.flatMap((m) => (m.passwordSecretArn ? [m.passwordSecretArn] : [])),
    } satisfies ContinuousIntegration;
  }
  // The structure igorProfile builds.
  const ci = settings.ciInput;
  const hcl = `{
  secret_arns = [for m in ${ci}.jenkins : m.password_secret_arn if m.password_secret_arn != null]
  igor_profile = yamlencode({
    jenkins = {
      enabled = length(${ci}.jenkins) > 0
      masters = [for m in ${ci}.jenkins : ${withoutNullAttributes(`
        name = m.name
        address = m.address
        username = m.username
        password = m.password_secret_arn == null ? null : "${secretsManagerReferenceHcl("m.password_secret_arn")}"
        csrf = m.csrf
      `)}]
    }
  })
}`;
  const attribute = hclLocal(scope, "ContinuousIntegration", "ci", hcl);
  return {
    jenkinsMasters: [],
    secretArns: Token.asList(attribute("secret_arns")),
    igorProfile: Token.asString(attribute("igor_profile")),
  } satisfies ContinuousIntegration;
}
