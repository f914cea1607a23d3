/**
 * The GitHub emulator's mutable in-memory data set. Tests drive it directly:
 * add users/tokens/repos, generate deterministic commits/issues/pulls/runs,
 * update (bumps `updated_at` to the emulator clock), delete, and move the clock.
 */
import { createHash } from 'node:crypto';

export type Timestamp = Date | string | number;

export interface GitHubUser {
  login: string;
  id: number;
  name: string | null;
  email: string | null;
  type: 'User' | 'Organization' | 'Bot';
  created_at: string;
}

export interface GitHubToken {
  token: string;
  login: string;
  /**
   * Classic token scopes, sent back in `X-OAuth-Scopes`. `null` = fine-grained
   * token (no `X-OAuth-Scopes` header, no scope check on private repos).
   */
  scopes: string[] | null;
  /** Per-token primary limit; defaults to `settings.rateLimit`. */
  rateLimit?: number;
  /** A revoked/expired token answers 401 Bad credentials. */
  revoked?: boolean;
}

export interface GitActor {
  name: string;
  email: string;
  date: string;
}

export interface GitHubCommit {
  sha: string;
  message: string;
  author: GitActor;
  committer: GitActor;
  /** GitHub account linked to the author e-mail (the top-level `author` object); null when none. */
  authorLogin: string | null;
  parents: string[];
}

export interface GitHubPullInfo {
  merged_at: string | null;
  draft: boolean;
  head_ref: string;
  head_sha: string;
  base_ref: string;
}

/** An issue, or — when `pull` is set — a pull request (they share numbering, like on GitHub). */
export interface GitHubIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | null;
  /** Login of the author. */
  user: string;
  labels: string[];
  assignees: string[];
  comments: number;
  locked: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pull?: GitHubPullInfo;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'requested' | 'waiting' | 'pending';
export type RunConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'skipped'
  | 'neutral'
  | 'timed_out'
  | 'action_required'
  | 'stale'
  | null;

export interface GitHubRun {
  id: number;
  name: string;
  workflow_id: number;
  path: string;
  run_number: number;
  run_attempt: number;
  event: string;
  status: RunStatus;
  conclusion: RunConclusion;
  head_branch: string;
  head_sha: string;
  display_title: string;
  /** Login of the actor. */
  actor: string;
  created_at: string;
  updated_at: string;
  run_started_at: string;
}

export interface GitHubRepo {
  id: number;
  owner: string;
  name: string;
  full_name: string;
  private: boolean;
  description: string | null;
  default_branch: string;
  archived: boolean;
  /** Tokens (or logins) that may see this repo when private. The owner's tokens always may. */
  visibleTo: string[];
  created_at: string;
  updated_at: string;
  pushed_at: string | null;
  /** branch → commits, oldest first (the API sorts by committer date, newest first). */
  branches: Map<string, GitHubCommit[]>;
  /** Issues and pull requests. */
  issues: GitHubIssue[];
  runs: GitHubRun[];
  nextNumber: number;
  nextRunNumber: number;
}

export interface GitHubSettings {
  /** Primary limit per token per window (default 5000). */
  rateLimit: number;
  /** Primary limit for unauthenticated requests, per client IP (default 60). */
  unauthenticatedRateLimit: number;
  /** Window length in seconds (default 3600). */
  rateLimitWindowSeconds: number;
  /** Status used when the primary limit is exhausted: 403 (GitHub's usual) or 429. */
  rateLimitStatus: 403 | 429;
  /** Accepted `X-GitHub-Api-Version` values (default ['2022-11-28']). */
  apiVersions: string[];
  /** Reject requests without User-Agent with 403 (default true). */
  requireUserAgent: boolean;
  /**
   * How Link URLs are built: `request` = the request's own path and query with
   * `page` replaced; `repository-id` = like github.com does for many lists,
   * `/repositories/{id}/...` instead of `/repos/{owner}/{repo}/...`.
   */
  linkStyle: 'request' | 'repository-id';
  /** Origin used for `html_url` fields (default https://github.com). */
  htmlOrigin: string;
}

