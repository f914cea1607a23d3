/**
 * GitHub REST API emulator (API version 2022-11-28) for connector tests.
 *
 * Emulated (written from docs.github.com; strict on purpose):
 *  - Endpoints: GET /user, GET /rate_limit, GET /repos/{owner}/{repo},
 *    GET /repos/{owner}/{repo}/commits, /issues, /pulls, /actions/runs,
 *    /actions/runs/{run_id}; the same repo routes under /repositories/{id}/…
 *    (github.com uses that form in many Link headers). HEAD works like GET.
 *    Owner/repo names resolve case-insensitively.
 *  - Request checks in GitHub's order: missing/empty User-Agent → 403 with the
 *    "Request forbidden by administrative rules…" text (not JSON); an Accept
 *    header that cannot take JSON → 415; unsupported X-GitHub-Api-Version →
 *    400; malformed/unknown/revoked token → 401 "Bad credentials" (even on
 *    public data); no token on /user → 401 "Requires authentication".
 *    Anonymous access is allowed to public repos (60/h per IP).
 *  - Auth: `Authorization: Bearer <t>`, `token <t>`, or Basic with the token
 *    as password. Classic tokens answer `X-OAuth-Scopes` and need the `repo`
 *    scope to see private repos; fine-grained tokens (scopes null) send no
 *    X-OAuth-Scopes. Private repos the token may not see are 404, not 403.
 *  - Errors: `{message, documentation_url, status: "<code>"}`; 422
 *    "Validation Failed" with `errors: [{resource, field, code: "invalid", value}]`
 *    for bad enum/date query values; unknown routes and wrong methods → 404
 *    "Not Found"; empty repository commits → 409 "Git Repository is empty.";
 *    unknown `sha` → 404 "No commit found for SHA: x".
 *  - Pagination: page/per_page (default 30, values > 100 give 100, bad or < 1
 *    values fall back to the default / page 1); Link with rel prev/next/last/first
 *    built from the request's own URL on the emulator origin (or
 *    /repositories/{id}/… with settings.linkStyle = 'repository-id'); no Link
 *    when everything fits on one page.
 *  - Lists: commits newest first by committer date, `sha` (branch or commit
 *    sha), `since`/`until` inclusive on the committer date. Issues include pull
 *    requests (with a `pull_request` key); state open|closed|all (default
 *    open), sort created|updated|comments, direction (default desc), since =
 *    updated_at ≥ since, creator, assignee, labels. Pulls: state, sort
 *    created|updated|popularity|long-running, direction (default desc for
 *    created, asc otherwise), head, base; `since` is ignored like on GitHub.
 *    Runs: `{total_count, workflow_runs}`, newest first, filters status (status
 *    or conclusion values), branch, event, actor, head_sha, created (`>=d`,
 *    `<d`, `a..b`, `d`).
 *  - Caching: weak ETag (W/"…") on every 200; If-None-Match (list, `*`, weak
 *    compare) → 304 with no body; a 304 does not use primary quota.
 *  - Rate limits: primary per token (per IP when anonymous); x-ratelimit-limit,
 *    -remaining, -used, -reset (epoch s on the emulator clock), -resource: core
 *    on every API response; exhausted → 403 (or 429, settings.rateLimitStatus)
 *    with remaining 0 and "API rate limit exceeded for user ID …". Secondary
 *    limits on demand (faults.secondaryRateLimit): 403/429, "You have exceeded
 *    a secondary rate limit…", with or without retry-after. GET /rate_limit is free.
 *    While the primary limit is exhausted even conditional requests get the
 *    rate-limit error (GitHub does not document otherwise).
 *  - Headers: X-GitHub-Request-Id, X-GitHub-Media-Type, X-GitHub-Api-Version-Selected,
 *    X-Accepted-OAuth-Scopes, Vary, Cache-Control, Date from the emulator clock.
 *  - Generic faults from ../common (latency, 5xx, 429, dropped sockets,
 *    malformed JSON, one-shot path faults) and a request log with byte counts.
 *
 * Not emulated: writes (POST/PATCH/PUT/DELETE answer 404), GraphQL, search,
 * If-Modified-Since/Last-Modified, GitHub Apps/installation tokens, SSO
 * (X-GitHub-SSO), abuse detection by itself (secondary limits only when
 * injected), per-user pooling of the primary limit across a user's tokens
 * (each token has its own bucket here), cursor pagination (`before`/`after`),
 * the 1000-result cap on filtered run lists, commit graphs (branches are
 * independent lists; merges are not modelled), redirects for renamed repos,
 * compression, body fields beyond the subset below.
 *
 * Approximations (documented behaviour, exact wording not verified): the text
 * of the 400/415/422 messages and the 422 `errors` entries for query values;
 * the User-Agent 403 is sent as text/plain; per_page=0 falls back to 30; a
 * secondary-limit answer also uses one unit of primary quota. Generic faults
 * from ../common answer before any GitHub logic runs: no GitHub headers, no quota.
 */
