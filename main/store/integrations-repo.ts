import type { Db } from './database.ts';
import { TestResult } from '../../shared/schemas.ts';
import type { Schedule } from '../../shared/sync.ts';

export interface IntegrationRow {
  id: string;
  connector: string;
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  secretsSet: string[];
  createdAt: string;
  updatedAt: string;
  schedule: Schedule | null;
  paused: boolean;
}

interface RawRow {
  id: string;
  connector: string;
  name: string;
  enabled: number;
  settings: string;
  secrets_set: string;
  created_at: string;
  updated_at: string;
  schedule: string | null;
  paused: number;
}

function fromRaw(r: RawRow): IntegrationRow {
  return {
    id: r.id,
    connector: r.connector,
    name: r.name,
    enabled: r.enabled === 1,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    secretsSet: JSON.parse(r.secrets_set) as string[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    schedule: r.schedule ? (JSON.parse(r.schedule) as Schedule) : null,
    paused: r.paused === 1,
  };
}

/** Integrations and their connection-test results. Holds no secret values. */
export class IntegrationsRepo {
  constructor(private readonly db: Db) {}

  list(): IntegrationRow[] {
    return (this.db.prepare('SELECT * FROM integrations ORDER BY created_at, id').all() as RawRow[]).map(fromRaw);
  }

  get(id: string): IntegrationRow | undefined {
    const r = this.db.prepare('SELECT * FROM integrations WHERE id = ?').get(id) as RawRow | undefined;
    return r ? fromRaw(r) : undefined;
  }

  getByName(name: string): IntegrationRow | undefined {
    const r = this.db.prepare('SELECT * FROM integrations WHERE name = ? COLLATE NOCASE').get(name) as RawRow | undefined;
    return r ? fromRaw(r) : undefined;
  }

  insert(row: IntegrationRow): void {
    this.db
      .prepare(
        `INSERT INTO integrations (id, connector, name, enabled, settings, secrets_set, created_at, updated_at, schedule, paused)
         VALUES (@id, @connector, @name, @enabled, @settings, @secretsSet, @createdAt, @updatedAt, @schedule, @paused)`,
      )
      .run({ ...row, enabled: row.enabled ? 1 : 0, settings: JSON.stringify(row.settings), secretsSet: JSON.stringify(row.secretsSet), schedule: row.schedule ? JSON.stringify(row.schedule) : null, paused: row.paused ? 1 : 0 });
  }

  update(row: IntegrationRow): void {
    this.db
      .prepare(
        `UPDATE integrations SET name = @name, enabled = @enabled, settings = @settings, secrets_set = @secretsSet, updated_at = @updatedAt, schedule = @schedule, paused = @paused WHERE id = @id`,
      )
      .run({ id: row.id, name: row.name, enabled: row.enabled ? 1 : 0, settings: JSON.stringify(row.settings), secretsSet: JSON.stringify(row.secretsSet), updatedAt: row.updatedAt, schedule: row.schedule ? JSON.stringify(row.schedule) : null, paused: row.paused ? 1 : 0 });
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM integrations WHERE id = ?').run(id).changes > 0;
  }

  saveTest(id: string, result: TestResult): void {
    this.db.prepare('INSERT INTO connection_tests (integration_id, at, ok, result) VALUES (?, ?, ?, ?)').run(id, result.at, result.ok ? 1 : 0, JSON.stringify(result));
    // Keep a short history per integration.
    this.db
      .prepare('DELETE FROM connection_tests WHERE integration_id = ? AND id NOT IN (SELECT id FROM connection_tests WHERE integration_id = ? ORDER BY id DESC LIMIT 20)')
      .run(id, id);
  }

  lastTest(id: string): TestResult | null {
    const r = this.db.prepare('SELECT result FROM connection_tests WHERE integration_id = ? ORDER BY id DESC LIMIT 1').get(id) as { result: string } | undefined;
    return r ? TestResult.parse(JSON.parse(r.result)) : null;
  }
}
