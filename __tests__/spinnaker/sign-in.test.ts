import { runInNewContext } from "node:vm";
import { parse } from "yaml";
import { type ProfileOptions, renderProfiles, secretsManagerReference } from "../../modules/spinnaker/profiles";
import { gateSignIn } from "../../modules/spinnaker/sign-in";
import { PROFILE_OPTIONS } from "../helpers";

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spinnaker-oidc-AbCdEf";
const GATE_URL = "https://spinnaker.example.com:8084";

const options: ProfileOptions = { ...PROFILE_OPTIONS, deckUrl: "https://spinnaker.example.com", gateUrl: GATE_URL };

const signedIn: Partial<ProfileOptions> = {
  signIn: true,
  gateSignIn: gateSignIn(
    {
      issuerUrl: "https://login.example.com/realms/spinnaker",
      clientId: "spinnaker",
      clientSecretReference: secretsManagerReference(SECRET, { jsonKey: "client_secret" }),
      scopes: ["openid", "profile", "email", "groups"],
      claims: { email: "email", firstName: "given_name", lastName: "family_name", username: "email", roles: "groups" },
    },
    GATE_URL,
  ),
  adminRoles: ["spinnaker-admins"],
};

function files(overrides: Partial<ProfileOptions> = {}) {
  return renderProfiles({ ...options, ...overrides });
}

/** Runs settings-local.js as deck does, after its own settings.js, and returns the settings. */
function deckSettings(rendered: Record<string, string>): Record<string, unknown> {
  // settings.js's own values stand out, so that a setting the file does not write shows.
  const window = {
    spinnakerSettings: {
      authEnabled: "unset",
      authEndpoint: "http://localhost:8084/auth/user",
      feature: { fiatEnabled: "unset", pipelines: true },
    },
  };
  runInNewContext(rendered["settings-local.js"], { window, Object });
  return window.spinnakerSettings;
}

describe("with sign-in", () => {
  const rendered = files(signedIn);

  // gate-oauth2's OAuthConfigEnabled switches OAuth2 on by a key that matches
  // spring.security.oauth2.client.registration.<id>.client-id exactly as written.
  test("gate registers one OAuth2 client, whose provider is found from its issuer", () => {
    const client = parse(rendered["gate-local.yml"]).spring.security.oauth2.client;
    expect(client.registration.oidc).toEqual({
      "client-id": "spinnaker",
      "client-secret": `encrypted:secrets-manager!r:eu-west-1!s:${SECRET}!k:client_secret`,
      "authorization-grant-type": "authorization_code",
      scope: ["openid", "profile", "email", "groups"],
      // gate is behind the load balancer: the URL users reach, never the instance's own.
      "redirect-uri": "https://spinnaker.example.com:8084/login/oauth2/code/oidc",
    });
    expect(client.provider.oidc).toEqual({ "issuer-uri": "https://login.example.com/realms/spinnaker" });
  });

  // gate-oauth2's OAuth2SsoConfig reads the mapping beside the registrations; `roles` feeds fiat.
  test("gate maps the provider's claims to the user, its roles included", () => {
    const mapping = parse(rendered["gate-local.yml"]).spring.security.oauth2.client.registration["user-info-mapping"];
    expect(mapping).toEqual({
      email: "email",
      firstName: "given_name",
      lastName: "family_name",
      username: "email",
      roles: "groups",
    });
  });

  test("keeps gate's other settings", () => {
    expect(parse(rendered["gate-local.yml"]).server.tomcat.remoteip["protocol-header"]).toBe("X-Forwarded-Proto");
  });

  // kork's FiatClientConfigurationProperties: `services.fiat.enabled`, false by default.
  test("every service asks fiat, which knows its administrators", () => {
    expect(parse(rendered["spinnaker-local.yml"]).services.fiat).toEqual({
      baseUrl: "http://localhost:7003",
      enabled: true,
    });
    // fiat-roles' FiatAdminConfig: fiat.admin.roles.
    expect(parse(rendered["fiat-local.yml"]).fiat.admin.roles).toEqual(["spinnaker-admins"]);
  });

  // deck's settings.js fixes authEndpoint from its build's API host; AuthenticationInitializer reads both.
  test("deck asks gate who is signed in", () => {
    expect(deckSettings(rendered)).toMatchObject({
      authEnabled: true,
      authEndpoint: "https://spinnaker.example.com:8084/auth/user",
      gateUrl: GATE_URL,
    });
  });

  // deck's settings.js: feature.fiatEnabled (FIAT_ENABLED, false by default) shows an application's
  // permissions and a trigger's "Run As User" (ServiceAccountReader); settings.js's other features stay.
  test("deck shows fiat's screens: application permissions and Run As User", () => {
    expect(deckSettings(rendered).feature).toEqual({ fiatEnabled: true, pipelines: true });
  });
});

describe("without sign-in", () => {
  const rendered = files();

  test("gate has no OAuth2 client, fiat is neither asked nor configured", () => {
    expect(parse(rendered["gate-local.yml"]).spring).toBeUndefined();
    expect(parse(rendered["spinnaker-local.yml"]).services.fiat.enabled).toBe(false);
    expect(rendered["fiat-local.yml"]).toBeUndefined();
    expect(deckSettings(rendered).authEnabled).toBe(false);
    expect(deckSettings(rendered).feature).toEqual({ fiatEnabled: false, pipelines: true });
  });
});

test("a module's sign-in YAML follows gate's other settings in its own top-level key", () => {
  const rendered = files({ signIn: true, gateSignIn: "spring:\n  security: {}\n", adminRoles: [] });
  expect(parse(rendered["gate-local.yml"])).toEqual({
    server: expect.any(Object),
    spring: { security: {} },
  });
});
