/**
 * Resolvers of the monday.com emulator. What they model (from the Items page,
 * Other types, Items, Boards and Updates pages of developer.monday.com):
 *  - boards(ids, state = active): boards the user may see; unknown or hidden
 *    ids are simply missing from the list (no error).
 *  - items_page(limit ≤ 500, cursor, query_params): active items only (archived
 *    and deleted items are not on the board); rules on `__last_updated__` /
 *    `__creation_log__` with compare_attribute and compare_value ["EXACT",
 *    "YYYY-MM-DD"] (or ["TODAY"], ["YESTERDAY"]) and operators any_of,
 *    greater_than(_or_equals), lower_than(_or_equal), between; status columns by
 *    label index with any_of / not_any_of; order_by those columns. A cursor
 *    fixes the result set; it lives 60 minutes from the first page.
 *  - next_items_page(cursor, limit): the next page; an unknown or expired cursor
 *    is an error.
 *  - items(ids ≤ 100, exclude_nonactive): items in every state (state active,
 *    archived or deleted) unless excluded; purged items are gone.
 *  - column_values with typed implementations, updates newest first with text_body.
 * Approximations: dates compare in UTC (monday uses the account time zone);
 * the error codes and texts of invalid arguments and cursors.
 */
import { GraphQLError } from 'graphql';
import type { MondayBoard, MondayItem, MondayState, MondayUser } from './state.ts';

export interface ResolverContext {
  state: MondayState;
  user: MondayUser;
}

interface Rule {
  column_id: string;
  compare_attribute?: string | null;
  compare_value: unknown;
  operator?: string;
}

function argError(message: string, code = 'INVALID_ARGUMENT'): GraphQLError {
  return new GraphQLError(message, { extensions: { code, status_code: 400, error_data: {} } });
}

function visible(b: MondayBoard, user: MondayUser): boolean {
  return b.state !== 'deleted' && (b.visibleTo.length === 0 || b.visibleTo.includes(user.id));
}

const DAY = 86_400_000;

/** Reads ["EXACT","YYYY-MM-DD"] / ["TODAY"] / ["YESTERDAY"] into day starts (UTC ms). */
function dateBounds(v: unknown, now: Date): number[] {
  if (!Array.isArray(v)) throw argError('compare_value of a date filter must be a list such as ["EXACT","2025-03-01"]');
  const out: number[] = [];
  const today = Math.floor(now.getTime() / DAY) * DAY;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === 'TODAY') out.push(today);
    else if (x === 'YESTERDAY') out.push(today - DAY);
    else if (x === 'EXACT') {
      const d = v[++i];
      if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) {
        throw argError(`Invalid date "${String(d)}" in compare_value: use ["EXACT","YYYY-MM-DD"]`);
      }
      out.push(Date.parse(`${d}T00:00:00Z`));
    } else throw argError(`Invalid compare_value ${JSON.stringify(v)} for a date filter`);
  }
  if (out.length === 0) throw argError('compare_value of a date filter is empty');
  return out;
}

function matchRule(item: MondayItem, board: MondayBoard, rule: Rule, now: Date): boolean {
  const op = rule.operator ?? 'any_of';
  if (rule.column_id === '__last_updated__' || rule.column_id === '__creation_log__') {
    const wantAttr = rule.column_id === '__last_updated__' ? 'UPDATED_AT' : 'CREATED_AT';
    if (rule.compare_attribute && rule.compare_attribute !== wantAttr) throw argError(`compare_attribute ${rule.compare_attribute} is not valid for ${rule.column_id}`);
    const t = Date.parse(rule.column_id === '__last_updated__' ? item.updated_at : item.created_at);
    const day = Math.floor(t / DAY) * DAY;
    const d = dateBounds(rule.compare_value, now);
    switch (op) {
      case 'any_of':
        return d.includes(day);
      case 'not_any_of':
        return !d.includes(day);
      case 'greater_than':
        return day > d[0]!;
      case 'greater_than_or_equals':
        return day >= d[0]!;
      case 'lower_than':
        return day < d[0]!;
      case 'lower_than_or_equal':
        return day <= d[0]!;
      case 'between':
        if (d.length !== 2) throw argError('between needs two dates');
        return day >= d[0]! && day <= d[1]!;
      default:
        throw argError(`Operator ${op} is not supported for ${rule.column_id}`);
    }
  }
  const col = board.columns.find((c) => c.id === rule.column_id);
  if (!col) throw argError(`Column ${rule.column_id} does not exist on board ${board.id}`, 'INVALID_COLUMN_ID');
  const raw = item.values[col.id];
  const values = (Array.isArray(rule.compare_value) ? rule.compare_value : [rule.compare_value]).map(String);
  switch (op) {
    case 'any_of':
      return values.includes(String(raw ?? ''));
    case 'not_any_of':
      return !values.includes(String(raw ?? ''));
    case 'is_empty':
      return raw === null || raw === undefined || raw === '';
    case 'is_not_empty':
      return !(raw === null || raw === undefined || raw === '');
    case 'contains_text':
      return String(raw ?? '').toLowerCase().includes(values[0]!.toLowerCase());
    default:
      throw argError(`Operator ${op} is not supported by the emulator for ${col.type} columns`);
  }
}

