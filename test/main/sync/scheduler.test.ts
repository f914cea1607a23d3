import { afterEach, describe, expect, it } from 'vitest';
import type { Schedule, SyncRun, Trigger } from '../../../shared/sync.ts';
import { MAX_BACKOFF_MS } from '../../../main/sync/schedule-math.ts';
import { MAX_TIMER_MS, Scheduler, START_RETRY_MS, type Outcome, type ScheduledIntegration } from '../../../main/sync/scheduler.ts';
import { FakeClock, settle } from '../../helpers/fake-clock.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

interface FakeRun {
  runId: string;
  id: string;
  trigger: Trigger;
  startedAt: number;
  done: Promise<SyncRun>;
  finish(status?: 'succeeded' | 'failed', opts?: { retryAt?: number }): void;
}

/**
 * A scheduler over fake deps: runs are promises the test finishes, outcomes
 * are kept like the store would keep them, and time is a FakeClock.
 */
class Harness {
  readonly clock = new FakeClock();
  readonly rows: ScheduledIntegration[] = [];
  readonly outcomes = new Map<string, Outcome>();
  readonly running = new Map<string, FakeRun>();
  /** Every run started, in order. */
  readonly starts: FakeRun[] = [];
  readonly errors: { id: string; err: unknown }[] = [];
  concurrency = 2;
  defaultInterval = 15;
  /** random() values to hand out in turn (0.5 = no jitter once the last is used up). */
  randoms: number[] = [];
  /** Finish every run right away (on the next microtask) with this status. */
  autoFinish: 'succeeded' | 'failed' | null = null;
  /** Makes run() throw for these ids, as a database refusing the run record would. */
  throwOnStart = new Set<string>();
  /** The most timers armed at once. */
  maxArmed = 0;
  changes = 0;
  readonly scheduler: Scheduler;
  private seq = 0;

  constructor() {
    const setTimer = this.clock.setTimer.bind(this.clock);
    this.clock.setTimer = (fn, ms) => {
      const h = setTimer(fn, ms);
      this.maxArmed = Math.max(this.maxArmed, this.clock.armed);
      return h;
    };
    this.scheduler = new Scheduler({
      clock: this.clock,
      random: () => (this.randoms.length > 0 ? this.randoms.shift()! : 0.5),
      integrations: () => this.rows.map((r) => ({ ...r })),
      outcome: (id) => this.outcomes.get(id) ?? { lastEndedAt: null, consecutiveFailures: 0, retryAt: null },
      defaultIntervalMinutes: () => this.defaultInterval,
      concurrency: () => this.concurrency,
      run: (id, trigger) => this.run(id, trigger),
      isRunning: (id) => this.running.has(id),
      onChange: () => void this.changes++,
      onError: (id, err) => void this.errors.push({ id, err }),
    });
  }

  add(id: string, over: Partial<ScheduledIntegration> = {}, outcome?: Partial<Outcome>): this {
    this.rows.push({ id, enabled: true, paused: false, schedule: null, ...over });
    if (outcome) this.outcomes.set(id, { lastEndedAt: null, consecutiveFailures: 0, retryAt: null, ...outcome });
    return this;
  }

  row(id: string): ScheduledIntegration {
    return this.rows.find((r) => r.id === id)!;
  }

  startsOf(id: string): FakeRun[] {
    return this.starts.filter((s) => s.id === id);
  }

  /** Finishes a running sync and lets the scheduler react. */
  async finish(id: string, status: 'succeeded' | 'failed' = 'succeeded', opts: { retryAt?: number } = {}): Promise<void> {
    const r = this.running.get(id);
    if (!r) throw new Error(`${id} is not running`);
    r.finish(status, opts);
    await settle();
  }

