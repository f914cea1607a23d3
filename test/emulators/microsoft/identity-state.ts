/**
 * Directory state behind the emulated Microsoft identity platform: tenants,
 * app registrations, users, device-code grants and the tokens issued. Tests
 * drive it directly ("the user approves the code", "an admin revokes the
 * sessions") while the client only sees the HTTP endpoints.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt.ts';

export interface MsTenant {
  id: string;
  /** Verified domains, e.g. contoso.onmicrosoft.com. */
  domains: string[];
}

export interface MsApp {
  clientId: string;
  tenantId: string;
  displayName: string;
  /** "Allow public client flows" — device code needs it. */
  publicClient: boolean;
  /** Delegated Microsoft Graph scopes the tenant has consented to for this app. */
  consented: string[];
}

export interface MsUser {
  oid: string;
  tenantId: string;
  upn: string;
  name: string;
}

export type DeviceGrantStatus = 'pending' | 'approved' | 'declined' | 'redeemed';

export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  tenantId: string;
  scopes: string[];
  expiresAt: number;
  status: DeviceGrantStatus;
  userOid: string | null;
  polls: number;
}

export interface RefreshGrant {
  token: string;
  clientId: string;
  tenantId: string;
  userOid: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export interface IdentitySettings {
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  deviceCodeLifetimeSeconds: number;
  /** Entra answers 5; tests may set a fraction of a second. */
  pollIntervalSeconds: number;
  verificationUri: string;
}

/** Microsoft Graph's well-known application id (the `aud` of Graph access tokens). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

export type AccessCheck =
  | { ok: true; user: MsUser; scopes: string[]; clientId: string }
  | { ok: false; reason: 'empty' | 'malformed' | 'expired' | 'revoked' | 'audience' };

export class IdentityState {
  readonly tenants = new Map<string, MsTenant>();
  readonly apps = new Map<string, MsApp>();
  readonly users = new Map<string, MsUser>();
  readonly deviceGrants = new Map<string, DeviceGrant>();
  readonly refreshGrants = new Map<string, RefreshGrant>();
  /** jti → revoked flag of every access token issued. */
  private readonly accessIssued = new Map<string, { userOid: string; revoked: boolean }>();
  /** Every secret value handed out, so tests can check none of them leaks. */
  readonly issuedSecrets: string[] = [];
  readonly settings: IdentitySettings;
  /** Where the issuer lives (the login emulator's https origin), set once it listens. */
  origin = 'https://login.microsoftonline.com';
  private readonly signingSecret = randomBytes(32).toString('hex');

  constructor(settings: Partial<IdentitySettings> = {}) {
    this.settings = { accessTokenLifetimeSeconds: 3599, refreshTokenLifetimeSeconds: 90 * 86_400, deviceCodeLifetimeSeconds: 900, pollIntervalSeconds: 5, verificationUri: 'https://microsoft.com/devicelogin', ...settings };
  }

  addTenant(opts: { id?: string; domain: string }): MsTenant {
    const t: MsTenant = { id: opts.id ?? randomUUID(), domains: [opts.domain.toLowerCase()] };
    this.tenants.set(t.id, t);
    return t;
  }

  addApp(opts: { tenantId: string; clientId?: string; displayName?: string; publicClient?: boolean; consented?: string[] }): MsApp {
    const a: MsApp = { clientId: opts.clientId ?? randomUUID(), tenantId: opts.tenantId, displayName: opts.displayName ?? 'Kinexus Desktop', publicClient: opts.publicClient ?? true, consented: opts.consented ?? ['Sites.Read.All', 'User.Read'] };
    this.apps.set(a.clientId, a);
    return a;
  }

  addUser(opts: { tenantId: string; upn: string; name: string }): MsUser {
    const u: MsUser = { oid: randomUUID(), tenantId: opts.tenantId, upn: opts.upn.toLowerCase(), name: opts.name };
    this.users.set(u.oid, u);
    return u;
  }

  /** The tenant a path segment names: its id, one of its domains, or organizations/common (the only tenant). */
  resolveTenant(segment: string): MsTenant | undefined {
    const s = segment.toLowerCase();
    if (s === 'organizations' || s === 'common') return this.tenants.size === 1 ? [...this.tenants.values()][0] : undefined;
    return this.tenants.get(s) ?? [...this.tenants.values()].find((t) => t.domains.includes(s));
  }

  userByUpn(upn: string): MsUser {
    const u = [...this.users.values()].find((x) => x.upn === upn.toLowerCase());
    if (!u) throw new Error(`no user ${upn}`);
    return u;
  }

