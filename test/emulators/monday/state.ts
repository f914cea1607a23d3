/**
 * The monday.com emulator's mutable data: one account, users and their API
 * tokens, boards with groups and columns, items with column values and
 * updates, items_page cursors, the per-minute complexity budget and the
 * emulator clock. Tests drive it directly: add items, change them (stamps
 * `updated_at`), post updates, archive or delete items, move the clock.
 */
export type Timestamp = Date | string | number;

export interface MondayUser {
  id: string;
  name: string;
  email: string;
}

export interface MondayColumn {
  id: string;
  title: string;
  type: 'text' | 'long_text' | 'status' | 'date' | 'people' | 'numbers';
  /** Status labels by index. */
  labels?: Record<number, string>;
}

export interface MondayUpdate {
  id: string;
  body: string;
  creatorId: string;
  created_at: string;
}

export interface MondayItem {
  id: string;
  boardId: string;
  groupId: string;
  name: string;
  state: 'active' | 'archived' | 'deleted';
  creatorId: string;
  created_at: string;
  updated_at: string;
  /** Column id → raw value (text, status index, date YYYY-MM-DD, people ids, number). */
  values: Record<string, string | number | string[] | null>;
  updates: MondayUpdate[];
}

export interface MondayBoard {
  id: string;
  name: string;
  state: 'active' | 'archived' | 'deleted';
  groups: { id: string; title: string; color: string }[];
  columns: MondayColumn[];
  /** Users who may see the board; empty = everyone in the account. */
  visibleTo: string[];
}

export interface Cursor {
  boardId: string;
  /** Item ids of the result set, in order, fixed when the cursor was created. */
  ids: string[];
  pos: number;
  createdAt: number;
}

export interface MondaySettings {
  /** Per-minute complexity budget per token (personal tokens: 10M; trial/free: 1M). */
  complexityBudget: number;
  /** Length of the complexity budget window, ms (60 s; tests shorten it). */
  complexityWindowMs: number;
  /** Most complexity points one query may cost. */
  maxQueryComplexity: number;
  /** Requests per minute per account before RATE_LIMIT_EXCEEDED. */
  minuteLimit: number;
  /** How long an items_page cursor stays valid, ms (60 minutes). */
  cursorTtlMs: number;
  /** HTTP status of COMPLEXITY_BUDGET_EXHAUSTED: 200 (GraphQL error) or 429. */
  complexityStatus: 200 | 429;
  /** API versions the emulator answers; the first is the default. */
  apiVersions: string[];
}

