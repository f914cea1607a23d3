/** Response facts the rate-limit logic looks at. */
export interface ResponseFacts {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  /** Epoch ms when the response arrived. */
  now: number;
}

/**
 * What to do about a response that signals a limit: wait `waitMs` then retry.
 * `undefined` means the response is not a rate-limit signal.
 */
export interface RateLimitSignal {
  waitMs: number;
  reason: string;
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.max(0, Math.round(Number(v) * 1000));
  const date = Date.parse(v);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/**
 * Parses a reset header: epoch seconds (GitHub `x-ratelimit-reset`), an ISO
 * time (Jira `X-RateLimit-Reset`), or seconds-until-reset when small.
 */
export function parseReset(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 1_000_000_000) return Math.max(0, n * 1000 - now);
    return n * 1000;
  }
  const date = Date.parse(v);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** The common signals: 429, 503 with Retry-After, and exhausted X-RateLimit-Remaining. */
export function defaultRateLimit(r: ResponseFacts): RateLimitSignal | undefined {
  const retryAfter = parseRetryAfter(r.headers['retry-after'], r.now);
  if (r.status === 429) {
    if (retryAfter !== undefined) return { waitMs: retryAfter, reason: `429 Too Many Requests, Retry-After ${r.headers['retry-after']}` };
    const reset = r.headers['x-ratelimit-remaining'] === '0' ? parseReset(r.headers['x-ratelimit-reset'], r.now) : undefined;
    if (reset !== undefined) return { waitMs: reset, reason: '429 Too Many Requests until the rate-limit reset' };
    return { waitMs: 60_000, reason: '429 Too Many Requests without Retry-After' };
  }
  if (r.status === 503 && retryAfter !== undefined) return { waitMs: retryAfter, reason: `503 Service Unavailable, Retry-After ${r.headers['retry-after']}` };
  if ((r.status === 403 || r.status === 429) && r.headers['x-ratelimit-remaining'] === '0') {
    const reset = parseReset(r.headers['x-ratelimit-reset'], r.now);
    return { waitMs: reset ?? 60_000, reason: `${r.status} with X-RateLimit-Remaining 0` };
  }
  return undefined;
}
