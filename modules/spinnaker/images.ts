import { Fn, Token } from "cdktf";
import { SPINNAKER_SERVICES, type SpinnakerService } from "../config/schema";

export interface ImageSettings {
  readonly registry: string;
  readonly version: string;
  /** Full references that replace `registry/<service>:version` for single services. */
  readonly images: Partial<Record<SpinnakerService, string>>;
}

/**
 * `<registry>/<service>:<version>` for every service, unless overridden one by one. The settings may
 * be Terraform values (a module's inputs): the override is then looked up by Terraform.
 */
export function imageReferences(s: ImageSettings): Record<SpinnakerService, string> {
  const image = (name: SpinnakerService) => {
    const standard = `${s.registry}/${name}:${s.version}`;
    if (Token.isUnresolved(s.images)) return Token.asString(Fn.lookup(s.images, name, standard));
    return s.images[name] ?? standard;
  };
  return Object.fromEntries(SPINNAKER_SERVICES.map((name) => [name, image(name)])) as Record<SpinnakerService, string>;
}