import { createHash } from 'node:crypto';
import { FaultController, type FaultMatcher } from '../common/faults.ts';
import { startEmulator } from '../common/emulator.ts';
import { JSON_CONTENT_TYPE, type EmulatorRequest, type EmulatorResponse } from '../common/http.ts';
import { RequestLog } from '../common/log.ts';
import {
  GitHubState,
  type GitHubCommit,
  type GitHubIssue,
  type GitHubRepo,
  type GitHubRun,
  type GitHubSettings,
  type GitHubToken,
  type Timestamp,
} from './state.ts';

export * from './state.ts';

export interface GitHubEmulatorOptions {
  /** Port to listen on (default 0 = ephemeral). Always binds 127.0.0.1. */
  port?: number;
  /** Initial emulator clock (default: real time at start, truncated to the second). */
  now?: Timestamp;
  /** `frozen` (default): time moves only via `state.now = …` / `state.advance(ms)`. `real`: follows the wall clock from `now`. */
  clock?: 'frozen' | 'real';
  /** Settings overrides (rate limits, api versions, link style…); also mutable later via `state.settings`. */
  settings?: Partial<GitHubSettings>;
}

export interface SecondaryRateLimitOptions {
  /** 403 (default) or 429. */
  status?: 403 | 429;
  /** Seconds for the `retry-after` header; omitted → no header. */
  retryAfter?: number;
  /** How many requests get it (default 1). */
  times?: number;
  match?: FaultMatcher;
}

export interface SecondaryRateLimitHandle {
  /** Requests it will still hit. */
  readonly remaining: number;
  cancel(): void;
}

interface SecondaryRule {
  options: SecondaryRateLimitOptions;
  remaining: number;
}

/** Common faults plus GitHub's secondary rate limit (checked after auth, like GitHub). */
export class GitHubFaults extends FaultController {
  private secondary: SecondaryRule[] = [];

  constructor() {
    super({ errorBody: (status, message) => ({ message, documentation_url: DOCS.root, status: String(status) }) });
  }

  /** The next `times` (matching) requests that pass auth and the primary limit hit a secondary rate limit. */
  secondaryRateLimit(options: SecondaryRateLimitOptions = {}): SecondaryRateLimitHandle {
    const rule: SecondaryRule = { options, remaining: options.times ?? 1 };
    this.secondary.push(rule);
    return {
      get remaining() {
        return rule.remaining;
      },
      cancel: () => {
        this.secondary = this.secondary.filter((r) => r !== rule);
      },
    };
  }

  /** Secondary-limit rules still pending. */
  get pendingSecondary(): number {
    return this.secondary.reduce((n, r) => n + r.remaining, 0);
  }

  /** Pipeline hook used by the GitHub handler. */
  takeSecondary(req: EmulatorRequest): SecondaryRateLimitOptions | undefined {
    const rule = this.secondary.find((r) => this.matches({ match: r.options.match }, req));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.secondary = this.secondary.filter((r) => r !== rule);
    return rule.options;
  }

  override reset(): void {
    super.reset();
    this.secondary = [];
  }
}

export interface GitHubEmulator {
  /** `http://127.0.0.1:<port>` — use as the API base URL. */
  url: string;
  port: number;
  state: GitHubState;
  faults: GitHubFaults;
  requests: RequestLog;
  close(): Promise<void>;
}

const DOCS = {
  root: 'https://docs.github.com/rest',
  user: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  repo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  commits: 'https://docs.github.com/rest/commits/commits#list-commits',
  issues: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
  pulls: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
  runs: 'https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository',
  run: 'https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run',
  rateLimit: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
  secondary: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  versions: 'https://docs.github.com/rest/about-the-rest-api/api-versions',
};

const USER_AGENT_MESSAGE =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header ' +
  '(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). ' +
  'Check https://developer.github.com for other possible causes.\n';

const RUN_STATUSES = ['queued', 'in_progress', 'completed', 'requested', 'waiting', 'pending'];
const RUN_CONCLUSIONS = ['action_required', 'cancelled', 'failure', 'neutral', 'skipped', 'stale', 'success', 'timed_out'];

class HttpFailure {
  constructor(readonly response: EmulatorResponse) {}
}

function ghError(status: number, message: string, docs = DOCS.root, extra: Record<string, unknown> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { message, ...extra, documentation_url: docs, status: String(status) } };
}

function validationFailed(resource: string, field: string, value: string, docs: string): HttpFailure {
  return new HttpFailure(ghError(422, 'Validation Failed', docs, { errors: [{ resource, field, code: 'invalid', value }] }));
}

interface Ctx {
  req: EmulatorRequest;
  token: GitHubToken | null;
  origin: string;
  settings: GitHubSettings;
}

interface RouteResult {
  response: EmulatorResponse;
  /** Accepted scopes for X-Accepted-OAuth-Scopes. */
  acceptedScopes?: string;
}

