/**
 * The Microsoft identity platform (Entra ID, v2.0 endpoints) as MSAL Node
 * uses it for a public client: OpenID discovery, the device authorization
 * grant and the token endpoint (device_code and refresh_token grants).
 *
 * Written from learn.microsoft.com "OAuth 2.0 device authorization grant",
 * "refresh the access token" and the AADSTS error reference:
 *  - errors are 400 with {error, error_description "AADSTSnnnn: …\r\nTrace ID…",
 *    error_codes, timestamp, trace_id, correlation_id, error_uri};
 *  - the request body must be application/x-www-form-urlencoded;
 *  - unknown tenant → invalid_request AADSTS90002; unknown client →
 *    unauthorized_client AADSTS700016; client without "allow public client
 *    flows" → invalid_client AADSTS7000218; missing parameter → AADSTS900144;
 *  - device code grant_type is the RFC 8628 URN or `device_code` (what MSAL
 *    sends; Entra accepts both); polling: authorization_pending (AADSTS70016),
 *    authorization_declined (AADSTS70000), bad_verification_code,
 *    expired_token (AADSTS70020); a redeemed code cannot be redeemed twice;
 *  - refresh: expired → invalid_grant AADSTS700082, revoked → invalid_grant
 *    AADSTS50173, other client → invalid_grant AADSTS70000; scopes the app
 *    has no consent for → invalid_grant AADSTS65001 (consent_required);
 *  - id_token only with `openid`, refresh_token only with `offline_access`,
 *    client_info (base64url {uid, utid}) always, as MSAL asks for it.
 *
 * Not emulated: authorization code/PKCE, client credentials, /common instance
 * discovery (clients configure knownAuthorities), MFA/conditional access, slow_down.
 *
 * Approximations (documented behaviour, exact wording or number not verified):
 * the AADSTS numbers of bad_verification_code (70019), of a redeemed code
 * (54005) and of a refresh token from another client (70000); the status 401
 * for invalid_client; the user code format (9 characters).
 */
import { randomUUID } from 'node:crypto';
import { JSON_CONTENT_TYPE, type EmulatorRequest, type EmulatorResponse } from '../common/http.ts';
import { IdentityState, type MsApp, type MsTenant } from './identity-state.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': randomUUID(), 'x-ms-ests-server': '2.1.20000.0 - EMU ProdSlices', 'strict-transport-security': 'max-age=31536000; includeSubDomains', ...extra };
}

/** An Entra error response. */
export function aadError(error: string, code: number, description: string, status = 400): EmulatorResponse {
  const trace = randomUUID();
  const corr = randomUUID();
  const ts = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status,
    headers: headers(),
    body: { error, error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${corr}\r\nTimestamp: ${ts}`, error_codes: [code], timestamp: ts, trace_id: trace, correlation_id: corr, error_uri: `https://login.microsoftonline.com/error?code=${code}` },
  };
}

function form(req: EmulatorRequest): URLSearchParams | EmulatorResponse {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) return aadError('invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
  return new URLSearchParams(req.body.toString('utf8'));
}

