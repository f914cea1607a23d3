import type { Schedule, SyncRun, Trigger } from '../../shared/sync.ts';
import type { Clock } from './clock.ts';
import { nextDue } from './schedule-math.ts';

/** The longest single timer: a bound on how late a changed wall clock is noticed. */
export const MAX_TIMER_MS = 30 * 60_000;

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
  private readonly queue: { id: string; trigger: Trigger; resolve: (r: SyncRun) => void; reject: (e: unknown) => void; done: Promise<SyncRun> }[] = [];
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
    if (queued) return { state: 'queued', done: queued.done };
    if (this.d.isRunning(id)) {
      const r = this.d.run(id, trigger);
      return { state: 'running', runId: r.runId, done: r.done };
    }
    if (this.runningCount() >= this.d.concurrency()) {
      let resolve!: (r: SyncRun) => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<SyncRun>((res, rej) => ((resolve = res), (reject = rej)));
      done.catch(() => undefined);
      this.queue.push({ id, trigger, resolve, reject, done });
      this.d.onChange();
      return { state: 'queued', done };
    }
    return this.launch(id, trigger);
  }

  /** Re-reads integrations and due times and arms the one timer. */
  rearm(): void {
    this.clearTimer();
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
      if (due !== null && due <= now && !this.d.isRunning(i.id) && !this.isQueued(i.id)) this.trigger(i.id, 'schedule');
    }
    this.rearm();
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
    while (this.queue.length > 0 && this.runningCount() < this.d.concurrency()) {
      const q = this.queue.shift()!;
      const r = this.launch(q.id, q.trigger);
      r.done.then(q.resolve, q.reject);
    }
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
    return nextDue({ schedule, lastEndedAt: o.lastEndedAt, consecutiveFailures: o.consecutiveFailures, retryAt: o.retryAt, jitter: this.jitterFor(i.id, o.lastEndedAt), now: this.d.clock.now() });
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
