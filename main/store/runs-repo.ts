import type { Db } from './database.ts';
import type { LogLine, RunCounts, RunStatus, SyncRun, Trigger } from '../../shared/sync.ts';
import type { ApiErrorBody } from '../../shared/errors.ts';

interface RunRaw {
  id: string;
  integration_id: string;
  trigger: Trigger;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  requests: number;
  bytes: number;
  pages: number;
  error_code: string | null;
  error_message: string | null;
  error_action: string | null;
  retry_at: string | null;
}

function fromRaw(r: RunRaw): SyncRun {
  return {
    id: r.id,
    integrationId: r.integration_id,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.ended_at ? Date.parse(r.ended_at) - Date.parse(r.started_at) : null,
    counts: { added: r.added, updated: r.updated, unchanged: r.unchanged, deleted: r.deleted, failed: r.failed },
    requests: r.requests,
    bytes: r.bytes,
    pages: r.pages,
    error: r.error_code ? { code: r.error_code as ApiErrorBody['code'], message: r.error_message ?? '', action: r.error_action, retryAt: r.retry_at } : null,
  };
}

export interface RunListFilter {
  integrationId?: string;
  status?: RunStatus;
  limit: number;
  /** Only runs started before this ISO time (paging back). */
  before?: string;
}

/** Sync runs and their log lines. */
export class RunsRepo {
  constructor(private readonly db: Db) {}

  create(id: string, integrationId: string, trigger: Trigger, startedAt: string): void {
    this.db.prepare("INSERT INTO sync_runs (id, integration_id, trigger, status, started_at, owner_pid) VALUES (?, ?, ?, 'running', ?, ?)").run(id, integrationId, trigger, startedAt, process.pid);
  }

  /** Adds a committed batch's counts; called inside the batch's transaction. */
  addProgress(id: string, c: RunCounts, pages: number, requests: number, bytes: number): void {
    this.db
      .prepare('UPDATE sync_runs SET added = added + ?, updated = updated + ?, unchanged = unchanged + ?, deleted = deleted + ?, failed = failed + ?, pages = pages + ?, requests = ?, bytes = ? WHERE id = ?')
      .run(c.added, c.updated, c.unchanged, c.deleted, c.failed, pages, requests, bytes, id);
  }

  finish(id: string, status: RunStatus, endedAt: string, requests: number, bytes: number, error: ApiErrorBody | null): void {
    this.db
      .prepare('UPDATE sync_runs SET status = ?, ended_at = ?, requests = ?, bytes = ?, error_code = ?, error_message = ?, error_action = ?, retry_at = ? WHERE id = ?')
      .run(status, endedAt, requests, bytes, error?.code ?? null, error?.message ?? null, error?.action ?? null, error?.retryAt ?? null, id);
  }

  /**
   * Runs a crash left `running` become `interrupted`; returns how many. A run
   * whose process is still alive (the app, while the CLI starts beside it) is
   * left alone.
   */
  markInterrupted(endedAt: string, isAlive: (pid: number) => boolean = processAlive): number {
    const running = this.db.prepare("SELECT id, owner_pid FROM sync_runs WHERE status = 'running'").all() as { id: string; owner_pid: number | null }[];
    const mark = this.db.prepare(
      "UPDATE sync_runs SET status = 'interrupted', ended_at = ?, error_code = 'internal', error_message = 'The app stopped while this sync was running; everything committed before that is kept.', error_action = 'Nothing to do: the next sync resumes where this one stopped' WHERE id = ? AND status = 'running'",
    );
    let n = 0;
    for (const r of running) {
      if (r.owner_pid !== null && r.owner_pid !== process.pid && isAlive(r.owner_pid)) continue;
      n += mark.run(endedAt, r.id).changes;
    }
    return n;
  }

  get(id: string): SyncRun | undefined {
    const r = this.db.prepare('SELECT * FROM sync_runs WHERE id = ?').get(id) as RunRaw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  list(f: RunListFilter): SyncRun[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.integrationId) (where.push('integration_id = ?'), args.push(f.integrationId));
    if (f.status) (where.push('status = ?'), args.push(f.status));
    if (f.before) (where.push('started_at < ?'), args.push(f.before));
    const sql = `SELECT * FROM sync_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as RunRaw[]).map(fromRaw);
  }

  /** The latest runs of one integration, newest first (health looks at these). */
  recent(integrationId: string, limit: number): SyncRun[] {
    return this.list({ integrationId, limit });
  }

  lastSuccess(integrationId: string): SyncRun | undefined {
    const r = this.db.prepare("SELECT * FROM sync_runs WHERE integration_id = ? AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1").get(integrationId) as RunRaw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  appendLog(line: LogLine): void {
    this.db
      .prepare('INSERT INTO run_logs (run_id, seq, at, level, stream, message, fields) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(line.runId, line.seq, line.at, line.level, line.stream, line.message, line.fields ? JSON.stringify(line.fields) : null);
  }

  /** Matching lines in seq order (after `afterSeq`, skipping `offset`) and how many match in all; both from one snapshot. */
  logs(runId: string, opts: { levels?: string[]; q?: string; afterSeq?: number; offset?: number; limit: number }): { lines: LogLine[]; total: number } {
    const where = ['run_id = ?'];
    const args: unknown[] = [runId];
    if (opts.levels?.length) (where.push(`level IN (${opts.levels.map(() => '?').join(',')})`), args.push(...opts.levels));
    if (opts.q) (where.push("(message LIKE ? ESCAPE '\\' OR fields LIKE ? ESCAPE '\\')"), args.push(`%${likeEscape(opts.q)}%`, `%${likeEscape(opts.q)}%`));
    const total = (this.db.prepare(`SELECT count(*) AS n FROM run_logs WHERE ${where.join(' AND ')}`).get(...args) as { n: number }).n;
    if (opts.afterSeq !== undefined) (where.push('seq > ?'), args.push(opts.afterSeq));
    const rows = this.db.prepare(`SELECT * FROM run_logs WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ? OFFSET ?`).all(...args, opts.limit, opts.offset ?? 0) as {
      run_id: string;
      seq: number;
      at: string;
      level: LogLine['level'];
      stream: string | null;
      message: string;
      fields: string | null;
    }[];
    return { total, lines: rows.map((r) => ({ runId: r.run_id, seq: r.seq, at: r.at, level: r.level, stream: r.stream, message: r.message, fields: r.fields ? JSON.parse(r.fields) : null })) };
  }

  /**
   * Deletes log lines of runs older than `olderThan`, then of the oldest runs
   * until the log text is under `maxBytes`. Runs themselves are kept.
   */
  pruneLogs(olderThan: string, maxBytes: number): number {
    let removed = this.db.prepare('DELETE FROM run_logs WHERE run_id IN (SELECT id FROM sync_runs WHERE started_at < ?)').run(olderThan).changes;
    const size = () => (this.db.prepare('SELECT coalesce(sum(length(message) + coalesce(length(fields), 0) + 40), 0) AS n FROM run_logs').get() as { n: number }).n;
    let total = size();
    while (total > maxBytes) {
      const oldest = this.db.prepare('SELECT DISTINCT r.id FROM sync_runs r JOIN run_logs l ON l.run_id = r.id ORDER BY r.started_at LIMIT 1').get() as { id: string } | undefined;
      if (!oldest) break;
      removed += this.db.prepare('DELETE FROM run_logs WHERE run_id = ?').run(oldest.id).changes;
      total = size();
    }
    return removed;
  }
}

/** Whether a process with this pid exists (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
