import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMondayEmulator, type MondayBoard, type MondayEmulator } from './monday/server.ts';

let m: MondayEmulator;
let board: MondayBoard;
const TOKEN = 'tok-ann';

beforeEach(async () => {
  m = await startMondayEmulator({ now: '2025-03-03T09:00:00Z' });
  m.state.addUser({ name: 'Ann Lee', token: TOKEN });
  board = m.state.addBoard({ name: 'Roadmap' });
});
afterEach(async () => {
  await m.close();
});

async function gql(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(m.apiUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: TOKEN, 'api-version': '2025-07', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const PAGE = 'query ($b: [ID!], $l: Int!, $qp: ItemsQuery) { boards(ids: $b) { items_page(limit: $l, query_params: $qp) { cursor items { id name updated_at } } } }';
const NEXT = 'query ($c: String!, $l: Int!) { next_items_page(cursor: $c, limit: $l) { cursor items { id } } }';

describe('transport, auth and versions', () => {
  it('takes the token as-is or as Bearer, and answers 401 Not Authenticated otherwise', async () => {
    expect((await gql('{ me { name } }')).body.data).toEqual({ me: { name: 'Ann Lee' } });
    expect((await gql('{ me { name } }', {}, { authorization: `Bearer ${TOKEN}` })).body.data.me.name).toBe('Ann Lee');
    const bad = await gql('{ me { name } }', {}, { authorization: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.body.errors[0].message).toBe('Not Authenticated');
  });

  it('answers 400 without a query, and GraphQL errors as 200 with an errors array', async () => {
    const res = await fetch(m.apiUrl, { method: 'POST', headers: { authorization: TOKEN, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].message).toBe('No query string was present');
    const invalid = await gql('{ boards { id colour } }');
    expect(invalid.status).toBe(200);
    expect(invalid.body.errors[0]).toMatchObject({ message: 'Cannot query field "colour" on type "Board".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(invalid.body.account_id).toBe(m.state.account.id);
  });

  it('echoes the API version it served, the default when none or an unknown one is asked', async () => {
    expect((await gql('{ me { id } }')).headers.get('api-version')).toBe('2025-07');
    expect((await gql('{ me { id } }', {}, { 'api-version': '2019-01' })).headers.get('api-version')).toBe('2025-10');
  });
});

describe('items_page and next_items_page', () => {
  it('pages through every active item once; the last page has a null cursor', async () => {
    m.state.addItems(board.id, 1203);
    const first = await gql(PAGE, { b: [board.id], l: 500 });
    const seen: string[] = first.body.data.boards[0].items_page.items.map((i: any) => i.id);
    let cursor = first.body.data.boards[0].items_page.cursor;
    while (cursor) {
      const next = await gql(NEXT, { c: cursor, l: 500 });
      seen.push(...next.body.data.next_items_page.items.map((i: any) => i.id));
      cursor = next.body.data.next_items_page.cursor;
    }
    expect(seen).toHaveLength(1203);
    expect(new Set(seen).size).toBe(1203);
    const tooMany = await gql(PAGE, { b: [board.id], l: 501 });
    expect(tooMany.body.errors[0].message).toBe('limit must be between 1 and 500');
  });

  it('a cursor expires 60 minutes after the first page', async () => {
    m.state.addItems(board.id, 30);
    const first = await gql(PAGE, { b: [board.id], l: 10 });
    const cursor = first.body.data.boards[0].items_page.cursor;
    m.state.advance(61 * 60_000);
    const late = await gql(NEXT, { c: cursor, l: 10 });
    expect(late.status).toBe(200);
    expect(late.body.errors[0]).toMatchObject({ message: expect.stringContaining('expired'), extensions: { code: 'CursorException' } });
  });

  it('filters on the last updated day with ["EXACT","YYYY-MM-DD"] and rejects a timestamp there', async () => {
    m.state.addItem(board.id, { name: 'old' }, '2025-02-27T23:59:59Z');
    m.state.addItem(board.id, { name: 'new' }, '2025-02-28T00:00:00Z');
    const qp = (v: unknown, operator = 'greater_than_or_equals') => ({ rules: [{ column_id: '__last_updated__', compare_attribute: 'UPDATED_AT', operator, compare_value: v }] });
    const names = async (v: unknown, op?: string) => (await gql(PAGE, { b: [board.id], l: 50, qp: qp(v, op) })).body.data.boards[0].items_page.items.map((i: any) => i.name);
    expect(await names(['EXACT', '2025-02-28'])).toEqual(['new']);
    expect(await names(['EXACT', '2025-02-27'], 'any_of')).toEqual(['old']);
    const iso = await gql(PAGE, { b: [board.id], l: 50, qp: qp(['EXACT', '2025-02-28T00:00:00Z']) });
    expect(iso.body.errors[0].message).toContain('use ["EXACT","YYYY-MM-DD"]');
  });

  it('lists only active items; items(ids) answers every state; purged items are gone', async () => {
    const [a, b, c, d] = m.state.addItems(board.id, 4);
    m.state.archiveItem(a!.id);
    m.state.deleteItem(b!.id);
    m.state.purgeItem(c!.id);
    const page = await gql(PAGE, { b: [board.id], l: 50 });
    expect(page.body.data.boards[0].items_page.items.map((i: any) => i.id)).toEqual([d!.id]);
    const states = await gql('query ($ids: [ID!]) { items(ids: $ids) { id state } }', { ids: [a!.id, b!.id, c!.id, d!.id] });
    expect(states.body.data.items).toEqual([
      { id: a!.id, state: 'archived' },
      { id: b!.id, state: 'deleted' },
      { id: d!.id, state: 'active' },
    ]);
    const active = await gql('query ($ids: [ID!]) { items(ids: $ids, exclude_nonactive: true) { id } }', { ids: [a!.id, d!.id] });
    expect(active.body.data.items).toEqual([{ id: d!.id }]);
  });

  it('boards(ids) leaves out boards that do not exist or the user cannot see', async () => {
    const hidden = m.state.addBoard({ name: 'Secret', visibleTo: ['nobody'] });
    const res = await gql('query ($b: [ID!]) { boards(ids: $b) { id name } }', { b: [board.id, hidden.id, '123'] });
    expect(res.body).toMatchObject({ data: { boards: [{ id: board.id, name: 'Roadmap' }] } });
    expect(res.body.errors).toBeUndefined();
  });

  it('column values, groups and updates as text; an update bumps updated_at', async () => {
    const item = m.state.addItem(board.id, { name: 'Ship it', values: { status: 2, text: 'Waiting on legal' } }, '2025-03-01T00:00:00Z');
    m.state.postUpdate(item.id, '<p>Legal <b>approved</b></p>');
    const res = await gql('query ($ids: [ID!]) { items(ids: $ids) { updated_at group { title } column_values(ids: ["status", "text"]) { id text ... on StatusValue { label index } } updates { text_body } } }', { ids: [item.id] });
    expect(res.body.data.items[0]).toEqual({
      updated_at: '2025-03-03T09:00:00Z',
      group: { title: 'Backlog' },
      column_values: [
        { id: 'status', text: 'Stuck', label: 'Stuck', index: 2 },
        { id: 'text', text: 'Waiting on legal' },
      ],
      updates: [{ text_body: 'Legal approved' }],
    });
  });
});

describe('limits', () => {
  it('reports complexity and answers COMPLEXITY_BUDGET_EXHAUSTED (200, Retry-After) when the minute budget is used up', async () => {
    m.state.addItems(board.id, 10);
    m.state.settings.complexityBudget = 500;
    const q = `query ($b: [ID!]) { complexity { before after query reset_in_x_seconds } boards(ids: $b) { items_page(limit: 100) { items { id name } } } }`;
    const ok = await gql(q, { b: [board.id] });
    const c = ok.body.data.complexity;
    expect(c).toMatchObject({ before: 500, reset_in_x_seconds: 60 });
    expect(c.query).toBeGreaterThan(250);
    expect(c.after).toBe(500 - c.query);
    const spent = await gql(q, { b: [board.id] });
    expect(spent.status).toBe(200);
    expect(spent.headers.get('retry-after')).toBe('60');
    expect(spent.body.errors).toEqual([{ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 60 } }]);
    // Older versions add the budget fields.
    const legacy = await gql(q, { b: [board.id] }, { 'api-version': '2025-01' });
    expect(legacy.body.errors[0].extensions).toMatchObject({ complexity: c.query, complexity_budget_limit: 500, status_code: 429 });
    m.state.advance(60_000);
    expect((await gql(q, { b: [board.id] })).body.data.complexity.before).toBe(500);
  });

  it('the minute limit answers 429 RATE_LIMIT_EXCEEDED with Retry-After and retry_in_seconds', async () => {
    m.state.settings.minuteLimit = 2;
    await gql('{ me { id } }');
    await gql('{ me { id } }');
    const limited = await gql('{ me { id } }');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.body.errors[0]).toMatchObject({ message: 'Rate Limit Exceeded', extensions: { code: 'RATE_LIMIT_EXCEEDED', retry_in_seconds: 60 } });
  });

  it('injected faults speak the monday error format', async () => {
    m.faults.failNext(1, { status: 502 });
    const res = await gql('{ me { id } }');
    expect(res).toMatchObject({ status: 502, body: { errors: [{ message: 'Bad Gateway', extensions: { status_code: 502 } }] } });
  });
});