function itemsFor(ctx: ResolverContext, board: MondayBoard, qp: { ids?: string[]; rules?: Rule[]; operator?: string; order_by?: { column_id: string; direction?: string }[] } | null): MondayItem[] {
  let items = ctx.state.boardItems(board.id).filter((i) => i.state === 'active');
  if (qp?.ids) {
    if (qp.ids.length > 100) throw argError('query_params.ids takes at most 100 ids');
    items = items.filter((i) => qp.ids!.includes(i.id));
  }
  if (qp?.rules?.length) {
    const now = ctx.state.now;
    items = items.filter((i) => (qp.operator === 'or' ? qp.rules!.some((r) => matchRule(i, board, r, now)) : qp.rules!.every((r) => matchRule(i, board, r, now))));
  }
  for (const o of [...(qp?.order_by ?? [])].reverse()) {
    const key = (i: MondayItem) => (o.column_id === '__last_updated__' ? i.updated_at : o.column_id === '__creation_log__' ? i.created_at : String(i.values[o.column_id] ?? ''));
    if (!o.column_id.startsWith('__') && !board.columns.some((c) => c.id === o.column_id)) throw argError(`Column ${o.column_id} does not exist on board ${board.id}`, 'INVALID_COLUMN_ID');
    const sign = o.direction === 'desc' ? -1 : 1;
    items = [...items].sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
  }
  return items;
}

function page(ctx: ResolverContext, boardId: string, ids: string[], pos: number, limit: number, createdAt: number) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw argError('limit must be between 1 and 500');
  const out: MondayItem[] = [];
  let p = pos;
  while (p < ids.length && out.length < limit) {
    const it = ctx.state.items.get(ids[p++]!);
    if (it && it.state === 'active') out.push(it);
  }
  let cursor: string | null = null;
  if (p < ids.length) {
    cursor = `MSw${Buffer.from(`${boardId}:${p}:${Math.random().toString(36).slice(2)}`).toString('base64url')}`;
    ctx.state.cursors.set(cursor, { boardId, ids, pos: p, createdAt });
  }
  return { cursor, items: out.map((i) => itemObject(ctx, i)) };
}

function stripHtml(s: string): string {
  return s.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').trim();
}

const TYPENAMES: Record<string, string> = { text: 'TextValue', long_text: 'LongTextValue', status: 'StatusValue', date: 'DateValue', people: 'PeopleValue', numbers: 'NumbersValue' };

function columnValue(ctx: ResolverContext, board: MondayBoard, item: MondayItem, col: MondayBoard['columns'][number]) {
  const raw = item.values[col.id];
  let text: string | null = null;
  let value: string | null = null;
  if (raw !== null && raw !== undefined && raw !== '') {
    if (col.type === 'status') {
      text = col.labels?.[Number(raw)] ?? null;
      value = JSON.stringify({ index: Number(raw), post_id: null, changed_at: item.updated_at });
    } else if (col.type === 'people') {
      const ids = Array.isArray(raw) ? raw : [String(raw)];
      text = ids.map((id) => ctx.state.users.get(id)?.name ?? '').filter(Boolean).join(', ');
      value = JSON.stringify({ personsAndTeams: ids.map((id) => ({ id: Number(id), kind: 'person' })) });
    } else if (col.type === 'date') {
      text = String(raw);
      value = JSON.stringify({ date: String(raw), changed_at: item.updated_at });
    } else if (col.type === 'long_text') {
      text = String(raw);
      value = JSON.stringify({ text: String(raw), changed_at: item.updated_at });
    } else {
      text = String(raw);
      value = JSON.stringify(col.type === 'numbers' ? String(raw) : raw);
    }
  }
  return {
    __typename: TYPENAMES[col.type],
    id: col.id,
    type: col.type,
    text,
    value,
    column: { id: col.id, title: col.title, type: col.type },
    label: col.type === 'status' ? text : undefined,
    index: col.type === 'status' && raw !== null && raw !== undefined ? Number(raw) : undefined,
    date: col.type === 'date' ? (raw ?? null) : undefined,
    number: col.type === 'numbers' && raw !== null && raw !== undefined ? Number(raw) : undefined,
  };
}

