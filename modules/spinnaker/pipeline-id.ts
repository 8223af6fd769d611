/**
 * The stable id of the "Deploy Spinnaker" pipeline: a name-based UUID (RFC 4122 version 5) of the
 * deployment's `<name>-<environment>`, so that every boot writes the same pipeline (front50's
 * `POST /pipelines` with an id replaces that pipeline) and two deployments never share one. A stack
 * computes it here; a module, whose name is an input, with Terraform's `uuidv5("url", ...)`, which
 * gives the same id (the tools tier compares them).
 */
import { createHash } from "node:crypto";

/** RFC 4122's namespace for URLs, Terraform's `uuidv5("url", ...)`. */
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

/** The name the id is derived from. */
export function pipelineIdName(namePrefix: string): string {
  return `urn:cdktf-spinnaker-aws:deploy-spinnaker:${namePrefix}`;
}

/** RFC 4122 version 5 UUID of `name` in the URL namespace. */
export function uuidv5Url(name: string): string {
  const namespace = Buffer.from(URL_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(namespace).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}
