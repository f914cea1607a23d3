import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KinexusError } from '../../../shared/errors.ts';
import type { Health, HealthState, SyncRun } from '../../../shared/sync.ts';
import { createCore, type Core } from '../../../main/core/core.ts';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';
import { FakeClock, settle } from '../../helpers/fake-clock.ts';
import { stubConnector } from '../../helpers/stub-connector.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A connector with one stream that yields one batch per sync; the test can hold or fail it. */
function heldStub() {
  const ctl = {
    reads: 0,
    /** While set, a sync waits here (it is "running"). */
    gate: null as Promise<void> | null,
    release: () => undefined as void,
    /** When set, a sync fails with this error. */
    fail: null as KinexusError | null,
    hold() {
      this.gate = new Promise<void>((r) => (this.release = () => ((this.gate = null), r())));
    },
  };
  const spec = stubConnector([
    {
      name: 'stub.items',
      title: 'Items',
      kind: 'item',
      async *read(_ctx, state) {
        const n = ((state as { n?: number } | null)?.n ?? 0) + 1;
        ctl.reads++;
        if (ctl.gate) await ctl.gate;
        if (ctl.fail) throw ctl.fail;
        yield {
          records: [{ externalId: `item-${n}`, kind: 'item', title: `Item ${n}`, url: null, status: null, author: null, updatedAt: null, text: `item number ${n}`, container: null, raw: { n } }],
          state: { n },
        };
      },
    },
  ]);
  return { spec, ctl };
}

interface Fixture {
  core: Core;
  clock: FakeClock;
  ctl: ReturnType<typeof heldStub>['ctl'];
  events: { event: string; data: any }[];
  dir: string;
}

const open: Fixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) {
    f.ctl.release();
    f.ctl.gate = null;
    await f.core.close(1000);
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});

async function makeCore(): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-sched-'));
  const clock = new FakeClock('2025-03-03T09:00:00.000Z');
  const { spec, ctl } = heldStub();
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore(), clock, scheduler: true, connectors: [spec], random: () => 0.5 });
  const events: Fixture['events'] = [];
  core.onEvent((event, data) => events.push({ event, data }));
  const f = { core, clock, ctl, events, dir };
  open.push(f);
  return f;
}

async function addStub(core: Core, name = 'Stub one'): Promise<string> {
  return (await core.invoke('integrations.add', { connector: 'stub', name, settings: {} })).id;
}

