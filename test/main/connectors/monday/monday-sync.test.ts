import { afterEach, describe, expect, it } from 'vitest';
import { everythingStoredAndShown } from '../../../helpers/test-core.ts';
import { countByBoard, mondayFixture, syncNow, TOKEN, type MondayFixture } from './fixture.ts';

let fx: MondayFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function record(fx: MondayFixture, id: string) {
  return fx.core.db.prepare('SELECT kind, title, status, author, url, updated_at AS updatedAt, text, container FROM records WHERE external_id = ?').get(id) as Record<string, string> | undefined;
}

/** The GraphQL operations the emulator saw. */
function operations(fx: MondayFixture): string[] {
  return fx.m.state.operations.map((o) => o.query);
}

describe('monday.com sync end to end against the emulator', () => {
  it('mirrors every item of every board through items_page and next_items_page', async () => {
    fx = await mondayFixture({ items: [1200, 30] });
    const item = fx.m.state.boardItems(fx.boards[0]!.id)[4]!;
    fx.m.state.postUpdate(item.id, '<p>Blocked on the <b>API review</b></p>', [...fx.m.state.users.keys()][1]);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 1200, 'Board 2': 30 });
    expect(run.counts).toMatchObject({ added: 1230, updated: 0, failed: 0 });
    // 1200 items: 500 + 500 + 200; 30 items: one page.
    expect(run.requests).toBe(4);
    expect(operations(fx)).toHaveLength(4);
    for (const e of fx.m.requests.entries) {
      expect(e.headers.authorization).toBe(TOKEN);
      expect(e.headers['api-version']).toBe('2025-07');
    }
    expect(record(fx, item.id)).toMatchObject({
      kind: 'item',
      title: 'Product roadmap task 5',
      status: 'Done',
      author: 'Ann Lee',
      url: `https://acme.monday.com/boards/${fx.boards[0]!.id}/pulses/${item.id}`,
      container: 'Product roadmap',
    });
    const text = record(fx, item.id)!.text;
    expect(text).toContain('Group: In progress');
    expect(text).toContain('Owner: Ann Lee');
    expect(text).toContain('Notes: Notes for task 5');
    expect(text).toMatch(/Update by Bob Stone \(2025-03-03T09:00:00Z\): Blocked on the API review/);
    const hits = await fx.core.invoke('records.search', { q: 'api review' });
    expect(hits.hits.map((h) => h.externalId)).toEqual([item.id]);
    console.log(`monday: full sync of 1230 items on 2 boards used ${run.requests} requests`);
  });

  it('an incremental sync with no changes adds and updates nothing, one request per board', async () => {
    fx = await mondayFixture({ items: [700, 30] });
    await syncNow(fx.core, fx.id);
    fx.m.requests.clear();
    fx.m.state.advance(10 * 60_000);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(run.requests).toBe(2);
    // The incremental listings filter on the last updated date, a day before the last listing started.
    const recent = fx.m.state.operations.slice(-2);
    for (const op of recent) {
      expect(op.variables.qp).toEqual({ rules: [{ column_id: '__last_updated__', compare_attribute: 'UPDATED_AT', operator: 'greater_than_or_equals', compare_value: ['EXACT', '2025-03-02'] }] });
    }
    console.log(`monday: idle incremental sync used ${run.requests} requests (2 boards)`);
  });

  it('picks up edited items, new updates and new items, and nothing else', async () => {
    fx = await mondayFixture({ items: [80] });
    await syncNow(fx.core, fx.id);
    const [a, b] = fx.m.state.boardItems(fx.boards[0]!.id);
    fx.m.state.advance(5 * 60_000);
    fx.m.state.updateItem(a!.id, { name: 'Renamed task', values: { status: 2 } });
    fx.m.state.postUpdate(b!.id, 'Customer confirmed the fix');
    fx.m.state.addItem(fx.boards[0]!.id, { name: 'Brand new task' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.counts).toMatchObject({ added: 1, updated: 2, unchanged: 0, deleted: 0 });
    expect(record(fx, a!.id)).toMatchObject({ title: 'Renamed task', status: 'Stuck' });
    expect(record(fx, b!.id)!.text).toContain('Customer confirmed the fix');
  });

  it('archived, deleted and moved-away items become deleted records after the hourly census', async () => {
    fx = await mondayFixture({ items: [40, 10] });
    await syncNow(fx.core, fx.id);
    const items = fx.m.state.boardItems(fx.boards[0]!.id);
    const other = fx.m.state.addBoard({ name: 'Not mirrored' });
    fx.m.state.advance(60_000);
    fx.m.state.archiveItem(items[0]!.id);
    fx.m.state.deleteItem(items[1]!.id);
    fx.m.state.purgeItem(items[2]!.id);
    fx.m.state.updateItem(items[3]!.id, { boardId: other.id });
    // Moved to the other mirrored board: still an item we keep.
    fx.m.state.updateItem(items[4]!.id, { boardId: fx.boards[1]!.id, groupId: fx.boards[1]!.groups[0]!.id });
    const soon = await syncNow(fx.core, fx.id);
    expect(soon.counts.deleted).toBe(0);
    fx.clock.offsetMs = 61 * 60_000;
    const later = await syncNow(fx.core, fx.id);
    expect(later.status).toBe('succeeded');
    expect(later.counts.deleted).toBe(4);
    for (const gone of items.slice(0, 4)) expect(record(fx, gone.id)).toBeUndefined();
    expect(record(fx, items[4]!.id)).toMatchObject({ container: 'Board 2' });
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 35, 'Board 2': 11 });
    const logs = await fx.core.invoke('logs.list', { runId: later.id, q: 'Census' });
    expect(logs.lines[0]!.message).toContain('4 archived, deleted or moved away');
  });

  it('a board that does not exist fails with a config error naming it; the others still sync', async () => {
    fx = await mondayFixture({ items: [12], extraBoardIds: ['999000111'] });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config' });
    expect(run.error!.message).toBe('monday.com board 999000111 was not found, or this API token cannot see it.');
    expect(run.error!.action).toContain('fix or remove board 999000111');
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 12 });
  });

  it('a revoked token fails the sync as auth and health asks to reconnect', async () => {
    fx = await mondayFixture({ items: [5] });
    await syncNow(fx.core, fx.id);
    fx.m.state.tokens.get(TOKEN)!.revoked = true;
    const run = await syncNow(fx.core, fx.id);
    expect(run.error).toMatchObject({ code: 'auth' });
    expect(run.error!.message).toBe('monday.com rejected the credentials (401 Not Authenticated)');
    expect(run.error!.action).toMatch(/^Reconnect monday\.com/);
    const health = (await fx.core.invoke('health.list', {})).find((h) => h.integrationId === fx!.id)!;
    expect(health.state).toBe('needs_credentials');
  });

  it('the connection test names the user and account and checks every board', async () => {
    fx = await mondayFixture({ items: [3], extraBoardIds: ['424242'] });
    const t = await fx.core.invoke('integrations.test', { id: fx.id });
    expect(t.identity).toBe('Ann Lee <ann.lee@acme.com> at Acme Corp');
    expect(t.reachable).toEqual([
      { name: 'Product roadmap', ok: true, detail: `board ${fx.boards[0]!.id}` },
      { name: 'board 424242', ok: false, detail: 'not found, or this token cannot see it' },
    ]);
    expect(t.ok).toBe(false);
  });

  it('keeps the API token out of the database, the logs and every reply', async () => {
    fx = await mondayFixture({ items: [20] });
    const run = await syncNow(fx.core, fx.id);
    fx.m.state.tokens.get(TOKEN)!.revoked = true;
    const failed = await syncNow(fx.core, fx.id);
    const dump = await everythingStoredAndShown(fx.core, fx.id, [run.id, failed.id]);
    expect(dump).not.toContain(TOKEN);
  });

  it('rejects bad settings with the field to fix', async () => {
    fx = await mondayFixture({ items: [1] });
    const check = (settings: Record<string, unknown>) => fx!.core.invoke('connectors.validateSettings', { connector: 'monday', settings }).catch((e) => e);
    expect(await check({ boardIds: [] })).toMatchObject({ code: 'invalid_input', field: 'settings.boardIds' });
    expect(await check({ boardIds: ['roadmap'] })).toMatchObject({ field: 'settings.boardIds.0' });
    expect(await check({ boardIds: [1], apiUrl: 'api.monday.com' })).toMatchObject({ field: 'settings.apiUrl' });
    expect((await check({ boardIds: [1234567890] })).settings).toEqual({ apiUrl: 'https://api.monday.com/v2', boardIds: ['1234567890'] });
  });
});
