import { KinexusError } from '../../../shared/errors.ts';
import type { HttpResponse } from '../../http/client.ts';
import type { Batch, ConnectorContext, SourceRecord, StreamSpec } from '../types.ts';
import { mapCommit, mapIssue, mapRun, type GhCommit, type GhIssue, type GhRun } from './map.ts';
import { maxIso, parseLink, shiftIso } from './paging.ts';
import type { GitHubSettings } from './spec.ts';

type Ctx = ConnectorContext<GitHubSettings>;
const PER_PAGE = 100;
/** Commits can arrive with committer dates a little in the past (rebases, clock skew). */
const COMMIT_OVERLAP_MS = 60 * 60_000;
/** Re-read window for lists ordered by update time. */
const OVERLAP_MS = 2 * 60_000;

/** A conditional request we may repeat: the ETag is only valid for the exact URL. */
interface Etag {
  etag: string | null;
  etagUrl: string | null;
}

interface PerRepo<T> {
  repos: Record<string, T>;
}

function initial<T>(state: unknown): PerRepo<T> {
  const s = state as PerRepo<T> | null;
  return s && typeof s === 'object' && s.repos ? structuredClone(s) : { repos: {} };
}

/** GET with If-None-Match when we hold an ETag for exactly this URL. */
async function conditionalGet(ctx: Ctx, path: string, query: Record<string, string | number | undefined> | undefined, cache: Etag | undefined, extraOk: number[] = []): Promise<HttpResponse> {
  const url = ctx.http.url(path, query);
  const headers: Record<string, string> = cache?.etag && cache.etagUrl === url ? { 'if-none-match': cache.etag } : {};
  return ctx.http.request({ method: 'GET', path: url, headers, okStatuses: [304, ...extraOk] });
}

function jsonArray<T>(res: HttpResponse, what: string): T[] {
  const body = res.json<unknown>();
  if (!Array.isArray(body)) throw new KinexusError('server', `GitHub answered the ${what} listing with something that is not a list.`, { action: 'GitHub is having trouble; the sync retries by itself' });
  return body as T[];
}

/**
 * Runs `fn` for every configured repository. A repository that is missing or
 * not readable does not stop the others; the stream fails at the end with it.
 */
async function* eachRepo(ctx: Ctx, fn: (repo: string) => AsyncGenerator<Batch>): AsyncGenerator<Batch> {
  const problems: KinexusError[] = [];
  for (const repo of ctx.settings.repositories) {
    try {
      yield* fn(repo);
    } catch (err) {
      if (err instanceof KinexusError && (err.code === 'not_found' || err.code === 'permission')) {
        const e =
          err.code === 'not_found'
            ? new KinexusError('config', `GitHub repository ${repo} was not found, or the token cannot see it.`, { action: `Open the GitHub settings and fix or remove ${repo}, or give the token access` })
            : new KinexusError('permission', `The GitHub token may not read ${repo} (${err.message}).`, { action: `Give the token read access to ${repo}, or remove it from the settings` });
        ctx.log('error', e.message, { repo });
        problems.push(e);
        continue;
      }
      throw err;
    }
  }
  if (problems.length > 0) throw problems[0];
}

interface CommitsCursor extends Etag {
  watermark: string | null;
  next: string | null;
  pendingMax: string | null;
}

async function* readCommits(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial<CommitsCursor>(state);
  yield* eachRepo(ctx, async function* (repo) {
    const c: CommitsCursor = st.repos[repo] ?? { watermark: null, next: null, pendingMax: null, etag: null, etagUrl: null };
    st.repos[repo] = c;
    yield* twice(c, () => commitsListing(ctx, repo, c, st));
  });
}

/**
 * A newest-first listing resumed from an earlier run (`next` set) is finished
 * first, then read again from the top: what was pushed or changed while it was
 * interrupted sits above the page where it stopped, and a run that succeeds
 * must not leave that for the run after it.
 */
async function* twice(c: { next: string | null }, listing: () => AsyncGenerator<Batch>): AsyncGenerator<Batch> {
  const resumed = c.next !== null;
  yield* listing();
  if (resumed) yield* listing();
}

