/**
 * The Confluence emulator's in-memory site: users with API tokens, spaces,
 * pages and blog posts with storage-format bodies and versions. Tests drive it
 * directly (add, edit — a new version at the emulator clock —, trash, purge).
 */

export interface ConfUser {
  accountId: string;
  email: string;
  displayName: string;
}

export interface ConfSpace {
  id: string;
  key: string;
  name: string;
  /** Account ids that may view it. */
  members: string[];
  createdAt: number;
  homepageId: string | null;
}

export type ContentStatus = 'current' | 'archived' | 'trashed' | 'draft';

export interface ConfContent {
  id: string;
  type: 'page' | 'blogpost';
  spaceKey: string;
  title: string;
  status: ContentStatus;
  parentId: string | null;
  authorId: string;
  createdAt: number;
  version: { number: number; createdAt: number; authorId: string; message: string; minorEdit: boolean };
  /** Storage format (XHTML). */
  body: string;
}

export interface ConfSettings {
  /** /ex/confluence/<cloudId>/… on the api.atlassian.com gateway resolves to this site. */
  cloudId: string;
  /** Largest `limit` a listing honours (larger values are cut to it). */
  maxLimit: number;
}

export class ConfluenceState {
  readonly users = new Map<string, ConfUser>();
  readonly tokens = new Map<string, { email: string; revoked?: boolean }>();
  readonly spaces = new Map<string, ConfSpace>();
  readonly content = new Map<string, ConfContent>();
  settings: ConfSettings;
  private base: number;
  private readonly startedAt = Date.now();
  private readonly real: boolean;
  private nextSpaceId = 98300;
  private nextContentId = 3_000_001;

  constructor(opts: { now?: number; clock?: 'frozen' | 'real'; settings?: Partial<ConfSettings> } = {}) {
    this.base = opts.now ?? Date.now();
    this.real = opts.clock !== 'frozen';
    this.settings = { cloudId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', maxLimit: 250, ...opts.settings };
  }

  /** Emulator time in epoch ms. */
  get now(): number {
    return this.real ? this.base + (Date.now() - this.startedAt) : this.base;
  }

  advance(ms: number): void {
    this.base += ms;
  }

  addUser(u: { email: string; displayName: string; token?: string }): ConfUser {
    const user = { accountId: `557058:${(this.users.size + 1).toString().padStart(8, '0')}-aaaa-bbbb-cccc-0123456789ab`, email: u.email, displayName: u.displayName };
    this.users.set(user.accountId, user);
    if (u.token) this.tokens.set(u.token, { email: u.email });
    return user;
  }

  authenticate(email: string, token: string): ConfUser | undefined {
    const t = this.tokens.get(token);
    if (!t || t.revoked || t.email.toLowerCase() !== email.toLowerCase()) return undefined;
    return [...this.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  revokeToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.revoked = true;
  }

  addSpace(s: { key: string; name?: string; members?: string[] }): ConfSpace {
    const space: ConfSpace = { id: String(this.nextSpaceId++), key: s.key, name: s.name ?? s.key, members: s.members ?? [], createdAt: this.now, homepageId: null };
    this.spaces.set(s.key, space);
    return space;
  }

  canView(space: ConfSpace, accountId: string | null): boolean {
    return accountId !== null && space.members.includes(accountId);
  }

  /** Adds a page (or blog post) whose only version was made at `at` (default now). */
  addContent(spaceKey: string, c: { type?: 'page' | 'blogpost'; title?: string; body?: string; at?: number; status?: ContentStatus; parentId?: string | null; authorId?: string } = {}): ConfContent {
    if (!this.spaces.has(spaceKey)) throw new Error(`no space ${spaceKey}`);
    const id = String(this.nextContentId++);
    const at = c.at ?? this.now;
    const author = c.authorId ?? [...this.users.keys()][0] ?? 'unknown';
    const item: ConfContent = {
      id,
      type: c.type ?? 'page',
      spaceKey,
      title: c.title ?? `${c.type === 'blogpost' ? 'Post' : 'Page'} ${id}`,
      status: c.status ?? 'current',
      parentId: c.parentId ?? null,
      authorId: author,
      createdAt: at,
      version: { number: 1, createdAt: at, authorId: author, message: '', minorEdit: false },
      body: c.body ?? `<p>Body of ${id}.</p>`,
    };
    this.content.set(id, item);
    return item;
  }

  /** Adds `count` pages (or posts) modified `stepMs` apart, the last one now. */
  addMany(spaceKey: string, count: number, opts: { type?: 'page' | 'blogpost'; stepMs?: number; start?: number } = {}): ConfContent[] {
    const step = opts.stepMs ?? 60_000;
    const start = opts.start ?? this.now - count * step;
    return Array.from({ length: count }, (_, k) => this.addContent(spaceKey, { type: opts.type, at: start + k * step }));
  }

  private must(id: string): ConfContent {
    const c = this.content.get(id);
    if (!c) throw new Error(`no content ${id}`);
    return c;
  }

  /** Publishes a new version (title and/or body). */
  edit(id: string, patch: { title?: string; body?: string }, at?: number): ConfContent {
    const c = this.must(id);
    if (patch.title !== undefined) c.title = patch.title;
    if (patch.body !== undefined) c.body = patch.body;
    c.version = { ...c.version, number: c.version.number + 1, createdAt: at ?? this.now };
    return c;
  }

  /** Moves to the trash. Trashing makes no new version, so it does not change the modified date. */
  trash(id: string): void {
    this.must(id).status = 'trashed';
  }

  archive(id: string): void {
    this.must(id).status = 'archived';
  }

  /** Deletes for good (purged from the trash). */
  purge(id: string): void {
    this.content.delete(this.must(id).id);
  }
}
