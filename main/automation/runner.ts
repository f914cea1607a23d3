import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AutomationRun, AutomationTrigger } from '../../shared/automation.ts';
import { KinexusError } from '../../shared/errors.ts';
import type { SyncRun, Trigger } from '../../shared/sync.ts';
import type { EventBus } from '../core/events.ts';
import type { Redactor } from '../core/redactor.ts';
import type { Db } from '../store/database.ts';
import { RecordsRepo } from '../store/records-repo.ts';
import type { Clock } from '../sync/clock.ts';
import { Scheduler } from '../sync/scheduler.ts';
import type { AutomationsRepo } from './automations-repo.ts';
import { saveExtracted } from './mirror.ts';
import type { NovaActEnv } from './nova-act-env.ts';
import { isAlive, ProcessRegistry } from './processes.ts';
import type { AutomationRunsRepo } from './runs-repo.ts';
import { AutomationSession, type SessionTiming } from './session.ts';

export interface RunnerDeps {
  db: Db;
  dataDir: string;
  repo: AutomationsRepo;
  runs: AutomationRunsRepo;
  env: NovaActEnv;
  bus: EventBus;
  redactor: Redactor;
  clock: Clock;
  random: () => number;
  timing: SessionTiming;
  concurrency: number;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  processEnv?: NodeJS.ProcessEnv;
}

/** Where run folders live: <dataDir>/automations/<runId>/. */
export function runsRoot(dataDir: string): string {
  return path.join(dataDir, 'automations');
}

/**
 * Starts, joins, cancels and schedules automation sessions. Scheduling is a
 * second instance of the sync Scheduler, over automations instead of
 * integrations: the same interval/cron/backoff rules, its own concurrency.
 */
export class AutomationRunner {
  readonly scheduler: Scheduler;
  readonly registry: ProcessRegistry;
  private readonly sessions = new Map<string, { session: AutomationSession; done: Promise<AutomationRun> }>();
  private readonly records: RecordsRepo;

  constructor(private readonly d: RunnerDeps) {
    this.records = new RecordsRepo(d.db);
    this.registry = new ProcessRegistry(runsRoot(d.dataDir));
    this.scheduler = new Scheduler({
      clock: d.clock,
      random: d.random,
      integrations: () => d.repo.list().map((a) => ({ id: a.id, enabled: a.enabled, paused: a.paused, schedule: a.schedule })),
      outcome: (id) => {
        const recent = d.runs.recent(id, 20);
        const last = recent[0];
        let failures = 0;
        for (const r of recent) {
          if (r.status !== 'failed') break;
          failures++;
        }
        return { lastEndedAt: last ? Date.parse(last.endedAt ?? last.startedAt) : null, consecutiveFailures: failures, retryAt: last?.error?.retryAt ? Date.parse(last.error.retryAt) : null };
      },
      // Every automation has an explicit schedule (manual by default); this is never used.
      defaultIntervalMinutes: () => 60,
      concurrency: () => d.concurrency,
      // The scheduler only chains on `done` to re-arm; it is typed for sync runs.
      run: (id, trigger) => {
        const r = this.start(id, trigger as AutomationTrigger);
        return { runId: r.runId, coalesced: r.coalesced, done: r.done as unknown as Promise<SyncRun> };
      },
      isRunning: (id) => this.sessions.has(id),
      onChange: () => undefined,
      onError: (id, err) => d.log('warn', 'scheduled automation could not start', { automation: id, message: (err as Error).message }),
    });
  }

  /** After a crash: ends processes the last run of the app left behind and marks its runs interrupted. */
  recover(): void {
    const killed = this.registry.sweep();
    const ids = this.d.runs.markInterrupted(new Date(this.d.clock.now()).toISOString(), isAlive);
    if (killed > 0 || ids.length > 0) this.d.log('warn', 'recovered automation runs left by a previous crash', { processesEnded: killed, runsInterrupted: ids.length });
  }

  /** Runs an automation now, through the scheduler's queue; a running one is joined. */
  trigger(id: string, trigger: AutomationTrigger): { state: 'started' | 'running' | 'queued'; runId: string | null; done: Promise<AutomationRun> } {
    const r = this.scheduler.trigger(id, trigger as Trigger);
    return { state: r.state, runId: 'runId' in r ? r.runId : null, done: r.done as unknown as Promise<AutomationRun> };
  }

  /** Starts a session (the scheduler's `run`): a new one, or the one already running. */
  start(automationId: string, trigger: AutomationTrigger): { runId: string; coalesced: boolean; done: Promise<AutomationRun> } {
    const current = this.sessions.get(automationId);
    if (current) return { runId: current.session.runId, coalesced: true, done: current.done };
    const automation = this.d.repo.get(automationId);
    if (!automation) throw new KinexusError('not_found', `No automation "${automationId}".`, { field: 'id', action: 'Run "kinexus automations list" to see the ids' });
    const runId = `ar-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const effective = { ...automation, allowedDomains: effectiveDomains(automation.startUrl, automation.allowedDomains) };
    const session = new AutomationSession({
      automation: effective,
      runId,
      trigger,
      runDir: path.join(runsRoot(this.d.dataDir), runId),
      now: () => new Date(this.d.clock.now()),
      runs: this.d.runs,
      redactor: this.d.redactor,
      registry: this.registry,
      timing: this.d.timing,
      prepare: () => this.d.env.prepare(),
      saveExtracted: (e) => saveExtracted(this.d.db, this.records, e),
      onStarted: (run) => this.d.bus.emit('automation.run.started', { run }),
      onStep: (phase, step) => this.d.bus.emit('automation.step', { runId, automationId, phase, step }),
      onFinished: (run) => {
        this.d.bus.emit('automation.run.finished', { run });
        this.d.bus.emit('automations.changed', { ids: [automationId] });
      },
      log: this.d.log,
      env: this.d.processEnv,
    });
    // Registered before anyone else chains on it, so the session is gone when the scheduler re-arms.
    const done = session.done.finally(() => this.sessions.delete(automationId));
    this.sessions.set(automationId, { session, done });
    return { runId, coalesced: false, done };
  }

  /** Cancels a running session by its run id. */
  cancel(runId: string): boolean {
    for (const { session } of this.sessions.values()) {
      if (session.runId === runId) return session.cancel('user');
    }
    return false;
  }

  running(automationId: string): AutomationSession | undefined {
    return this.sessions.get(automationId)?.session;
  }

  byRun(runId: string): AutomationSession | undefined {
    return [...this.sessions.values()].find((s) => s.session.runId === runId)?.session;
  }

  /** Waits until a running session of this automation has ended (after cancelling it). */
  async cancelAndWait(automationId: string): Promise<void> {
    const s = this.sessions.get(automationId);
    if (!s) return;
    s.session.cancel('user');
    await s.done.catch(() => undefined);
  }

  /** Stops the scheduler and every session; resolves when no worker or browser is left. */
  async stopAll(): Promise<void> {
    this.scheduler.stop();
    const all = [...this.sessions.values()];
    for (const { session } of all) session.cancel('shutdown');
    await Promise.all(all.map((s) => s.done.catch(() => undefined)));
  }
}

/** The allowed domains a run enforces: the given ones, or the starting page's host. */
export function effectiveDomains(startUrl: string, given: readonly string[]): string[] {
  return given.length > 0 ? [...given] : [new URL(startUrl).hostname.toLowerCase()];
}