async function* commitsListing(ctx: Ctx, repo: string, c: CommitsCursor, st: PerRepo<CommitsCursor>): AsyncGenerator<Batch> {
  let path = c.next ?? `/repos/${repo}/commits`;
  let query: Record<string, string | number | undefined> | undefined = c.next
    ? undefined
    : { sha: ctx.settings.branch, per_page: PER_PAGE, since: c.watermark ? shiftIso(c.watermark, -COMMIT_OVERLAP_MS) : undefined };
  let first = !c.next;
  let firstEtag: Etag | null = null;
  for (;;) {
    const res = await conditionalGet(ctx, path, query, first ? c : undefined, [409]);
    if (res.status === 304) {
      ctx.log('debug', `${repo}: commits unchanged (304)`);
      return;
    }
    if (res.status === 409) {
      ctx.log('info', `${repo}: the repository is empty`);
      return;
    }
    if (first) firstEtag = { etag: res.headers.etag ?? null, etagUrl: res.url };
    const items = jsonArray<GhCommit>(res, 'commits');
    const records = items.map((i) => mapCommit(repo, i));
    for (const r of records) c.pendingMax = maxIso(c.pendingMax, r.updatedAt);
    const next = parseLink(res.headers.link).next ?? null;
    if (next) {
      c.next = next;
    } else {
      c.watermark = maxIso(c.watermark, c.pendingMax);
      c.next = null;
      c.pendingMax = null;
      // Valid only when the whole listing was one page, asked for again next time.
      const single = first && firstEtag;
      c.etag = single ? firstEtag!.etag : null;
      c.etagUrl = single ? firstEtag!.etagUrl : null;
    }
    st.repos[repo] = c;
    yield { records, state: structuredClone(st) };
    if (!next) return;
    path = next;
    query = undefined;
    first = false;
  }
}

interface IssuesCursor extends Etag {
  /** Keyset: everything updated before this is stored, in its current version. */
  since: string | null;
  /** Always 1 now; states written by older versions may hold >1 (a same-second run being paged). */
  page: number;
  /** Set while a tie pass is in progress (see readIssues). */
  tie?: TiePass | null;
}

/**
 * More than a page of issues share the `since` second, so the keyset cannot
 * move. Paging through that second by page number is unsafe: when an issue
 * already read is updated it leaves the second, every unread one shifts up,
 * and the one at the page boundary would never be read. Instead the pass
 * lists everything updated at or after `since` oldest *created* first, an
 * order updates do not change (an updated issue stays in place; new ones are
 * appended), to the end.
 */
interface TiePass {
  page: number;
  /** Server time (Date header) when the pass began: issues updated after it may have been read in an older version. */
  start: string | null;
  /** Latest update seen in the pass. */
  max: string | null;
}

