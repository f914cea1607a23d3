import { KinexusError } from '../../shared/errors.ts';
import type { Health, SyncRun, Trigger } from '../../shared/sync.ts';
import type { ConnectorSpec } from '../connectors/types.ts';
import type { Db } from '../store/database.ts';
import type { IntegrationsRepo } from '../store/integrations-repo.ts';
import { RecordsRepo } from '../store/records-repo.ts';
import { RunsRepo } from '../store/runs-repo.ts';
import { StateRepo } from '../store/state-repo.ts';
import type { Clock } from '../sync/clock.ts';
import { SyncEngine, type Prepared } from '../sync/engine.ts';
import { computeHealth } from '../sync/health.ts';
import { Scheduler } from '../sync/scheduler.ts';
import type { HttpClient, RequestLogEntry } from '../http/client.ts';
import type { EventBus } from './events.ts';
import type { IntegrationService } from './integrations.ts';
import type { Redactor } from './redactor.ts';
import type { SettingsService } from './settings.ts';

export interface SyncServiceDeps {
  db: Db;
  repo: IntegrationsRepo;
  integrations: IntegrationService;
  settings: SettingsService;
  connector: (id: string) => ConnectorSpec<any>;
  bus: EventBus;
  redactor: Redactor;
  clock: Clock;
  random: () => number;
  /** Builds the connector context for a sync (settings, secrets, HTTP client). */
  prepare(integrationId: string, signal: AbortSignal, onRequest: (e: RequestLogEntry) => void): Promise<Prepared>;
  isKeychainUsable(): boolean;
  onSchedulerError?(integrationId: string, err: unknown): void;
}

/** Sync engine + scheduler + health, wired to the store and the event bus. */
export class SyncService {
  readonly runs: RunsRepo;
  readonly records: RecordsRepo;
  readonly state: StateRepo;
  readonly engine: SyncEngine;
  readonly scheduler: Scheduler;
  private readonly lastHealth = new Map<string, Health>();
  private lastPrune = 0;

  constructor(private readonly d: SyncServiceDeps) {
    this.runs = new RunsRepo(d.db);
    this.records = new RecordsRepo(d.db);
    this.state = new StateRepo(d.db);
    const now = () => new Date(d.clock.now());
    this.engine = new SyncEngine({
      db: d.db,
      runs: this.runs,
      records: this.records,
      state: this.state,
      redactor: d.redactor,
      now,
      prepare: (id, signal, onRequest) => this.prepareChecked(id, signal, onRequest),
      onRunStarted: (run) => {
        d.bus.emit('run.started', { run });
        this.refreshHealth([run.integrationId]);
      },
      onRunProgress: (run) => d.bus.emit('run.progress', { run }),
      onRunFinished: (run) => {
        d.bus.emit('run.finished', { run });
        this.maybePrune();
        // The run is still in the engine's active map until this returns.
        queueMicrotask(() => this.refreshHealth([run.integrationId]));
      },
      onLog: (line) => d.bus.emit('run.log', { line }),
    });
    this.scheduler = new Scheduler({
      clock: d.clock,
      random: d.random,
      integrations: () => d.repo.list().map((r) => ({ id: r.id, enabled: r.enabled, paused: r.paused, schedule: r.schedule })),
      outcome: (id) => {
        const h = this.healthOf(id, false);
        const last = this.runs.recent(id, 1)[0];
        return {
          lastEndedAt: last ? Date.parse(last.endedAt ?? last.startedAt) : null,
          consecutiveFailures: h.consecutiveFailures,
          retryAt: last?.error?.retryAt ? Date.parse(last.error.retryAt) : null,
        };
      },
      defaultIntervalMinutes: () => d.settings.get().defaultIntervalMinutes,
      concurrency: () => d.settings.get().concurrency,
      run: (id, trigger) => this.engine.start(id, trigger),
      isRunning: (id) => this.engine.running(id) !== undefined,
      onChange: () => this.refreshHealth(),
      onError: (id, err) => d.onSchedulerError?.(id, err),
    });
  }

  /** Marks runs a crash left running as interrupted, prunes logs, starts the scheduler. */
  start(opts: { scheduler: boolean; pausedAll?: boolean }): void {
    const n = this.runs.markInterrupted(new Date(this.d.clock.now()).toISOString());
    if (n > 0) this.refreshHealth();
    this.maybePrune(true);
    if (opts.scheduler) this.scheduler.start(opts.pausedAll ?? false);
    else this.scheduler.setPausedAll(opts.pausedAll ?? false);
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.scheduler.stop();
    await this.engine.shutdown(timeoutMs);
  }

