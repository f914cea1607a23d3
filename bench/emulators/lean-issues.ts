/**
 * A lean stand-in for GitHub's "list repository issues" endpoint, for the
 * ingest and memory benchmarks at 100,000 issues (the full GitHub emulator
 * filters and sorts every issue on every request, which would make the
 * emulator the thing being measured).
 *
 * It keeps GitHub's paging semantics for GET /repos/{owner}/{repo}/issues:
 * state (open|closed|all, default open), sort (created|updated, default
 * created), direction (default desc), `since` (updated_at ≥ since, second
 * resolution), per_page (default 30, at most 100), page, a Link header with
 * next/prev/first/last built from the request's own URL, weak ETags with
 * If-None-Match → 304, Bearer/token auth (401 "Bad credentials"). Issues come
 * from bench/lib/issue-data.ts and are rendered to JSON once at start, so a
 * page costs the emulator a string join ("no latency"); nothing else is served.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { issueJson, updatedAtOf, type IssueDataOptions } from '../lib/issue-data.ts';

export interface LeanIssuesServer {
  url: string;
  /** Requests answered so far. */
  requests: number;
  close(): Promise<void>;
}

export interface LeanIssuesOptions {
  count: number;
  token: string;
  owner?: string;
  repo?: string;
  t0: number;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** First index (0-based) whose update time is ≥ t, by binary search over the ascending series. */
function firstAtOrAfter(count: number, t: number, o: Pick<IssueDataOptions, 't0'>): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (updatedAtOf(mid + 1, o) >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Starts the server on 127.0.0.1 (free port). */
export async function startLeanIssues(o: LeanIssuesOptions): Promise<LeanIssuesServer> {
  const owner = o.owner ?? 'acme';
  const repo = o.repo ?? 'api';
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? '/', origin);
    const rate = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(Math.max(0, 5000 - state.requests)), 'x-ratelimit-resource': 'core', 'x-github-api-version-selected': '2022-11-28' };
    const auth = req.headers.authorization ?? '';
    const given = auth.replace(/^(Bearer|token)\s+/i, '');
    if (given !== o.token) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    if (req.method !== 'GET' || url.pathname.toLowerCase() !== `/repos/${owner}/${repo}/issues`) return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const q = url.searchParams;
    const st = q.get('state') ?? 'open';
    const direction = q.get('direction') ?? 'desc';
    const perPage = Math.min(100, Math.max(1, Number(q.get('per_page')) || 30));
    const page = Math.max(1, Number(q.get('page')) || 1);
    const since = q.get('since') ? Date.parse(q.get('since')!) : null;
    if (since !== null && Number.isNaN(since)) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'since', code: 'invalid' }] });
    // Issue n is closed when n % 3 == 0 (see issue-data.ts); created and updated orders are the same.
    const from = since === null ? 0 : firstAtOrAfter(o.count, since, o);
    const numbers: number[] = [];
    const matches = (n: number) => st === 'all' || (st === 'closed') === (n % 3 === 0);
    // Only the wanted page is materialized; counting the filtered total is arithmetic.
    const total = st === 'all' ? o.count - from : countState(from, o.count, st === 'closed');
    const skip = (page - 1) * perPage;
    if (st === 'all') {
      // The common case (and the connector's): straight to the page, no scan.
      const start = direction === 'asc' ? from + 1 + skip : o.count - skip;
      const step = direction === 'asc' ? 1 : -1;
      for (let n = start; n > from && n <= o.count && numbers.length < perPage; n += step) numbers.push(n);
    } else if (direction === 'asc') {
      for (let n = from + 1, seen = 0; n <= o.count && numbers.length < perPage; n++) if (matches(n) && seen++ >= skip) numbers.push(n);
    } else {
      for (let n = o.count, seen = 0; n > from && numbers.length < perPage; n--) if (matches(n) && seen++ >= skip) numbers.push(n);
    }
    const last = Math.max(1, Math.ceil(total / perPage));
    const link = (p: number) => {
      const u = new URL(url);
      u.searchParams.set('page', String(p));
      return u.toString();
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
    const etag = `W/"${createHash('sha1').update(`${url.pathname}${url.search}|${o.count}`).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, ...rate });
      return res.end();
    }
    const text = `[${numbers.map((n) => rendered[n - 1]).join(',')}]`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), etag, ...rate, ...(rels.length && total > perPage ? { link: rels.join(', ') } : {}) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The URLs inside name the origin, so rendering waits for the port; nobody knows it before this returns.
  const rendered: string[] = [];
  for (let n = 1; n <= o.count; n++) rendered.push(JSON.stringify(issueJson(n, { owner, repo, apiOrigin: origin, t0: o.t0 })));
  return {
    url: origin,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Issues in (from, count] that are closed (n % 3 == 0), or open. */
function countState(from: number, count: number, closed: boolean): number {
  const closedN = Math.floor(count / 3) - Math.floor(from / 3);
  return closed ? closedN : count - from - closedN;
}
