import { parseRetryAfter, type RateLimitSignal, type ResponseFacts } from '../../http/rate-limit.ts';

/**
 * Microsoft Graph throttling: 429 Too Many Requests, or 503 Service
 * Unavailable, with Retry-After in seconds (SharePoint asks for up to a few
 * minutes). A 429 without the header gets a short fixed wait, as Graph's
 * guidance suggests backing off; a 503 without it is an ordinary server error
 * that the client retries with its own backoff.
 */
export function graphRateLimit(r: ResponseFacts): RateLimitSignal | undefined {
  if (r.status !== 429 && r.status !== 503) return undefined;
  const wait = parseRetryAfter(r.headers['retry-after'], r.now);
  if (wait !== undefined) return { waitMs: wait, reason: `Microsoft Graph throttled the request (${r.status}), Retry-After ${r.headers['retry-after']} s` };
  if (r.status === 429) return { waitMs: 10_000, reason: 'Microsoft Graph throttled the request (429) without Retry-After' };
  return undefined;
}
