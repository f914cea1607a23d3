import { parseReset, parseRetryAfter, type RateLimitSignal, type ResponseFacts } from '../../http/rate-limit.ts';

/**
 * GitHub's limits: the primary limit (403/429 with x-ratelimit-remaining 0,
 * wait until x-ratelimit-reset) and secondary limits (403/429 whose body says
 * "secondary rate limit", with or without retry-after: wait at least 60 s).
 */
export function githubRateLimit(r: ResponseFacts): RateLimitSignal | undefined {
  if (r.status !== 403 && r.status !== 429) return undefined;
  const retryAfter = parseRetryAfter(r.headers['retry-after'], r.now);
  if (retryAfter !== undefined) return { waitMs: retryAfter, reason: `GitHub asked to retry after ${r.headers['retry-after']} s` };
  if (r.headers['x-ratelimit-remaining'] === '0') {
    const reset = parseReset(r.headers['x-ratelimit-reset'], r.now);
    return { waitMs: (reset ?? 60_000) + 1000, reason: 'GitHub primary rate limit exhausted' };
  }
  if (/secondary rate limit|abuse detection/i.test(r.bodyText)) return { waitMs: 60_000, reason: 'GitHub secondary rate limit' };
  if (r.status === 429) return { waitMs: 60_000, reason: 'GitHub 429 without headers' };
  return undefined;
}
