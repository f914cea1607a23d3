/**
 * Request log with counts and byte totals, so tests can assert exactly what a
 * client asked for (and how often).
 */

export interface LoggedRequest {
  /** 1-based sequence number on this emulator. */
  seq: number;
  /** Wall-clock ms when the request arrived. */
  at: number;
  method: string;
  /** Pathname only. */
  path: string;
  /** Path + query exactly as sent. */
  url: string;
  query: Record<string, string>;
  /** Request headers seen by the emulator, lower-cased names. */
  headers: Record<string, string>;
  /** Final status written (0 when the connection was dropped before a status line). */
  status: number;
  /** Response headers written (lower-cased names). */
  responseHeaders: Record<string, string>;
  /** Request body bytes received. */
  bytesIn: number;
  /** Response body bytes actually written to the socket. */
  bytesOut: number;
  durationMs: number;
  /** Name of the fault applied to this request, if any (e.g. `status:503`, `drop:mid-body`). */
  fault?: string;
  /** True when the emulator destroyed the socket instead of completing the response. */
  dropped: boolean;
}

export interface RequestFilter {
  method?: string;
  /** Exact pathname, `*`-glob over the pathname, or a RegExp tested against path + query. */
  path?: string | RegExp;
  status?: number;
  /** Only requests that carried this header (lower-case name); with a value, only that value. */
  header?: string | { name: string; value: string };
}

export function pathMatches(pattern: string | RegExp, path: string, pathAndQuery: string): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(pathAndQuery);
  }
  if (!pattern.includes('*')) return pattern === path || pattern === pathAndQuery;
  const re = new RegExp('^' + pattern.split('*').map(escapeRe).join('.*') + '$');
  return re.test(path) || re.test(pathAndQuery);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  /** Adds an entry (used by the emulator pipeline). */
  push(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  /** Requests matching the filter (all when omitted). */
  find(filter: RequestFilter = {}): LoggedRequest[] {
    return this.entries.filter((e) => matches(e, filter));
  }

  /** Number of requests matching the filter. */
  count(filter: RequestFilter = {}): number {
    return this.find(filter).length;
  }

  /** Total requests logged. */
  get total(): number {
    return this.entries.length;
  }

  /** Sum of request body bytes. */
  get bytesIn(): number {
    return this.entries.reduce((n, e) => n + e.bytesIn, 0);
  }

  /** Sum of response body bytes written. */
  get bytesOut(): number {
    return this.entries.reduce((n, e) => n + e.bytesOut, 0);
  }

  /** Counts per `METHOD path`, e.g. `{ 'GET /user': 2 }`. */
  countsByRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries) out[`${e.method} ${e.path}`] = (out[`${e.method} ${e.path}`] ?? 0) + 1;
    return out;
  }

  /** Counts per status code. */
  countsByStatus(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const e of this.entries) out[e.status] = (out[e.status] ?? 0) + 1;
    return out;
  }

  last(): LoggedRequest | undefined {
    return this.entries[this.entries.length - 1];
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function matches(e: LoggedRequest, f: RequestFilter): boolean {
  if (f.method && e.method !== f.method.toUpperCase()) return false;
  if (f.status !== undefined && e.status !== f.status) return false;
  if (f.path !== undefined && !pathMatches(f.path, e.path, e.url)) return false;
  if (f.header !== undefined) {
    if (typeof f.header === 'string') {
      if (!(f.header.toLowerCase() in e.headers)) return false;
    } else if (e.headers[f.header.name.toLowerCase()] !== f.header.value) return false;
  }
  return true;
}
