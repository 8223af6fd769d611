import { SPINNAKER_SERVICES, type SpinnakerService } from "../config/schema";

export interface ImageSettings {
  readonly registry: string;
  readonly version: string;
  /** Full references that replace `registry/<service>:version` for single services. */
  readonly images: Partial<Record<SpinnakerService, string>>;
}

/** `<registry>/<service>:<version>` for every service, unless overridden one by one. */
export function imageReferences(s: ImageSettings): Record<SpinnakerService, string> {
  return Object.fromEntries(
    SPINNAKER_SERVICES.map((name) => [name, s.images[name] ?? `${s.registry}/${name}:${s.version}`]),
  ) as Record<SpinnakerService, string>;
}
