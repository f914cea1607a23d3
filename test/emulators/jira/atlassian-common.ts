/**
 * What the Jira and Confluence emulators share, because Atlassian's edge does:
 * Basic credentials, rate-limit answers, RFC 7807 bodies, timestamps in the
 * caller's time zone. (The Confluence emulator imports this file.)
 *
 * Rate limits (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/):
 * 429 with Retry-After (seconds), X-RateLimit-Limit, X-RateLimit-Remaining,
 * X-RateLimit-Reset (ISO 8601, "yyyy-MM-ddTHH:mmZ", request time + Retry-After)
 * and RateLimit-Reason (jira-burst-based, jira-quota-tenant-based,
 * jira-per-issue-on-write); transient 503s may carry Retry-After too.
 * Approximation: the 429 body text is not documented; a short JSON message is sent.
 */
import { FaultController, type FaultMatcher } from '../common/faults.ts';
import type { EmulatorResponse } from '../common/http.ts';
import { zoneOffset } from './jql.ts';

export const JIRA_JSON = 'application/json;charset=UTF-8';
export const PROBLEM_JSON = 'application/problem+json;charset=UTF-8';

export type BasicCredential = { kind: 'none' } | { kind: 'unreadable' } | { kind: 'pair'; user: string; password: string };

/** Reads an Authorization header the way Atlassian's edge tells its cases apart. */
export function parseBasic(header: string | undefined): BasicCredential {
  if (!header) return { kind: 'none' };
  const m = /^Basic\s+(\S+)\s*$/i.exec(header.trim());
  if (!m) return { kind: 'unreadable' };
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const idx = decoded.indexOf(':');
  if (idx <= 0) return { kind: 'unreadable' };
  return { kind: 'pair', user: decoded.slice(0, idx), password: decoded.slice(idx + 1) };
}

/** RFC 7807 body Jira answers for framework-level refusals (404 no endpoint, 405, 415). */
export function problem(status: number, title: string, detail: string, instance: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': PROBLEM_JSON, ...headers }, body: { type: 'about:blank', title, status, detail, instance } };
}

/** Jira's timestamp format: local time of the zone with a +hhmm offset, milliseconds included. */
export function jiraTime(ms: number, timeZone: string): string {
  const off = zoneOffset(ms, timeZone);
  const local = new Date(ms + off).toISOString().replace('Z', '');
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

export interface AtlassianRateLimitOptions {
  /** How many matching requests get it (default 1). */
  times?: number;
  /** Seconds in Retry-After (default 5; `null` sends none, only X-RateLimit-Reset). */
  retryAfter?: number | null;
  /** RateLimit-Reason (default jira-burst-based). */
  reason?: string;
  /** 429 (default) or 503 (Retry-After on a transient resource limit). */
  status?: 429 | 503;
  match?: FaultMatcher;
}

/** Common faults plus Atlassian-shaped rate-limit answers, timed on the emulator clock. */
export class AtlassianFaults extends FaultController {
  constructor(private readonly clock: () => number, errorBody: (status: number, message: string) => unknown) {
    super({ errorBody });
  }

  /** The next `times` matching requests are refused like Atlassian's rate limiter does. */
  atlassianRateLimit(opts: AtlassianRateLimitOptions = {}) {
    const status = opts.status ?? 429;
    const retryAfter = opts.retryAfter === undefined ? 5 : opts.retryAfter;
    return this.inject(
      {
        kind: 'respond',
        respond: () => {
          const resetAt = new Date(this.clock() + (retryAfter ?? 60) * 1000);
          resetAt.setUTCSeconds(0, 0);
          resetAt.setUTCMinutes(resetAt.getUTCMinutes() + 1);
          const headers: Record<string, string> = { 'content-type': JIRA_JSON };
          if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
          if (status === 429) {
            headers['x-ratelimit-limit'] = '350';
            headers['x-ratelimit-remaining'] = '0';
            headers['x-ratelimit-reset'] = resetAt.toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
            headers['ratelimit-reason'] = opts.reason ?? 'jira-burst-based';
            headers['x-ratelimit-nearlimit'] = 'true';
          }
          return { status, headers, body: status === 429 ? { message: 'Rate limit exceeded.', 'status-code': 429 } : { message: 'Service Unavailable', 'status-code': 503 } };
        },
      },
      { times: opts.times ?? 1, match: opts.match },
    );
  }
}
