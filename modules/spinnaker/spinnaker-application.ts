/**
 * Spinnaker's own application, as front50 stores it (`POST /v2/applications`, front50's
 * `ApplicationsController`): named like the server groups (`<name>`, Frigga's app of
 * `<name>-<environment>-v000`), so that deck shows their clusters under it. front50 refuses an
 * application without an email (its `HasEmailValidator`): the address is a placeholder in the
 * reserved `.invalid` domain (RFC 2606) until someone sets the owner's in deck.
 */
import { text, type Value } from "./json-template";

export function spinnakerApplication(name: Value<string>, stack: Value<string>) {
  return {
    name,
    email: text("spinnaker@", name, "-", stack, ".invalid"),
    description:
      "Spinnaker itself: its server groups, which the pipeline Deploy Spinnaker deploys. Created by cdktf-spinnaker-aws at first boot.",
    cloudProviders: "aws",
  };
}
