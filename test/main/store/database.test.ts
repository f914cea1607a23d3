import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion, type Db } from '../../../main/store/database.ts';
import { migrations } from '../../../main/store/migrations.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-db-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('workspace database', () => {
  it('opens with WAL, foreign keys and a busy timeout, at the latest schema version', () => {
    const db = openDatabase(tempDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(migrations.length);
    db.close();
  });

  it('reopening an up-to-date database changes nothing', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    const db = openDatabase(dir);
    expect(schemaVersion(db)).toBe(migrations.length);
    db.close();
  });

  it('a failing migration leaves the previous schema and data intact', () => {
    const db = openDatabase(tempDir());
    db.prepare("INSERT INTO app_settings (key, value) VALUES ('k', '1')").run();
    const before = schemaVersion(db);
    const broken = [
      ...migrations,
      (d: Db) => {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        d.exec('ALTER TABLE no_such_table ADD COLUMN y INTEGER');
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(before);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(db.prepare("SELECT value FROM app_settings WHERE key = 'k'").get()).toEqual({ value: '1' });
    db.close();
  });

  it('refuses a database written by a newer version of the app, saying to update', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    db.pragma(`user_version = ${migrations.length + 5}`);
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer than this app understands.*Update Kinexus Desktop/);
  });

  it('deleting an integration cascades to its connection tests', () => {
    const db = openDatabase(tempDir());
    db.prepare("INSERT INTO integrations (id, connector, name, settings, created_at, updated_at) VALUES ('i1','github','n','{}','t','t')").run();
    db.prepare("INSERT INTO connection_tests (integration_id, at, ok, result) VALUES ('i1','t',1,'{}')").run();
    db.prepare("DELETE FROM integrations WHERE id = 'i1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM connection_tests').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('runs left running', () => {
  it('marks runs of dead processes interrupted but leaves a live process\'s run alone', async () => {
    const { RunsRepo } = await import('../../../main/store/runs-repo.ts');
    const db = openDatabase(tempDir());
    db.prepare("INSERT INTO integrations (id, connector, name, settings, created_at, updated_at) VALUES ('i1','github','n','{}','t','t')").run();
    const runs = new RunsRepo(db);
    runs.create('r-live', 'i1', 'cli', '2026-01-01T00:00:00Z');
    runs.create('r-dead', 'i1', 'cli', '2026-01-01T00:00:01Z');
    db.prepare("UPDATE sync_runs SET owner_pid = 424242 WHERE id = 'r-live'").run();
    db.prepare("UPDATE sync_runs SET owner_pid = 535353 WHERE id = 'r-dead'").run();
    expect(runs.markInterrupted('2026-01-01T00:01:00Z', (pid) => pid === 424242)).toBe(1);
    expect(runs.get('r-live')!.status).toBe('running');
    expect(runs.get('r-dead')!.status).toBe('interrupted');
    // Without a pid (rows from before this column), a running row counts as left over.
    runs.create('r-old', 'i1', 'cli', '2026-01-01T00:00:02Z');
    db.prepare("UPDATE sync_runs SET owner_pid = NULL WHERE id = 'r-old'").run();
    expect(runs.markInterrupted('2026-01-01T00:01:00Z', () => true)).toBe(1);
    db.close();
  });
});

describe('run log pruning', () => {
  it('drops the log lines of runs older than the retention, then of the oldest runs until under the size cap, keeping the runs', async () => {
    const { RunsRepo } = await import('../../../main/store/runs-repo.ts');
    const db = openDatabase(tempDir());
    db.prepare("INSERT INTO integrations (id, connector, name, settings, created_at, updated_at) VALUES ('i1','github','n','{}','t','t')").run();
    const runs = new RunsRepo(db);
    const starts = ['2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'];
    starts.forEach((at, i) => {
      runs.create(`r${i}`, 'i1', 'schedule', at);
      for (let seq = 1; seq <= 50; seq++) runs.appendLog({ runId: `r${i}`, seq, at, level: 'info', stream: null, message: 'x'.repeat(200), fields: null });
    });
    const lines = (id: string) => runs.logs(id, { limit: 1000 }).total;
    // Older than 2026-02-01: r0 goes. 3 runs × 50 lines × (200 + 40) bytes ≈ 36 KB remain; a 25 KB cap drops the oldest of them too.
    const removed = runs.pruneLogs('2026-02-01T00:00:00Z', 25_000);
    expect(removed).toBe(100);
    expect([lines('r0'), lines('r1'), lines('r2'), lines('r3')]).toEqual([0, 0, 50, 50]);
    expect(runs.get('r0')).toBeDefined();
    db.close();
  });
});