function iso(t: Timestamp): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class MondayState {
  readonly account = { id: '4521190', name: 'Acme Corp', slug: 'acme', tier: 'pro' };
  readonly users = new Map<string, MondayUser>();
  readonly tokens = new Map<string, { userId: string; revoked: boolean }>();
  readonly boards = new Map<string, MondayBoard>();
  readonly items = new Map<string, MondayItem>();
  readonly cursors = new Map<string, Cursor>();
  readonly settings: MondaySettings;
  /** Complexity spent per token in the current window, and when the window started. */
  readonly budgets = new Map<string, { used: number; windowStart: number }>();
  readonly minute = { count: 0, windowStart: 0 };
  /**
   * Lets a test answer one operation itself (after authentication), e.g. an
   * exhausted budget on the second page only. Return undefined to go on normally.
   */
  intercept: ((op: { query: string; variables: Record<string, unknown> }) => { status: number; body: unknown; headers?: Record<string, string> } | undefined) | null = null;
  /** Every authenticated GraphQL request: query text and variables (tests assert what clients asked). */
  readonly operations: { query: string; variables: Record<string, unknown> }[] = [];
  private clockBase: number;
  private readonly realStart: number | null;
  private nextId = 1_800_000_000;

  constructor(opts: { now?: Timestamp; clock?: 'frozen' | 'real'; settings?: Partial<MondaySettings> } = {}) {
    this.clockBase = Math.floor((opts.now === undefined ? Date.now() : new Date(opts.now).getTime()) / 1000) * 1000;
    this.realStart = opts.clock === 'real' ? Date.now() : null;
    this.settings = {
      complexityBudget: 10_000_000,
      complexityWindowMs: 60_000,
      maxQueryComplexity: 5_000_000,
      minuteLimit: 5000,
      cursorTtlMs: 60 * 60_000,
      complexityStatus: 200,
      apiVersions: ['2025-10', '2025-07', '2025-04', '2025-01'],
      ...opts.settings,
    };
  }

  get now(): Date {
    return new Date(this.clockBase + (this.realStart === null ? 0 : Date.now() - this.realStart));
  }

  advance(ms: number): void {
    this.clockBase += ms;
  }

  id(): string {
    return String(this.nextId++);
  }

  addUser(u: { name: string; email?: string; token?: string }): MondayUser {
    const user: MondayUser = { id: this.id(), name: u.name, email: u.email ?? `${u.name.toLowerCase().replace(/\s+/g, '.')}@acme.com` };
    this.users.set(user.id, user);
    if (u.token) this.tokens.set(u.token, { userId: user.id, revoked: false });
    return user;
  }

  addBoard(b: { name: string; visibleTo?: string[]; columns?: MondayColumn[]; groups?: string[] }): MondayBoard {
    const board: MondayBoard = {
      id: this.id(),
      name: b.name,
      state: 'active',
      visibleTo: b.visibleTo ?? [],
      groups: (b.groups ?? ['Backlog', 'In progress', 'Done']).map((title, i) => ({ id: `group_${i}_${title.toLowerCase().replace(/\W+/g, '_')}`, title, color: ['#579bfc', '#fdab3d', '#00c875'][i % 3]! })),
      columns: b.columns ?? [
        { id: 'status', title: 'Status', type: 'status', labels: { 0: 'Working on it', 1: 'Done', 2: 'Stuck', 5: '' } },
        { id: 'person', title: 'Owner', type: 'people' },
        { id: 'date4', title: 'Due date', type: 'date' },
        { id: 'text', title: 'Notes', type: 'long_text' },
        { id: 'numbers', title: 'Estimate', type: 'numbers' },
      ],
    };
    this.boards.set(board.id, board);
    return board;
  }

  /** Adds an item (at `at`, default the clock) to a board's first group unless `groupId` says otherwise. */
  addItem(boardId: string, i: { name: string; groupId?: string; creatorId?: string; values?: MondayItem['values'] }, at?: Timestamp): MondayItem {
    const board = this.boards.get(boardId)!;
    const stamp = iso(at ?? this.now);
    const item: MondayItem = { id: this.id(), boardId, groupId: i.groupId ?? board.groups[0]!.id, name: i.name, state: 'active', creatorId: i.creatorId ?? [...this.users.keys()][0] ?? '1', created_at: stamp, updated_at: stamp, values: i.values ?? {}, updates: [] };
    this.items.set(item.id, item);
    return item;
  }

  /** Adds `n` items updated `stepSeconds` apart, the last at `end` (default the clock). */
  addItems(boardId: string, n: number, opts: { end?: Timestamp; stepSeconds?: number; values?: (i: number) => Partial<MondayItem> } = {}): MondayItem[] {
    const end = new Date(opts.end ?? this.now).getTime();
    const step = (opts.stepSeconds ?? 60) * 1000;
    const out: MondayItem[] = [];
    for (let k = 0; k < n; k++) {
      const extra = opts.values?.(k) ?? {};
      const item = this.addItem(boardId, { name: extra.name ?? `Task ${k + 1}`, groupId: extra.groupId, values: extra.values ?? { status: k % 3, text: `Details of task ${k + 1}`, numbers: k } }, end - (n - 1 - k) * step);
      out.push(item);
    }
    return out;
  }

  /** Changes an item and stamps updated_at with the clock. */
  updateItem(id: string, change: Partial<Pick<MondayItem, 'name' | 'groupId' | 'boardId'>> & { values?: MondayItem['values'] }): MondayItem {
    const item = this.items.get(id)!;
    if (change.name !== undefined) item.name = change.name;
    if (change.groupId !== undefined) item.groupId = change.groupId;
    if (change.boardId !== undefined) item.boardId = change.boardId;
    if (change.values) Object.assign(item.values, change.values);
    item.updated_at = iso(this.now);
    return item;
  }

  /** Posts an update (comment) on an item; it bumps the item's updated_at. */
  postUpdate(itemId: string, body: string, creatorId?: string): MondayUpdate {
    const item = this.items.get(itemId)!;
    const u: MondayUpdate = { id: this.id(), body, creatorId: creatorId ?? item.creatorId, created_at: iso(this.now) };
    item.updates.unshift(u);
    item.updated_at = u.created_at;
    return u;
  }

  archiveItem(id: string): void {
    const item = this.items.get(id)!;
    item.state = 'archived';
    item.updated_at = iso(this.now);
  }

  deleteItem(id: string): void {
    const item = this.items.get(id)!;
    item.state = 'deleted';
    item.updated_at = iso(this.now);
  }

  /** Removes an item for good (past the recycle bin): `items(ids)` no longer returns it. */
  purgeItem(id: string): void {
    this.items.delete(id);
  }

  /** Items of a board in board order (creation order). */
  boardItems(boardId: string): MondayItem[] {
    return [...this.items.values()].filter((i) => i.boardId === boardId);
  }
}
