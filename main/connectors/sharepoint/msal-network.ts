import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { KinexusError } from '../../../shared/errors.ts';
import type { HttpClient } from '../../http/client.ts';

/** OAuth errors arrive as 4xx with a JSON body MSAL must read itself (authorization_pending, invalid_grant…). */
const OAUTH_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 410, 415, 422];

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
      return { status: res.status, headers: res.headers, body };
    } catch (err) {
      this.lastError = err instanceof KinexusError ? err : new KinexusError('network', `Could not reach Microsoft sign-in: ${(err as Error)?.message ?? String(err)}.`, { action: 'Check your network connection or proxy' });
      throw this.lastError;
    }
  }
}
