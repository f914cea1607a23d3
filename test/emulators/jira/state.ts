/**
 * The Jira emulator's in-memory site: users with API tokens, projects, issues
 * with ADF descriptions and comments. Tests drive it directly (add, update —
 * which bumps `updated` to the emulator clock —, move, delete, advance time).
 */

export type Adf = { type: 'doc'; version: 1; content: unknown[] };

export interface JiraUser {
  accountId: string;
  email: string;
  displayName: string;
  /** IANA zone: JQL minute-format dates and response timestamps use it. */
  timeZone: string;
}

export interface JiraToken {
  token: string;
  email: string;
  revoked?: boolean;
}

export interface JiraProject {
  id: string;
  key: string;
  name: string;
  /** Account ids that may browse it; `public` projects are visible to everyone, even anonymously. */
  members: string[];
  public: boolean;
}

export interface JiraComment {
  id: string;
  authorId: string;
  body: Adf;
  created: number;
  updated: number;
}

export interface JiraIssue {
  id: number;
  key: string;
  projectKey: string;
  summary: string;
  description: Adf | null;
  status: string;
  issuetype: string;
  priority: string;
  labels: string[];
  reporterId: string;
  assigneeId: string | null;
  /** Epoch ms. */
  created: number;
  /** Epoch ms; JQL `updated` and ORDER BY use it. */
  updated: number;
  comments: JiraComment[];
}

export interface JiraSettings {
  /** The site's cloud id: /ex/jira/<cloudId>/… on the api.atlassian.com gateway resolves to this site. */
  cloudId: string;
  /** Comments embedded in a search result's `comment` field (the rest via /issue/{id}/comment). */
  searchCommentLimit: number;
  /** Page size cap when fields other than id/key are requested. */
  fullPageCap: number;
  /** Page size cap when only id/key are requested (documented: 5000). */
  idPageCap: number;
  /**
   * What a nextPageToken remembers: `offset` (the position; items moving
   * while paging shift others across page boundaries) or `keyset` (the last
   * sort key). Atlassian documents the token as opaque; `offset` is the harsher.
   */
  pageTokenMode: 'offset' | 'keyset';
  /** Time zone of anonymous visitors (the site default). */
  defaultTimeZone: string;
}

const STATUSES = ['To Do', 'In Progress', 'Done'];

/** Plain text → a minimal ADF document (one paragraph per blank-line-separated block). */
export function adf(text: string): Adf {
  const paras = text.split(/\n{2,}/).filter((p) => p.trim());
  return { type: 'doc', version: 1, content: paras.map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })) };
}

export class JiraState {
  readonly users = new Map<string, JiraUser>();
  readonly tokens = new Map<string, JiraToken>();
  readonly projects = new Map<string, JiraProject>();
  readonly issues = new Map<number, JiraIssue>();
  settings: JiraSettings;
  private clockBase: number;
  private readonly realClock: boolean;
  private startedAt = Date.now();
  private nextIssueId = 10000;
  private nextProjectId = 10000;
  private nextCommentId = 20000;
  private readonly counters = new Map<string, number>();

  constructor(opts: { now?: number; clock?: 'frozen' | 'real'; settings?: Partial<JiraSettings> } = {}) {
    this.clockBase = opts.now ?? Date.now();
    this.realClock = opts.clock === 'real';
    this.settings = { cloudId: '3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b', searchCommentLimit: 20, fullPageCap: 100, idPageCap: 5000, pageTokenMode: 'offset', defaultTimeZone: 'UTC', ...opts.settings };
  }

  /** Emulator time in epoch ms. */
  get now(): number {
    return this.realClock ? this.clockBase + (Date.now() - this.startedAt) : this.clockBase;
  }

  /** Moves the emulator clock forward. */
  advance(ms: number): void {
    this.clockBase += ms;
  }

  addUser(u: { email: string; displayName: string; token?: string; timeZone?: string; accountId?: string }): JiraUser {
    const user: JiraUser = { accountId: u.accountId ?? `5b10ac8d82e05b22cc7d${(this.users.size + 1).toString().padStart(4, '0')}`, email: u.email, displayName: u.displayName, timeZone: u.timeZone ?? 'UTC' };
    this.users.set(user.accountId, user);
    if (u.token) this.tokens.set(u.token, { token: u.token, email: u.email });
    return user;
  }