/** Starts the emulator on 127.0.0.1 (ephemeral port). Stop it with `close()`. */
export async function startGitHubEmulator(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const state = new GitHubState({ now: options.now, clock: options.clock, settings: options.settings });
  const faults = new GitHubFaults();
  const requests = new RequestLog();
  let origin = '';

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const base: Record<string, string> = {
      server: 'GitHub.com',
      date: state.now.toUTCString(),
      'x-github-request-id': requestId(req.seq),
      'x-github-media-type': 'github.v3; format=json',
      'x-content-type-options': 'nosniff',
    };
    const withBase = (r: EmulatorResponse, extra: Record<string, string> = {}): EmulatorResponse => ({
      ...r,
      headers: { ...base, ...extra, ...r.headers },
    });

    // 1. User-Agent is mandatory.
    const ua = req.headers['user-agent'];
    if (state.settings.requireUserAgent && (ua === undefined || ua.trim() === '')) {
      return withBase({ status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: USER_AGENT_MESSAGE });
    }
    // 2. Accept must allow JSON.
    const accept = req.headers['accept'];
    if (accept !== undefined && accept.trim() !== '' && !acceptsJson(accept)) {
      return withBase(ghError(415, `Unsupported 'Accept' header: ${JSON.stringify(accept.split(',').map((s) => s.trim()))}. Must accept 'application/json'.`, DOCS.root));
    }
    // 3. API version.
    const version = req.headers['x-github-api-version'];
    if (version !== undefined && !state.settings.apiVersions.includes(version.trim())) {
      return withBase(
        ghError(400, `Unsupported 'X-GitHub-Api-Version' header: ${version}. The supported versions are: ${state.settings.apiVersions.join(', ')}.`, DOCS.versions),
      );
    }
    const selectedVersion = version?.trim() ?? state.settings.apiVersions[0] ?? '2022-11-28';
    base['x-github-api-version-selected'] = selectedVersion;
    base['vary'] = 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, X-GitHub-Api-Version';

    // 4. Authentication.
    const auth = parseAuthorization(req.headers['authorization']);
    let token: GitHubToken | null = null;
    if (auth.kind === 'invalid') {
      return withBase(ghError(401, 'Bad credentials', DOCS.root), anonymousRateHeaders(req, true));
    }
    if (auth.kind === 'token') {
      const t = state.tokens.get(auth.token);
      if (!t || t.revoked) return withBase(ghError(401, 'Bad credentials', DOCS.root), anonymousRateHeaders(req, true));
      token = t;
      if (t.scopes !== null) base['x-oauth-scopes'] = t.scopes.join(', ');
    }

    const ctx: Ctx = { req, token, origin, settings: state.settings };
    const route = matchRoute(req);

    // GET /rate_limit does not count against the primary limit.
    if (route?.name === 'rate_limit' && (req.method === 'GET' || req.method === 'HEAD')) {
      const b = bucketFor(ctx);
      const core = { limit: b.limit, used: b.used, remaining: Math.max(0, b.limit - b.used), reset: b.reset, resource: 'core' };
      const body = { resources: { core }, rate: core };
      return withBase({ status: 200, headers: { 'content-type': JSON_CONTENT_TYPE, ...rateHeaders(b) }, body });
    }

    // 5. Primary rate limit.
    const bucket = bucketFor(ctx);
    if (bucket.used >= bucket.limit) {
      const status = state.settings.rateLimitStatus;
      const who = token ? `user ID ${state.getUser(token.login).id}` : req.remoteAddress;
      const message = token
        ? `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID ${base['x-github-request-id']}.`
        : `API rate limit exceeded for ${who}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.) If you reach out to GitHub Support for help, please include the request ID ${base['x-github-request-id']}.`;
      return withBase(ghError(status, message, DOCS.rateLimit), rateHeaders(bucket));
    }

    // 6. Injected secondary rate limit (counts against the primary one too).
    const secondary = faults.takeSecondary(req);
    if (secondary) {
      bucket.used++;
      const status = secondary.status ?? 403;
      const extra: Record<string, string> = { ...rateHeaders(bucket) };
      if (secondary.retryAfter !== undefined) extra['retry-after'] = String(secondary.retryAfter);
      return withBase(
        ghError(
          status,
          `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${base['x-github-request-id']}.`,
          DOCS.secondary,
        ),
        extra,
      );
    }

    // 7. Route.
    let result: RouteResult;
    try {
      if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) throw new HttpFailure(ghError(404, 'Not Found', DOCS.root));
      result = route.run(ctx, state);
    } catch (e) {
      if (!(e instanceof HttpFailure)) throw e;
      result = { response: e.response };
    }
    const accepted = { 'x-accepted-oauth-scopes': result.acceptedScopes ?? '' };

    // 8. Conditional request: 304 without using quota.
    if (result.response.status === 200) {
      const etag = weakEtag(result.response.body);
      const cacheHeaders = { etag, 'cache-control': 'private, max-age=60, s-maxage=60' };
      if (etagMatches(req.headers['if-none-match'], etag)) {
        return withBase({ status: 304, headers: { ...cacheHeaders } }, { ...rateHeaders(bucket), ...accepted });
      }
      bucket.used++;
      return withBase(
        { ...result.response, headers: { 'content-type': JSON_CONTENT_TYPE, ...cacheHeaders, ...result.response.headers } },
        { ...rateHeaders(bucket), ...accepted },
      );
    }
    bucket.used++;
    return withBase(result.response, { ...rateHeaders(bucket), ...accepted });
  };

  function bucketFor(ctx: Ctx) {
    if (ctx.token) return state.bucket(ctx.token.token, ctx.token.rateLimit ?? state.settings.rateLimit);
    return state.bucket(`ip:${ctx.req.remoteAddress}`, state.settings.unauthenticatedRateLimit);
  }

  function anonymousRateHeaders(req: EmulatorRequest, count: boolean): Record<string, string> {
    const b = state.bucket(`ip:${req.remoteAddress}`, state.settings.unauthenticatedRateLimit);
    if (count && b.used < b.limit) b.used++;
    return rateHeaders(b);
  }

  const running = await startEmulator({
    handler,
    faults,
    log: requests,
    port: options.port,
    onListening: (url) => {
      origin = url;
    },
  });

  return { url: running.url, port: running.port, state, faults, requests, close: running.close };
}

