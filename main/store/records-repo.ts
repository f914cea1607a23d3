import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';
import { RecordsSearch, recordFilters, type RecordFilter } from './records-search.ts';
import type { SourceRecord } from '../connectors/types.ts';
import type { FullRecord, RecordHit, RunCounts, SearchPage } from '../../shared/sync.ts';

/** The raw JSON a record is stored with. */
export function rawJson(r: SourceRecord): string {
  return JSON.stringify(r.raw ?? null) ?? 'null';
}

/**
 * A stable hash of what the user sees of a record, to tell "unchanged" from
 * "updated": sha1 of the JSON array [kind, title, url, status, author,
 * updatedAt, container, text, raw]. The raw part is spliced in from
 * `raw` (its JSON, already made for storing) instead of serialized again.
 */
export function recordHash(r: SourceRecord, raw = rawJson(r)): string {
  const head = JSON.stringify([r.kind, r.title, r.url, r.status, r.author, r.updatedAt, r.container, r.text]);
  return createHash('sha1').update(`${head.slice(0, -1)},${raw}]`).digest('base64url');
}

/** The statements applyBatch runs for every record, prepared once per connection. */
interface UpsertStatements {
  find: Statement;
  insert: Statement;
  update: Statement;
  del: Statement;
}

interface HitRaw {
  id: number;
  integration_id: string;
  source: string;
  kind: string;
  external_id: string;
  container: string | null;
  title: string;
  url: string | null;
  status: string | null;
  author: string | null;
  updated_at: string | null;
  snippet?: string | null;
}

function hit(r: HitRaw): RecordHit {
  return {
    id: r.id,
    integrationId: r.integration_id,
    source: r.source,
    kind: r.kind,
    externalId: r.external_id,
    container: r.container,
    title: r.title,
    url: r.url,
    status: r.status,
    author: r.author,
    updatedAt: r.updated_at,
    snippet: r.snippet ?? null,
  };
}

/** The mirror: normalized records and their full-text index. */
export class RecordsRepo {
  private readonly searcher: RecordsSearch;
  private upserts: UpsertStatements | undefined;

  constructor(private readonly db: Db) {
    this.searcher = new RecordsSearch(db);
  }

  /** Upserts one batch and deletes its deleted ids; call inside a transaction. */
  applyBatch(integrationId: string, source: string, stream: string, records: SourceRecord[], deletedIds: string[], syncedAt: string): RunCounts {
    const counts: RunCounts = { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
    const { find, insert, update, del } = (this.upserts ??= {
      find: this.db.prepare('SELECT id, hash FROM records WHERE integration_id = ? AND stream = ? AND external_id = ?'),
      insert: this.db.prepare(
        `INSERT INTO records (integration_id, stream, external_id, source, kind, container, title, url, status, author, updated_at, text, raw, hash, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: this.db.prepare('UPDATE records SET kind = ?, container = ?, title = ?, url = ?, status = ?, author = ?, updated_at = ?, text = ?, raw = ?, hash = ?, synced_at = ? WHERE id = ?'),
      del: this.db.prepare('DELETE FROM records WHERE integration_id = ? AND stream = ? AND external_id = ?'),
    });
    for (const r of records) {
      const raw = rawJson(r);
      const hash = recordHash(r, raw);
      const existing = find.get(integrationId, stream, r.externalId) as { id: number; hash: string } | undefined;
      if (!existing) {
        insert.run(integrationId, stream, r.externalId, source, r.kind, r.container, r.title, r.url, r.status, r.author, r.updatedAt, r.text, raw, hash, syncedAt);
        counts.added++;
      } else if (existing.hash !== hash) {
        update.run(r.kind, r.container, r.title, r.url, r.status, r.author, r.updatedAt, r.text, raw, hash, syncedAt, existing.id);
        counts.updated++;
      } else {
        counts.unchanged++;
      }
    }
    for (const id of deletedIds) counts.deleted += del.run(integrationId, stream, id).changes;
    return counts;
  }

  /** External ids stored for a stream (for deletion censuses). */
  externalIds(integrationId: string, stream: string, container?: string): string[] {
    const rows = container
      ? this.db.prepare('SELECT external_id FROM records WHERE integration_id = ? AND stream = ? AND container = ?').all(integrationId, stream, container)
      : this.db.prepare('SELECT external_id FROM records WHERE integration_id = ? AND stream = ?').all(integrationId, stream);
    return (rows as { external_id: string }[]).map((r) => r.external_id);
  }

  count(integrationId?: string): number {
    const row = integrationId
      ? this.db.prepare('SELECT count(*) AS n FROM records WHERE integration_id = ?').get(integrationId)
      : this.db.prepare('SELECT count(*) AS n FROM records').get();
    return (row as { n: number }).n;
  }

  /**
   * Full-text search, best matches first, with snippets (see RecordsSearch
   * for how it is bounded). `total` is exact unless `totalIsAtLeast`.
   */
  search(q: string, f: RecordFilter): SearchPage {
    const page = this.searcher.page(q, f);
    if (!page || page.ids.length === 0) return { hits: [], total: page?.total ?? 0, totalIsAtLeast: page?.totalIsAtLeast ?? false };
    const rows = this.db
      .prepare(`SELECT id, integration_id, source, kind, external_id, container, title, url, status, author, updated_at FROM records WHERE id IN (${page.ids.map(() => '?').join(',')})`)
      .all(...page.ids) as HitRaw[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const hits = page.ids.filter((id) => byId.has(id)).map((id) => hit({ ...byId.get(id)!, snippet: page.snippets.get(id) ?? null }));
    return { hits, total: page.total, totalIsAtLeast: page.totalIsAtLeast };
  }

  list(f: RecordFilter): { hits: RecordHit[]; total: number } {
    const { where, args } = recordFilters(f, '');
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM records ${w}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT id, integration_id, source, kind, external_id, container, title, url, status, author, updated_at FROM records ${w} ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...args, f.limit, f.offset) as HitRaw[];
    return { hits: rows.map(hit), total };
  }

  get(id: number): FullRecord | undefined {
    const r = this.db.prepare('SELECT * FROM records WHERE id = ?').get(id) as (HitRaw & { stream: string; text: string; raw: string; synced_at: string }) | undefined;
    if (!r) return undefined;
    return { ...hit(r), stream: r.stream, text: r.text, raw: JSON.parse(r.raw), syncedAt: r.synced_at };
  }

  findByExternal(source: string, kind: string, externalId: string): FullRecord | undefined {
    const r = this.db.prepare('SELECT id FROM records WHERE source = ? AND kind = ? AND external_id = ? ORDER BY updated_at DESC LIMIT 1').get(source, kind, externalId) as { id: number } | undefined;
    return r ? this.get(r.id) : undefined;
  }
}
