import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { KinexusError } from '../../../shared/errors.ts';
import type { HttpClient } from '../../http/client.ts';

/** OAuth errors arrive as 4xx with a JSON body MSAL must read itself (authorization_pending, invalid_grant…). */
const OAUTH_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 410, 415, 422];

/**
 * OpenID configurations the sign-in host answered in this process, by
 * authority (`https://login.microsoftonline.com/<tenant>`). MSAL keeps what it
 * discovered only for the life of one client, and each sync builds its own;
 * handed back as `authorityMetadata`, a new client asks nothing before its
 * token. They are public endpoint lists, kept in memory only, for a day
 * (as long as MSAL itself trusts a discovery).
 */
const openIdConfigurations = new Map<string, { json: string; at: number }>();
const OPENID_CONFIGURATION_TTL_MS = 24 * 3600_000;
const OPENID_CONFIGURATION = /\/(?:v2\.0\/)?\.well-known\/openid-configuration$/;

function authorityKey(authority: string): string {
  return authority.replace(/\/+$/, '').toLowerCase();
}

/** The OpenID configuration of `authority` fetched earlier in this process, as MSAL's `authorityMetadata` takes it. */
export function knownOpenIdConfiguration(authority: string, now = Date.now()): string | undefined {
  const hit = openIdConfigurations.get(authorityKey(authority));
  return hit && now - hit.at < OPENID_CONFIGURATION_TTL_MS ? hit.json : undefined;
}

/**
 * MSAL's network module, routed through our HTTP client so the login host
 * shares the dispatcher (proxies, test CAs), retries, rate-limit waits,
 * request log and accounting with Graph. MSAL wraps anything a network module
 * throws into a generic network error, so the last classified error is kept
 * for the caller to report instead.
 */
export class MsalNetwork implements INetworkModule {
  lastError: KinexusError | undefined;

  constructor(private readonly http: HttpClient) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    try {
      const res = await this.http.request({ method, path: url, headers: options?.headers, body: method === 'POST' ? (options?.body ?? '') : undefined, okStatuses: OAUTH_ERROR_STATUSES });
      let body: T;
      try {
        body = JSON.parse(res.text) as T;
      } catch {
        throw new KinexusError('server', `Microsoft sign-in answered ${method} ${new URL(url).pathname} with something that is not JSON (${res.status}).`, { action: 'Microsoft sign-in is having trouble; try again in a few minutes' });
      }
      const target = new URL(url);
      if (method === 'GET' && res.status === 200 && OPENID_CONFIGURATION.test(target.pathname) && body && typeof body === 'object') {
        openIdConfigurations.set(authorityKey(`${target.origin}${target.pathname.replace(OPENID_CONFIGURATION, '')}`), { json: res.text, at: Date.now() });
      }
      return { status: res.status, headers: res.headers, body };
    } catch (err) {
      this.lastError = err instanceof KinexusError ? err : new KinexusError('network', `Could not reach Microsoft sign-in: ${(err as Error)?.message ?? String(err)}.`, { action: 'Check your network connection or proxy' });
      throw this.lastError;
    }
  }
}