  private run(id: string, trigger: Trigger): { runId: string; coalesced: boolean; done: Promise<SyncRun> } {
    const existing = this.running.get(id);
    if (existing) return { runId: existing.runId, coalesced: true, done: existing.done };
    if (this.throwOnStart.has(id)) throw new Error('SQLITE_FULL: database or disk is full');
    const runId = `run-${++this.seq}`;
    let resolve!: (r: SyncRun) => void;
    const done = new Promise<SyncRun>((res) => (resolve = res));
    const startedAt = this.clock.now();
    const fake: FakeRun = {
      runId,
      id,
      trigger,
      startedAt,
      done,
      finish: (status = 'succeeded', opts = {}) => {
        const now = this.clock.now();
        const prev = this.outcomes.get(id);
        this.outcomes.set(id, { lastEndedAt: now, consecutiveFailures: status === 'failed' ? (prev?.consecutiveFailures ?? 0) + 1 : 0, retryAt: opts.retryAt ?? null });
        // Like the engine: no longer running by the time `done` settles.
        this.running.delete(id);
        resolve(syncRun(runId, id, trigger, startedAt, now, status));
      },
    };
    this.running.set(id, fake);
    this.starts.push(fake);
    if (this.autoFinish) {
      const status = this.autoFinish;
      queueMicrotask(() => fake.finish(status));
    }
    return { runId, coalesced: false, done };
  }
}

function syncRun(id: string, integrationId: string, trigger: Trigger, start: number, end: number, status: 'succeeded' | 'failed'): SyncRun {
  return {
    id,
    integrationId,
    trigger,
    status,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(end).toISOString(),
    durationMs: end - start,
    counts: { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 },
    requests: 0,
    bytes: 0,
    pages: 0,
    error: status === 'failed' ? { code: 'server', message: 'boom', action: null, retryAt: null } : null,
  };
}

let h: Harness;
afterEach(() => h?.scheduler.stop());

function harness(): Harness {
  h = new Harness();
  return h;
}

