import type { Db } from './database.ts';

/** Per-stream resume cursors, written in the same transaction as their batch. */
export class StateRepo {
  constructor(private readonly db: Db) {}

  get(integrationId: string, stream: string): unknown {
    const r = this.db.prepare('SELECT state FROM stream_state WHERE integration_id = ? AND stream = ?').get(integrationId, stream) as { state: string } | undefined;
    return r ? JSON.parse(r.state) : null;
  }

  set(integrationId: string, stream: string, state: unknown, at: string): void {
    this.db
      .prepare('INSERT INTO stream_state (integration_id, stream, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(integration_id, stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at')
      .run(integrationId, stream, JSON.stringify(state ?? null), at);
  }

  clear(integrationId: string, stream?: string): void {
    if (stream) this.db.prepare('DELETE FROM stream_state WHERE integration_id = ? AND stream = ?').run(integrationId, stream);
    else this.db.prepare('DELETE FROM stream_state WHERE integration_id = ?').run(integrationId);
  }
}