function clientFor(s: IdentityState, tenant: MsTenant, clientId: string | null): MsApp | EmulatorResponse {
  if (!clientId) return aadError('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const app = s.apps.get(clientId);
  if (!app || app.tenantId !== tenant.id) return aadError('unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.domains[0]}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
  return app;
}

const isResponse = (v: unknown): v is EmulatorResponse => typeof v === 'object' && v !== null && 'status' in v && typeof (v as { status: unknown }).status === 'number';

/** Routes one request to the login host. */
export function handleIdentity(s: IdentityState, req: EmulatorRequest): EmulatorResponse {
  const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/.exec(req.path);
  if (!m) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body>Not Found</body></html>' };
  const tenant = s.resolveTenant(decodeURIComponent(m[1]!));
  if (!tenant) return aadError('invalid_request', 90002, `Tenant '${decodeURIComponent(m[1]!)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
  const endpoint = m[2]!;
  if (endpoint.startsWith('v2.0/') || endpoint.startsWith('discovery/')) {
    if (req.method !== 'GET') return { status: 405, headers: headers(), body: '' };
    if (endpoint.startsWith('discovery/')) return { status: 200, headers: headers(), body: { keys: [] } };
    return { status: 200, headers: headers({ 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' }), body: openIdConfiguration(s.origin, tenant.id) };
  }
  if (req.method !== 'POST') return aadError('invalid_request', 900561, 'The endpoint only accepts POST requests. Received a GET request.');
  const params = form(req);
  if (isResponse(params)) return params;
  const app = clientFor(s, tenant, params.get('client_id'));
  if (isResponse(app)) return app;
  return endpoint.endsWith('devicecode') ? deviceCode(s, tenant, app, params) : token(s, tenant, app, params);
}

function openIdConfiguration(origin: string, tid: string): Record<string, unknown> {
  return {
    token_endpoint: `${origin}/${tid}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tid}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${origin}/${tid}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${origin}/${tid}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${tid}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    cloud_instance_name: 'microsoftonline.com',
    msgraph_host: 'graph.microsoft.com',
  };
}

const KNOWN_GRAPH_SCOPES = new Set(['sites.read.all', 'sites.readwrite.all', 'files.read', 'files.read.all', 'user.read', '.default']);

function scopesOf(params: URLSearchParams): string[] | EmulatorResponse {
  const raw = params.get('scope');
  if (!raw || !raw.trim()) return aadError('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  const scopes = raw.split(' ').filter(Boolean);
  for (const sc of IdentityState.resourceScopes(scopes)) {
    if (!KNOWN_GRAPH_SCOPES.has(sc.toLowerCase())) return aadError('invalid_scope', 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${sc} is not valid.`);
  }
  return scopes;
}

function deviceCode(s: IdentityState, tenant: MsTenant, app: MsApp, params: URLSearchParams): EmulatorResponse {
  const scopes = scopesOf(params);
  if (isResponse(scopes)) return scopes;
  const g = s.newDeviceGrant(app, tenant, scopes);
  const uri = s.settings.verificationUri;
  return {
    status: 200,
    headers: headers(),
    body: { user_code: g.userCode, device_code: g.deviceCode, verification_uri: uri, expires_in: s.settings.deviceCodeLifetimeSeconds, interval: s.settings.pollIntervalSeconds, message: `To sign in, use a web browser to open the page ${uri} and enter the code ${g.userCode} to authenticate.` },
  };
}

function consentGap(app: MsApp, scopes: string[]): string | undefined {
  return IdentityState.resourceScopes(scopes).find((sc) => sc !== '.default' && !app.consented.some((c) => c.toLowerCase() === sc.toLowerCase()));
}

function token(s: IdentityState, tenant: MsTenant, app: MsApp, params: URLSearchParams): EmulatorResponse {
  const grant = params.get('grant_type');
  if (!grant) return aadError('invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (!app.publicClient) return aadError('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401);
  // Entra takes the RFC 8628 URN and the short form MSAL sends.
  if (grant === DEVICE_GRANT || grant === 'device_code') {
    const code = params.get('device_code');
    if (!code) return aadError('invalid_request', 900144, "The request body must contain the following parameter: 'device_code'.");
    const g = s.deviceGrants.get(code);
    if (!g || g.clientId !== app.clientId || g.tenantId !== tenant.id) return aadError('bad_verification_code', 70019, 'Verification code expired or was not recognized.');
    g.polls++;
    if (g.status === 'redeemed') return aadError('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
    if (Date.now() >= g.expiresAt) return aadError('expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.');
    if (g.status === 'declined') return aadError('authorization_declined', 70000, 'The user declined the authorization request.');
    if (g.status === 'pending') return aadError('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    const gap = consentGap(app, g.scopes);
    if (gap) return aadError('invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`);
    g.status = 'redeemed';
    return { status: 200, headers: headers(), body: s.issueTokens(app, s.users.get(g.userOid!)!, g.scopes) };
  }
  if (grant === 'refresh_token') {
    const rt = params.get('refresh_token');
    if (!rt) return aadError('invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'.");
    const scopes = scopesOf(params);
    if (isResponse(scopes)) return scopes;
    const r = s.refreshGrants.get(rt);
    if (!r || r.tenantId !== tenant.id) return aadError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    if (r.clientId !== app.clientId) return aadError('invalid_grant', 70000, 'Provided grant is invalid or malformed.');
    if (r.revoked) return aadError('invalid_grant', 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '2025-01-01T00:00:00.0000000Z' and the TokensValidFrom date (before which tokens are not valid) for this user is '2025-06-01T00:00:00.0000000Z'.");
    if (Date.now() >= r.expiresAt) return aadError('invalid_grant', 700082, 'The refresh token has expired due to inactivity. The token was issued on 2025-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00.');
    const gap = consentGap(app, scopes);
    if (gap) return aadError('invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`);
    return { status: 200, headers: headers(), body: s.issueTokens(app, s.users.get(r.userOid)!, scopes) };
  }
  return aadError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
}
