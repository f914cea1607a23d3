/**
 * How Jira and Confluence Cloud answer trouble, classified once, here:
 *  - rate limits: 429 with Retry-After (seconds), X-RateLimit-Reset (ISO time,
 *    yyyy-MM-ddTHH:mmZ), X-RateLimit-Limit/-Remaining and RateLimit-Reason
 *    (jira-burst-based, jira-quota-tenant-based, jira-per-issue-on-write…);
 *    503 with Retry-After is handled alike
 *    (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/);
 *  - Jira does not refuse a rejected email/token pair on most endpoints: it
 *    answers as an anonymous visitor and says so in X-Seraph-LoginReason
 *    (AUTHENTICATED_FAILED; AUTHENTICATION_DENIED after too many failures).
 *    Taking those answers at face value would make every project look missing
 *    and every issue look deleted, so they are auth errors;
 *  - Confluence refuses a rejected pair with 403 "…cannot access Confluence" /
 *    "Current user not permitted to use Confluence";
 *  - a site that is not the product answers HTML (a "dead link" page) or 404.
 */
import { KinexusError } from '../../shared/errors.ts';
import type { HttpClient, HttpResponse, RequestOptions } from '../http/client.ts';
import { parseReset, parseRetryAfter, type RateLimitSignal, type ResponseFacts } from '../http/rate-limit.ts';
import { siteHosts } from './atlassian-site.ts';
import type { ConnectorSpec } from './types.ts';

export type ProductTitle = 'Jira' | 'Confluence';

const TOKEN_PAGE = 'id.atlassian.com/manage-profile/security/api-tokens';

/** Atlassian's rate-limit signals, for the HTTP client's profile. */
export function atlassianRateLimit(r: ResponseFacts): RateLimitSignal | undefined {
  if (r.status !== 429 && r.status !== 503) return undefined;
  const why = r.headers['ratelimit-reason'] ? ` (${r.headers['ratelimit-reason']})` : '';
  const retryAfter = parseRetryAfter(r.headers['retry-after'], r.now);
  if (retryAfter !== undefined) return { waitMs: retryAfter, reason: `${r.status} with Retry-After ${r.headers['retry-after']} s${why}` };
  if (r.status === 503) return undefined; // a plain 503 is a server error: the client's own backoff handles it
  const reset = parseReset(r.headers['x-ratelimit-reset'], r.now);
  if (reset !== undefined) return { waitMs: reset, reason: `429 until ${r.headers['x-ratelimit-reset']}${why}` };
  return { waitMs: 60_000, reason: `429 without Retry-After${why}` };
}

/** The settings every Atlassian connector has (atlassianSiteSettings in atlassian-site.ts). */
interface AtlassianAccount {
  siteUrl: string;
  email: string;
}

/**
 * What Jira and Confluence declare alike: the API token secret, Basic auth
 * with the account email against the site, Atlassian's rate-limit signals,
 * and the site's hosts for opening links.
 */
export function atlassianAccess<S extends AtlassianAccount>(product: ProductTitle): Pick<ConnectorSpec<S>, 'secretFields' | 'http' | 'hosts'> {
  return {
    secretFields: [{ name: 'apiToken', label: 'API token', help: `Create one at ${TOKEN_PAGE}; it acts with your account's permissions.`, required: true }],
    http: (settings, secrets) => ({
      title: product,
      baseUrl: settings.siteUrl,
      auth: { type: 'basic', username: settings.email, password: secrets.apiToken ?? '' },
      headers: { accept: 'application/json' },
      rateLimit: atlassianRateLimit,
    }),
    hosts: (settings) => siteHosts(settings.siteUrl),
  };
}

/** The vendor's own words from an Atlassian error body (Jira, Confluence v1/v2, RFC 7807). */
export function atlassianMessage(text: string): string | undefined {
  const t = text.trim();
  if (!t || t.startsWith('<')) return undefined;
  try {
    const j = JSON.parse(t) as Record<string, unknown>;
    const parts: string[] = [];
    if (Array.isArray(j.errorMessages)) parts.push(...j.errorMessages.filter((m): m is string => typeof m === 'string'));
    if (j.errors && typeof j.errors === 'object' && !Array.isArray(j.errors)) parts.push(...Object.entries(j.errors).map(([k, v]) => `${k}: ${String(v)}`));
    if (Array.isArray(j.errors)) for (const e of j.errors) if (e && typeof e === 'object') parts.push(String((e as Record<string, unknown>).title ?? (e as Record<string, unknown>).detail ?? ''));
    for (const k of ['message', 'detail', 'error']) if (parts.length === 0 && typeof j[k] === 'string') parts.push(j[k] as string);
    const msg = parts.filter(Boolean).join('; ');
    return msg ? msg.slice(0, 300) : undefined;
  } catch {
    return t.slice(0, 200);
  }
}

