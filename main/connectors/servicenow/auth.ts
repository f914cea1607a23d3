import { KinexusError } from '../../../shared/errors.ts';
import type { HttpResponse, RequestOptions } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import type { ServiceNowSettings } from './spec.ts';

type Ctx = ConnectorContext<ServiceNowSettings>;

interface Tokens {
  access: string;
  refresh: string | null;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * OAuth tokens live in memory only, per integration and sign-in: never in
 * SQLite, logs or run records. A restart simply signs in again.
 */
const cache = new Map<string, Tokens>();

function cacheKey(ctx: Ctx): string {
  return `${ctx.integrationId}\u0000${ctx.settings.username}\u0000${ctx.settings.clientId ?? ''}`;
}

/** Forgets the cached OAuth tokens of an integration (tests, sign-out). */
export function forgetTokens(integrationId: string): void {
  for (const k of [...cache.keys()]) if (k.startsWith(`${integrationId}\u0000`)) cache.delete(k);
}

async function tokenRequest(ctx: Ctx, form: Record<string, string>): Promise<Tokens | null> {
  const res = await ctx.http.request({
    method: 'POST',
    path: '/oauth_token.do',
    body: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    okStatuses: [400, 401],
  });
  if (res.status !== 200) return null;
  const body = res.json<{ access_token?: string; refresh_token?: string; expires_in?: number }>();
  if (!body.access_token) throw new KinexusError('server', 'ServiceNow answered the OAuth sign-in without an access token.', { action: 'ServiceNow is having trouble; the sync retries by itself' });
  return { access: body.access_token, refresh: body.refresh_token ?? null, expiresAt: ctx.now().getTime() + (body.expires_in ?? 1800) * 1000 };
}

/** A valid access token: cached, refreshed with the refresh token, or from the password grant. */
async function accessToken(ctx: Ctx, force: boolean): Promise<string> {
  const key = cacheKey(ctx);
  const cached = cache.get(key);
  if (cached && !force && cached.expiresAt - 60_000 > ctx.now().getTime()) return cached.access;
  const clientId = ctx.settings.clientId ?? '';
  const clientSecret = ctx.secrets.clientSecret;
  if (!clientSecret) throw new KinexusError('auth', 'No OAuth client secret is stored for ServiceNow.', { action: 'Reconnect ServiceNow: enter the client secret of the OAuth application, or switch to basic auth' });
  let next: Tokens | null = null;
  if (cached?.refresh) next = await tokenRequest(ctx, { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: cached.refresh });
  next ??= await tokenRequest(ctx, { grant_type: 'password', client_id: clientId, client_secret: clientSecret, username: ctx.settings.username, password: ctx.secrets.password ?? '' });
  if (!next) {
    cache.delete(key);
    throw new KinexusError('auth', `ServiceNow refused the OAuth sign-in of ${ctx.settings.username} (access_denied): the password, client ID or client secret is wrong.`, {
      action: 'Reconnect ServiceNow: check the password and the OAuth client ID and secret',
    });
  }
  // Tokens are credentials: the redactor learns them like the password.
  ctx.addSecret?.(next.access);
  if (next.refresh) ctx.addSecret?.(next.refresh);
  cache.set(key, next);
  return next.access;
}

/**
 * One Table API call with the configured auth. Basic auth rides on the HTTP
 * profile; with OAuth the bearer token is added here and renewed once when
 * the instance says it expired (401).
 */
export async function snGet(ctx: Ctx, path: string, query: RequestOptions['query'], okStatuses: number[] = []): Promise<HttpResponse> {
  if (ctx.settings.authMode !== 'oauth') return ctx.http.request({ path, query, okStatuses });
  const first = await ctx.http.request({ path, query, headers: { authorization: `Bearer ${await accessToken(ctx, false)}` }, okStatuses: [...okStatuses, 401] });
  if (first.status !== 401 || okStatuses.includes(401)) return first;
  ctx.log('info', 'ServiceNow access token expired; renewing it');
  return ctx.http.request({ path, query, headers: { authorization: `Bearer ${await accessToken(ctx, true)}` }, okStatuses });
}
