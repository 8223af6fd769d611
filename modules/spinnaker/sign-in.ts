/**
 * Sign-in and authorization: gate's OAuth2 client, set up for an OpenID Connect provider, and
 * fiat's administrators. Rendered into `gate-local.yml` and `fiat-local.yml` from the settings (a
 * stack) or from a module's `auth` input (its values are Terraform expressions then).
 */

/**
 * The id of gate's one OAuth2 client registration: browsers start at `/oauth2/authorization/oidc`
 * and the provider sends them back to `/login/oauth2/code/oidc`, the redirect URI to register.
 */
const REGISTRATION_ID = "oidc";

/** Where the identity provider sends the browser back: gate's URL, as users reach it. */
function redirectUri(gateUrl: string): string {
  return `${gateUrl}/login/oauth2/code/${REGISTRATION_ID}`;
}

/** The sign-in settings gate needs; any value may be a Terraform expression. */
export interface SignInProfile {
  readonly issuerUrl: string;
  readonly clientId: string;
  /** A Spinnaker secret reference to the client secret, resolved by gate at start. */
  readonly clientSecretReference: string;
  readonly scopes: readonly string[];
  readonly claims: {
    readonly email: string;
    readonly firstName: string;
    readonly lastName: string;
    readonly username: string;
    readonly roles: string;
  };
}

/**
 * gate's sign-in, as gate reads it since 2025.2 (Spring Security's OAuth2 client): a `client-id`
 * under `spring.security.oauth2.client.registration.<id>` switches OAuth2 on (gate-oauth2's
 * `OAuthConfigEnabled`, which matches that key as written); the provider's `issuer-uri` gives the
 * endpoints (and the user-info URI gate's `ExternalAuthTokenFilter` needs) from its discovery
 * document; `registration.user-info-mapping` names the claims gate maps to a user, and its `roles`
 * are what gate passes to fiat's `loginWithRoles` (gate-oauth2's `OAuth2SsoConfig` and
 * `OAuthUserInfoServiceHelper`). The redirect URI is explicit: gate runs behind the load balancer,
 * and Spring's `{baseUrl}` template would use the instance's own address and port.
 */
export function gateSignIn(o: SignInProfile, gateUrl: string): Record<string, unknown> {
  return {
    spring: {
      security: {
        oauth2: {
          client: {
            registration: {
              [REGISTRATION_ID]: {
                "client-id": o.clientId,
                "client-secret": o.clientSecretReference,
                "authorization-grant-type": "authorization_code",
                scope: o.scopes,
                "redirect-uri": redirectUri(gateUrl),
              },
              "user-info-mapping": {
                email: o.claims.email,
                firstName: o.claims.firstName,
                lastName: o.claims.lastName,
                username: o.claims.username,
                roles: o.claims.roles,
              },
            },
            provider: { [REGISTRATION_ID]: { "issuer-uri": o.issuerUrl } },
          },
        },
      },
    },
  };
}

/**
 * fiat's own profile: the roles whose members administer everything (fiat-roles' `FiatAdminConfig`,
 * `fiat.admin.roles`; fiat lower-cases role names, so they match whatever case the provider sends).
 * The roles of each user are the provider's, passed on by gate at sign-in and kept by fiat's role
 * sync as `EXTERNAL` roles (fiat-web's `RolesController`, fiat-roles' `UserRolesSyncer`): no group
 * membership service is configured.
 */
export function fiatProfile(adminRoles: readonly string[]): Record<string, unknown> {
  return { fiat: { admin: { roles: adminRoles } } };
}
