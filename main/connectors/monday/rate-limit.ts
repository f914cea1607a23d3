import { parseRetryAfter, type RateLimitSignal, type ResponseFacts } from '../../http/rate-limit.ts';

/** The `extensions` of the first GraphQL error in a body, if any. */
export function firstErrorExtensions(bodyText: string): { code?: string; retry_in_seconds?: number } | undefined {
  try {
    const body = JSON.parse(bodyText) as { errors?: { extensions?: { code?: string; retry_in_seconds?: number } }[] };
    return Array.isArray(body.errors) ? (body.errors[0]?.extensions ?? {}) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * monday.com's transport-level limits: HTTP 429 for the minute limit
 * (RATE_LIMIT_EXCEEDED), the IP limit (IP_RATE_LIMIT_EXCEEDED), concurrency,
 * the daily call limit and — in some versions — an exhausted complexity
 * budget. Each carries Retry-After and/or `retry_in_seconds`.
 */
export function mondayRateLimit(r: ResponseFacts): RateLimitSignal | undefined {
  if (r.status !== 429) return undefined;
  const ext = firstErrorExtensions(r.bodyText);
  const code = ext?.code ?? '429 Too Many Requests';
  const retryAfter = parseRetryAfter(r.headers['retry-after'], r.now);
  if (retryAfter !== undefined) return { waitMs: retryAfter, reason: `monday.com ${code}, retry after ${r.headers['retry-after']} s` };
  if (typeof ext?.retry_in_seconds === 'number') return { waitMs: ext.retry_in_seconds * 1000, reason: `monday.com ${code}, retry in ${ext.retry_in_seconds} s` };
  if (code === 'DAILY_LIMIT_EXCEEDED') {
    const midnight = new Date(r.now);
    midnight.setUTCHours(24, 0, 0, 0);
    return { waitMs: midnight.getTime() - r.now, reason: 'monday.com daily call limit reached (resets at midnight UTC)' };
  }
  return { waitMs: 60_000, reason: `monday.com ${code}` };
}