// ------------------------------------------------------------------ routing

interface Route {
  name: string;
  run(ctx: Ctx, state: GitHubState): RouteResult;
}

function matchRoute(req: EmulatorRequest): Route | undefined {
  const p = req.path;
  if (p === '/user') return { name: 'user', run: getUser };
  if (p === '/rate_limit') return { name: 'rate_limit', run: () => ({ response: { status: 200 } }) };
  let repoSel: { owner: string; name: string } | { id: number } | undefined;
  let rest: string | undefined;
  let m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(p);
  if (m) {
    repoSel = { owner: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!) };
    rest = m[3] ?? '';
  } else if ((m = /^\/repositories\/(\d+)(\/.*)?$/.exec(p))) {
    repoSel = { id: Number(m[1]) };
    rest = m[2] ?? '';
  }
  if (!repoSel || rest === undefined) return undefined;
  const sel = repoSel;
  const withRepo = (name: string, fn: (ctx: Ctx, state: GitHubState, repo: GitHubRepo) => RouteResult): Route => ({
    name,
    run: (ctx, state) => {
      const repo = 'id' in sel ? state.findRepoById(sel.id) : state.findRepo(sel.owner, sel.name);
      if (!repo || !canSee(repo, ctx.token)) throw new HttpFailure(ghError(404, 'Not Found', docsFor(name)));
      return fn(ctx, state, repo);
    },
  });
  if (rest === '') return withRepo('repo', getRepo);
  if (rest === '/commits') return withRepo('commits', listCommits);
  if (rest === '/issues') return withRepo('issues', listIssues);
  if (rest === '/pulls') return withRepo('pulls', listPulls);
  if (rest === '/actions/runs') return withRepo('runs', listRuns);
  const r = /^\/actions\/runs\/([^/]+)$/.exec(rest);
  if (r) return withRepo('run', (ctx, state, repo) => getRun(ctx, state, repo, r[1]!));
  return undefined;
}

function docsFor(name: string): string {
  return (DOCS as Record<string, string>)[name] ?? DOCS.root;
}

function canSee(repo: GitHubRepo, token: GitHubToken | null): boolean {
  if (!repo.private) return true;
  if (!token) return false;
  if (token.scopes !== null && !token.scopes.includes('repo')) return false;
  const login = token.login.toLowerCase();
  return login === repo.owner.toLowerCase() || repo.visibleTo.some((v) => v === token.token || v.toLowerCase() === login);
}

// ------------------------------------------------------------------ handlers

function getUser(ctx: Ctx, state: GitHubState): RouteResult {
  if (!ctx.token) throw new HttpFailure(ghError(401, 'Requires authentication', DOCS.user));
  const u = state.getUser(ctx.token.login);
  return {
    response: {
      status: 200,
      body: {
        ...userSummary(u.login, state, ctx.origin),
        name: u.name,
        company: null,
        blog: '',
        location: null,
        email: u.email,
        bio: null,
        public_repos: [...state.repos.values()].filter((r) => r.owner.toLowerCase() === u.login.toLowerCase() && !r.private).length,
        followers: 0,
        following: 0,
        created_at: u.created_at,
        updated_at: u.created_at,
      },
    },
  };
}

function getRepo(ctx: Ctx, state: GitHubState, repo: GitHubRepo): RouteResult {
  return { response: { status: 200, body: repoJson(repo, state, ctx) }, acceptedScopes: 'repo' };
}