  /** Starts (or joins) a sync of one integration. */
  trigger(idOrName: string, trigger: Trigger): { state: 'started' | 'running' | 'queued'; runId: string | null; done: Promise<SyncRun> } {
    const row = this.d.integrations.find(idOrName);
    if (!row.enabled) throw new KinexusError('config', `${row.name} is disabled.`, { action: `Enable it first: kinexus integrations enable ${row.id}` });
    if (!this.scheduler.isOnline) throw new KinexusError('network', 'The computer is offline; syncing resumes when the network is back.', { action: 'Reconnect to the network' });
    const r = this.scheduler.trigger(row.id, trigger);
    return { state: r.state, runId: 'runId' in r ? r.runId : null, done: r.done };
  }

  runAll(trigger: Trigger): { started: string[]; skipped: { id: string; reason: string }[] } {
    const started: string[] = [];
    const skipped: { id: string; reason: string }[] = [];
    for (const row of this.d.repo.list()) {
      if (!row.enabled) {
        skipped.push({ id: row.id, reason: 'disabled' });
        continue;
      }
      try {
        this.trigger(row.id, trigger);
        started.push(row.id);
      } catch (err) {
        skipped.push({ id: row.id, reason: (err as Error).message });
      }
    }
    return { started, skipped };
  }

  healthOf(id: string, withSchedule = true): Health {
    const row = this.d.integrations.find(id);
    const spec = this.d.connector(row.connector);
    const running = this.engine.running(row.id);
    return computeHealth({
      integrationId: row.id,
      name: row.name,
      connector: row.connector,
      connectorTitle: spec.title,
      enabled: row.enabled,
      paused: row.paused,
      pausedAll: this.scheduler?.isPausedAll ?? false,
      online: this.scheduler?.isOnline ?? true,
      missingSecrets: this.d.integrations.missingSecrets(row),
      recentRuns: this.runs.recent(row.id, 20),
      lastSuccess: this.runs.lastSuccess(row.id),
      lastTest: this.d.repo.lastTest(row.id),
      runningRunId: running?.runId ?? null,
      nextRunAt: withSchedule ? this.scheduler.nextRunAt(row.id) : null,
      recordCount: this.records.count(row.id),
      now: this.d.clock.now(),
    });
  }

  healthAll(): Health[] {
    return this.d.repo.list().map((r) => this.healthOf(r.id));
  }

  /** Recomputes health and pushes `health.changed` for every integration whose state moved. */
  refreshHealth(ids?: string[]): void {
    if (!this.scheduler) return;
    const rows = ids ? ids.map((id) => this.d.repo.get(id)).filter((r) => r !== undefined) : this.d.repo.list();
    for (const row of rows) {
      const h = this.healthOf(row.id);
      const prev = this.lastHealth.get(row.id);
      this.lastHealth.set(row.id, h);
      if (!prev || prev.state !== h.state || prev.nextRunAt !== h.nextRunAt || prev.recordCount !== h.recordCount || prev.lastError?.message !== h.lastError?.message) {
        this.d.bus.emit('health.changed', { health: h, previous: prev?.state ?? null });
      }
    }
    for (const id of [...this.lastHealth.keys()]) if (!this.d.repo.get(id)) this.lastHealth.delete(id);
  }

  private async prepareChecked(id: string, signal: AbortSignal, onRequest: (e: RequestLogEntry) => void): Promise<Prepared> {
    if (!this.d.isKeychainUsable()) {
      const row = this.d.integrations.find(id);
      if (row.secretsSet.length > 0) throw new KinexusError('secrets_unavailable', `The ${this.d.connector(row.connector).title} secrets cannot be read: the OS keychain is not usable.`, { action: 'Unlock or install the OS keychain, then retry' });
    }
    return this.d.prepare(id, signal, onRequest);
  }

  private maybePrune(force = false): void {
    const now = this.d.clock.now();
    if (!force && now - this.lastPrune < 60 * 60_000) return;
    this.lastPrune = now;
    const s = this.d.settings.get();
    this.runs.pruneLogs(new Date(now - s.logRetentionDays * 86_400_000).toISOString(), s.logMaxMegabytes * 1024 * 1024);
  }
}

export type { HttpClient };