/** Lets the core's promise chains run until `pred` holds (nothing here waits on real time). */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 200; k++) {
    if (pred()) return;
    await settle(1);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function runs(core: Core, id: string): Promise<SyncRun[]> {
  return core.invoke('runs.list', { integrationId: id });
}

async function health(core: Core, id: string): Promise<Health> {
  return (await core.invoke('health.list', {})).find((h) => h.integrationId === id)!;
}

function finished(f: Fixture, n: number): () => boolean {
  return () => f.events.filter((e) => e.event === 'run.finished').length >= n;
}

/** The health states pushed for one integration, repeats collapsed. */
function pushedStates(f: Fixture, id: string): (HealthState | null)[] {
  const out: (HealthState | null)[] = [];
  for (const e of f.events) {
    if (e.event !== 'health.changed' || e.data.health.integrationId !== id) continue;
    if (out.length === 0) out.push(e.data.previous);
    if (out[out.length - 1] !== e.data.health.state) out.push(e.data.health.state);
  }
  return out;
}

describe('scheduling through the core', () => {
  it('runs a new integration on schedule and pushes health changes: never_synced → syncing → healthy → failing', async () => {
    const f = await makeCore();
    const { core, clock, ctl } = f;
    ctl.hold();
    const id = await addStub(core);
    expect((await health(core, id)).state).toBe('never_synced');
    expect(clock.armed).toBe(1);
    expect(clock.nextTimerIn()).toBe(0);

    await clock.advance(0);
    await until(() => ctl.reads === 1, 'the first sync to start');
    expect((await health(core, id)).state).toBe('syncing');
    ctl.release();
    await until(finished(f, 1), 'the first sync to finish');
    await settle();

    const first = await runs(core, id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded', counts: { added: 1 } });
    const healthy = await health(core, id);
    expect(healthy).toMatchObject({ state: 'healthy', recordCount: 1, consecutiveFailures: 0, lastSuccessAt: '2025-03-03T09:00:00.000Z' });
    // Next one interval (15 min default, no jitter with random 0.5) after it ended.
    expect(healthy.nextRunAt).toBe('2025-03-03T09:15:00.000Z');
    expect(clock.armed).toBe(1);

    // Nothing before it is due …
    await clock.advance(15 * MIN - 1);
    expect(await runs(core, id)).toHaveLength(1);
    // … then exactly one scheduled run.
    await clock.advance(1);
    await until(finished(f, 2), 'the second sync');
    await settle();
    expect((await runs(core, id)).map((r) => r.trigger)).toEqual(['schedule', 'schedule']);
    expect((await health(core, id)).recordCount).toBe(2);

    // The vendor starts failing.
    ctl.fail = new KinexusError('server', 'Stub answered 503 Service Unavailable', { action: 'Try again later' });
    await clock.advance(15 * MIN);
    await until(finished(f, 3), 'the failing sync');
    await settle();
    const failing = await health(core, id);
    expect(failing).toMatchObject({
      state: 'failing',
      consecutiveFailures: 1,
      lastSuccessAt: '2025-03-03T09:15:00.000Z',
      lastAttemptAt: '2025-03-03T09:30:00.000Z',
      lastError: { code: 'server', message: 'Stub answered 503 Service Unavailable', action: 'Try again later' },
      nextRunAt: '2025-03-03T09:45:00.000Z',
    });
    // Backoff: after a second failure the wait doubles.
    await clock.advance(15 * MIN);
    await until(finished(f, 4), 'the second failing sync');
    await settle();
    expect(await health(core, id)).toMatchObject({ state: 'failing', consecutiveFailures: 2, nextRunAt: '2025-03-03T10:15:00.000Z' });

    expect(pushedStates(f, id)).toEqual([null, 'never_synced', 'syncing', 'healthy', 'syncing', 'healthy', 'syncing', 'failing', 'syncing', 'failing']);
    const toFailing = f.events.find((e) => e.event === 'health.changed' && e.data.health.state === 'failing');
    expect(toFailing!.data.previous).toBe('syncing');
    expect(toFailing!.data.health.summary).toMatch(/Stub one failing: Stub answered 503/);
  });

  it('scheduler.pause / scheduler.resume, for all and for one', async () => {
    const f = await makeCore();
    const { core, clock } = f;
    const a = await addStub(core, 'Stub A');
    const b = await addStub(core, 'Stub B');
    await clock.advance(0);
    await until(finished(f, 2), 'the first syncs');
    await settle();

    expect(await core.invoke('scheduler.pause', {})).toEqual({ pausedAll: true, paused: [] });
    expect(clock.armed).toBe(0);
    expect((await health(core, a)).state).toBe('paused');
    expect((await core.invoke('status.get', {})).scheduler.pausedAll).toBe(true);
    await clock.advance(2 * HOUR);
    expect(await runs(core, a)).toHaveLength(1);
    expect(await runs(core, b)).toHaveLength(1);
    expect(pushedStates(f, a).at(-1)).toBe('paused');

    // Resuming runs what was missed once each, not eight times.
    expect(await core.invoke('scheduler.resume', {})).toEqual({ pausedAll: false, paused: [] });
    await clock.advance(0);
    await until(finished(f, 4), 'the catch-up syncs');
    await settle();
    expect((await runs(core, a)).map((r) => r.trigger)).toEqual(['schedule', 'schedule']);
    expect(await runs(core, b)).toHaveLength(2);
    expect((await health(core, a)).state).toBe('healthy');

    // Pausing one leaves the other on schedule.
    expect(await core.invoke('scheduler.pause', { id: a })).toEqual({ pausedAll: false, paused: [a] });
    expect((await core.invoke('integrations.get', { id: a })).paused).toBe(true);
    expect(await health(core, a)).toMatchObject({ state: 'paused', nextRunAt: null });
    await clock.advance(15 * MIN);
    await until(finished(f, 5), 'B on schedule');
    await settle();
    expect(await runs(core, a)).toHaveLength(2);
    expect(await runs(core, b)).toHaveLength(3);
    expect(await core.invoke('scheduler.resume', { id: a })).toEqual({ pausedAll: false, paused: [] });
    await clock.advance(0);
    await until(finished(f, 6), 'A after resume');
    expect(await runs(core, a)).toHaveLength(3);
  });

  it('integrations.setSchedule rejects a bad cron naming schedule.expression, and applies a good one', async () => {
    const f = await makeCore();
    const { core, clock } = f;
    const id = await addStub(core);
    await clock.advance(0);
    await until(finished(f, 1), 'the first sync');
    await settle();

    const bad = await core.call('integrations.setSchedule', { id, schedule: { type: 'cron', expression: '61 * * * *' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'schedule.expression', message: expect.stringMatching(/minute/), action: expect.stringMatching(/five fields/) } });
    const sixFields = await core.call('integrations.setSchedule', { id, schedule: { type: 'cron', expression: '* * * * * *' } });
    expect(sixFields).toMatchObject({ ok: false, error: { field: 'schedule.expression' } });
    expect((await core.invoke('integrations.get', { id })).schedule).toBeNull();

    // A wrong interval is caught by the contract, naming its field too.
    expect(await core.call('integrations.setSchedule', { id, schedule: { type: 'interval', minutes: 0 } })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'schedule.minutes' } });

    const ok = await core.invoke('integrations.setSchedule', { id, schedule: { type: 'interval', minutes: 60 } });
    expect(ok.schedule).toEqual({ type: 'interval', minutes: 60 });
    expect((await health(core, id)).nextRunAt).toBe('2025-03-03T10:00:00.000Z');
    expect(clock.nextTimerAt()).toBe(Date.parse('2025-03-03T09:30:00.000Z')); // MAX_TIMER_MS cap

    await core.invoke('integrations.setSchedule', { id, schedule: { type: 'manual' } });
    expect((await health(core, id)).nextRunAt).toBeNull();
    expect(clock.armed).toBe(0);
  });

  it('offline: health says so, arms nothing, a manual sync fails with a network error; back online the due sync runs', async () => {
    const f = await makeCore();
    const { core, clock } = f;
    const id = await addStub(core);
    await clock.advance(0);
    await until(finished(f, 1), 'the first sync');
    await settle();

    core.setOnline(false);
    const h = await health(core, id);
    expect(h.state).toBe('offline');
    expect(h.summary).toMatch(/^Offline — .*paused/);
    expect(pushedStates(f, id).at(-1)).toBe('offline');
    expect(clock.armed).toBe(0);
    expect((await core.invoke('status.get', {})).scheduler.online).toBe(false);

    const reply = await core.call('sync.run', { id });
    expect(reply).toMatchObject({ ok: false, error: { code: 'network', message: expect.stringMatching(/offline/) } });
    expect(await core.invoke('sync.runAll', {})).toMatchObject({ started: [], skipped: [{ id, reason: expect.stringMatching(/offline/) }] });
    await clock.advance(HOUR);
    expect(await runs(core, id)).toHaveLength(1);

    core.setOnline(true);
    expect((await health(core, id)).state).toBe('healthy');
    await clock.advance(0);
    await until(finished(f, 2), 'the sync after coming back online');
    expect((await runs(core, id)).map((r) => r.trigger)).toEqual(['schedule', 'schedule']);
  });

  it('suspend arms nothing; resume runs the missed sync once', async () => {
    const f = await makeCore();
    const { core, clock } = f;
    const id = await addStub(core);
    await clock.advance(0);
    await until(finished(f, 1), 'the first sync');
    await settle();
    core.suspend();
    expect(clock.armed).toBe(0);
    expect((await core.invoke('status.get', {})).scheduler.suspended).toBe(true);
    clock.jump(9 * HOUR);
    core.resume();
    await clock.advance(0);
    await until(finished(f, 2), 'the catch-up sync');
    await settle();
    await clock.advance(MIN);
    expect(await runs(core, id)).toHaveLength(2);
  });

  it('sync.run twice while running returns the same run (coalesced)', async () => {
    const f = await makeCore();
    const { core, ctl } = f;
    const id = await addStub(core);
    await core.invoke('integrations.setSchedule', { id, schedule: { type: 'manual' } });
    ctl.hold();
    const first = await core.invoke('sync.run', { id });
    const second = await core.invoke('sync.run', { id, trigger: 'cli' });
    expect(first.state).toBe('started');
    expect(second.state).toBe('running');
    expect(first.run).not.toBeNull();
    expect(second.run!.id).toBe(first.run!.id);
    expect(first.run).toMatchObject({ status: 'running', trigger: 'ui' });
    expect((await health(core, id))).toMatchObject({ state: 'syncing', runningRunId: first.run!.id });
    // A waiting caller gets that same run when it ends.
    const waited = core.invoke('sync.run', { id, wait: true });
    await settle();
    ctl.release();
    const done = await waited;
    expect(done).toMatchObject({ state: 'running', run: { id: first.run!.id, status: 'succeeded' } });
    expect(await runs(core, id)).toHaveLength(1);
    expect(ctl.reads).toBe(1);
  });

  it('with the default concurrency of 2, a third manual sync is queued and joins, not repeats', async () => {
    const f = await makeCore();
    const { core, ctl } = f;
    const ids: string[] = [];
    for (const n of ['A', 'B', 'C']) {
      const id = await addStub(core, `Stub ${n}`);
      await core.invoke('integrations.setSchedule', { id, schedule: { type: 'manual' } });
      ids.push(id);
    }
    ctl.hold();
    const states = [];
    for (const id of ids) states.push((await core.invoke('sync.run', { id })).state);
    expect(states).toEqual(['started', 'started', 'queued']);
    expect(await core.invoke('sync.run', { id: ids[2] })).toEqual({ state: 'queued', run: null });
    ctl.release();
    await until(finished(f, 3), 'all three syncs');
    for (const id of ids) expect(await runs(core, id)).toHaveLength(1);
  });
});