function listCommits(ctx: Ctx, state: GitHubState, repo: GitHubRepo): RouteResult {
  const q = ctx.req.url.searchParams;
  const since = optionalDate(q.get('since'), 'Commit', 'since', DOCS.commits);
  const until = optionalDate(q.get('until'), 'Commit', 'until', DOCS.commits);
  const anyCommits = [...repo.branches.values()].some((l) => l.length > 0);
  if (!anyCommits) throw new HttpFailure(ghError(409, 'Git Repository is empty.', DOCS.commits));
  const shaParam = q.get('sha');
  const ref = shaParam && shaParam !== '' ? shaParam : repo.default_branch;
  let list = repo.branches.get(ref);
  if (!list) {
    // A commit sha (or unique prefix ≥ 7): history up to that commit on any branch.
    for (const l of repo.branches.values()) {
      const idx = ref.length >= 7 ? l.findIndex((c) => c.sha.startsWith(ref.toLowerCase())) : -1;
      if (idx >= 0) {
        list = l.slice(0, idx + 1);
        break;
      }
    }
  }
  if (!list || list.length === 0) throw new HttpFailure(ghError(404, `No commit found for SHA: ${ref}`, DOCS.commits));
  let items = list.map((c, i) => ({ c, i }));
  if (since !== undefined) items = items.filter(({ c }) => Date.parse(c.committer.date) >= since);
  if (until !== undefined) items = items.filter(({ c }) => Date.parse(c.committer.date) <= until);
  items.sort((a, b) => Date.parse(b.c.committer.date) - Date.parse(a.c.committer.date) || b.i - a.i);
  return paginate(ctx, repo, items.map(({ c }) => c), (c) => commitJson(c, repo, state, ctx), 'repo');
}

function listIssues(ctx: Ctx, state: GitHubState, repo: GitHubRepo): RouteResult {
  const q = ctx.req.url.searchParams;
  const st = enumParam(q.get('state'), ['open', 'closed', 'all'], 'open', 'Issue', 'state', DOCS.issues);
  const sort = enumParam(q.get('sort'), ['created', 'updated', 'comments'], 'created', 'Issue', 'sort', DOCS.issues);
  const direction = enumParam(q.get('direction'), ['asc', 'desc'], 'desc', 'Issue', 'direction', DOCS.issues);
  const since = optionalDate(q.get('since'), 'Issue', 'since', DOCS.issues);
  const creator = q.get('creator');
  const assignee = q.get('assignee');
  const labels = q.get('labels');
  let items = repo.issues.filter((i) => st === 'all' || i.state === st);
  if (since !== undefined) items = items.filter((i) => Date.parse(i.updated_at) >= since);
  if (creator) items = items.filter((i) => i.user.toLowerCase() === creator.toLowerCase());
  if (assignee === 'none') items = items.filter((i) => i.assignees.length === 0);
  else if (assignee === '*') items = items.filter((i) => i.assignees.length > 0);
  else if (assignee) items = items.filter((i) => i.assignees.some((a) => a.toLowerCase() === assignee.toLowerCase()));
  if (labels) {
    const want = labels.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
    items = items.filter((i) => want.every((w) => i.labels.some((l) => l.toLowerCase() === w)));
  }
  const key = (i: GitHubIssue) => (sort === 'created' ? Date.parse(i.created_at) : sort === 'updated' ? Date.parse(i.updated_at) : i.comments);
  const sign = direction === 'asc' ? 1 : -1;
  items = [...items].sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
  return paginate(ctx, repo, items, (i) => issueJson(i, repo, state, ctx), 'repo');
}

function listPulls(ctx: Ctx, state: GitHubState, repo: GitHubRepo): RouteResult {
  const q = ctx.req.url.searchParams;
  const st = enumParam(q.get('state'), ['open', 'closed', 'all'], 'open', 'PullRequest', 'state', DOCS.pulls);
  const sort = enumParam(q.get('sort'), ['created', 'updated', 'popularity', 'long-running'], 'created', 'PullRequest', 'sort', DOCS.pulls);
  const direction = enumParam(q.get('direction'), ['asc', 'desc'], sort === 'created' ? 'desc' : 'asc', 'PullRequest', 'direction', DOCS.pulls);
  // `since` is not a parameter of this endpoint: ignored, like GitHub does.
  const head = q.get('head');
  const baseRef = q.get('base');
  const now = state.now.getTime();
  const month = 30 * 86400_000;
  let items = repo.issues.filter((i) => i.pull && (st === 'all' || i.state === st));
  if (head) {
    const [user, ref] = head.includes(':') ? head.split(':', 2) : [undefined, head];
    items = items.filter((i) => i.pull!.head_ref === ref && (user === undefined || user.toLowerCase() === repo.owner.toLowerCase()));
  }
  if (baseRef) items = items.filter((i) => i.pull!.base_ref === baseRef);
  if (sort === 'long-running') {
    items = items.filter((i) => Date.parse(i.created_at) <= now - month && Date.parse(i.updated_at) >= now - month);
  }
  const key = (i: GitHubIssue) =>
    sort === 'updated' ? Date.parse(i.updated_at) : sort === 'popularity' ? i.comments : Date.parse(i.created_at);
  const sign = direction === 'asc' ? 1 : -1;
  items = [...items].sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
  return paginate(ctx, repo, items, (i) => pullJson(i, repo, state, ctx), 'repo');
}