  /** Finds the user an email/token pair signs in as (undefined when rejected). */
  authenticate(email: string, token: string): JiraUser | undefined {
    const t = this.tokens.get(token);
    if (!t || t.revoked || t.email.toLowerCase() !== email.toLowerCase()) return undefined;
    return [...this.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  revokeToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.revoked = true;
  }

  addProject(p: { key: string; name?: string; members?: string[]; public?: boolean }): JiraProject {
    const project: JiraProject = { id: String(this.nextProjectId++), key: p.key, name: p.name ?? `${p.key} project`, members: p.members ?? [], public: p.public ?? false };
    this.projects.set(p.key, project);
    return project;
  }

  /** Whether a project is visible to an account (null = anonymous). */
  canBrowse(project: JiraProject, accountId: string | null): boolean {
    return project.public || (accountId !== null && project.members.includes(accountId));
  }

  addIssue(projectKey: string, i: Partial<Omit<JiraIssue, 'id' | 'key' | 'projectKey' | 'description'>> & { description?: Adf | string | null } = {}): JiraIssue {
    if (!this.projects.has(projectKey)) throw new Error(`no project ${projectKey}`);
    const n = (this.counters.get(projectKey) ?? 0) + 1;
    this.counters.set(projectKey, n);
    const created = i.created ?? this.now;
    const reporter = i.reporterId ?? [...this.users.keys()][0] ?? 'unknown';
    const issue: JiraIssue = {
      id: this.nextIssueId++,
      key: `${projectKey}-${n}`,
      projectKey,
      summary: i.summary ?? `Issue ${n} of ${projectKey}`,
      description: typeof i.description === 'string' ? adf(i.description) : (i.description ?? adf(`Description of issue ${n}.`)),
      status: i.status ?? STATUSES[n % STATUSES.length]!,
      issuetype: i.issuetype ?? 'Task',
      priority: i.priority ?? 'Medium',
      labels: i.labels ?? [],
      reporterId: reporter,
      assigneeId: i.assigneeId ?? null,
      created,
      updated: i.updated ?? created,
      comments: i.comments ?? [],
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /** Adds `count` issues, updated `stepMs` apart starting at `start`. */
  addIssues(projectKey: string, count: number, opts: { start?: number; stepMs?: number } = {}): JiraIssue[] {
    const start = opts.start ?? this.now - count * (opts.stepMs ?? 60_000);
    const out: JiraIssue[] = [];
    for (let k = 0; k < count; k++) {
      const t = start + k * (opts.stepMs ?? 60_000);
      out.push(this.addIssue(projectKey, { created: t, updated: t }));
    }
    return out;
  }

  /** An issue by numeric id or key. */
  find(idOrKey: string | number): JiraIssue | undefined {
    if (typeof idOrKey === 'number' || /^\d+$/.test(idOrKey)) return this.issues.get(Number(idOrKey));
    const upper = idOrKey.toUpperCase();
    return [...this.issues.values()].find((i) => i.key === upper);
  }

  private mustFind(idOrKey: string | number): JiraIssue {
    const i = this.find(idOrKey);
    if (!i) throw new Error(`no issue ${idOrKey}`);
    return i;
  }

  /** Changes an issue; `updated` becomes the emulator's now (or `at`). */
  updateIssue(idOrKey: string | number, patch: Partial<Pick<JiraIssue, 'summary' | 'status' | 'labels' | 'assigneeId' | 'priority'>> & { description?: string | Adf | null }, at?: number): JiraIssue {
    const i = this.mustFind(idOrKey);
    const { description, ...rest } = patch;
    Object.assign(i, rest);
    if (description !== undefined) i.description = typeof description === 'string' ? adf(description) : description;
    i.updated = at ?? this.now;
    return i;
  }

  /** Adds a comment (bumps the issue's `updated`). */
  addComment(idOrKey: string | number, text: string, opts: { authorId?: string; at?: number } = {}): JiraComment {
    const i = this.mustFind(idOrKey);
    const at = opts.at ?? this.now;
    const c: JiraComment = { id: String(this.nextCommentId++), authorId: opts.authorId ?? i.reporterId, body: adf(text), created: at, updated: at };
    i.comments.push(c);
    i.updated = at;
    return c;
  }

  /** Moves an issue to another project: new key, `updated` bumped, like Jira's move. */
  moveIssue(idOrKey: string | number, toProject: string): JiraIssue {
    const i = this.mustFind(idOrKey);
    if (!this.projects.has(toProject)) throw new Error(`no project ${toProject}`);
    const n = (this.counters.get(toProject) ?? 0) + 1;
    this.counters.set(toProject, n);
    i.projectKey = toProject;
    i.key = `${toProject}-${n}`;
    i.updated = this.now;
    return i;
  }

  /** Deletes an issue for good (Jira Cloud keeps no tombstone visible to search). */
  deleteIssue(idOrKey: string | number): void {
    this.issues.delete(this.mustFind(idOrKey).id);
  }
}