function userObject(ctx: ResolverContext, u: MondayUser | undefined) {
  return u ? { id: u.id, name: u.name, email: u.email, enabled: true, account: ctx.state.account } : null;
}

function itemObject(ctx: ResolverContext, item: MondayItem) {
  const board = ctx.state.boards.get(item.boardId)!;
  return {
    id: item.id,
    name: item.name,
    state: item.state,
    created_at: item.created_at,
    updated_at: item.updated_at,
    url: `https://${ctx.state.account.slug}.monday.com/boards/${board.id}/pulses/${item.id}`,
    relative_link: `/boards/${board.id}/pulses/${item.id}`,
    creator_id: item.creatorId,
    creator: () => userObject(ctx, ctx.state.users.get(item.creatorId)),
    board: () => boardObject(ctx, board),
    group: () => board.groups.find((g) => g.id === item.groupId) ?? null,
    column_values: (a: { ids?: string[]; types?: string[] }) =>
      board.columns.filter((c) => (!a.ids || a.ids.includes(c.id)) && (!a.types || a.types.includes(c.type))).map((c) => columnValue(ctx, board, item, c)),
    updates: (a: { limit: number; page: number }) =>
      item.updates.slice((a.page - 1) * a.limit, a.page * a.limit).map((u) => ({ id: u.id, body: u.body, text_body: stripHtml(u.body), created_at: u.created_at, updated_at: u.created_at, creator_id: u.creatorId, creator: userObject(ctx, ctx.state.users.get(u.creatorId)), item_id: item.id })),
  };
}

function boardObject(ctx: ResolverContext, b: MondayBoard) {
  return {
    id: b.id,
    name: b.name,
    state: b.state,
    board_kind: 'public',
    url: `https://${ctx.state.account.slug}.monday.com/boards/${b.id}`,
    items_count: ctx.state.boardItems(b.id).filter((i) => i.state === 'active').length,
    groups: () => b.groups,
    columns: () => b.columns.map((c) => ({ id: c.id, title: c.title, type: c.type })),
    items_page: (a: { limit: number; cursor?: string | null; query_params?: Parameters<typeof itemsFor>[2] }) => {
      if (a.cursor) return nextPage(ctx, a.cursor, a.limit);
      const ids = itemsFor(ctx, b, a.query_params ?? null).map((i) => i.id);
      return page(ctx, b.id, ids, 0, a.limit, ctx.state.now.getTime());
    },
  };
}

function nextPage(ctx: ResolverContext, cursor: string, limit: number) {
  const c = ctx.state.cursors.get(cursor);
  if (!c) throw new GraphQLError('CursorException: the cursor is invalid', { extensions: { code: 'CursorException', status_code: 400, error_data: { cursor } } });
  if (ctx.state.now.getTime() - c.createdAt > ctx.state.settings.cursorTtlMs) {
    ctx.state.cursors.delete(cursor);
    throw new GraphQLError('CursorException: the cursor has expired; cursors are valid for 60 minutes', { extensions: { code: 'CursorException', status_code: 400, error_data: { cursor } } });
  }
  ctx.state.cursors.delete(cursor);
  return page(ctx, c.boardId, c.ids, c.pos, limit, c.createdAt);
}

/** The root value: one function per Query field. */
export function rootValue(complexity: { before: number; after: number; query: number; reset_in_x_seconds: number }) {
  return {
    me: (_a: unknown, ctx: ResolverContext) => userObject(ctx, ctx.user),
    account: (_a: unknown, ctx: ResolverContext) => ctx.state.account,
    complexity: () => complexity,
    boards: (a: { ids?: string[]; limit?: number; page?: number; state: string }, ctx: ResolverContext) => {
      let boards = [...ctx.state.boards.values()].filter((b) => visible(b, ctx.user) && (a.state === 'all' || b.state === a.state));
      if (a.ids) boards = boards.filter((b) => a.ids!.includes(b.id));
      const limit = a.limit ?? 25;
      const p = a.page ?? 1;
      return boards.slice((p - 1) * limit, p * limit).map((b) => boardObject(ctx, b));
    },
    items: (a: { ids?: string[]; exclude_nonactive?: boolean }, ctx: ResolverContext) => {
      if (!a.ids || a.ids.length === 0) throw argError('items needs ids; use items_page to list the items of a board');
      if (a.ids.length > 100) throw argError('You cannot query more than 100 items at a time');
      return a.ids
        .map((id) => ctx.state.items.get(id))
        .filter((i): i is MondayItem => !!i && visible(ctx.state.boards.get(i.boardId)!, ctx.user) && (!a.exclude_nonactive || i.state === 'active'))
        .map((i) => itemObject(ctx, i));
    },
    next_items_page: (a: { cursor: string; limit: number }, ctx: ResolverContext) => nextPage(ctx, a.cursor, a.limit),
  };
}