function listRuns(ctx: Ctx, state: GitHubState, repo: GitHubRepo): RouteResult {
  const q = ctx.req.url.searchParams;
  const status = q.get('status');
  if (status && !RUN_STATUSES.includes(status) && !RUN_CONCLUSIONS.includes(status)) throw validationFailed('WorkflowRun', 'status', status, DOCS.runs);
  const created = q.get('created');
  const range = created ? parseCreatedRange(created) : undefined;
  if (created && !range) throw validationFailed('WorkflowRun', 'created', created, DOCS.runs);
  let items = [...repo.runs];
  if (status) items = items.filter((r) => (RUN_STATUSES.includes(status) ? r.status === status : r.conclusion === status));
  if (range) items = items.filter((r) => Date.parse(r.created_at) >= range.from && Date.parse(r.created_at) <= range.to);
  for (const f of ['branch', 'event', 'actor', 'head_sha'] as const) {
    const v = q.get(f);
    if (!v) continue;
    const field = f === 'branch' ? 'head_branch' : f;
    items = items.filter((r) => (field === 'actor' ? r.actor.toLowerCase() === v.toLowerCase() : r[field] === v));
  }
  items.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  return paginate(ctx, repo, items, (r) => runJson(r, repo, state, ctx), 'repo', (page) => ({ total_count: items.length, workflow_runs: page }));
}

function getRun(ctx: Ctx, state: GitHubState, repo: GitHubRepo, idText: string): RouteResult {
  const id = /^\d+$/.test(idText) ? Number(idText) : NaN;
  const run = repo.runs.find((r) => r.id === id);
  if (!run) throw new HttpFailure(ghError(404, 'Not Found', DOCS.run));
  return { response: { status: 200, body: runJson(run, repo, state, ctx) }, acceptedScopes: 'repo' };
}

// ------------------------------------------------------------------ pagination

function paginate<T>(
  ctx: Ctx,
  repo: GitHubRepo,
  items: T[],
  toJson: (item: T) => unknown,
  acceptedScopes: string,
  wrap?: (page: unknown[]) => unknown,
): RouteResult {
  const q = ctx.req.url.searchParams;
  const perPage = clampPerPage(q.get('per_page'));
  const page = positiveInt(q.get('page')) ?? 1;
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage).map(toJson);
  const headers: Record<string, string> = {};
  if (items.length > perPage || page > 1) {
    const link = (n: number, rel: string) => `<${pageUrl(ctx, repo, n)}>; rel="${rel}"`;
    const rels: string[] = [];
    if (page > 1) rels.push(link(page - 1, 'prev'));
    if (page < lastPage) rels.push(link(page + 1, 'next'), link(lastPage, 'last'));
    else if (page > lastPage) rels.push(link(lastPage, 'last'));
    if (page > 1) rels.push(link(1, 'first'));
    if (rels.length) headers['link'] = rels.join(', ');
  }
  return { response: { status: 200, headers, body: wrap ? wrap(slice) : slice }, acceptedScopes };
}

function pageUrl(ctx: Ctx, repo: GitHubRepo, page: number): string {
  const u = new URL(ctx.req.pathAndQuery, ctx.origin);
  u.searchParams.set('page', String(page));
  if (ctx.settings.linkStyle === 'repository-id') {
    u.pathname = u.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, `/repositories/${repo.id}`);
  }
  return u.toString();
}

function clampPerPage(v: string | null): number {
  const n = positiveInt(v);
  if (n === undefined) return 30;
  return Math.min(100, n);
}

function positiveInt(v: string | null): number | undefined {
  if (v === null || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v);
  return n >= 1 ? n : undefined;
}

// ------------------------------------------------------------------ params

function enumParam<T extends string>(v: string | null, allowed: readonly T[], dflt: T, resource: string, field: string, docs: string): T {
  if (v === null || v === '') return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw validationFailed(resource, field, v, docs);
  return v as T;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function optionalDate(v: string | null, resource: string, field: string, docs: string): number | undefined {
  if (v === null || v === '') return undefined;
  const t = ISO_RE.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw validationFailed(resource, field, v, docs);
  return t;
}

/** GitHub search-style date qualifier: `d`, `>d`, `>=d`, `<d`, `<=d`, `a..b` (with `*`). */
function parseCreatedRange(v: string): { from: number; to: number } | undefined {
  const dayEnd = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(s) + 86400_000 - 1 : Date.parse(s));
  const start = (s: string) => Date.parse(s);
  const ok = (s: string) => ISO_RE.test(s) && !Number.isNaN(Date.parse(s));
  const m = /^(>=|<=|>|<)?(.+)$/.exec(v.trim());
  if (!m) return undefined;
  const [, op, rest] = m;
  if (!op && rest!.includes('..')) {
    const [a, b] = rest!.split('..', 2) as [string, string];
    if ((a !== '*' && !ok(a)) || (b !== '*' && !ok(b))) return undefined;
    return { from: a === '*' ? -Infinity : start(a), to: b === '*' ? Infinity : dayEnd(b) };
  }
  if (!ok(rest!)) return undefined;
  switch (op) {
    case '>=':
      return { from: start(rest!), to: Infinity };
    case '>':
      return { from: dayEnd(rest!) + 1, to: Infinity };
    case '<=':
      return { from: -Infinity, to: dayEnd(rest!) };
    case '<':
      return { from: -Infinity, to: start(rest!) - 1 };
    default:
      return { from: start(rest!), to: dayEnd(rest!) };
  }
}