describe('Scheduler: when integrations run', () => {
  it('runs a never-synced integration immediately with trigger "schedule"', async () => {
    const h = harness().add('a');
    h.scheduler.start();
    expect(h.clock.armed).toBe(1);
    expect(h.clock.nextTimerIn()).toBe(0);
    expect(h.scheduler.nextRunAt('a')).toBe(h.clock.now());
    await h.clock.advance(0);
    expect(h.starts.map((s) => [s.id, s.trigger])).toEqual([['a', 'schedule']]);
    expect(h.scheduler.nextRunAt('a')).toBeNull(); // running: not due
  });

  it('spaces runs one interval after the previous one ended, jitter within ±10% (≤ 2 min)', async () => {
    const h = harness().add('a', { schedule: { type: 'interval', minutes: 15 } });
    // The first value is used for the never-synced cycle; then one per cycle.
    h.randoms = [0.5, 1, 0, 0.75, 0.25];
    h.scheduler.start();
    await h.clock.advance(0);
    const ends: number[] = [];
    for (let k = 0; k < 4; k++) {
      await h.clock.advance(3 * MIN); // the sync takes three minutes
      ends.push(h.clock.now());
      await h.finish('a');
      // Stable: asking again (health refreshes do) does not re-roll the jitter.
      const due = h.scheduler.nextRunAt('a');
      h.scheduler.rearm();
      expect(h.scheduler.nextRunAt('a')).toBe(due);
      await h.clock.advanceToNext();
      expect(h.starts).toHaveLength(k + 2);
    }
    const gaps = ends.map((end, k) => h.starts[k + 1].startedAt - end);
    // random 1 → +90 s, 0 → −90 s, 0.75 → +45 s, 0.25 → −45 s (10% of 15 min = 90 s).
    expect(gaps).toEqual([15 * MIN + 90_000, 15 * MIN - 90_000, 15 * MIN + 45_000, 15 * MIN - 45_000]);
    for (const g of gaps) expect(Math.abs(g - 15 * MIN)).toBeLessThanOrEqual(90_000);
  });

  it('uses the default interval (from settings) when an integration has no schedule', async () => {
    const h = harness().add('a', {}, { lastEndedAt: Date.parse('2025-03-03T09:00:00Z') });
    h.defaultInterval = 45;
    h.scheduler.start();
    expect(h.scheduler.nextRunAt('a')).toBe(Date.parse('2025-03-03T09:45:00Z'));
    h.defaultInterval = 10;
    h.scheduler.rearm();
    expect(h.scheduler.nextRunAt('a')).toBe(Date.parse('2025-03-03T09:10:00Z'));
  });

  it('follows a cron schedule', async () => {
    const h = harness();
    const start = new Date(2025, 2, 3, 10, 5).getTime(); // local 10:05
    h.clock.set(start);
    h.add('c', { schedule: { type: 'cron', expression: '*/30 * * * *' } }, { lastEndedAt: start });
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    expect(h.scheduler.nextRunAt('c')).toBe(new Date(2025, 2, 3, 10, 30).getTime());
    await h.clock.advance(2 * HOUR);
    expect(h.starts.map((s) => new Date(s.startedAt).getMinutes())).toEqual([30, 0, 30, 0]);
    expect(h.starts.map((s) => s.startedAt - start)).toEqual([25, 55, 85, 115].map((m) => m * MIN));
  });

  it('never runs a manual-only integration on its own, but runs it when triggered', async () => {
    const h = harness().add('m', { schedule: { type: 'manual' } });
    h.scheduler.start();
    expect(h.clock.armed).toBe(0);
    await h.clock.advance(24 * HOUR);
    expect(h.starts).toHaveLength(0);
    expect(h.scheduler.trigger('m', 'ui').state).toBe('started');
    expect(h.starts.map((s) => s.trigger)).toEqual(['ui']);
  });

  it('backs off exponentially after consecutive failures, capped', async () => {
    const h = harness().add('a', { schedule: { type: 'interval', minutes: 15 } });
    h.scheduler.start();
    await h.clock.advance(0);
    const gaps: number[] = [];
    for (let k = 0; k < 8; k++) {
      await h.finish('a', 'failed');
      const end = h.clock.now();
      await h.clock.advanceToNext();
      while (!h.running.has('a')) await h.clock.advanceToNext(); // MAX_TIMER_MS wake-ups on the way
      gaps.push((h.clock.now() - end) / MIN);
    }
    expect(gaps).toEqual([15, 30, 60, 120, 240, 360, 360, 360]);
    expect(MAX_BACKOFF_MS).toBe(360 * MIN);
    // One success resets it.
    await h.finish('a', 'succeeded');
    const end = h.clock.now();
    expect(h.scheduler.nextRunAt('a')! - end).toBe(15 * MIN);
  });

  it('waits for a rate-limit reset the vendor announced', async () => {
    const h = harness().add('a');
    h.scheduler.start();
    await h.clock.advance(0);
    const retryAt = h.clock.now() + 47 * MIN;
    await h.finish('a', 'failed', { retryAt });
    expect(h.scheduler.nextRunAt('a')).toBe(retryAt);
    await h.clock.advance(47 * MIN - 1);
    expect(h.starts).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.starts).toHaveLength(2);
    expect(h.starts[1].startedAt).toBe(retryAt);
  });

  it('never runs a disabled integration on schedule, and arms nothing for it', async () => {
    const h = harness().add('off', { enabled: false }).add('off2', { enabled: false }, { lastEndedAt: 0 });
    h.scheduler.start();
    expect(h.clock.armed).toBe(0);
    expect(h.scheduler.nextRunAt('off')).toBeNull();
    await h.clock.advance(24 * HOUR);
    expect(h.starts).toHaveLength(0);
  });
});

