import { KinexusError } from '../../shared/errors.ts';
import type { Schedule, SyncRun, Trigger } from '../../shared/sync.ts';
import type { Clock } from './clock.ts';
import { nextDue } from './schedule-math.ts';

/** The longest single timer: a bound on how late a changed wall clock is noticed. */
export const MAX_TIMER_MS = 30 * 60_000;

/** How long an integration whose scheduled sync could not even be started waits before the next try. */
export const START_RETRY_MS = 60_000;

export interface ScheduledIntegration {
  id: string;
  enabled: boolean;
  paused: boolean;
  schedule: Schedule | null;
}

export interface Outcome {
  lastEndedAt: number | null;
  consecutiveFailures: number;
  retryAt: number | null;
}

export interface SchedulerDeps {
  clock: Clock;
  random: () => number;
  integrations(): ScheduledIntegration[];
  outcome(id: string): Outcome;
  defaultIntervalMinutes(): number;
  concurrency(): number;
  /** Starts a sync; resolves when it has finished. */
  run(id: string, trigger: Trigger): { runId: string; coalesced: boolean; done: Promise<SyncRun> };
  isRunning(id: string): boolean;
  /** Called whenever due times or the queue changed (health refresh). */
  onChange(): void;
  /** A scheduled sync could not be started (e.g. the database refused the run record). */
  onError?(id: string, err: unknown): void;
}

interface Queued {
  id: string;
  trigger: Trigger;
  resolve: (r: SyncRun) => void;
  reject: (e: unknown) => void;
  done: Promise<SyncRun>;
}

export type TriggerResult = { state: 'started' | 'running'; runId: string; done: Promise<SyncRun> } | { state: 'queued'; done: Promise<SyncRun> };

/**
 * Decides when each integration syncs: interval or cron, jitter, backoff after
 * failures, pause, a global concurrency limit, and coalescing of triggers.
 * It arms one timer for the earliest due time, so an idle app wakes only then.
 */
export class Scheduler {
  private timer: unknown = null;
  private timerAt: number | null = null;
  private readonly queue: Queued[] = [];
  /** Integrations whose scheduled start threw, and until when they are left alone. */
  private readonly startFailedUntil = new Map<string, number>();
  private readonly jitter = new Map<string, { key: number | null; value: number }>();
  private started = false;
  private suspended = false;
  private online = true;
  private pausedAll = false;
  /** Counts timer wake-ups (the idle benchmark reads it). */
  wakeups = 0;

  constructor(private readonly d: SchedulerDeps) {}

  start(pausedAll = false): void {
    this.started = true;
    this.pausedAll = pausedAll;
    this.rearm();
  }

  stop(): void {
    this.started = false;
    this.clearTimer();
    for (const q of this.queue.splice(0)) q.reject(new Error('The scheduler stopped before this sync could start.'));
  }

  get isPausedAll(): boolean {
    return this.pausedAll;
  }
  get isOnline(): boolean {
    return this.online;
  }
  get isSuspended(): boolean {
    return this.suspended;
  }

  setPausedAll(paused: boolean): void {
    this.pausedAll = paused;
    this.rearm();
  }

  /** The machine is going to sleep: arm nothing until resume. */
  suspend(): void {
    this.suspended = true;
    this.clearTimer();
    this.d.onChange();
  }

  /** Back from sleep: anything missed meanwhile runs once. */
  resume(): void {
    this.suspended = false;
    this.rearm();
  }

  /** Offline: no new sync starts (queued ones wait); back online, due ones run. */
  setOnline(online: boolean): void {
    this.online = online;
    this.rearm();
  }

  /** When an integration is next due by schedule (epoch ms), or null. */
  nextRunAt(id: string): number | null {
    const i = this.d.integrations().find((x) => x.id === id);
    return i ? this.dueOf(i) : null;
  }

  isQueued(id: string): boolean {
    return this.queue.some((q) => q.id === id);
  }

  /**
   * Runs an integration now, or as soon as a slot frees. A trigger for an
   * integration already running or queued joins that run instead of adding one.
   */
  trigger(id: string, trigger: Trigger): TriggerResult {
    const queued = this.queue.find((q) => q.id === id);
    if (queued) {
      // A person asking joins the queued scheduled run, which becomes theirs (pausing then does not drop it).
      if (trigger !== 'schedule') queued.trigger = trigger;
      return { state: 'queued', done: queued.done };
    }
    if (this.d.isRunning(id)) {
      const r = this.d.run(id, trigger);
      return { state: 'running', runId: r.runId, done: r.done };
    }
    if (this.runningCount() >= this.d.concurrency()) {
      return this.enqueue(id, trigger);
    }
    if (!this.online || this.suspended) return this.enqueue(id, trigger);
    return this.launch(id, trigger);
  }