// ------------------------------------------------------------------ auth & headers

type Auth = { kind: 'none' } | { kind: 'invalid' } | { kind: 'token'; token: string };

function parseAuthorization(h: string | undefined): Auth {
  if (h === undefined) return { kind: 'none' };
  const m = /^(\S+)\s+(\S+)\s*$/.exec(h.trim());
  if (!m) return { kind: 'invalid' };
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'bearer' || scheme === 'token') return { kind: 'token', token: m[2]! };
  if (scheme === 'basic') {
    const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
    const idx = decoded.indexOf(':');
    if (idx < 0) return { kind: 'invalid' };
    return { kind: 'token', token: decoded.slice(idx + 1) };
  }
  return { kind: 'invalid' };
}

function acceptsJson(accept: string): boolean {
  return accept
    .split(',')
    .map((s) => s.split(';')[0]!.trim().toLowerCase())
    .some((t) => t === '*/*' || t === 'application/*' || t === 'application/json' || t.startsWith('application/vnd.github'));
}

function rateHeaders(b: { limit: number; used: number; reset: number }): Record<string, string> {
  return {
    'x-ratelimit-limit': String(b.limit),
    'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
    'x-ratelimit-used': String(Math.min(b.used, b.limit)),
    'x-ratelimit-reset': String(b.reset),
    'x-ratelimit-resource': 'core',
  };
}

function weakEtag(body: unknown): string {
  return `W/"${createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex')}"`;
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  const target = bare(etag);
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || bare(t) === target);
}

function requestId(seq: number): string {
  const h = createHash('md5').update(`req-${seq}`).digest('hex').toUpperCase();
  return `${h.slice(0, 4)}:${h.slice(4, 8)}:${h.slice(8, 14)}:${h.slice(14, 20)}:${h.slice(20, 28)}`;
}

// ------------------------------------------------------------------ JSON shapes

function userSummary(login: string, state: GitHubState, origin: string) {
  const u = state.getUser(login);
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId('U', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    url: `${origin}/users/${u.login}`,
    html_url: `${state.settings.htmlOrigin}/${u.login}`,
    type: u.type,
    site_admin: false,
  };
}

function nodeId(prefix: string, id: number): string {
  return Buffer.from(`0${prefix}${id}`).toString('base64').replace(/=+$/, '');
}

function repoUrls(repo: GitHubRepo, state: GitHubState, origin: string) {
  return { api: `${origin}/repos/${repo.full_name}`, html: `${state.settings.htmlOrigin}/${repo.full_name}` };
}

function repoJson(repo: GitHubRepo, state: GitHubState, ctx: Ctx) {
  const u = repoUrls(repo, state, ctx.origin);
  const openIssues = repo.issues.filter((i) => i.state === 'open').length;
  const owner = ctx.token?.login.toLowerCase() === repo.owner.toLowerCase();
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.full_name,
    private: repo.private,
    owner: userSummary(repo.owner, state, ctx.origin),
    html_url: u.html,
    description: repo.description,
    fork: false,
    url: u.api,
    commits_url: `${u.api}/commits{/sha}`,
    issues_url: `${u.api}/issues{/number}`,
    pulls_url: `${u.api}/pulls{/number}`,
    created_at: repo.created_at,
    updated_at: repo.updated_at,
    pushed_at: repo.pushed_at,
    archived: repo.archived,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    open_issues_count: openIssues,
    open_issues: openIssues,
    has_issues: true,
    default_branch: repo.default_branch,
    ...(ctx.token ? { permissions: { admin: owner, maintain: owner, push: owner, triage: owner, pull: true } } : {}),
  };
}

