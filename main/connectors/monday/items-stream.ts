import { KinexusError } from '../../../shared/errors.ts';
import type { Batch, ConnectorContext, StreamSpec } from '../types.ts';
import { COMPLEXITY, CursorExpiredError, mondayQuery } from './graphql.ts';
import { ITEM_FIELDS, mapItem, type MondayItem } from './map.ts';
import type { MondaySettings } from './spec.ts';

type Ctx = ConnectorContext<MondaySettings>;

const PAGE = 500;
/** monday keeps a cursor 60 minutes from the first page; a little less leaves room for the request in flight. */
const CURSOR_TTL_MS = 55 * 60_000;
/** Items changed this long before the last listing started are read again, to absorb clock skew. */
const OVERLAP_MS = 5 * 60_000;
/** Archived, deleted or moved items do not show in items_page: a census of the boards finds them, hourly. */
const CENSUS_EVERY_MS = 60 * 60_000;

const FIRST_PAGE = `query ($board: [ID!], $limit: Int!, $qp: ItemsQuery) { ${COMPLEXITY} boards(ids: $board) { id name items_page(limit: $limit, query_params: $qp) { cursor items { ${ITEM_FIELDS} } } } }`;
const NEXT_PAGE = `query ($cursor: String!, $limit: Int!) { ${COMPLEXITY} next_items_page(cursor: $cursor, limit: $limit) { cursor items { ${ITEM_FIELDS} } } }`;
const IDS_FIRST = `query ($board: [ID!], $limit: Int!) { ${COMPLEXITY} boards(ids: $board) { id items_page(limit: $limit) { cursor items { id } } } }`;
const IDS_NEXT = `query ($cursor: String!, $limit: Int!) { ${COMPLEXITY} next_items_page(cursor: $cursor, limit: $limit) { cursor items { id } } }`;
const STATES = `query ($ids: [ID!]) { ${COMPLEXITY} items(ids: $ids) { id state board { id } } }`;

interface Page {
  cursor: string | null;
  items: MondayItem[];
}

interface BoardState {
  name: string | null;
  /** Start of the last complete listing: items updated from then on are read again. */
  watermark: string | null;
  /** Cursor of a listing that has not finished, and when that listing started. */
  cursor: string | null;
  cursorAt: string | null;
  /** The watermark the unfinished listing will set when it completes. */
  pending: string | null;
}

interface ItemsState {
  boards: Record<string, BoardState>;
  census: { lastAt: string | null };
}

function initial(state: unknown): ItemsState {
  const s = state as Partial<ItemsState> | null;
  return { boards: structuredClone(s?.boards ?? {}), census: { lastAt: s?.census?.lastAt ?? null } };
}

const iso = (ms: number) => new Date(ms).toISOString();
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function boardMissing(id: string): KinexusError {
  return new KinexusError('config', `monday.com board ${id} was not found, or this API token cannot see it.`, { action: `Open the monday.com settings and fix or remove board ${id}, or share the board with the token's user` });
}

/**
 * One board: items_page(limit 500) then next_items_page until the cursor is
 * null. The first listing reads everything; later ones filter on the last
 * updated date (a day earlier, as monday compares dates in the account's time
 * zone) and keep what changed since the previous listing started. A saved
 * cursor older than its lifetime restarts the board from its watermark.
 */
