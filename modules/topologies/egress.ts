/**
 * Egress to the endpoints Spinnaker's services call beyond ports 80 and 443: each Jenkins master
 * on its address's port (igor), each Kubernetes API server on its account's `apiServerPort`
 * (clouddriver), kayenta's Prometheus on its URL's port, and the ports of `network.egressPorts`,
 * at `network.egressCidrs`. Terraform derives the rules from values shaped like a module's inputs,
 * one expression for stacks and modules; each rule says what the port is for. Nothing is opened
 * beyond 80 and 443 unless one of these settings asks for it.
 */
import { Fn, ref, TerraformLocal } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import { accountsTemplateInput, jenkinsTemplateInput } from "../spinnaker/profile-templates";
import { hclLocal, isExpression } from "../terraform-values";

/** The port of a URL in HCL: its own, else the scheme's. */
const portOf = (url: string) =>
  `try(tonumber(regex("^[a-z]+://[^/?#:]+:([0-9]+)", ${url})[0]), startswith(${url}, "https://") ? 443 : 80)`;

/**
 * The egress rules as a Terraform map, `"<port> <cidr>"` to `{ port, cidr, description }`, for a
 * `for_each`: its keys are known at plan whenever the inputs are values a caller writes.
 */
export function endpointEgress(scope: Construct, settings: Deployment) {
  const { spinnaker, network } = settings;
  const inputs = new TerraformLocal(scope, "EndpointEgressInputs", {
    jenkins:
      settings.ciInput === undefined ? jenkinsTemplateInput(spinnaker.ci.jenkins) : ref(`${settings.ciInput}.jenkins`),
    kubernetes:
      settings.accountsInput === undefined
        ? accountsTemplateInput(spinnaker.accounts).kubernetes
        : ref(`${settings.accountsInput}.kubernetes`),
    // kayenta reads its Prometheus only when it runs.
    prometheus_url: isExpression(spinnaker.kayenta)
      ? Fn.conditional(spinnaker.kayenta, spinnaker.prometheusUrl ?? null, null)
      : spinnaker.kayenta
        ? (spinnaker.prometheusUrl ?? null)
        : null,
    ports: network.egressPorts,
    cidrs: network.egressCidrs,
  });
  inputs.overrideLogicalId("endpoint_egress_inputs");
  const i = "local.endpoint_egress_inputs";
  // Grouped by port (`...`), so that one rule per port and CIDR names everything it is for.
  const hcl = `{
  rules = { for rule in flatten([
    for port, purposes in {
      for e in concat(
        [for m in ${i}.jenkins : { port = ${portOf("m.address")}, purpose = "Jenkins \${m.name} (igor)" }],
        [for k in ${i}.kubernetes : { port = k.api_server_port, purpose = "Kubernetes API of \${k.name} (clouddriver)" }],
        ${i}.prometheus_url == null ? [] : [{ port = ${portOf(`${i}.prometheus_url`)}, purpose = "Prometheus (kayenta)" }],
        [for p in ${i}.ports : { port = p, purpose = "egress_ports" }],
      ) : tostring(e.port) => e.purpose... if !contains([80, 443], e.port)
    } : [for cidr in ${i}.cidrs : {
      key = "\${port} \${cidr}"
      port = tonumber(port)
      cidr = cidr
      description = substr("\${join(", ", distinct(purposes))} on port \${port}", 0, 255)
    }]
  ]) : rule.key => rule }
}`;
  return hclLocal(scope, "EndpointEgress", "endpoint_egress", hcl)("rules");
}
