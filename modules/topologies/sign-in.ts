/**
 * Sign-in through gate (OpenID Connect) and authorization by fiat: gate's and fiat's profiles and
 * the client secret the instance role may read. A stack knows them from `spinnaker.auth`; in a
 * module they are its `auth` input (null: off), and Terraform renders gate's part at plan time.
 */
import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Deployment } from "../config/schema";
import { secretsManagerReference } from "../spinnaker/profiles";
import { gateSignIn } from "../spinnaker/sign-in";
import { type Condition, namedValue, pickList } from "../terraform-values";

export interface SignIn {
  /** Users sign in and fiat runs. */
  readonly enabled: Condition;
  /** gate's sign-in: settings to merge, or a module's YAML (empty when off). @default - none */
  readonly gateSignIn?: Record<string, unknown> | string;
  readonly adminRoles: readonly string[];
  /** The client secret, which gate reads at start with the instance role. */
  readonly secretArns: string[];
}

export function signIn(scope: Construct, settings: Pick<Deployment, "spinnaker">, gateUrl: string): SignIn {
  const { auth } = settings.spinnaker;
  const enabled = settings.spinnaker.fiat;
  if (auth === undefined || enabled === false) return { enabled: false, adminRoles: [], secretArns: [] };
  const settingsOfGate = gateSignIn(
    {
      ...auth,
      clientSecretReference: secretsManagerReference(auth.clientSecretArn, { jsonKey: auth.clientSecretKey }),
    },
    gateUrl,
  );
  if (enabled === true) {
    return {
      enabled,
      gateSignIn: settingsOfGate,
      adminRoles: auth.adminRoles,
      secretArns: [auth.clientSecretArn],
    };
  }
  // A module's input: Terraform renders gate's part only when it is set (it evaluates both branches
  // of a conditional but discards the errors of the one not taken, so a null input's attributes
  // cannot fail the plan).
  return {
    enabled,
    gateSignIn: namedValue(
      scope,
      "GateSignIn",
      "gate_sign_in",
      Token.asString(Fn.conditional(enabled, Fn.yamlencode(settingsOfGate), "")),
    ),
    adminRoles: pickList(enabled, auth.adminRoles, []),
    secretArns: pickList(enabled, [auth.clientSecretArn], []),
  };
}
