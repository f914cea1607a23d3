import { AutomationError, AutomationStepResult, type AutomationRun, type AutomationTrigger } from '../../shared/automation.ts';
import type { RunStatus } from '../../shared/sync.ts';
import type { Db } from '../store/database.ts';

interface RunRaw {
  id: string;
  automation_id: string;
  automation_name: string;
  trigger: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  artifacts_dir: string;
  session_id: string | null;
  python_version: string | null;
  sdk_version: string | null;
  records_saved: number;
  error: string | null;
}

/** The parts of a run stored in its row (steps live in automation_steps, artifacts on disk). */
export type RunHead = Omit<AutomationRun, 'steps' | 'artifacts' | 'durationMs'>;

function head(r: RunRaw): RunHead {
  return {
    id: r.id,
    automationId: r.automation_id,
    automationName: r.automation_name,
    trigger: r.trigger as AutomationTrigger,
    status: r.status as RunStatus,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    artifactsDir: r.artifacts_dir,
    sessionId: r.session_id,
    pythonVersion: r.python_version,
    sdkVersion: r.sdk_version,
    recordsSaved: r.records_saved,
    error: r.error ? AutomationError.parse(JSON.parse(r.error)) : null,
  };
}

/** Automation runs and their per-step results. */
export class AutomationRunsRepo {
  constructor(private readonly db: Db) {}

  insert(run: RunHead, steps: AutomationStepResult[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO automation_runs (id, automation_id, automation_name, trigger, status, started_at, ended_at, artifacts_dir, session_id, python_version, sdk_version, records_saved, error, owner_pid)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(run.id, run.automationId, run.automationName, run.trigger, run.status, run.startedAt, run.endedAt, run.artifactsDir, run.sessionId, run.pythonVersion, run.sdkVersion, run.recordsSaved, run.error ? JSON.stringify(run.error) : null, process.pid);
      for (const s of steps) this.saveStep(run.id, s);
    })();
  }

  update(run: RunHead): void {
    this.db
      .prepare('UPDATE automation_runs SET status = ?, ended_at = ?, session_id = ?, python_version = ?, sdk_version = ?, records_saved = ?, error = ? WHERE id = ?')
      .run(run.status, run.endedAt, run.sessionId, run.pythonVersion, run.sdkVersion, run.recordsSaved, run.error ? JSON.stringify(run.error) : null, run.id);
  }

  saveStep(runId: string, s: AutomationStepResult): void {
    this.db.prepare('INSERT INTO automation_steps (run_id, idx, status, result) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, idx) DO UPDATE SET status = excluded.status, result = excluded.result').run(runId, s.index, s.status, JSON.stringify(s));
  }

  get(id: string): { head: RunHead; steps: AutomationStepResult[] } | undefined {
    const r = this.db.prepare('SELECT * FROM automation_runs WHERE id = ?').get(id) as RunRaw | undefined;
    return r ? { head: head(r), steps: this.steps(id) } : undefined;
  }

  steps(runId: string): AutomationStepResult[] {
    const rows = this.db.prepare('SELECT result FROM automation_steps WHERE run_id = ? ORDER BY idx').all(runId) as { result: string }[];
    return rows.map((r) => AutomationStepResult.parse(JSON.parse(r.result)));
  }

  list(f: { automationId?: string; status?: RunStatus; limit: number }): RunHead[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.automationId) (where.push('automation_id = ?'), args.push(f.automationId));
    if (f.status) (where.push('status = ?'), args.push(f.status));
    const rows = this.db.prepare(`SELECT * FROM automation_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT ?`).all(...args, f.limit) as RunRaw[];
    return rows.map(head);
  }

  /** The most recent finished runs of one automation, newest first. */
  recent(automationId: string, n: number): RunHead[] {
    return (this.db.prepare("SELECT * FROM automation_runs WHERE automation_id = ? AND status != 'running' ORDER BY started_at DESC, rowid DESC LIMIT ?").all(automationId, n) as RunRaw[]).map(head);
  }

  /**
   * Runs a crash left "running" become "interrupted"; returns their ids. A run
   * whose process is still alive (the app, while a CLI command starts beside
   * it) is someone else's and is left alone.
   */
  markInterrupted(at: string, isAlive: (pid: number) => boolean): string[] {
    const rows = this.db.prepare("SELECT id, owner_pid FROM automation_runs WHERE status = 'running'").all() as { id: string; owner_pid: number | null }[];
    const ids = rows.filter((r) => r.owner_pid === null || r.owner_pid === process.pid || !isAlive(r.owner_pid)).map((r) => r.id);
    const error = JSON.stringify({ code: 'cancelled', message: 'Kinexus stopped while this automation was running.', action: 'Run it again', errorClass: null, retryAt: null });
    this.db.transaction(() => {
      for (const id of ids) {
        this.db.prepare("UPDATE automation_runs SET status = 'interrupted', ended_at = ?, error = ? WHERE id = ?").run(at, error, id);
        this.db.prepare("UPDATE automation_steps SET status = 'skipped', result = json_set(result, '$.status', 'skipped') WHERE run_id = ? AND status IN ('running', 'pending')").run(id);
      }
    })();
    return ids;
  }

  /** Ids of an automation's runs (to delete their folders with it). */
  idsOf(automationId: string): { id: string; artifactsDir: string }[] {
    return (this.db.prepare('SELECT id, artifacts_dir FROM automation_runs WHERE automation_id = ?').all(automationId) as { id: string; artifacts_dir: string }[]).map((r) => ({ id: r.id, artifactsDir: r.artifacts_dir }));
  }
}
