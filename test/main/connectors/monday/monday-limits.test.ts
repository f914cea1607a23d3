import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../../main/core/core.ts';
import { mondayError } from '../../../emulators/monday/server.ts';
import { countByBoard, mondayFixture, syncNow, type MondayFixture } from './fixture.ts';

let fx: MondayFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Starts a sync and cancels it right after its first committed page. */
async function cancelAfterFirstPage(core: Core, id: string) {
  const off = core.onEvent((event, data) => {
    const run = (data as { run?: { id: string; pages: number } }).run;
    if (event === 'run.progress' && run && run.pages >= 1) {
      off();
      void core.invoke('sync.cancel', { runId: run.id });
    }
  });
  return (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
}

function storedIds(core: Core): string[] {
  return (core.db.prepare('SELECT external_id FROM records ORDER BY external_id').all() as { external_id: string }[]).map((r) => r.external_id);
}

describe('monday.com limits, errors and resuming', () => {
  it('paces itself by the complexity budget instead of running into COMPLEXITY_BUDGET_EXHAUSTED', async () => {
    // A page of 500 items costs about 82k points here: the budget pays for one and a half per 3 s window.
    fx = await mondayFixture({ items: [1400], realClock: true, emulator: { complexityBudget: 120_000, complexityWindowMs: 3000 } });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 1400 });
    expect(fx.m.requests.entries.every((e) => e.status === 200)).toBe(true);
    expect(fx.m.state.operations).toHaveLength(3);
    const logs = await fx.core.invoke('logs.list', { runId: run.id, q: 'complexity budget low' });
    expect(logs.total).toBeGreaterThanOrEqual(1);
    expect(logs.lines[0]!.message).toMatch(/^Pausing \d\.\d s: monday\.com complexity budget low \(\d+ left, the last query cost \d+\)$/);
  });

  it('waits retry_in_seconds after COMPLEXITY_BUDGET_EXHAUSTED (HTTP 200) and retries', async () => {
    fx = await mondayFixture({ items: [30] });
    fx.m.faults.inject({ kind: 'respond', respond: () => ({ status: 200, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: mondayError('Complexity budget exhausted', { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 1 }) }) });
    const started = Date.now();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(run.requests).toBe(2);
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 30 });
  });

  it('ends the run as rate_limited when the budget resets too far ahead, keeping what it stored', async () => {
    fx = await mondayFixture({ items: [1200] });
    fx.m.state.intercept = (op) => (op.query.includes('next_items_page') ? { status: 200, headers: { 'retry-after': '600' }, body: mondayError('Complexity budget exhausted', { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 600 }) } : undefined);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'rate_limited' });
    expect(run.error!.message).toMatch(/^monday\.com complexity budget exhausted; it resets at /);
    expect(Date.parse(run.error!.retryAt!) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 500 });
    const health = (await fx.core.invoke('health.list', {})).find((h) => h.integrationId === fx!.id)!;
    expect(health.state).toBe('rate_limited');
    // When the budget is back, the run goes on from the saved cursor.
    fx.m.state.intercept = null;
    const next = await syncNow(fx.core, fx.id);
    expect(next.counts).toMatchObject({ added: 700, updated: 0 });
  });

  it('waits out HTTP 429 (minute limit, IP limit) through the HTTP client and finishes', async () => {
    fx = await mondayFixture({ items: [600] });
    fx.m.faults.rateLimitNext(1, { retryAfter: 12, body: mondayError('Rate Limit Exceeded', { code: 'RATE_LIMIT_EXCEEDED', retry_in_seconds: 12 }) });
    fx.m.faults.rateLimitNext(1, { body: mondayError('IP rate limit exceeded', { code: 'IP_RATE_LIMIT_EXCEEDED', retry_in_seconds: 30 }) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 600 });
    expect(fx.waits.filter((w) => w >= 12_000 && w < 12_300)).toHaveLength(1);
    expect(fx.waits.filter((w) => w >= 30_000 && w < 30_300)).toHaveLength(1);
  });

  it('resumes a cancelled run from its saved cursor: nothing read twice, nothing lost', async () => {
    fx = await mondayFixture({ items: [1300] });
    const cancelled = await cancelAfterFirstPage(fx.core, fx.id);
    expect(cancelled.status).toBe('cancelled');
    expect(countByBoard(fx.core)).toEqual({ 'Product roadmap': 500 });
    fx.m.state.operations.length = 0;
    const resumed = await syncNow(fx.core, fx.id);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.counts).toMatchObject({ added: 800, updated: 0, unchanged: 0 });
    expect(fx.m.state.operations[0]!.query).toContain('next_items_page');
    expect(storedIds(fx.core)).toEqual(fx.m.state.boardItems(fx.boards[0]!.id).map((i) => i.id).sort());
  });

  it('restarts a board safely when monday says the saved cursor expired (60 minutes)', async () => {
    fx = await mondayFixture({ items: [1300] });
    await cancelAfterFirstPage(fx.core, fx.id);
    fx.m.state.advance(61 * 60_000);
    const resumed = await syncNow(fx.core, fx.id);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.counts).toMatchObject({ added: 800, updated: 0, unchanged: 500 });
    expect(storedIds(fx.core)).toHaveLength(1300);
    const logs = await fx.core.invoke('logs.list', { runId: resumed.id, q: 'no longer knows the cursor' });
    expect(logs.total).toBe(1);
  });

  it('does not even try a saved cursor older than its lifetime', async () => {
    fx = await mondayFixture({ items: [1300] });
    await cancelAfterFirstPage(fx.core, fx.id);
    const saved = JSON.parse((fx.core.db.prepare("SELECT state FROM stream_state WHERE stream = 'items'").get() as { state: string }).state);
    const oldCursor = saved.boards[fx.boards[0]!.id].cursor as string;
    expect(oldCursor).toBeTruthy();
    fx.clock.offsetMs = 56 * 60_000;
    fx.m.state.operations.length = 0;
    const resumed = await syncNow(fx.core, fx.id);
    expect(resumed.status).toBe('succeeded');
    expect(fx.m.state.operations.some((o) => o.variables.cursor === oldCursor)).toBe(false);
    expect(fx.m.state.operations[0]!.query).toContain('items_page(limit: $limit, query_params: $qp)');
    expect(resumed.counts).toMatchObject({ added: 800, unchanged: 500 });
  });
});