export interface RateBucket {
  limit: number;
  used: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

export interface AddRepoInput {
  owner: string;
  name: string;
  private?: boolean;
  default_branch?: string;
  description?: string | null;
  visibleTo?: string[];
  archived?: boolean;
  created_at?: Timestamp;
}

export interface CommitInput {
  branch?: string;
  message?: string;
  author?: Partial<GitActor>;
  committer?: Partial<GitActor>;
  /** Author date; committer date defaults to it. */
  date?: Timestamp;
  /** Committer date, used by `since`/`until` and for ordering. */
  committedAt?: Timestamp;
  authorLogin?: string | null;
  sha?: string;
}

export interface GenerateOptions {
  /** Time of the first item (default: `now - (count - 1) * stepSeconds`, so the last is at `now`). */
  start?: Timestamp;
  /** Seconds between consecutive items (default 60). */
  stepSeconds?: number;
}

export interface IssueInput {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  state_reason?: GitHubIssue['state_reason'];
  user?: string;
  labels?: string[];
  assignees?: string[];
  comments?: number;
  locked?: boolean;
  created_at?: Timestamp;
  updated_at?: Timestamp;
  closed_at?: Timestamp | null;
}

export interface PullInput extends IssueInput {
  merged?: boolean;
  merged_at?: Timestamp | null;
  draft?: boolean;
  head?: string;
  base?: string;
}

export interface RunInput {
  name?: string;
  workflow_id?: number;
  path?: string;
  event?: string;
  status?: RunStatus;
  conclusion?: RunConclusion;
  head_branch?: string;
  head_sha?: string;
  display_title?: string;
  actor?: string;
  created_at?: Timestamp;
  updated_at?: Timestamp;
  run_attempt?: number;
}

export type RepoRef = string | GitHubRepo;

/** ISO 8601 in GitHub's format: second precision, `Z`. */
export function isoSeconds(t: Timestamp): string {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) throw new Error(`invalid timestamp: ${String(t)}`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ms(t: Timestamp): number {
  const d = t instanceof Date ? t.getTime() : new Date(t).getTime();
  if (Number.isNaN(d)) throw new Error(`invalid timestamp: ${String(t)}`);
  return d;
}

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

const WORDS = ['sync', 'cache', 'parser', 'login', 'retry', 'index', 'export', 'webhook', 'search', 'upload', 'layout', 'timeout'];
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Barbara Liskov', 'Ken Thompson'];

export class GitHubState {
  readonly users = new Map<string, GitHubUser>();
  readonly tokens = new Map<string, GitHubToken>();
  /** Keyed by lower-cased full name (`owner/name`); GitHub resolves names case-insensitively. */
  readonly repos = new Map<string, GitHubRepo>();
  /** Primary rate-limit buckets, keyed by token or `ip:<address>`. */
  readonly rateBuckets = new Map<string, RateBucket>();
  readonly settings: GitHubSettings;

  private clockMs: number;
  private readonly clockMode: 'frozen' | 'real';
  private clockOffset = 0;
  private ids = { user: 1000, repo: 100_000, issue: 2_000_000, run: 9_000_000 };
  private counter = 0;

  constructor(options: { now?: Timestamp; clock?: 'frozen' | 'real'; settings?: Partial<GitHubSettings> } = {}) {
    this.clockMode = options.clock ?? 'frozen';
    this.clockMs = options.now !== undefined ? ms(options.now) : Math.floor(Date.now() / 1000) * 1000;
    if (this.clockMode === 'real') this.clockOffset = this.clockMs - Date.now();
    this.settings = {
      rateLimit: 5000,
      unauthenticatedRateLimit: 60,
      rateLimitWindowSeconds: 3600,
      rateLimitStatus: 403,
      apiVersions: ['2022-11-28'],
      requireUserAgent: true,
      linkStyle: 'request',
      htmlOrigin: 'https://github.com',
      ...options.settings,
    };
  }

  // ---------------------------------------------------------------- clock

  /** The emulator's clock. Frozen by default: it only moves when set or advanced. */
  get now(): Date {
    return new Date(this.clockMode === 'real' ? Date.now() + this.clockOffset : this.clockMs);
  }

  set now(t: Timestamp) {
    const v = ms(t);
    if (this.clockMode === 'real') this.clockOffset = v - Date.now();
    else this.clockMs = v;
  }

  /** Moves the clock forward by `msDelta` milliseconds. */
  advance(msDelta: number): Date {
    this.now = this.now.getTime() + msDelta;
    return this.now;
  }

  private nowIso(): string {
    return isoSeconds(this.now);
  }

  // ---------------------------------------------------------------- users & tokens

  /** Adds (or returns) a user; with `token`, also adds a token for them. */
  addUser(input: { login: string; name?: string | null; email?: string | null; type?: GitHubUser['type']; token?: string; scopes?: string[] | null }): GitHubUser {
    let user = this.users.get(input.login.toLowerCase());
    if (!user) {
      user = {
        login: input.login,
        id: ++this.ids.user,
        name: input.name === undefined ? input.login : input.name,
        email: input.email ?? null,
        type: input.type ?? 'User',
        created_at: isoSeconds(this.now.getTime() - 365 * 86400_000),
      };
      this.users.set(input.login.toLowerCase(), user);
    }
    if (input.token) this.addToken(input.token, input.login, { scopes: input.scopes === undefined ? ['repo', 'read:org'] : input.scopes });
    return user;
  }

  /** Adds a token for `login` (the user is created if missing). Classic scopes default to `['repo']`; pass `scopes: null` for a fine-grained token. */
  addToken(token: string, login: string, options: { scopes?: string[] | null; rateLimit?: number } = {}): GitHubToken {
    if (!this.users.has(login.toLowerCase())) this.addUser({ login });
    const t: GitHubToken = { token, login: this.users.get(login.toLowerCase())!.login, scopes: options.scopes === undefined ? ['repo'] : options.scopes, rateLimit: options.rateLimit };
    this.tokens.set(token, t);
    return t;
  }

  revokeToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.revoked = true;
  }

  getUser(login: string): GitHubUser {
    return this.users.get(login.toLowerCase()) ?? this.addUser({ login });
  }

  // ---------------------------------------------------------------- rate limit

  /** The bucket for a key (token or `ip:<addr>`), rolled over when the window has passed. */
  bucket(key: string, limit: number): RateBucket {
    const nowS = Math.floor(this.now.getTime() / 1000);
    let b = this.rateBuckets.get(key);
    if (!b || nowS >= b.reset) {
      b = { limit, used: 0, reset: nowS + this.settings.rateLimitWindowSeconds };
      this.rateBuckets.set(key, b);
    }
    b.limit = limit;
    return b;
  }

  /** Primary limit status for a token: `{ limit, used, remaining, reset }`. */
  rateLimitStatus(token: string): { limit: number; used: number; remaining: number; reset: number } {
    const t = this.tokens.get(token);
    const b = this.bucket(token, t?.rateLimit ?? this.settings.rateLimit);
    return { limit: b.limit, used: b.used, remaining: Math.max(0, b.limit - b.used), reset: b.reset };
  }

  /** Sets how many requests a token has left in the current window (0 = exhausted). */
  setRateLimitRemaining(token: string, remaining: number): void {
    const t = this.tokens.get(token);
    const b = this.bucket(token, t?.rateLimit ?? this.settings.rateLimit);
    b.used = Math.max(0, b.limit - remaining);
  }

  /** Forgets every bucket (all limits full again). */
  resetRateLimits(): void {
    this.rateBuckets.clear();
  }

  // ---------------------------------------------------------------- repos

  addRepo(input: AddRepoInput): GitHubRepo {
    this.getUser(input.owner);
    const created = input.created_at !== undefined ? isoSeconds(input.created_at) : isoSeconds(this.now.getTime() - 30 * 86400_000);
    const repo: GitHubRepo = {
      id: ++this.ids.repo,
      owner: input.owner,
      name: input.name,
      full_name: `${input.owner}/${input.name}`,
      private: input.private ?? false,
      description: input.description ?? null,
      default_branch: input.default_branch ?? 'main',
      archived: input.archived ?? false,
      visibleTo: input.visibleTo ?? [],
      created_at: created,
      updated_at: created,
      pushed_at: null,
      branches: new Map(),
      issues: [],
      runs: [],
      nextNumber: 1,
      nextRunNumber: 1,
    };
    this.repos.set(repo.full_name.toLowerCase(), repo);
    return repo;
  }

  /** Looks a repo up by `owner/name` (case-insensitive) or returns the record given. Throws when missing. */
  repo(ref: RepoRef): GitHubRepo {
    if (typeof ref !== 'string') return ref;
    const r = this.repos.get(ref.toLowerCase());
    if (!r) throw new Error(`no such repo in emulator state: ${ref}`);
    return r;
  }

  findRepo(owner: string, name: string): GitHubRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  findRepoById(id: number): GitHubRepo | undefined {
    for (const r of this.repos.values()) if (r.id === id) return r;
    return undefined;
  }

  updateRepo(ref: RepoRef, patch: Partial<Pick<GitHubRepo, 'private' | 'description' | 'default_branch' | 'archived' | 'visibleTo'>>): GitHubRepo {
    const r = this.repo(ref);
    Object.assign(r, patch);
    r.updated_at = this.nowIso();
    return r;
  }

  deleteRepo(ref: RepoRef): void {
    this.repos.delete(this.repo(ref).full_name.toLowerCase());
  }

  // ---------------------------------------------------------------- commits

  /** Appends one commit to a branch (created if missing; default: the repo's default branch). */
  addCommit(ref: RepoRef, input: CommitInput = {}): GitHubCommit {
    const r = this.repo(ref);
    const branch = input.branch ?? r.default_branch;
    const list = r.branches.get(branch) ?? [];
    r.branches.set(branch, list);
    const n = ++this.counter;
    const authorDate = isoSeconds(input.date ?? this.now);
    const committedAt = isoSeconds(input.committedAt ?? input.date ?? this.now);
    const who = NAMES[n % NAMES.length]!;
    const message = input.message ?? `Commit ${n}: update ${WORDS[n % WORDS.length]}`;
    const author: GitActor = {
      name: input.author?.name ?? who,
      email: input.author?.email ?? `${who.split(' ')[0]!.toLowerCase()}@example.com`,
      date: input.author?.date ? isoSeconds(input.author.date) : authorDate,
    };
    const committer: GitActor = {
      name: input.committer?.name ?? author.name,
      email: input.committer?.email ?? author.email,
      date: input.committer?.date ? isoSeconds(input.committer.date) : committedAt,
    };
    const parent = list[list.length - 1];
    const commit: GitHubCommit = {
      sha: input.sha ?? sha1(`${r.full_name}\n${branch}\n${n}\n${message}`),
      message,
      author,
      committer,
      authorLogin: input.authorLogin === undefined ? null : input.authorLogin,
      parents: parent ? [parent.sha] : [],
    };
    list.push(commit);
    r.pushed_at = this.nowIso();
    return commit;
  }

  /** Appends `count` commits with deterministic messages, `stepSeconds` apart (last one at `now` unless `start`). */
  addCommits(ref: RepoRef, count: number, options: GenerateOptions & Omit<CommitInput, 'date' | 'committedAt' | 'sha' | 'message'> & { messagePrefix?: string } = {}): GitHubCommit[] {
    const times = this.series(count, options);
    return times.map((t, i) =>
      this.addCommit(ref, {
        ...options,
        message: options.messagePrefix ? `${options.messagePrefix} ${i + 1}` : undefined,
        date: t,
      }),
    );
  }

  /** Creates `branch` pointing at a copy of `from`'s history (default: the default branch). */
  createBranch(ref: RepoRef, branch: string, from?: string): void {
    const r = this.repo(ref);
    r.branches.set(branch, [...(r.branches.get(from ?? r.default_branch) ?? [])]);
  }

  deleteBranch(ref: RepoRef, branch: string): void {
    this.repo(ref).branches.delete(branch);
  }

  /** Removes commits from a branch (a force-push), by sha; all of the branch's commits when `shas` is omitted. */
  deleteCommits(ref: RepoRef, branch: string, shas?: string[]): void {
    const r = this.repo(ref);
    const list = r.branches.get(branch);
    if (!list) return;
    r.branches.set(branch, shas ? list.filter((c) => !shas.includes(c.sha)) : []);
  }

  // ---------------------------------------------------------------- issues & pulls

  addIssue(ref: RepoRef, input: IssueInput = {}): GitHubIssue {
    const r = this.repo(ref);
    const number = r.nextNumber++;
    const created = isoSeconds(input.created_at ?? this.now);
    const state = input.state ?? 'open';
    const issue: GitHubIssue = {
      id: ++this.ids.issue,
      number,
      title: input.title ?? `Issue ${number}: fix ${WORDS[number % WORDS.length]}`,
      body: input.body === undefined ? `Body of issue ${number}.` : input.body,
      state,
      state_reason: input.state_reason !== undefined ? input.state_reason : state === 'closed' ? 'completed' : null,
      user: input.user ?? r.owner,
      labels: input.labels ?? [],
      assignees: input.assignees ?? [],
      comments: input.comments ?? 0,
      locked: input.locked ?? false,
      created_at: created,
      updated_at: isoSeconds(input.updated_at ?? created),
      closed_at: input.closed_at != null ? isoSeconds(input.closed_at) : state === 'closed' ? isoSeconds(input.updated_at ?? created) : null,
    };
    this.getUser(issue.user);
    r.issues.push(issue);
    return issue;
  }

  addPull(ref: RepoRef, input: PullInput = {}): GitHubIssue {
    const r = this.repo(ref);
    const state = input.state ?? (input.merged ? 'closed' : 'open');
    const issue = this.addIssue(r, { ...input, state, state_reason: input.state_reason ?? null });
    if (input.title === undefined) issue.title = `PR ${issue.number}: improve ${WORDS[issue.number % WORDS.length]}`;
    const head = input.head ?? `feature/${issue.number}`;
    issue.pull = {
      merged_at: input.merged_at != null ? isoSeconds(input.merged_at) : input.merged ? issue.closed_at ?? issue.updated_at : null,
      draft: input.draft ?? false,
      head_ref: head,
      head_sha: sha1(`${r.full_name}\npull\n${issue.number}\n${head}`),
      base_ref: input.base ?? r.default_branch,
    };
    return issue;
  }

  /** Adds `count` issues (created `stepSeconds` apart; updated_at = created_at). */
  addIssues(ref: RepoRef, count: number, options: GenerateOptions & Omit<IssueInput, 'created_at' | 'updated_at' | 'title'> = {}): GitHubIssue[] {
    return this.series(count, options).map((t, i) => this.addIssue(ref, { ...options, comments: options.comments ?? i % 7, created_at: t }));
  }

  /** Adds `count` pull requests (created `stepSeconds` apart). */
  addPulls(ref: RepoRef, count: number, options: GenerateOptions & Omit<PullInput, 'created_at' | 'updated_at' | 'title'> = {}): GitHubIssue[] {
    return this.series(count, options).map((t, i) => this.addPull(ref, { ...options, comments: options.comments ?? i % 5, created_at: t }));
  }

  /** The issue or pull request with this number. Throws when missing. */
  issue(ref: RepoRef, number: number): GitHubIssue {
    const i = this.repo(ref).issues.find((x) => x.number === number);
    if (!i) throw new Error(`no issue #${number} in ${typeof ref === 'string' ? ref : ref.full_name}`);
    return i;
  }

  /**
   * Changes an issue or pull request and bumps `updated_at` to the clock.
   * Closing sets `closed_at`; reopening clears it; `merged: true` on a PR closes and merges it.
   */
  updateIssue(ref: RepoRef, number: number, patch: Partial<Omit<PullInput, 'created_at'>> = {}): GitHubIssue {
    const i = this.issue(ref, number);
    const now = this.nowIso();
    const { merged, merged_at, draft, head, base, updated_at, closed_at, ...rest } = patch;
    if (rest.state === 'closed' && i.state !== 'closed') {
      i.closed_at = now;
      i.state_reason = i.pull ? null : 'completed';
    }
    if (rest.state === 'open' && i.state === 'closed') {
      i.closed_at = null;
      i.state_reason = i.pull ? null : 'reopened';
    }
    Object.assign(i, rest);
    if (closed_at !== undefined) i.closed_at = closed_at === null ? null : isoSeconds(closed_at);
    if (i.pull) {
      if (draft !== undefined) i.pull.draft = draft;
      if (head !== undefined) i.pull.head_ref = head;
      if (base !== undefined) i.pull.base_ref = base;
      if (merged || merged_at) {
        i.state = 'closed';
        i.closed_at ??= now;
        i.pull.merged_at = merged_at ? isoSeconds(merged_at) : now;
      }
    }
    i.updated_at = updated_at !== undefined ? isoSeconds(updated_at) : now;
    return i;
  }

  /** Same as `updateIssue` (pull requests are issues). */
  updatePull(ref: RepoRef, number: number, patch: Partial<Omit<PullInput, 'created_at'>> = {}): GitHubIssue {
    return this.updateIssue(ref, number, patch);
  }

  /** Deletes issues/pulls by number (GitHub lists never show deleted issues). */
  deleteIssues(ref: RepoRef, numbers: number[]): void {
    const r = this.repo(ref);
    r.issues = r.issues.filter((i) => !numbers.includes(i.number));
  }

  deleteIssue(ref: RepoRef, number: number): void {
    this.deleteIssues(ref, [number]);
  }

  // ---------------------------------------------------------------- workflow runs

  addRun(ref: RepoRef, input: RunInput = {}): GitHubRun {
    const r = this.repo(ref);
    const created = isoSeconds(input.created_at ?? this.now);
    const status = input.status ?? 'completed';
    const branch = input.head_branch ?? r.default_branch;
    const runNumber = r.nextRunNumber++;
    const head = r.branches.get(branch);
    const run: GitHubRun = {
      id: ++this.ids.run,
      name: input.name ?? 'CI',
      workflow_id: input.workflow_id ?? 161335,
      path: input.path ?? '.github/workflows/ci.yml',
      run_number: runNumber,
      run_attempt: input.run_attempt ?? 1,
      event: input.event ?? 'push',
      status,
      conclusion: input.conclusion !== undefined ? input.conclusion : status === 'completed' ? 'success' : null,
      head_branch: branch,
      head_sha: input.head_sha ?? head?.[head.length - 1]?.sha ?? sha1(`${r.full_name}\nrun\n${runNumber}`),
      display_title: input.display_title ?? `Run ${runNumber} on ${branch}`,
      actor: input.actor ?? r.owner,
      created_at: created,
      updated_at: isoSeconds(input.updated_at ?? created),
      run_started_at: created,
    };
    if (status !== 'completed' && run.conclusion !== null) throw new Error('a run that is not completed has conclusion null');
    this.getUser(run.actor);
    r.runs.push(run);
    return run;
  }

  /** Adds `count` runs (created `stepSeconds` apart). */
  addRuns(ref: RepoRef, count: number, options: GenerateOptions & Omit<RunInput, 'created_at' | 'updated_at'> = {}): GitHubRun[] {
    return this.series(count, options).map((t) => this.addRun(ref, { ...options, created_at: t }));
  }

  run(ref: RepoRef, id: number): GitHubRun {
    const run = this.repo(ref).runs.find((x) => x.id === id);
    if (!run) throw new Error(`no run ${id}`);
    return run;
  }

  /** Changes a run and bumps `updated_at`. Completing without a conclusion sets `success`; leaving `completed` clears it. */
  updateRun(ref: RepoRef, id: number, patch: Partial<Omit<RunInput, 'created_at'>> = {}): GitHubRun {
    const run = this.run(ref, id);
    const { updated_at, ...rest } = patch;
    Object.assign(run, rest);
    if (run.status === 'completed' && run.conclusion === null) run.conclusion = 'success';
    if (run.status !== 'completed') run.conclusion = null;
    run.updated_at = updated_at !== undefined ? isoSeconds(updated_at) : this.nowIso();
    return run;
  }

  deleteRun(ref: RepoRef, id: number): void {
    const r = this.repo(ref);
    r.runs = r.runs.filter((x) => x.id !== id);
  }

  // ---------------------------------------------------------------- helpers

  private series(count: number, options: GenerateOptions): number[] {
    const step = (options.stepSeconds ?? 60) * 1000;
    const start = options.start !== undefined ? ms(options.start) : this.now.getTime() - (count - 1) * step;
    return Array.from({ length: count }, (_, i) => start + i * step);
  }
}