function commitJson(c: GitHubCommit, repo: GitHubRepo, state: GitHubState, ctx: Ctx) {
  const u = repoUrls(repo, state, ctx.origin);
  return {
    sha: c.sha,
    node_id: nodeId('C', parseInt(c.sha.slice(0, 8), 16)),
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: createHash('sha1').update(`tree ${c.sha}`).digest('hex'), url: `${u.api}/git/trees/${c.sha}` },
      url: `${u.api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${u.api}/commits/${c.sha}`,
    html_url: `${u.html}/commit/${c.sha}`,
    comments_url: `${u.api}/commits/${c.sha}/comments`,
    author: c.authorLogin ? userSummary(c.authorLogin, state, ctx.origin) : null,
    committer: c.authorLogin ? userSummary(c.authorLogin, state, ctx.origin) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${u.api}/commits/${p}`, html_url: `${u.html}/commit/${p}` })),
  };
}

function labelJson(name: string, repo: GitHubRepo, origin: string) {
  const id = parseInt(createHash('md5').update(`${repo.id}/${name}`).digest('hex').slice(0, 8), 16);
  return { id, node_id: nodeId('L', id), url: `${origin}/repos/${repo.full_name}/labels/${encodeURIComponent(name)}`, name, color: 'ededed', default: false, description: null };
}

function issueJson(i: GitHubIssue, repo: GitHubRepo, state: GitHubState, ctx: Ctx) {
  const u = repoUrls(repo, state, ctx.origin);
  const kind = i.pull ? 'pull' : 'issues';
  const assignees = i.assignees.map((a) => userSummary(a, state, ctx.origin));
  return {
    url: `${u.api}/issues/${i.number}`,
    repository_url: u.api,
    html_url: `${u.html}/${kind}/${i.number}`,
    id: i.id,
    node_id: nodeId(i.pull ? 'PR' : 'I', i.id),
    number: i.number,
    title: i.title,
    user: userSummary(i.user, state, ctx.origin),
    labels: i.labels.map((l) => labelJson(l, repo, ctx.origin)),
    state: i.state,
    locked: i.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: i.comments,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
    author_association: i.user.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'CONTRIBUTOR',
    ...(i.pull
      ? {
          draft: i.pull.draft,
          pull_request: {
            url: `${u.api}/pulls/${i.number}`,
            html_url: `${u.html}/pull/${i.number}`,
            diff_url: `${u.html}/pull/${i.number}.diff`,
            patch_url: `${u.html}/pull/${i.number}.patch`,
            merged_at: i.pull.merged_at,
          },
        }
      : {}),
    body: i.body,
    state_reason: i.state_reason,
  };
}

function pullJson(i: GitHubIssue, repo: GitHubRepo, state: GitHubState, ctx: Ctx) {
  const u = repoUrls(repo, state, ctx.origin);
  const p = i.pull!;
  const baseSha = repo.branches.get(p.base_ref)?.at(-1)?.sha ?? createHash('sha1').update(`${repo.full_name}\nbase\n${p.base_ref}`).digest('hex');
  const repoRef = { id: repo.id, name: repo.name, full_name: repo.full_name, private: repo.private, url: u.api, html_url: u.html };
  const assignees = i.assignees.map((a) => userSummary(a, state, ctx.origin));
  return {
    url: `${u.api}/pulls/${i.number}`,
    id: i.id,
    node_id: nodeId('PR', i.id),
    html_url: `${u.html}/pull/${i.number}`,
    diff_url: `${u.html}/pull/${i.number}.diff`,
    patch_url: `${u.html}/pull/${i.number}.patch`,
    issue_url: `${u.api}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    locked: i.locked,
    title: i.title,
    user: userSummary(i.user, state, ctx.origin),
    body: i.body,
    labels: i.labels.map((l) => labelJson(l, repo, ctx.origin)),
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
    merged_at: p.merged_at,
    merge_commit_sha: p.merged_at ? createHash('sha1').update(`${repo.full_name}\nmerge\n${i.number}`).digest('hex') : null,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    draft: p.draft,
    head: { label: `${repo.owner}:${p.head_ref}`, ref: p.head_ref, sha: p.head_sha, user: userSummary(repo.owner, state, ctx.origin), repo: repoRef },
    base: { label: `${repo.owner}:${p.base_ref}`, ref: p.base_ref, sha: baseSha, user: userSummary(repo.owner, state, ctx.origin), repo: repoRef },
    author_association: i.user.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'CONTRIBUTOR',
  };
}

function runJson(r: GitHubRun, repo: GitHubRepo, state: GitHubState, ctx: Ctx) {
  const u = repoUrls(repo, state, ctx.origin);
  return {
    id: r.id,
    name: r.name,
    node_id: nodeId('WFR', r.id),
    head_branch: r.head_branch,
    head_sha: r.head_sha,
    path: r.path,
    display_title: r.display_title,
    run_number: r.run_number,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: r.workflow_id,
    url: `${u.api}/actions/runs/${r.id}`,
    html_url: `${u.html}/actions/runs/${r.id}`,
    created_at: r.created_at,
    updated_at: r.updated_at,
    run_attempt: r.run_attempt,
    run_started_at: r.run_started_at,
    actor: userSummary(r.actor, state, ctx.origin),
    triggering_actor: userSummary(r.actor, state, ctx.origin),
    jobs_url: `${u.api}/actions/runs/${r.id}/jobs`,
    logs_url: `${u.api}/actions/runs/${r.id}/logs`,
    workflow_url: `${u.api}/actions/workflows/${r.workflow_id}`,
    repository: { id: repo.id, name: repo.name, full_name: repo.full_name, private: repo.private, html_url: u.html, url: u.api },
  };
}

