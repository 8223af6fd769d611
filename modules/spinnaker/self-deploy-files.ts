/**
 * The static files of Spinnaker's deploys of itself (ha.selfDeploy), in `templates/` beside this
 * file's folder, in the sources and the built package: the seeding script, the user data of the
 * server groups Spinnaker deploys, deck's settings for them, and the clean-up function that
 * removes those server groups at destroy. A stack and a module write them to
 * their own `templates/` folder, where a reviewer reads them.
 */
import { templateText } from "./template-texts";

export const SELF_DEPLOY_TEMPLATES = [
  "seed-spinnaker.sh",
  "self-deploy-user-data.tftpl",
  "server-group-cleanup.py",
  "settings-self-deploy.js",
] as const;
export type SelfDeployFile = (typeof SELF_DEPLOY_TEMPLATES)[number];

export function selfDeployText(file: SelfDeployFile): string {
  return templateText(file);
}
