import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../main/connectors/types.ts';
import { migrate, schemaVersion } from '../../../main/store/database.ts';
import { migrations } from '../../../main/store/migrations.ts';
import { RecordsRepo } from '../../../main/store/records-repo.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function db(): Database.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-mig-'));
  dirs.push(dir);
  const d = new Database(path.join(dir, 'kinexus.db'));
  d.pragma('foreign_keys = ON');
  return d;
}

function record(id: string, title: string, text: string): SourceRecord {
  return { externalId: id, kind: 'issue', title, url: null, status: 'open', author: 'octo', updatedAt: '2025-03-01T00:00:00Z', text, container: 'acme/api', raw: { id } };
}

const AUTOMATION_VERSION = migrations.findIndex((m) => m.toString().includes('CREATE TABLE automations')) + 1;

function addIntegration(d: Database.Database, id: string): void {
  d.prepare("INSERT INTO integrations (id, connector, name, settings, created_at, updated_at) VALUES (?, 'github', ?, '{}', '2025-01-01', '2025-01-01')").run(id, id);
}

describe('the records table after the automation migration', () => {
  it('upgrading keeps every mirrored record and its full-text index; records no longer need an integration row', () => {
    const d = db();
    migrate(d, migrations.slice(0, AUTOMATION_VERSION - 1));
    addIntegration(d, 'github-1');
    const repo = new RecordsRepo(d);
    d.transaction(() => repo.applyBatch('github-1', 'github', 'github.issues', [record('1', 'Payment webhook drops retries', 'Stripe retries are ignored'), record('2', 'Flaky login test', 'login fails on CI')], [], '2025-03-02'))();
    const before = d.prepare('SELECT * FROM records ORDER BY id').all();
    expect(d.pragma('foreign_key_list(records)')).toHaveLength(1);
    const dependents = () => (d.prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'records' AND name NOT LIKE 'sqlite_%' AND type != 'table'").all() as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name));
    const indexesAndTriggers = dependents();
    expect(indexesAndTriggers.length).toBeGreaterThanOrEqual(5);

    migrate(d, migrations.slice(0, AUTOMATION_VERSION));
    // Indexes and FTS triggers came back with the table, exactly as they were (later migrations may add their own).
    expect(dependents()).toEqual(indexesAndTriggers);
    migrate(d);
    expect(schemaVersion(d)).toBe(migrations.length);
    expect(d.prepare('SELECT * FROM records ORDER BY id').all()).toEqual(before);
    expect(repo.search('stripe', { limit: 10, offset: 0 }).hits.map((h) => h.title)).toEqual(['Payment webhook drops retries']);
    expect(() => d.exec("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")).not.toThrow();
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(d.pragma('foreign_key_list(records)')).toEqual([]);
    expect(d.pragma('foreign_key_check')).toEqual([]);
    d.close();
  });

  it('removing an integration still removes its records, and removing an automation removes its own', () => {
    const d = db();
    migrate(d);
    addIntegration(d, 'github-1');
    d.prepare("INSERT INTO automations (id, name, definition, schedule, created_at, updated_at) VALUES ('auto-1', 'Prices', '{}', '{\"type\":\"manual\"}', '2025-01-01', '2025-01-01')").run();
    const repo = new RecordsRepo(d);
    d.transaction(() => {
      repo.applyBatch('github-1', 'github', 'github.issues', [record('1', 'Webhook retries', 'github text')], [], '2025-03-02');
      repo.applyBatch('auto-1', 'nova_act', 'nova_act.step1', [record('a', 'Laptop stand', 'price 49.9')], [], '2025-03-02');
    })();
    expect(repo.count()).toBe(2);

    d.prepare("DELETE FROM automations WHERE id = 'auto-1'").run();
    expect(repo.count('auto-1')).toBe(0);
    expect(repo.search('laptop', { limit: 10, offset: 0 }).total).toBe(0);
    expect(repo.count('github-1')).toBe(1);

    d.prepare("DELETE FROM integrations WHERE id = 'github-1'").run();
    expect(repo.count()).toBe(0);
    expect(repo.search('webhook', { limit: 10, offset: 0 }).total).toBe(0);
    d.close();
  });
});