async function* listBoard(ctx: Ctx, boardId: string, st: ItemsState): AsyncGenerator<Batch> {
  const b: BoardState = (st.boards[boardId] ??= { name: null, watermark: null, cursor: null, cursorAt: null, pending: null });
  if (b.cursor && (!b.cursorAt || ctx.now().getTime() - Date.parse(b.cursorAt) > CURSOR_TTL_MS)) {
    ctx.log('info', `Board ${b.name ?? boardId}: the saved cursor has expired; reading the board again from the last complete sync`);
    b.cursor = null;
  }
  for (;;) {
    let page: Page;
    if (b.cursor) {
      try {
        page = (await mondayQuery<{ next_items_page: Page }>(ctx, NEXT_PAGE, { cursor: b.cursor, limit: PAGE })).data.next_items_page;
      } catch (err) {
        if (!(err instanceof CursorExpiredError)) throw err;
        ctx.log('info', `Board ${b.name ?? boardId}: monday.com no longer knows the cursor (${err.message}); reading the board again from the last complete sync`);
        b.cursor = null;
        continue;
      }
    } else {
      const qp = b.watermark ? { rules: [{ column_id: '__last_updated__', compare_attribute: 'UPDATED_AT', operator: 'greater_than_or_equals', compare_value: ['EXACT', utcDay(Date.parse(b.watermark) - 86_400_000)] }] } : null;
      const { data, date } = await mondayQuery<{ boards: ({ id: string; name: string; items_page: Page } | null)[] }>(ctx, FIRST_PAGE, { board: [boardId], limit: PAGE, qp });
      const board = data.boards?.find((x) => x?.id === boardId);
      if (!board) throw boardMissing(boardId);
      b.name = board.name;
      b.pending = iso(date - 60_000);
      b.cursorAt = iso(ctx.now().getTime());
      page = board.items_page;
    }
    const since = b.watermark ? Date.parse(b.watermark) - OVERLAP_MS : null;
    const items = page.items.filter((i) => (i.state ?? 'active') === 'active' && (since === null || !i.updated_at || Date.parse(i.updated_at) >= since));
    b.cursor = page.cursor ?? null;
    if (!b.cursor) {
      b.watermark = b.pending;
      b.pending = null;
      b.cursorAt = null;
    }
    yield { records: items.map((i) => mapItem({ id: boardId, name: b.name ?? boardId }, i)), state: structuredClone(st) };
    if (!b.cursor) return;
  }
}

/** Ids of every active item on a board. */
async function activeIds(ctx: Ctx, boardId: string): Promise<string[] | null> {
  const first = await mondayQuery<{ boards: { id: string; items_page: Page }[] }>(ctx, IDS_FIRST, { board: [boardId], limit: PAGE });
  const board = first.data.boards?.find((x) => x?.id === boardId);
  if (!board) return null;
  const ids = board.items_page.items.map((i) => i.id);
  let cursor = board.items_page.cursor;
  while (cursor) {
    const next = (await mondayQuery<{ next_items_page: Page }>(ctx, IDS_NEXT, { cursor, limit: PAGE })).data.next_items_page;
    ids.push(...next.items.map((i) => i.id));
    cursor = next.cursor;
  }
  return ids;
}

/**
 * Items the mirror holds that no configured board lists any more, checked
 * with `items(ids)` (which answers every state): archived, deleted, purged or
 * moved to a board that is not mirrored → deleted records.
 */
async function* census(ctx: Ctx, st: ItemsState): AsyncGenerator<Batch> {
  const now = ctx.now().getTime();
  if (st.census.lastAt === null || now - Date.parse(st.census.lastAt) < CENSUS_EVERY_MS) {
    if (st.census.lastAt === null) {
      st.census.lastAt = iso(now);
      yield { records: [], state: structuredClone(st) };
    }
    return;
  }
  const boards = ctx.settings.boardIds;
  const seen = new Set<string>();
  for (const boardId of boards) {
    const ids = await activeIds(ctx, boardId);
    if (!ids) throw boardMissing(boardId);
    for (const id of ids) seen.add(id);
  }
  const candidates = (ctx.knownIds?.() ?? []).filter((id) => !seen.has(id));
  const gone: string[] = [];
  for (let i = 0; i < candidates.length; i += 100) {
    const chunk = candidates.slice(i, i + 100);
    const { data } = await mondayQuery<{ items: { id: string; state: string; board?: { id: string } | null }[] }>(ctx, STATES, { ids: chunk });
    const found = new Map((data.items ?? []).map((x) => [x.id, x]));
    for (const id of chunk) {
      const it = found.get(id);
      if (!it || it.state !== 'active' || !it.board || !boards.includes(it.board.id)) gone.push(id);
    }
  }
  st.census.lastAt = iso(now);
  ctx.log('info', `Census: ${seen.size} active items on ${boards.length} boards; ${gone.length} archived, deleted or moved away`);
  yield { records: [], deletedIds: gone, state: structuredClone(st) };
}

async function* readItems(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial(state);
  const problems: KinexusError[] = [];
  for (const boardId of ctx.settings.boardIds) {
    try {
      yield* listBoard(ctx, boardId, st);
    } catch (err) {
      if (err instanceof KinexusError && err.code === 'config') {
        ctx.log('error', err.message, { board: boardId });
        problems.push(err);
        continue;
      }
      throw err;
    }
  }
  if (problems.length > 0) throw problems[0];
  yield* census(ctx, st);
}

/** The one stream of the monday.com connector: items of the configured boards. */
export const mondayStreams: StreamSpec<MondaySettings>[] = [{ name: 'items', title: 'Board items', kind: 'item', read: readItems }];