describe('Scheduler: pause and resume', () => {
  it('pausing one integration skips only it; resuming runs its missed sync once', async () => {
    const h = harness().add('a').add('b');
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    await h.clock.advance(0);
    h.row('a').paused = true;
    h.scheduler.rearm();
    expect(h.scheduler.nextRunAt('a')).toBeNull();
    await h.clock.advance(2 * HOUR);
    expect(h.startsOf('a')).toHaveLength(1);
    expect(h.startsOf('b')).toHaveLength(9); // 0, 15, 30 … 120 min
    h.row('a').paused = false;
    h.scheduler.rearm();
    await h.clock.advance(0);
    expect(h.startsOf('a')).toHaveLength(2);
    expect(h.startsOf('a')[1].startedAt).toBe(h.clock.now());
  });

  it('pausing all arms nothing and runs nothing; resuming runs each missed sync once', async () => {
    const h = harness().add('a').add('b').add('c');
    h.autoFinish = 'succeeded';
    h.concurrency = 3;
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.starts).toHaveLength(3);
    h.scheduler.setPausedAll(true);
    expect(h.scheduler.isPausedAll).toBe(true);
    expect(h.clock.armed).toBe(0);
    await h.clock.advance(5 * HOUR);
    expect(h.starts).toHaveLength(3);
    h.scheduler.setPausedAll(false);
    await h.clock.advance(0);
    expect(h.starts).toHaveLength(6);
    expect(new Set(h.starts.slice(3).map((s) => s.id))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('starting paused arms nothing; a manual trigger still runs', async () => {
    const h = harness().add('a');
    h.scheduler.start(true);
    expect(h.clock.armed).toBe(0);
    await h.clock.advance(HOUR);
    expect(h.starts).toHaveLength(0);
    expect(h.scheduler.trigger('a', 'tray').state).toBe('started');
  });
});

describe('Scheduler: concurrency and coalescing', () => {
  it('runs at most two at once and starts the rest first in, first out', async () => {
    const h = harness();
    for (const id of ['a', 'b', 'c', 'd', 'e']) h.add(id, { schedule: { type: 'manual' } });
    const order = ['c', 'a', 'e', 'b', 'd'];
    const results = order.map((id) => h.scheduler.trigger(id, 'ui'));
    expect(results.map((r) => r.state)).toEqual(['started', 'started', 'queued', 'queued', 'queued']);
    expect([...h.running.keys()]).toEqual(['c', 'a']);
    expect(['e', 'b', 'd'].map((id) => h.scheduler.isQueued(id))).toEqual([true, true, true]);

    await h.finish('a');
    expect([...h.running.keys()].sort()).toEqual(['c', 'e']);
    await h.finish('c');
    await h.finish('e');
    await h.finish('b');
    expect(h.starts.map((s) => s.id)).toEqual(order);
    await h.finish('d');
    expect(h.running.size).toBe(0);
    // Queued callers get the run they waited for.
    const runs = await Promise.all(results.map((r) => r.done));
    expect(runs.map((r) => r.integrationId)).toEqual(order);
  });

  it('applies the limit to scheduled runs too: ten due at once, never more than two running', async () => {
    const h = harness();
    for (let k = 0; k < 10; k++) h.add(`i${k}`);
    let peak = 0;
    h.scheduler.start();
    await h.clock.advance(0);
    while (h.running.size > 0) {
      peak = Math.max(peak, h.running.size);
      await h.clock.advance(MIN);
      await h.finish([...h.running.keys()][0]);
    }
    expect(peak).toBe(2);
    expect(h.starts).toHaveLength(10);
    expect(new Set(h.starts.map((s) => s.id)).size).toBe(10);
  });

  it('a trigger while running joins that run', async () => {
    const h = harness().add('a', { schedule: { type: 'manual' } });
    const first = h.scheduler.trigger('a', 'ui');
    const second = h.scheduler.trigger('a', 'cli');
    expect(first.state).toBe('started');
    expect(second.state).toBe('running');
    expect('runId' in second && second.runId).toBe('runId' in first && first.runId);
    expect(second.done).toBe(first.done);
    expect(h.starts).toHaveLength(1);
    await h.finish('a');
    expect(h.starts).toHaveLength(1);
  });

  it('a trigger while queued adds no second entry', async () => {
    const h = harness();
    h.concurrency = 1;
    h.add('busy', { schedule: { type: 'manual' } }).add('a', { schedule: { type: 'manual' } });
    h.scheduler.trigger('busy', 'ui');
    const q1 = h.scheduler.trigger('a', 'ui');
    const q2 = h.scheduler.trigger('a', 'mcp');
    expect(q1.state).toBe('queued');
    expect(q2.state).toBe('queued');
    expect(q2.done).toBe(q1.done);
    await h.finish('busy');
    expect(h.startsOf('a')).toHaveLength(1);
    await h.finish('a');
    expect(h.startsOf('a')).toHaveLength(1);
    expect((await q1.done).id).toBe(h.startsOf('a')[0].runId);
  });

  it('the scheduler does not queue a scheduled run for an integration already running or queued', async () => {
    const h = harness();
    h.concurrency = 1;
    h.add('a').add('b');
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.running.has('a')).toBe(true);
    expect(h.scheduler.isQueued('b')).toBe(true);
    // Hours pass while "a" is stuck: no timer fires a second run of either.
    await h.clock.advance(5 * HOUR);
    expect(h.starts).toHaveLength(1);
    await h.finish('a');
    expect(h.starts.map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('a person joining a queued scheduled run makes it theirs: pausing then does not drop it', async () => {
    const h = harness();
    h.concurrency = 1;
    h.add('busy', { schedule: { type: 'manual' } }).add('a').add('s');
    h.scheduler.trigger('busy', 'ui');
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.scheduler.isQueued('a') && h.scheduler.isQueued('s')).toBe(true);
    const joined = h.scheduler.trigger('a', 'ui');
    h.scheduler.setPausedAll(true);
    await h.finish('busy');
    expect(h.startsOf('a').map((s) => s.trigger)).toEqual(['ui']);
    // The scheduled-only entry was dropped: paused means no scheduled sync starts.
    expect(h.startsOf('s')).toHaveLength(0);
    expect(h.scheduler.isQueued('s')).toBe(false);
    await h.finish('a');
    await expect(joined.done).resolves.toMatchObject({ integrationId: 'a' });
  });

  it('drops a queued sync of an integration disabled or removed meanwhile, telling the caller', async () => {
    const h = harness();
    h.concurrency = 1;
    h.add('busy', { schedule: { type: 'manual' } }).add('a', { schedule: { type: 'manual' } }).add('gone', { schedule: { type: 'manual' } });
    h.scheduler.trigger('busy', 'ui');
    const a = h.scheduler.trigger('a', 'ui');
    const gone = h.scheduler.trigger('gone', 'ui');
    h.row('a').enabled = false;
    h.rows.splice(h.rows.indexOf(h.row('gone')), 1);
    await h.finish('busy');
    await expect(a.done).rejects.toMatchObject({ code: 'cancelled', message: expect.stringMatching(/disabled/) });
    await expect(gone.done).rejects.toMatchObject({ code: 'cancelled', message: expect.stringMatching(/removed/) });
    expect(h.starts.map((s) => s.id)).toEqual(['busy']);
  });

  it('stop() rejects what is still queued', async () => {
    const h = harness();
    h.concurrency = 1;
    h.add('a', { schedule: { type: 'manual' } }).add('b', { schedule: { type: 'manual' } });
    h.scheduler.trigger('a', 'ui');
    const b = h.scheduler.trigger('b', 'ui');
    h.scheduler.stop();
    await expect(b.done).rejects.toThrow(/stopped/);
  });
});

describe('Scheduler: sleep, clock jumps and the network', () => {
  it('after a long jump (sleep) a missed run runs once, not once per missed interval', async () => {
    const h = harness().add('a').add('b', { schedule: { type: 'cron', expression: '*/5 * * * *' } });
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.starts).toHaveLength(2);
    h.clock.jump(10 * HOUR); // the lid was shut: timers did not run
    const before = h.starts.length;
    // The timer armed before the sleep (never more than MAX_TIMER_MS away) notices.
    expect(h.clock.nextTimerIn()).toBeLessThanOrEqual(MAX_TIMER_MS);
    await h.clock.advanceToNext();
    const caughtUp = h.starts.slice(before);
    expect(caughtUp.map((s) => s.id).sort()).toEqual(['a', 'b']);
    // …and from then on the normal spacing, no burst of 40 (a) or 120 (b) missed runs.
    const t = h.clock.now();
    await h.clock.advance(HOUR);
    const later = h.starts.filter((s) => s.startedAt > t);
    expect(later.filter((s) => s.id === 'a').length).toBeLessThanOrEqual(4);
    expect(later.filter((s) => s.id === 'b').length).toBeLessThanOrEqual(12);
  });

  it('a clock jumping backwards does not run anything early', async () => {
    const h = harness().add('a', {}, { lastEndedAt: Date.parse('2025-03-03T09:00:00Z') });
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    h.clock.jump(-2 * HOUR);
    await h.clock.advance(HOUR);
    expect(h.starts).toHaveLength(0);
    // Due at 09:15 by the wall clock, now 08:00: it runs at 09:15 exactly, once.
    await h.clock.advance(75 * MIN);
    expect(h.starts.map((s) => new Date(s.startedAt).toISOString())).toEqual(['2025-03-03T09:15:00.000Z']);
  });

  it('suspend arms nothing; resume runs each missed sync once', async () => {
    const h = harness().add('a').add('b');
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    await h.clock.advance(0);
    h.scheduler.suspend();
    expect(h.scheduler.isSuspended).toBe(true);
    expect(h.clock.armed).toBe(0);
    h.clock.jump(8 * HOUR);
    await h.clock.advance(HOUR);
    expect(h.starts).toHaveLength(2);
    h.scheduler.resume();
    expect(h.clock.armed).toBe(1);
    expect(h.clock.nextTimerIn()).toBe(0);
    await h.clock.advance(0);
    expect(h.starts).toHaveLength(4);
    expect(h.starts.slice(2).map((s) => s.id).sort()).toEqual(['a', 'b']);
    expect(h.clock.armed).toBe(1);
    expect(h.clock.nextTimerIn()).toBe(15 * MIN);
  });

  it('offline arms nothing and starts nothing; back online, due syncs run', async () => {
    const h = harness().add('a').add('m', { schedule: { type: 'manual' } });
    h.scheduler.start();
    await h.clock.advance(0);
    await h.finish('a');
    h.scheduler.setOnline(false);
    expect(h.scheduler.isOnline).toBe(false);
    expect(h.clock.armed).toBe(0);
    await h.clock.advance(3 * HOUR);
    expect(h.starts).toHaveLength(1);
    // A trigger that reaches the scheduler offline waits: no requests while offline.
    const manual = h.scheduler.trigger('m', 'ui');
    expect(manual.state).toBe('queued');
    expect(h.running.size).toBe(0);
    h.scheduler.setOnline(true);
    await h.clock.advance(0);
    expect(h.starts.slice(1).map((s) => [s.id, s.trigger])).toEqual([
      ['m', 'ui'],
      ['a', 'schedule'],
    ]);
  });

  it('a queued sync does not start while the machine sleeps', async () => {
    const h = harness();
    h.concurrency = 1;
    h.add('a', { schedule: { type: 'manual' } }).add('b', { schedule: { type: 'manual' } });
    h.scheduler.trigger('a', 'ui');
    h.scheduler.trigger('b', 'ui');
    h.scheduler.suspend();
    await h.finish('a');
    expect(h.startsOf('b')).toHaveLength(0);
    h.scheduler.resume();
    expect(h.startsOf('b')).toHaveLength(1);
  });
});

describe('Scheduler: idle cost', () => {
  it('ten integrations: one timer, woken only at due times (an hour, ten wake-ups)', async () => {
    const h = harness();
    const t0 = h.clock.now();
    // Hourly, last synced 3, 9, 15 … 57 minutes ago: due at 57, 51, … 3 minutes from now.
    for (let k = 0; k < 10; k++) h.add(`i${k}`, { schedule: { type: 'interval', minutes: 60 } }, { lastEndedAt: t0 - (3 + 6 * k) * MIN });
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    expect(h.clock.armed).toBe(1);
    expect(h.clock.nextTimerIn()).toBe(3 * MIN);
    const wakeAt: number[] = [];
    const fired0 = h.clock.fired;
    while (h.clock.now() < t0 + HOUR) {
      expect(h.clock.armed).toBe(1);
      await h.clock.advanceToNext();
      if (h.clock.now() <= t0 + HOUR) wakeAt.push(h.clock.now() - t0);
    }
    expect(h.maxArmed).toBe(1);
    expect(wakeAt).toEqual([3, 9, 15, 21, 27, 33, 39, 45, 51, 57].map((m) => m * MIN));
    expect(h.scheduler.wakeups).toBe(h.clock.fired - fired0);
    expect(h.starts.map((s) => s.startedAt - t0).filter((t) => t <= HOUR)).toEqual(wakeAt);
  });

  it('nothing due for hours: one timer, waking only every MAX_TIMER_MS to notice clock changes', async () => {
    const h = harness();
    for (let k = 0; k < 10; k++) h.add(`i${k}`, { schedule: { type: 'interval', minutes: 180 } }, { lastEndedAt: h.clock.now() - k * MIN });
    h.scheduler.start();
    expect(h.clock.armed).toBe(1);
    await h.clock.advance(HOUR);
    expect(h.starts).toHaveLength(0);
    expect(h.scheduler.wakeups).toBe(HOUR / MAX_TIMER_MS);
    expect(h.maxArmed).toBe(1);
    expect(h.clock.armed).toBe(1);
  });
});

describe('Scheduler: robustness', () => {
  it('an integration whose sync cannot even start does not stop the others, nor spin the timer', async () => {
    const h = harness().add('bad').add('good');
    h.throwOnStart.add('bad');
    h.autoFinish = 'succeeded';
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.starts.map((s) => s.id)).toEqual(['good']);
    expect(h.errors.map((e) => e.id)).toEqual(['bad']);
    expect(h.clock.armed).toBe(1);
    expect(h.scheduler.nextRunAt('bad')).toBe(h.clock.now() + START_RETRY_MS);
    await h.clock.advance(START_RETRY_MS - 1);
    expect(h.errors).toHaveLength(1);
    h.throwOnStart.clear();
    await h.clock.advance(1);
    expect(h.startsOf('bad')).toHaveLength(1);
    expect(h.clock.fired).toBeLessThan(10);
  });

  it('a queued sync whose start throws rejects its caller and does not block the queue', async () => {
    const h = harness();
    h.concurrency = 1;
    for (const id of ['a', 'bad', 'c']) h.add(id, { schedule: { type: 'manual' } });
    h.scheduler.trigger('a', 'ui');
    const bad = h.scheduler.trigger('bad', 'ui');
    const c = h.scheduler.trigger('c', 'ui');
    h.throwOnStart.add('bad');
    await h.finish('a');
    await expect(bad.done).rejects.toThrow(/disk is full/);
    expect(h.running.has('c')).toBe(true);
    await h.finish('c');
    await expect(c.done).resolves.toMatchObject({ integrationId: 'c' });
  });

  it('a schedule change takes effect at once', async () => {
    const h = harness().add('a', {}, { lastEndedAt: h_now() });
    h.scheduler.start();
    expect(h.clock.nextTimerIn()).toBe(15 * MIN);
    h.row('a').schedule = { type: 'interval', minutes: 5 } satisfies Schedule;
    h.scheduler.rearm();
    expect(h.clock.armed).toBe(1);
    expect(h.clock.nextTimerIn()).toBe(5 * MIN);
    h.row('a').schedule = { type: 'manual' };
    h.scheduler.rearm();
    expect(h.clock.armed).toBe(0);
  });
});

function h_now(): number {
  return new FakeClock().now();
}
