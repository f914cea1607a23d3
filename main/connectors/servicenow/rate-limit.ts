import { parseReset, parseRetryAfter, type RateLimitSignal, type ResponseFacts } from '../../http/rate-limit.ts';

/**
 * ServiceNow's inbound REST rate limit rules: over the hourly limit the
 * instance answers 429 with Retry-After (seconds), and X-RateLimit-Reset
 * (epoch seconds) / X-RateLimit-Rule on every response the rule covers.
 */
export function serviceNowRateLimit(r: ResponseFacts): RateLimitSignal | undefined {
  if (r.status !== 429) return undefined;
  const rule = r.headers['x-ratelimit-rule'] ? ` (rule ${r.headers['x-ratelimit-rule']}, ${r.headers['x-ratelimit-limit'] ?? '?'} requests per hour)` : '';
  const retryAfter = parseRetryAfter(r.headers['retry-after'], r.now);
  if (retryAfter !== undefined) return { waitMs: retryAfter, reason: `ServiceNow rate limit${rule}, retry after ${r.headers['retry-after']} s` };
  const reset = parseReset(r.headers['x-ratelimit-reset'], r.now);
  if (reset !== undefined) return { waitMs: reset, reason: `ServiceNow rate limit${rule} until the hourly reset` };
  return { waitMs: 60_000, reason: 'ServiceNow answered 429 without Retry-After' };
}
