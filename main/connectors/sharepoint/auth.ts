import type { AccountInfo, AuthError, DeviceCodeRequest, ICachePlugin, PublicClientApplication } from '@azure/msal-node';
import { KinexusError } from '../../../shared/errors.ts';
import type { ConnectorContext } from '../types.ts';
import { knownOpenIdConfiguration, MsalNetwork } from './msal-network.ts';
import type { SharePointSettings } from './settings.ts';

type Ctx = ConnectorContext<SharePointSettings>;
type Msal = typeof import('@azure/msal-node');

let msalModule: Promise<Msal> | undefined;
/** MSAL is loaded on first use: it takes a second to load, and most starts of the app never talk to Microsoft. */
function loadMsal(): Promise<Msal> {
  return (msalModule ??= import('@azure/msal-node'));
}

/** Delegated Graph permission the connector asks for; MSAL adds openid, profile and offline_access. */
export const GRAPH_SCOPES = ['Sites.Read.All'];
const PUBLIC_CLOUD = 'login.microsoftonline.com';
/** Renew the access token this long before it expires, so a page request never carries a dying one. */
const EARLY_MS = 2 * 60_000;

/** The step a user takes when the sign-in is missing (again = false) or no longer valid. */
export function signInAgain(ctx: Ctx, again = true): string {
  return `Sign in to SharePoint${again ? ' again' : ''}: kinexus integrations sign-in ${ctx.integrationId}`;
}

/**
 * The Microsoft sign-in of one integration: MSAL Node as a public client
 * (device code flow) whose token cache lives in the OS keychain through the
 * core's `tokenCache`, and whose HTTP goes through our client. Access tokens
 * are reused until shortly before they expire; MSAL refreshes them with the
 * refresh token when needed.
 */
export class GraphAuth {
  private client: PublicClientApplication | undefined;
  private readonly net: MsalNetwork;
  private readonly cachePlugin: ICachePlugin;
  private current: { token: string; expiresAt: number; renewAt: number } | undefined;
  /** Scopes of the last token, as Entra granted them. */
  scopes: string[] = [];

  constructor(private readonly ctx: Ctx) {
    const { tokenCache, httpFor } = ctx;
    if (!tokenCache || !httpFor) throw new KinexusError('internal', 'SharePoint needs the core\'s keychain token cache and HTTP client, and got neither.', { action: 'Update the app' });
    this.net = new MsalNetwork(httpFor({ title: 'Microsoft sign-in', baseUrl: ctx.settings.authorityHost, auth: { type: 'none' } }));
    const learn = (data: string) => learnSecrets(data, (v) => ctx.addSecret?.(v));
    this.cachePlugin = {
      beforeCacheAccess: async (c) => {
        const data = await tokenCache.load();
        if (data) {
          learn(data);
          c.tokenCache.deserialize(data);
        }
      },
      afterCacheAccess: async (c) => {
        if (!c.cacheHasChanged) return;
        const data = c.tokenCache.serialize();
        learn(data);
        await tokenCache.save(data);
      },
    };
  }

  /** The MSAL public client application, built on first use. */
  private app(msal: Msal): PublicClientApplication {
    if (this.client) return this.client;
    const { ctx } = this;
    const s = ctx.settings;
    const host = new URL(s.authorityHost).host;
    const authority = `${s.authorityHost}/${s.tenantId}`;
    // A discovery made earlier in this process (another sync's client) saves asking for it again.
    const authorityMetadata = knownOpenIdConfiguration(authority);
    this.client = new msal.PublicClientApplication({
      auth: { clientId: s.clientId, authority, ...(host === PUBLIC_CLOUD ? {} : { knownAuthorities: [host] }), ...(authorityMetadata ? { authorityMetadata } : {}) },
      cache: { cachePlugin: this.cachePlugin },
      system: {
        networkClient: this.net,
        loggerOptions: { logLevel: msal.LogLevel.Error, piiLoggingEnabled: false, loggerCallback: (_level, message) => ctx.log('debug', `MSAL: ${message}`) },
      },
    });
    return this.client;
  }

  /** A valid Graph access token; `fresh` forces a new one (after Graph answered 401). */
  async token(fresh = false): Promise<string> {
    if (!fresh && this.current && this.current.renewAt > Date.now()) return this.current.token;
    const account = await this.account();
    const r = await this.msal((app) => app.acquireTokenSilent({ account, scopes: GRAPH_SCOPES, forceRefresh: fresh }));
    this.ctx.addSecret?.(r.accessToken);
    this.scopes = r.scopes;
    const now = Date.now();
    const expiresAt = r.expiresOn?.getTime() ?? now + 5 * 60_000;
    // Short-lived tokens (policies can make them minutes long) are still reused for half their life.
    this.current = { token: r.accessToken, expiresAt, renewAt: expiresAt - Math.min(EARLY_MS, (expiresAt - now) / 2) };
    return r.accessToken;
  }

  /** Who is signed in, e.g. "Adele Vance <adele@contoso.com>". */
  async identity(): Promise<string> {
    return describe(await this.account());
  }

