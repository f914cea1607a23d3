/**
 * The ingest baseline, "the limit": the same normalized rows the sync stores,
 * upserted with better-sqlite3 in one transaction into the same `records`
 * table (product migrations, so the same indexes and FTS5 triggers), in a
 * fresh process and database.
 *
 * Outside the timing: generating the GitHub JSON, mapping it with the
 * product's mapIssue, the record hash and the raw JSON text. Inside: one
 * prepared INSERT … ON CONFLICT DO UPDATE per row, one COMMIT.
 *
 *   BENCH_BASELINE='{"count":N}'
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapIssue, type GhIssue } from '../../main/connectors/github/map.ts';
import { openDatabase } from '../../main/store/database.ts';
import { recordHash } from '../../main/store/records-repo.ts';
import { parent } from '../lib/child.ts';
import { DEFAULT_T0, issueJson } from '../lib/issue-data.ts';

const { count } = JSON.parse(process.env.BENCH_BASELINE ?? '{}') as { count: number };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-base-'));
try {
  const rows: unknown[][] = [];
  const syncedAt = new Date().toISOString();
  for (let n = 1; n <= count; n++) {
    const r = mapIssue('acme/api', issueJson(n, { owner: 'acme', repo: 'api', apiOrigin: 'http://127.0.0.1:1', t0: DEFAULT_T0 }) as unknown as GhIssue, 'issue');
    rows.push(['gh-bench', 'issues', r.externalId, 'github', r.kind, r.container, r.title, r.url, r.status, r.author, r.updatedAt, r.text, JSON.stringify(r.raw), recordHash(r), syncedAt]);
  }
  const db = openDatabase(dir);
  const upsert = db.prepare(
    `INSERT INTO records (integration_id, stream, external_id, source, kind, container, title, url, status, author, updated_at, text, raw, hash, synced_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (integration_id, stream, external_id) DO UPDATE SET kind = excluded.kind, container = excluded.container, title = excluded.title,
       url = excluded.url, status = excluded.status, author = excluded.author, updated_at = excluded.updated_at, text = excluded.text,
       raw = excluded.raw, hash = excluded.hash, synced_at = excluded.synced_at`,
  );
  const all = db.transaction(() => {
    for (const r of rows) upsert.run(...r);
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  all();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const stored = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  db.close();
  parent.finish({ ms, cpuMs: (cpu.user + cpu.system) / 1000, stored, maxRss: process.resourceUsage().maxRSS * 1024 });
} catch (err) {
  parent.fail(err);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
