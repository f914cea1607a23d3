import { randomBytes } from 'node:crypto';
import { KinexusError, toErrorBody, type ApiErrorBody } from '../../shared/errors.ts';
import type { LogLevel, LogLine, RunCounts, SyncRun, Trigger } from '../../shared/sync.ts';
import type { Batch, ConnectorContext, ConnectorSpec, RunScope, SourceRecord, StreamSpec } from '../connectors/types.ts';
import type { HttpClient, RequestLogEntry } from '../http/client.ts';
import type { Redactor } from '../core/redactor.ts';
import type { Db } from '../store/database.ts';
import type { RecordsRepo } from '../store/records-repo.ts';
import type { RunsRepo } from '../store/runs-repo.ts';
import type { StateRepo } from '../store/state-repo.ts';

/** What the engine needs to run one integration. */
export interface Prepared {
  spec: ConnectorSpec<any>;
  ctx: ConnectorContext<any>;
}

export interface EngineDeps {
  db: Db;
  runs: RunsRepo;
  records: RecordsRepo;
  state: StateRepo;
  redactor: Redactor;
  now: () => Date;
  /**
   * Loads settings and secrets and builds the connector context; throws a
   * KinexusError (auth, secrets_unavailable, config) when it cannot.
   */
  prepare(integrationId: string, signal: AbortSignal, onRequest: (e: RequestLogEntry) => void): Promise<Prepared>;
  onRunStarted(run: SyncRun): void;
  onRunProgress(run: SyncRun): void;
  onRunFinished(run: SyncRun): void;
  onLog(line: LogLine): void;
}

interface Active {
  runId: string;
  integrationId: string;
  controller: AbortController;
  done: Promise<SyncRun>;
}

/** Codes after which the other streams are not worth trying in this run. */
const FATAL_FOR_RUN = new Set(['auth', 'cancelled', 'rate_limited', 'secrets_unavailable', 'network']);

/**
 * Runs a connector's streams. Each batch's records and the stream's new state
 * are written in ONE transaction, so a crash never loses a committed page and
 * never duplicates one; the next run resumes from the last committed state.
 */
export class SyncEngine {
  private readonly active = new Map<string, Active>();

  constructor(private readonly d: EngineDeps) {}

  /** The run in progress for an integration, if any. */
  running(integrationId: string): Active | undefined {
    return this.active.get(integrationId);
  }