  newDeviceGrant(app: MsApp, tenant: MsTenant, scopes: string[]): DeviceGrant {
    const g: DeviceGrant = {
      deviceCode: `DAQABAAEAAAD${randomBytes(48).toString('base64url')}`,
      userCode: randomBytes(6).toString('hex').toUpperCase().slice(0, 9),
      clientId: app.clientId,
      tenantId: tenant.id,
      scopes,
      expiresAt: Date.now() + this.settings.deviceCodeLifetimeSeconds * 1000,
      status: 'pending',
      userOid: null,
      polls: 0,
    };
    this.deviceGrants.set(g.deviceCode, g);
    this.issuedSecrets.push(g.deviceCode);
    return g;
  }

  private grantByUserCode(userCode: string): DeviceGrant {
    const g = [...this.deviceGrants.values()].find((x) => x.userCode === userCode);
    if (!g) throw new Error(`no device code grant with user code ${userCode}`);
    return g;
  }

  /** The user typed the code at the verification page and signed in. */
  approve(userCode: string, upn: string): void {
    const g = this.grantByUserCode(userCode);
    g.status = 'approved';
    g.userOid = this.userByUpn(upn).oid;
  }

  /** The user declined at the verification page. */
  decline(userCode: string): void {
    this.grantByUserCode(userCode).status = 'declined';
  }

  /** Grants still waiting for the user, newest last. */
  pending(): DeviceGrant[] {
    return [...this.deviceGrants.values()].filter((g) => g.status === 'pending');
  }

  /** An admin revoked the user's sessions: refresh tokens and access tokens stop working. */
  revokeSessions(upn: string): void {
    const oid = this.userByUpn(upn).oid;
    for (const r of this.refreshGrants.values()) if (r.userOid === oid) r.revoked = true;
    for (const a of this.accessIssued.values()) if (a.userOid === oid) a.revoked = true;
  }

  /** Makes every refresh token of the user past its lifetime (inactivity). */
  expireRefreshTokens(upn: string): void {
    const oid = this.userByUpn(upn).oid;
    for (const r of this.refreshGrants.values()) if (r.userOid === oid) r.expiresAt = Date.now() - 1000;
  }

  /** Resource scopes (Graph) among requested ones; OIDC scopes are separate. */
  static resourceScopes(scopes: string[]): string[] {
    return scopes.filter((s) => !OIDC_SCOPES.includes(s.toLowerCase())).map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
  }

  /** Issues the token response Entra sends for a user, an app and requested scopes. */
  issueTokens(app: MsApp, user: MsUser, requested: string[]): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const resource = IdentityState.resourceScopes(requested);
    const lower = requested.map((s) => s.toLowerCase());
    const jti = randomUUID();
    const life = this.settings.accessTokenLifetimeSeconds;
    const tid = user.tenantId;
    const access = signJwt(
      { aud: GRAPH_APP_ID, iss: `https://sts.windows.net/${tid}/`, iat: now, nbf: now, exp: now + life, appid: app.clientId, name: user.name, oid: user.oid, scp: resource.join(' '), tid, upn: user.upn, unique_name: user.upn, uti: jti, ver: '1.0' },
      this.signingSecret,
    );
    this.accessIssued.set(jti, { userOid: user.oid, revoked: false });
    this.issuedSecrets.push(access);
    const body: Record<string, unknown> = { token_type: 'Bearer', scope: [...resource, ...['profile', 'openid', 'email'].filter((s) => lower.includes(s) || (s === 'email' && lower.includes('openid')))].join(' '), expires_in: life, ext_expires_in: life, access_token: access };
    if (lower.includes('offline_access')) {
      const rt = `1.AQ${randomBytes(64).toString('base64url')}`;
      this.refreshGrants.set(rt, { token: rt, clientId: app.clientId, tenantId: tid, userOid: user.oid, scopes: requested, expiresAt: Date.now() + this.settings.refreshTokenLifetimeSeconds * 1000, revoked: false });
      this.issuedSecrets.push(rt);
      body.refresh_token = rt;
    }
    if (lower.includes('openid')) {
      const id = signJwt(
        { aud: app.clientId, iss: `${this.origin}/${tid}/v2.0`, iat: now, nbf: now, exp: now + 3600, name: user.name, oid: user.oid, preferred_username: user.upn, sub: randomBytes(16).toString('base64url'), tid, ver: '2.0' },
        this.signingSecret,
      );
      this.issuedSecrets.push(id);
      body.id_token = id;
    }
    body.client_info = Buffer.from(JSON.stringify({ uid: user.oid, utid: tid })).toString('base64url');
    return body;
  }

  /** How Graph sees a bearer token. */
  checkAccessToken(token: string | undefined): AccessCheck {
    if (!token) return { ok: false, reason: 'empty' };
    const claims = verifyJwt(token, this.signingSecret);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (claims.aud !== GRAPH_APP_ID) return { ok: false, reason: 'audience' };
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
    const issued = this.accessIssued.get(String(claims.uti));
    const user = this.users.get(String(claims.oid));
    if (!issued || issued.revoked || !user) return { ok: false, reason: 'revoked' };
    return { ok: true, user, scopes: String(claims.scp ?? '').split(' ').filter(Boolean), clientId: String(claims.appid) };
  }
}