  /** Re-reads integrations and due times, starts queued syncs a free slot allows, and arms the one timer. */
  rearm(): void {
    this.clearTimer();
    this.drain();
    this.d.onChange();
    if (!this.started || this.suspended || !this.online || this.pausedAll) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const i of this.d.integrations()) {
      const due = this.dueOf(i);
      if (due !== null && due < earliest) earliest = due;
    }
    if (!Number.isFinite(earliest)) return;
    const now = this.d.clock.now();
    const wait = Math.min(Math.max(0, earliest - now), MAX_TIMER_MS);
    this.timerAt = now + wait;
    this.timer = this.d.clock.setTimer(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = null;
    this.wakeups++;
    if (!this.started || this.suspended || !this.online || this.pausedAll) return;
    const now = this.d.clock.now();
    for (const i of this.d.integrations()) {
      const due = this.dueOf(i);
      if (due === null || due > now || this.d.isRunning(i.id) || this.isQueued(i.id)) continue;
      try {
        this.trigger(i.id, 'schedule');
      } catch (err) {
        // One integration that cannot start must neither stop the others nor the timer (nor spin it).
        this.startFailedUntil.set(i.id, now + START_RETRY_MS);
        this.d.onError?.(i.id, err);
      }
    }
    this.rearm();
  }

  private enqueue(id: string, trigger: Trigger): TriggerResult {
    let resolve!: (r: SyncRun) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<SyncRun>((res, rej) => ((resolve = res), (reject = rej)));
    done.catch(() => undefined);
    this.queue.push({ id, trigger, resolve, reject, done });
    this.d.onChange();
    return { state: 'queued', done };
  }

  /**
   * Starts queued syncs, first in first out, while slots are free. Nothing
   * starts offline or asleep. An entry whose integration was removed or
   * disabled meanwhile is dropped, and so is a scheduled one that was paused.
   */
  private drain(): void {
    if (this.queue.length === 0 || !this.online || this.suspended) return;
    const rows = new Map(this.d.integrations().map((i) => [i.id, i]));
    for (let k = 0; k < this.queue.length; ) {
      const q = this.queue[k];
      const row = rows.get(q.id);
      const why = !row ? 'was removed' : !row.enabled ? 'was disabled' : q.trigger === 'schedule' && (row.paused || this.pausedAll) ? 'was paused' : null;
      if (why) {
        this.queue.splice(k, 1);
        q.reject(new KinexusError('cancelled', `The queued sync did not start: the integration ${why}.`));
      } else k++;
    }
    while (this.queue.length > 0 && this.runningCount() < this.d.concurrency()) {
      const q = this.queue.shift()!;
      try {
        const r = this.launch(q.id, q.trigger);
        r.done.then(q.resolve, q.reject);
      } catch (err) {
        q.reject(err);
      }
    }
  }

  private launch(id: string, trigger: Trigger): TriggerResult {
    const r = this.d.run(id, trigger);
    r.done.then(
      () => this.afterRun(),
      () => this.afterRun(),
    );
    this.d.onChange();
    return { state: r.coalesced ? 'running' : 'started', runId: r.runId, done: r.done };
  }

  private afterRun(): void {
    this.rearm();
  }

  private runningCount(): number {
    return this.d.integrations().filter((i) => this.d.isRunning(i.id)).length;
  }

  private dueOf(i: ScheduledIntegration): number | null {
    if (!i.enabled || i.paused) return null;
    if (this.d.isRunning(i.id) || this.isQueued(i.id)) return null;
    const o = this.d.outcome(i.id);
    const schedule: Schedule = i.schedule ?? { type: 'interval', minutes: this.d.defaultIntervalMinutes() };
    const due = nextDue({ schedule, lastEndedAt: o.lastEndedAt, consecutiveFailures: o.consecutiveFailures, retryAt: o.retryAt, jitter: this.jitterFor(i.id, o.lastEndedAt), now: this.d.clock.now() });
    const hold = this.startFailedUntil.get(i.id);
    if (hold === undefined || due === null) return due;
    if (hold <= this.d.clock.now()) {
      this.startFailedUntil.delete(i.id);
      return due;
    }
    return Math.max(due, hold);
  }

  /** One jitter value per integration per cycle, so due times do not wobble between calls. */
  private jitterFor(id: string, key: number | null): number {
    const j = this.jitter.get(id);
    if (j && j.key === key) return j.value;
    const value = this.d.random() * 2 - 1;
    this.jitter.set(id, { key, value });
    return value;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.d.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = null;
  }
}