  runningIds(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Starts a run unless one is already running for the integration, in which
   * case the running one is returned (coalesced).
   */
  start(integrationId: string, trigger: Trigger): { runId: string; coalesced: boolean; done: Promise<SyncRun> } {
    const existing = this.active.get(integrationId);
    if (existing) return { runId: existing.runId, coalesced: true, done: existing.done };
    const runId = `run-${this.d.now().getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    this.d.runs.create(runId, integrationId, trigger, this.d.now().toISOString());
    const entry: Active = { runId, integrationId, controller, done: Promise.resolve(null as unknown as SyncRun) };
    this.active.set(integrationId, entry);
    entry.done = this.execute(runId, integrationId, controller).finally(() => this.active.delete(integrationId));
    return { runId, coalesced: false, done: entry.done };
  }

  /** Cancels a running run; it stops within a second and keeps what was committed. */
  cancel(runId: string): boolean {
    for (const a of this.active.values()) {
      if (a.runId === runId) {
        a.controller.abort();
        return true;
      }
    }
    return false;
  }

  /** Aborts every run and waits (bounded) for them to finish their current batch. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    const all = [...this.active.values()];
    for (const a of all) a.controller.abort();
    await Promise.race([Promise.allSettled(all.map((a) => a.done)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async execute(runId: string, integrationId: string, controller: AbortController): Promise<SyncRun> {
    const { d } = this;
    let seq = 0;
    const log = (level: LogLevel, message: string, fields?: Record<string, unknown>, stream: string | null = null) => {
      const line: LogLine = {
        runId,
        seq: ++seq,
        at: d.now().toISOString(),
        level,
        stream,
        message: d.redactor.redact(message),
        fields: fields ? d.redactor.redactDeep(fields) : null,
      };
      try {
        d.runs.appendLog(line);
      } catch {
        // A full disk must not turn into a lost sync: the run record still ends.
      }
      d.onLog(line);
    };
    let currentStream: string | null = null;
    const onRequest = (e: RequestLogEntry) => {
      const status = e.status === null ? 'no response' : String(e.status);
      const retry = e.retryInMs !== undefined ? `, retrying in ${(e.retryInMs / 1000).toFixed(1)} s` : '';
      const level: LogLevel = e.status !== null && e.status < 400 ? 'info' : e.retryInMs !== undefined ? 'warn' : 'error';
      log(level, `${e.method} ${e.url} → ${status} (${e.durationMs} ms)${retry}${e.reason ? ` — ${e.reason}` : ''}`, { ...e }, currentStream);
    };
    d.onRunStarted(d.runs.get(runId)!);

    let http: HttpClient | undefined;
    const errors: { stream: string | null; error: ApiErrorBody }[] = [];
    const scope = runScope();
    try {
      const { spec, ctx } = await d.prepare(integrationId, controller.signal, onRequest);
      http = ctx.http;
      const offered = spec.streamsFor?.(ctx.settings) ?? spec.streams;
      const wanted = spec.enabledStreams?.(ctx.settings) ?? offered.map((s) => s.name);
      const streams = offered.filter((s) => wanted.includes(s.name));
      log('info', `Sync of ${ctx.integrationName} started: ${streams.map((s) => s.name).join(', ')}`);
      for (const stream of streams) {
        currentStream = stream.name;
        const pending: Pending = { batch: null };
        const streamCtx: ConnectorContext<any> = {
          ...ctx,
          log: (level, message, fields) => log(level, message, fields, stream.name),
          knownIds: (container) => knownIds(d.records.externalIds(integrationId, stream.name, container), pending.batch, container),
          run: scope,
        };
        try {
          await this.runStream(runId, integrationId, spec, stream, streamCtx, http, log, pending);
        } catch (err) {
          const body = d.redactor.redactDeep(toErrorBody(controller.signal.aborted ? new KinexusError('cancelled', 'The sync was cancelled.') : err));
          errors.push({ stream: stream.name, error: body });
          log(body.code === 'cancelled' ? 'warn' : 'error', `${stream.title}: ${body.message}`, { code: body.code, action: body.action }, stream.name);
          if (FATAL_FOR_RUN.has(body.code)) break;
        }
      }
      currentStream = null;
    } catch (err) {
      const body = d.redactor.redactDeep(toErrorBody(err));
      errors.push({ stream: null, error: body });
      log('error', body.message, { code: body.code, action: body.action });
    }
    await scope.end();

    const cancelled = controller.signal.aborted || errors.some((e) => e.error.code === 'cancelled');
    const status = cancelled ? 'cancelled' : errors.length > 0 ? 'failed' : 'succeeded';
    const first = errors.find((e) => e.error.code !== 'cancelled')?.error ?? (cancelled ? { code: 'cancelled' as const, message: 'The sync was cancelled; everything stored before that is kept.', action: 'Start the sync again when you are ready' } : null);
    d.runs.finish(runId, status, d.now().toISOString(), http?.stats.requests ?? 0, http?.stats.bytes ?? 0, status === 'succeeded' ? null : first);
    const run = d.runs.get(runId)!;
    log(status === 'succeeded' ? 'info' : status === 'cancelled' ? 'warn' : 'error', `Sync ${status}: ${describeCounts(run.counts)}; ${run.requests} requests, ${formatBytes(run.bytes)}`);
    d.onRunFinished(run);
    return run;
  }

  private async runStream(runId: string, integrationId: string, spec: ConnectorSpec<any>, stream: StreamSpec<any>, ctx: ConnectorContext<any>, http: HttpClient, log: (l: LogLevel, m: string, f?: Record<string, unknown>, s?: string | null) => void, pending: Pending): Promise<void> {
    const { d } = this;
    const state = d.state.get(integrationId, stream.name);
    log('info', `${stream.title}: ${state === null ? 'first sync, reading everything' : 'incremental sync from the last checkpoint'}`, undefined, stream.name);
    const totals: RunCounts = { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
    const write = d.db.transaction((records, deleted, failed: number, next: unknown) => {
      const c = d.records.applyBatch(integrationId, spec.id, stream.name, records, deleted, d.now().toISOString());
      c.failed += failed;
      d.state.set(integrationId, stream.name, next, d.now().toISOString());
      d.runs.addProgress(runId, c, 1, http.stats.requests, http.stats.bytes);
      return c;
    });
    // Read-ahead: the connector fetches batch k+1 while batch k is stored, so
    // network wait and storage overlap. Batches are still stored one at a
    // time, in order, each with its own state, so crash safety is unchanged.
    const it = stream.read(ctx, state)[Symbol.asyncIterator]();
    let next = it.next();
    try {
      for (;;) {
        const r = await next;
        if (r.done) break;
        const batch = r.value;
        if (ctx.signal.aborted) throw new KinexusError('cancelled', 'The sync was cancelled.');
        // Until it is stored, the batch counts in knownIds (a census running ahead must see it).
        pending.batch = batch;
        next = it.next();
        // A failure of the prefetch surfaces when it is awaited, not as an unhandled rejection.
        next.catch(() => undefined);
        // One turn of the event loop, so the prefetch's request leaves before the mapping and the synchronous write.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const records = recordsOf(batch);
        const c = write(records, batch.deletedIds ?? [], batch.failed ?? 0, batch.state) as RunCounts;
        pending.batch = null;
        for (const k of Object.keys(totals) as (keyof RunCounts)[]) totals[k] += c[k];
        if (records.length || batch.deletedIds?.length) log('debug', `${stream.title}: stored ${records.length} records (${describeCounts(c)})`, undefined, stream.name);
        d.onRunProgress(d.runs.get(runId)!);
      }
    } finally {
      pending.batch = null;
      // Stopped early (cancel, error): the connector finishes its prefetch (a
      // cancel aborts it) and cleans up; nobody waits for a batch nobody stores.
      void it.return?.(undefined)?.catch(() => undefined);
    }
    log('info', `${stream.title}: done, ${describeCounts(totals)}`, { ...totals }, stream.name);
  }
}

/** A run's shared values; `end` runs the clean-ups (each bounded, failures ignored). */
function runScope(): RunScope & { end(): Promise<void> } {
  const values = new Map<string, unknown>();
  const cleanups: (() => Promise<void> | void)[] = [];
  return {
    shared<T>(key: string, make: () => T): T {
      if (!values.has(key)) values.set(key, make());
      return values.get(key) as T;
    },
    onEnd(fn) {
      cleanups.push(fn);
    },
    async end() {
      for (const fn of cleanups.splice(0).reverse()) {
        let timer: NodeJS.Timeout | undefined;
        // A ref'd timer, cleared at once when the clean-up ends: a CLI awaiting this must not exit under it.
        await Promise.race([Promise.resolve().then(fn).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
      }
      values.clear();
    },
  };
}

/** The batch a stream has handed over and the engine has not stored yet. */
interface Pending {
  batch: Batch | null;
}

/** A batch's records, mapped once if the stream handed over a mapping function. */
function recordsOf(batch: Batch): SourceRecord[] {
  if (typeof batch.records === 'function') batch.records = batch.records();
  return batch.records;
}

/** Stored external ids, as they will be once the pending batch is stored. */
function knownIds(stored: string[], batch: Batch | null, container?: string): string[] {
  if (!batch) return stored;
  const ids = new Set(stored);
  for (const r of recordsOf(batch)) if (container === undefined || r.container === container) ids.add(r.externalId);
  for (const id of batch.deletedIds ?? []) ids.delete(id);
  return [...ids];
}

function describeCounts(c: RunCounts): string {
  return `${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged, ${c.deleted} deleted${c.failed ? `, ${c.failed} failed` : ''}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