  /** Device code flow: shows the code through ctx.onDeviceCode and waits until the user signed in. */
  async signIn(): Promise<{ identity: string }> {
    const { ctx } = this;
    const show = ctx.onDeviceCode;
    if (!show) throw new KinexusError('internal', 'Nothing can show the SharePoint sign-in code here.', { action: 'Sign in from the dashboard or with "kinexus integrations sign-in"' });
    const request: DeviceCodeRequest = {
      scopes: GRAPH_SCOPES,
      deviceCodeCallback: (r) => show({ userCode: r.userCode, verificationUri: r.verificationUri, message: r.message, expiresAt: new Date(ctx.now().getTime() + r.expiresIn * 1000).toISOString() }),
    };
    // MSAL checks `cancel` between polls.
    const onAbort = () => (request.cancel = true);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await this.msal((app) => app.acquireTokenByDeviceCode(request));
      if (!r?.account) throw new KinexusError('auth', 'Microsoft finished the SharePoint sign-in without an account.', { action: signInAgain(ctx) });
      // One account per integration: an earlier sign-in (maybe another user) goes.
      for (const a of await this.msal((app) => app.getTokenCache().getAllAccounts())) {
        if (a.homeAccountId !== r.account.homeAccountId) await this.msal((app) => app.getTokenCache().removeAccount(a));
      }
      ctx.addSecret?.(r.accessToken);
      ctx.log('info', `Signed in to SharePoint as ${describe(r.account)}`);
      return { identity: describe(r.account) };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  private async account(): Promise<AccountInfo> {
    const accounts = await this.msal((app) => app.getTokenCache().getAllAccounts());
    if (accounts.length === 0) throw new KinexusError('auth', `${this.ctx.integrationName} is not signed in to SharePoint.`, { action: signInAgain(this.ctx, false) });
    return accounts[0]!;
  }

  /** Runs an MSAL call and classifies what it throws, once. */
  private async msal<T>(fn: (app: PublicClientApplication) => Promise<T>): Promise<T> {
    const msal = await loadMsal();
    this.net.lastError = undefined;
    try {
      return await fn(this.app(msal));
    } catch (err) {
      throw classifyMsal(msal, err, this.ctx, this.net.lastError);
    }
  }
}

function describe(a: AccountInfo): string {
  return a.name ? `${a.name} <${a.username}>` : a.username;
}

/** Every token in a serialized MSAL cache (access, refresh, id), so the redactor can scrub them. */
function learnSecrets(data: string, add: (v: string) => void): void {
  try {
    const cache = JSON.parse(data) as Record<string, Record<string, { secret?: unknown }>>;
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken']) for (const e of Object.values(cache[section] ?? {})) if (typeof e?.secret === 'string') add(e.secret);
  } catch {
    // MSAL rejects a broken cache itself.
  }
}

/** Turns whatever MSAL threw into one KinexusError naming SharePoint, the cause and one next step. */
function classifyMsal(msal: Msal, err: unknown, ctx: Ctx, network: KinexusError | undefined): KinexusError {
  if (err instanceof KinexusError) return err;
  if (ctx.signal.aborted) return new KinexusError('cancelled', 'The SharePoint sign-in was cancelled.', { action: 'Start it again when you are ready' });
  if (network) return network;
  const e = err as AuthError;
  const code = e?.errorCode ?? 'unknown';
  const text = `${e?.errorMessage ?? ''}`;
  const aadsts = /AADSTS\d+:[^\r\n]*/.exec(text)?.[0]?.trim();
  const detail = aadsts ?? (text || code);
  const { clientId, tenantId } = ctx.settings;
  if (code === 'device_code_polling_cancelled') return new KinexusError('cancelled', 'The SharePoint sign-in was cancelled.', { action: 'Start it again when you are ready' });
  if (code === 'device_code_expired' || text === 'expired_token') return new KinexusError('auth', 'The SharePoint sign-in code expired before the sign-in was finished.', { action: signInAgain(ctx) });
  if (text === 'authorization_declined') return new KinexusError('auth', 'The SharePoint sign-in was declined on the Microsoft page.', { action: signInAgain(ctx) });
  if (text === 'bad_verification_code') return new KinexusError('auth', 'Microsoft did not recognise the SharePoint sign-in code.', { action: signInAgain(ctx) });
  if (/AADSTS65001/.test(text)) return new KinexusError('permission', `The app ${clientId} has no consent for ${GRAPH_SCOPES.join(', ')} in tenant ${tenantId} (${detail}).`, { action: 'Ask an administrator to grant consent to the app for Sites.Read.All, then sign in again' });
  if (err instanceof msal.InteractionRequiredAuthError || ['invalid_grant', 'interaction_required', 'login_required', 'consent_required', 'no_tokens_found', 'no_account_in_silent_request'].includes(code)) {
    return new KinexusError('auth', `The SharePoint sign-in is no longer valid (${detail}).`, { action: signInAgain(ctx) });
  }
  if (code === 'unauthorized_client' || code === 'invalid_client' || /AADSTS(700016|7000218)/.test(text)) {
    return new KinexusError('config', `Microsoft does not accept the app ${clientId} for device sign-in in tenant ${tenantId} (${detail}).`, { action: 'Check the client ID and tenant ID in the SharePoint settings, and allow public client flows in the app registration' });
  }
  if (/AADSTS90002/.test(text) || code === 'invalid_scope' || code === 'invalid_request') return new KinexusError('config', `Microsoft sign-in refused the SharePoint settings (${detail}).`, { action: 'Check the tenant ID and client ID in the SharePoint settings' });
  if (err instanceof msal.ClientConfigurationError || code === 'openid_config_error' || code === 'endpoints_resolution_error') {
    return new KinexusError('config', `The Microsoft sign-in address ${ctx.settings.authorityHost}/${tenantId} does not work (${detail}).`, { action: 'Check the tenant ID and the sign-in host in the SharePoint settings' });
  }
  if (err instanceof msal.ServerError) return new KinexusError('auth', `Microsoft sign-in failed for SharePoint (${detail}).`, { action: signInAgain(ctx) });
  return new KinexusError('internal', `Microsoft sign-in failed unexpectedly (${code}: ${detail}).`, { action: 'Try again; if it keeps happening, report it with the sync log' });
}
