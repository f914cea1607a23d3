import type { AutomationStep } from '../../shared/automation.ts';
import type { Schedule } from '../../shared/sync.ts';
import type { Db } from '../store/database.ts';

/** A stored automation; `definition` fields are kept as one JSON column. */
export interface AutomationRow {
  id: string;
  name: string;
  startUrl: string;
  steps: AutomationStep[];
  headless: boolean;
  maxSteps: number;
  timeoutSeconds: number;
  allowedDomains: string[];
  profileDir: string | null;
  schedule: Schedule;
  enabled: boolean;
  paused: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  id: string;
  name: string;
  definition: string;
  enabled: number;
  paused: number;
  schedule: string;
  created_at: string;
  updated_at: string;
}

type Definition = Pick<AutomationRow, 'startUrl' | 'steps' | 'headless' | 'maxSteps' | 'timeoutSeconds' | 'allowedDomains' | 'profileDir'>;

function fromRaw(r: Raw): AutomationRow {
  const d = JSON.parse(r.definition) as Definition;
  return { id: r.id, name: r.name, ...d, schedule: JSON.parse(r.schedule) as Schedule, enabled: r.enabled === 1, paused: r.paused === 1, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toParams(a: AutomationRow) {
  const definition: Definition = { startUrl: a.startUrl, steps: a.steps, headless: a.headless, maxSteps: a.maxSteps, timeoutSeconds: a.timeoutSeconds, allowedDomains: a.allowedDomains, profileDir: a.profileDir };
  return { id: a.id, name: a.name, definition: JSON.stringify(definition), enabled: a.enabled ? 1 : 0, paused: a.paused ? 1 : 0, schedule: JSON.stringify(a.schedule), created_at: a.createdAt, updated_at: a.updatedAt };
}

/** The automations table. */
export class AutomationsRepo {
  constructor(private readonly db: Db) {}

  list(): AutomationRow[] {
    return (this.db.prepare('SELECT * FROM automations ORDER BY created_at, id').all() as Raw[]).map(fromRaw);
  }

  get(id: string): AutomationRow | undefined {
    const r = this.db.prepare('SELECT * FROM automations WHERE id = ?').get(id) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  getByName(name: string): AutomationRow | undefined {
    const r = this.db.prepare('SELECT * FROM automations WHERE name = ? COLLATE NOCASE').get(name) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  insert(a: AutomationRow): void {
    this.db
      .prepare('INSERT INTO automations (id, name, definition, enabled, paused, schedule, created_at, updated_at) VALUES (@id, @name, @definition, @enabled, @paused, @schedule, @created_at, @updated_at)')
      .run(toParams(a));
  }

  update(a: AutomationRow): void {
    this.db.prepare('UPDATE automations SET name = @name, definition = @definition, enabled = @enabled, paused = @paused, schedule = @schedule, updated_at = @updated_at WHERE id = @id').run(toParams(a));
  }

  /** Deletes the automation; its runs, steps and mirrored records go with it (cascade and trigger). */
  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM automations WHERE id = ?').run(id).changes > 0;
  }
}