/** The error for a Jira answer that came back anonymous although credentials were sent, if it did. */
export function seraphError(res: HttpResponse, product: ProductTitle): KinexusError | undefined {
  const reason = res.headers['x-seraph-loginreason'] ?? '';
  if (/AUTHENTICATION_DENIED/i.test(reason)) {
    return new KinexusError('auth', `${product} blocked sign-in for this account after too many failed attempts (CAPTCHA required).`, { action: `Sign in to ${product} once in a browser, then reconnect ${product} with a valid API token` });
  }
  if (/AUTHENTICATED_FAILED/i.test(reason)) {
    return new KinexusError('auth', `${product} rejected the email and API token: it answered as an anonymous visitor.`, { action: `Reconnect ${product}: create a new API token at ${TOKEN_PAGE} and enter it with your Atlassian account email` });
  }
  return undefined;
}

function isJson(res: HttpResponse): boolean {
  return /json/i.test(res.headers['content-type'] ?? '');
}

/** The error for a site that answered like something other than the product's API. */
export function notASiteError(product: ProductTitle, base: string, res: HttpResponse): KinexusError {
  const path = new URL(res.url).pathname;
  const type = (res.headers['content-type'] ?? 'no content type').split(';')[0];
  return new KinexusError('config', `${base} does not look like a ${product} Cloud site: GET ${path} answered ${res.status} (${type}).`, {
    action: `Open the ${product} settings and enter your site address, e.g. https://your-team.atlassian.net`,
    field: 'siteUrl',
  });
}

/**
 * Sends a request and classifies every Atlassian failure into one KinexusError.
 * Statuses in `allow` are returned to the caller (which knows what they mean
 * there, e.g. a 404 project or a 400 JQL error) after the anonymous-answer check.
 */
export async function atlassianRequest(http: HttpClient, product: ProductTitle, req: RequestOptions, allow: number[] = []): Promise<HttpResponse> {
  const res = await http.request({ ...req, okStatuses: [...(req.okStatuses ?? []), 400, 401, 403, 404, 405, 409, 410, 415, 422] });
  const anonymous = seraphError(res, product);
  if (anonymous) throw anonymous;
  const path = new URL(res.url).pathname;
  if (res.status < 300) {
    if (res.text.length > 0 && !isJson(res)) throw notASiteError(product, http.baseUrl, res);
    return res;
  }
  if (allow.includes(res.status) && isJson(res)) return res;
  const vendor = atlassianMessage(res.text);
  const said = vendor ? `: ${vendor}` : '';
  switch (res.status) {
    case 401:
      throw new KinexusError('auth', `${product} rejected the email and API token (401${said}).`, { action: `Reconnect ${product}: create a new API token at ${TOKEN_PAGE} and enter it with your Atlassian account email` });
    case 403:
      if (product === 'Confluence' && /cannot access Confluence|not permitted to use Confluence/i.test(res.text)) {
        throw new KinexusError('auth', `Confluence refused the account (403${said}): the API token is wrong or expired, or the account has no Confluence access.`, { action: `Reconnect Confluence with a valid API token from ${TOKEN_PAGE}, or ask your admin for Confluence access` });
      }
      throw new KinexusError('permission', `${product} denied access to ${path} (403${said}).`, { action: `Give the account access in ${product}, or remove what it cannot read from the settings` });
    case 404:
      if (!isJson(res)) throw notASiteError(product, http.baseUrl, res);
      throw new KinexusError('not_found', `${product} has nothing at ${path} (404${said}).`, { action: `Open the ${product} settings and correct them` });
    case 410:
      throw new KinexusError('config', `${product} has removed ${path} (410${said}).`, { action: 'Update Kinexus Desktop: this version uses an API that no longer exists' });
    default:
      throw new KinexusError('config', `${product} refused ${req.method ?? 'GET'} ${path} (${res.status}${said}).`, { action: `Open the ${product} settings and correct them` });
  }
}

/**
 * The first request of a connection test: a site name that does not resolve
 * is a mistyped address, so it fails as a settings error on siteUrl rather
 * than as a network failure.
 */
export async function atlassianFirstRequest(http: HttpClient, product: ProductTitle, siteUrl: string, req: RequestOptions): Promise<HttpResponse> {
  try {
    return await atlassianRequest(http, product, req);
  } catch (err) {
    if (err instanceof KinexusError && err.code === 'network' && /resolved/.test(err.message)) {
      throw new KinexusError('config', `The ${product} site ${siteUrl} does not exist (its name cannot be found).`, { action: `Open the ${product} settings and check the site address, e.g. https://your-team.atlassian.net`, field: 'siteUrl' });
    }
    throw err;
  }
}