/** The earlier of two ISO times. */
function minIso(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** The server's clock from the Date header, to the second, or null. */
function serverTime(res: HttpResponse): string | null {
  const t = Date.parse(res.headers.date ?? '');
  return Number.isNaN(t) ? null : shiftIso(new Date(t).toISOString(), 0);
}

/**
 * Issues (pull requests excluded; they have their own stream), oldest update
 * first, paged by keyset on `since` rather than page numbers: an issue updated
 * mid-listing moves to the end instead of shifting an unread one out of view.
 * A second shared by more than a page of issues is read by a tie pass.
 */
async function* readIssues(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial<IssuesCursor>(state);
  yield* eachRepo(ctx, async function* (repo) {
    const c: IssuesCursor = st.repos[repo] ?? { since: null, page: 1, etag: null, etagUrl: null };
    // A state from before tie passes, stopped inside a same-second run: start a tie pass there.
    if (c.page > 1 && !c.tie) (c.tie = { page: 1, start: null, max: null }), (c.page = 1);
    let passes = 0;
    for (;;) {
      if (c.tie) {
        const tie = c.tie;
        const query = { state: 'all', sort: 'created', direction: 'asc', per_page: PER_PAGE, since: c.since ?? undefined, page: tie.page > 1 ? tie.page : undefined };
        const res = await ctx.http.get(`/repos/${repo}/issues`, query);
        tie.start ??= serverTime(res) ?? c.since;
        const items = jsonArray<GhIssue>(res, 'issues');
        // Mapped when the engine stores the page, while the next one is being fetched.
        const records = () => items.filter((i) => !i.pull_request).map((i) => mapIssue(repo, i, 'issue'));
        for (const i of items) tie.max = maxIso(tie.max, i.updated_at);
        const done = items.length < PER_PAGE;
        if (done) {
          // Everything updated before the pass began, up to the latest update seen, is stored as it is now.
          const reached = tie.max && tie.start ? minIso(tie.max, tie.start) : (tie.max ?? tie.start);
          c.since = maxIso(c.since, reached);
          c.tie = null;
          c.etag = null;
          c.etagUrl = null;
        } else tie.page += 1;
        st.repos[repo] = c;
        yield { records, state: structuredClone(st) };
        // Then on by keyset from where the pass got to: what changed while it ran (or while it was
        // interrupted, when it was resumed from an earlier run) is not left for the next run.
        if (done) passes++;
        continue;
      }
      const query = { state: 'all', sort: 'updated', direction: 'asc', per_page: PER_PAGE, since: c.since ?? undefined };
      const res = await conditionalGet(ctx, `/repos/${repo}/issues`, query, c);
      if (res.status === 304) {
        ctx.log('debug', `${repo}: issues unchanged (304)`);
        return;
      }
      const items = jsonArray<GhIssue>(res, 'issues');
      const records = (): SourceRecord[] => items.filter((i) => !i.pull_request).map((i) => mapIssue(repo, i, 'issue'));
      let max: string | null = null;
      for (const i of items) max = maxIso(max, i.updated_at);
      const done = items.length < PER_PAGE;
      if (!done && max !== null && c.since !== null && Date.parse(max) === Date.parse(c.since)) {
        ctx.log('info', `${repo}: more than ${PER_PAGE} issues were updated in the second ${c.since}; reading everything from there in creation order`);
        c.tie = { page: 1, start: null, max: null };
      } else c.since = maxIso(c.since, max);
      c.page = 1;
      c.etag = done ? (res.headers.etag ?? null) : null;
      c.etagUrl = done ? res.url : null;
      st.repos[repo] = c;
      yield { records, state: structuredClone(st) };
      // One tie pass per run at most: a second one (a same-second run that is still being written) waits for the next run.
      if (done || (c.tie && passes > 0)) return;
    }
  });
}

interface DescCursor extends Etag {
  watermark: string | null;
  next: string | null;
  pendingMax: string | null;
  stopAt: string | null;
  open?: number[];
}

/**
 * Pull requests have no `since`: page newest update first and stop once past
 * the watermark (minus an overlap). The first page's URL never changes, so its
 * ETag turns an idle incremental sync into one 304.
 */
async function* readPulls(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial<DescCursor>(state);
  yield* eachRepo(ctx, async function* (repo) {
    const c: DescCursor = st.repos[repo] ?? { watermark: null, next: null, pendingMax: null, stopAt: null, etag: null, etagUrl: null };
    st.repos[repo] = c;
    yield* twice(c, () => pullsListing(ctx, repo, c, st));
  });
}

async function* pullsListing(ctx: Ctx, repo: string, c: DescCursor, st: PerRepo<DescCursor>): AsyncGenerator<Batch> {
  if (!c.next) c.stopAt = c.watermark ? shiftIso(c.watermark, -OVERLAP_MS) : null;
  let path = c.next ?? `/repos/${repo}/pulls`;
  let query: Record<string, string | number> | undefined = c.next ? undefined : { state: 'all', sort: 'updated', direction: 'desc', per_page: PER_PAGE };
  let first = !c.next;
  for (;;) {
    const res = await conditionalGet(ctx, path, query, first ? c : undefined);
    if (res.status === 304) {
      ctx.log('debug', `${repo}: pull requests unchanged (304)`);
      return;
    }
    if (first) (c.etag = res.headers.etag ?? null), (c.etagUrl = res.url);
    const items = jsonArray<GhIssue>(res, 'pull requests');
    const fresh = c.stopAt ? items.filter((i) => Date.parse(i.updated_at) >= Date.parse(c.stopAt!)) : items;
    for (const i of fresh) c.pendingMax = maxIso(c.pendingMax, i.updated_at);
    const next = parseLink(res.headers.link).next ?? null;
    const reachedOld = fresh.length < items.length;
    if (next && !reachedOld) {
      c.next = next;
    } else {
      c.watermark = maxIso(c.watermark, c.pendingMax);
      c.next = null;
      c.pendingMax = null;
    }
    st.repos[repo] = c;
    yield { records: fresh.map((i) => mapIssue(repo, i, 'pull_request')), state: structuredClone(st) };
    if (!c.next) return;
    path = c.next;
    query = undefined;
    first = false;
  }
}

/**
 * Actions runs, newest first, down to the watermark on `created_at`; runs that
 * were still queued or in progress are polled again until they complete.
 */
async function* readRuns(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial<DescCursor>(state);
  yield* eachRepo(ctx, async function* (repo) {
    const c: DescCursor = st.repos[repo] ?? { watermark: null, next: null, pendingMax: null, stopAt: null, etag: null, etagUrl: null, open: [] };
    c.open ??= [];
    st.repos[repo] = c;
    const seen = new Set<number>();
    yield* twice(c, () => runsListing(ctx, repo, c, st, seen));
    // Runs that were still going last time and did not show up in this listing.
    for (const id of [...c.open]) {
      if (seen.has(id)) continue;
      const res = await ctx.http.request({ path: `/repos/${repo}/actions/runs/${id}`, okStatuses: [404] });
      if (res.status === 404) {
        c.open = c.open.filter((x) => x !== id);
        st.repos[repo] = c;
        yield { records: [], deletedIds: [`${repo}/runs/${id}`], state: structuredClone(st) };
        continue;
      }
      const run = res.json<GhRun>();
      if (run.status === 'completed') c.open = c.open.filter((x) => x !== id);
      st.repos[repo] = c;
      yield { records: [mapRun(repo, run)], state: structuredClone(st) };
    }
  });
}

async function* runsListing(ctx: Ctx, repo: string, c: DescCursor, st: PerRepo<DescCursor>, seen: Set<number>): AsyncGenerator<Batch> {
  c.open ??= [];
  if (!c.next) c.stopAt = c.watermark ? shiftIso(c.watermark, -OVERLAP_MS) : null;
  let path = c.next ?? `/repos/${repo}/actions/runs`;
  let query: Record<string, string | number> | undefined = c.next ? undefined : { per_page: PER_PAGE };
  let first = !c.next;
  for (;;) {
    const res = await conditionalGet(ctx, path, query, first ? c : undefined);
    if (res.status === 304) {
      ctx.log('debug', `${repo}: workflow runs unchanged (304)`);
      return;
    }
    if (first) (c.etag = res.headers.etag ?? null), (c.etagUrl = res.url);
    const body = res.json<{ workflow_runs?: GhRun[] }>();
    if (!body || !Array.isArray(body.workflow_runs)) throw new KinexusError('server', 'GitHub answered the workflow runs listing without a workflow_runs list.', { action: 'GitHub is having trouble; the sync retries by itself' });
    const items = body.workflow_runs;
    const fresh = c.stopAt ? items.filter((r) => Date.parse(r.created_at) >= Date.parse(c.stopAt!)) : items;
    for (const r of fresh) {
      seen.add(r.id);
      c.pendingMax = maxIso(c.pendingMax, r.created_at);
      if (r.status !== 'completed') c.open = [...new Set([...c.open, r.id])];
      else c.open = c.open.filter((id) => id !== r.id);
    }
    const next = parseLink(res.headers.link).next ?? null;
    const reachedOld = fresh.length < items.length;
    if (next && !reachedOld) c.next = next;
    else {
      c.watermark = maxIso(c.watermark, c.pendingMax);
      c.next = null;
      c.pendingMax = null;
    }
    st.repos[repo] = c;
    yield { records: fresh.map((r) => mapRun(repo, r)), state: structuredClone(st) };
    if (!c.next) return;
    path = c.next;
    query = undefined;
    first = false;
  }
}

/** Streams of the GitHub connector. */
export const githubStreams: StreamSpec<GitHubSettings>[] = [
  { name: 'commits', title: 'Commits', kind: 'commit', read: readCommits },
  { name: 'issues', title: 'Issues', kind: 'issue', read: readIssues },
  { name: 'pull_requests', title: 'Pull requests', kind: 'pull_request', read: readPulls },
  { name: 'workflow_runs', title: 'Actions runs', kind: 'workflow_run', read: readRuns },
];
