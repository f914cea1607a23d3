import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../main/connectors/types.ts';
import { migrate, openDatabase, schemaVersion, type Db } from '../../../main/store/database.ts';
import { migrations } from '../../../main/store/migrations.ts';
import { RecordsRepo } from '../../../main/store/records-repo.ts';
import { SEARCH_WINDOW, type RecordFilter } from '../../../main/store/records-search.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-search-'));
  dirs.push(d);
  return d;
}

interface Spec {
  title: string;
  text?: string;
  integrationId?: string;
  source?: string;
  kind?: string;
  updatedAt?: string;
}

let serial = 0;

/** Stores the records in the order given, so later ones get higher ids (are newer). Returns their ids. */
function seed(db: Db, specs: Spec[]): number[] {
  const repo = new RecordsRepo(db);
  const ids: number[] = [];
  db.transaction(() => {
    for (const s of specs) {
      const externalId = `r${++serial}`;
      const r: SourceRecord = { externalId, kind: s.kind ?? 'issue', title: s.title, url: null, status: 'open', author: 'octo', updatedAt: s.updatedAt ?? '2025-03-01T00:00:00Z', text: s.text ?? '', container: 'acme/api', raw: { externalId } };
      repo.applyBatch(s.integrationId ?? 'github-1', s.source ?? 'github', 'issues', [r], [], '2025-03-02T00:00:00Z');
      ids.push((db.prepare('SELECT id FROM records WHERE external_id = ?').get(externalId) as { id: number }).id);
    }
  })();
  return ids;
}

function filler(n: number, word = 'filler'): Spec[] {
  return Array.from({ length: n }, (_, i) => ({ title: `${word} ${i}`, text: `nothing to see ${i}` }));
}

/** Every hit of a query, page by page. */
function allPages(repo: RecordsRepo, q: string, f: Omit<RecordFilter, 'limit' | 'offset'>, limit: number): number[] {
  const ids: number[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = repo.search(q, { ...f, limit, offset });
    if (page.hits.length === 0) return ids;
    ids.push(...page.hits.map((h) => h.id));
  }
}

const page = { limit: 20, offset: 0 };

describe('full-text search', () => {
  it('puts the most relevant record first for a rare word, ranking all its matches however old', () => {
    const db = openDatabase(tempDir());
    const [best] = seed(db, [{ title: 'Quokka sighting in the parking lot', text: 'a quokka was seen' }, ...filler(50)]);
    seed(db, Array.from({ length: 30 }, (_, i) => ({ title: `Weekly report ${i}`, text: `long notes about many things and one quokka ${i}` })));
    const r = new RecordsRepo(db).search('quokka', page);
    expect(r.hits[0].id).toBe(best);
    expect(r.hits[0].title).toBe('Quokka sighting in the parking lot');
    expect(r).toMatchObject({ total: 31, totalIsAtLeast: false });
    expect(r.hits).toHaveLength(20);
    db.close();
  });

  it('gives every hit the snippet of its own text, with the words marked', () => {
    const db = openDatabase(tempDir());
    seed(db, [...filler(5), ...Array.from({ length: 6 }, (_, i) => ({ title: `Crash ${i}`, text: `marker${i} the kestrel nested here` })), ...filler(5)]);
    const r = new RecordsRepo(db).search('kestrel', page);
    expect(r.hits).toHaveLength(6);
    for (const h of r.hits) {
      const n = h.title.split(' ')[1];
      expect(h.snippet).toContain(`marker${n}`);
      expect(h.snippet).toContain('[kestrel]');
    }
    db.close();
  });

  it('counts exactly up to the window and says "at least" beyond it', () => {
    const db = openDatabase(tempDir());
    const repo = new RecordsRepo(db);
    seed(db, Array.from({ length: SEARCH_WINDOW }, (_, i) => ({ title: `Note ${i}`, text: `exact count ${i}` })));
    expect(repo.search('exact', page)).toMatchObject({ total: SEARCH_WINDOW, totalIsAtLeast: false });
    seed(db, [{ title: 'One more', text: 'exact again' }]);
    expect(repo.search('exact', page)).toMatchObject({ total: SEARCH_WINDOW, totalIsAtLeast: true });
    expect(repo.search('nothing matches this', page)).toEqual({ hits: [], total: 0, totalIsAtLeast: false });
    db.close();
  });

  it('ranks a common word within its newest matches, and an older best match where its block of matches begins', () => {
    const db = openDatabase(tempDir());
    const repo = new RecordsRepo(db);
    const [oldBest] = seed(db, [{ title: 'Login login login', text: 'login' }]);
    const older = seed(db, Array.from({ length: 49 }, (_, i) => ({ title: `Older ${i}`, text: `some words then login ${i}` })));
    const [newBest] = seed(db, [{ title: 'Login page broken', text: 'login fails' }]);
    seed(db, Array.from({ length: SEARCH_WINDOW - 1 }, (_, i) => ({ title: `Newer ${i}`, text: `some words then login ${i}` })));
    const first = repo.search('login', page);
    expect(first.hits[0].id).toBe(newBest);
    expect(first.hits.map((h) => h.id)).not.toContain(oldBest);
    expect(first).toMatchObject({ total: SEARCH_WINDOW, totalIsAtLeast: true });
    // The 50 oldest matches form the second block: its best comes first there, and the total is now known.
    const second = repo.search('login', { limit: 20, offset: SEARCH_WINDOW });
    expect(second.hits[0].id).toBe(oldBest);
    expect(second).toMatchObject({ total: SEARCH_WINDOW + 50, totalIsAtLeast: false });
    expect(new Set(second.hits.slice(1).map((h) => h.id)).size).toBe(19);
    expect(second.hits.slice(1).every((h) => older.includes(h.id))).toBe(true);
    db.close();
  });

  it('pages through every match exactly once, the same whatever the page size, across the window boundary', () => {
    const db = openDatabase(tempDir());
    const repo = new RecordsRepo(db);
    const ids = seed(db, Array.from({ length: SEARCH_WINDOW + 150 }, (_, i) => ({ title: i % 7 === 0 ? `Cache miss ${i}` : `Item ${i}`, text: `the cache ${'cache '.repeat(i % 5)}warms ${i}` })));
    seed(db, filler(20));
    const by37 = allPages(repo, 'cache', {}, 37);
    expect(by37).toHaveLength(ids.length);
    expect(new Set(by37)).toEqual(new Set(ids));
    expect(allPages(repo, 'cache', {}, 200)).toEqual(by37);
    // A page that straddles two blocks is the same slice of the one order.
    expect(repo.search('cache', { limit: 30, offset: SEARCH_WINDOW - 10 }).hits.map((h) => h.id)).toEqual(by37.slice(SEARCH_WINDOW - 10, SEARCH_WINDOW + 20));
    const past = repo.search('cache', { limit: 20, offset: 5 * SEARCH_WINDOW });
    expect(past).toEqual({ hits: [], total: ids.length, totalIsAtLeast: false });
    db.close();
  });

  it('takes the last word as a prefix: short or long, any case, accents folded, and prefixes of many words', () => {
    const db = openDatabase(tempDir());
    const repo = new RecordsRepo(db);
    const [deploy, deployment, deployed] = seed(db, [
      { title: 'Deploy failed', text: 'we deploy on fridays' },
      { title: 'Deployment guide', text: 'how deployments work' },
      { title: 'Deployed twice', text: 'oops' },
    ]);
    const [zurich] = seed(db, [{ title: 'Office in Zürich', text: 'lake view' }]);
    const many = seed(db, 'abcdefghijkl'.split('').map((c) => ({ title: `Variant alpha${c}`, text: `alpha${c}` })));
    seed(db, filler(30));
    const found = (q: string) => new Set(repo.search(q, { limit: 200, offset: 0 }).hits.map((h) => h.id));
    expect(found('deplo')).toEqual(new Set([deploy, deployment, deployed]));
    expect(found('DEPLOY')).toEqual(new Set([deploy, deployment, deployed]));
    expect(found('dep')).toEqual(new Set([deploy, deployment, deployed]));
    expect(found('deploym')).toEqual(new Set([deployment]));
    expect(found('fridays deploy')).toEqual(new Set([deploy]));
    expect(found('zuri')).toEqual(new Set([zurich]));
    expect(found('zür')).toEqual(new Set([zurich]));
    expect(found('Zürich')).toEqual(new Set([zurich]));
    expect(found('alph')).toEqual(new Set(many));
    expect(found('variant alpha')).toEqual(new Set(many));
    expect(found('deplx')).toEqual(new Set());
    db.close();
  });
});

describe('filtered search', () => {
  // More records pass the wide filters than search takes as a set of ids (10,000), so both of its ways are exercised.
  const specs: Spec[] = Array.from({ length: 10_500 }, (_, i) => ({
    title: `Item ${i}${i % 3 === 0 ? ' deploy' : ''}${i % 50 === 0 ? ' rollback' : ''}`,
    text: `text ${i} ${i % 5 === 0 ? 'deploy again' : 'other'}`,
    integrationId: i % 40 === 0 ? 'jira-1' : 'github-1',
    source: i % 40 === 0 ? 'jira' : 'github',
    kind: i % 9 === 0 ? 'pull_request' : 'issue',
    updatedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  }));
  let db: Db;
  let repo: RecordsRepo;
  let ids: number[];
  let best: number;

  beforeAll(() => {
    db = openDatabase(tempDir());
    repo = new RecordsRepo(db);
    const top: Spec = { title: 'Rollback rollback', text: 'rollback', source: 'jira', integrationId: 'jira-1', kind: 'issue', updatedAt: '2024-06-01T00:00:00Z' };
    ids = seed(db, specs);
    [best] = seed(db, [top]);
    seed(db, filler(10));
    ids.push(best);
    specs.push(top);
  });
  afterAll(() => db?.close());

  function expected(word: string, f: Omit<RecordFilter, 'limit' | 'offset'>): number[] {
    return ids.filter((_, i) => {
      const s = specs[i];
      return (
        `${s.title} ${s.text}`.split(' ').includes(word) &&
        (!f.integrationId || s.integrationId === f.integrationId) &&
        (!f.source || s.source === f.source) &&
        (!f.kind || s.kind === f.kind) &&
        (!f.updatedSince || s.updatedAt! >= f.updatedSince)
      );
    });
  }

  it('finds exactly the matches that pass each filter, counted exactly or "at least" beyond the window', () => {
    const late = specs[9000].updatedAt!;
    const cases: Omit<RecordFilter, 'limit' | 'offset'>[] = [
      { source: 'jira' },
      { integrationId: 'jira-1' },
      { kind: 'pull_request' },
      { kind: 'issue' },
      { source: 'github', kind: 'issue' },
      { updatedSince: late },
      // These three pass more than 10,000 records: checked row by row rather than as a set of ids.
      { updatedSince: '2025-01-01T00:00:00Z' },
      { source: 'github' },
      { integrationId: 'github-1', updatedSince: '2025-01-01T00:00:00Z' },
      { source: 'jira', updatedSince: late },
      { source: 'servicenow' },
      { kind: 'issue', integrationId: 'nobody' },
    ];
    for (const f of cases) {
      for (const word of ['rollback', 'deploy']) {
        const want = expected(word, f);
        const r = repo.search(word, { ...f, limit: 20, offset: 0 });
        const label = `${word} ${JSON.stringify(f)}`;
        if (want.length <= SEARCH_WINDOW) {
          expect({ label, total: r.total, atLeast: r.totalIsAtLeast }).toEqual({ label, total: want.length, atLeast: false });
          expect(new Set(allPages(repo, word, f, 200)), label).toEqual(new Set(want));
        } else {
          expect({ label, total: r.total, atLeast: r.totalIsAtLeast }).toEqual({ label, total: SEARCH_WINDOW, atLeast: true });
          const got = allPages(repo, word, f, 200);
          expect(got, label).toHaveLength(want.length);
          expect(new Set(got), label).toEqual(new Set(want));
        }
      }
    }
  });

  it('ranks filtered matches as it ranks unfiltered ones: the title match first', () => {
    for (const f of [{ source: 'jira' }, { integrationId: 'jira-1' }, { kind: 'issue' }, {}]) expect(repo.search('rollback', { ...f, ...page }).hits[0].id, JSON.stringify(f)).toBe(best);
  });
});

describe('migration 5 (search indexes)', () => {
  const V4 = 4;

  function v4Database(): Db {
    const d = new Database(path.join(tempDir(), 'kinexus.db'));
    migrate(d, migrations.slice(0, V4));
    return d;
  }

  it('upgrades a version 4 database in place, keeping every record searchable and the index in step with later changes', () => {
    const d = v4Database();
    const ids = seed(d, [{ title: 'Payment webhook drops retries', text: 'Stripe retries are ignored' }, { title: 'Flaky login test', text: 'login fails on CI' }, ...filler(20)]);
    const before = d.prepare('SELECT * FROM records ORDER BY id').all();
    expect(schemaVersion(d)).toBe(V4);

    migrate(d);
    expect(schemaVersion(d)).toBe(5);
    expect(d.prepare('SELECT * FROM records ORDER BY id').all()).toEqual(before);
    expect(() => d.exec("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")).not.toThrow();
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    const repo = new RecordsRepo(d);
    expect(repo.search('stripe', page).hits.map((h) => h.id)).toEqual([ids[0]]);
    expect(repo.search('stri', page).hits.map((h) => h.id)).toEqual([ids[0]]);
    expect(repo.search('fl', page).hits.map((h) => h.id)).toEqual([ids[1]]);
    expect(repo.search('login', page).hits[0].snippet).toContain('[login] fails');

    // The triggers still feed the rebuilt index.
    d.transaction(() => {
      repo.applyBatch('github-1', 'github', 'issues', [{ externalId: 'new', kind: 'issue', title: 'Quasar alert', text: 'quasar', url: null, status: null, author: null, updatedAt: null, container: null, raw: {} }], [], 'now');
      d.prepare("UPDATE records SET title = 'Flaky signup test', text = 'signup fails' WHERE id = ?").run(ids[1]);
      d.prepare('DELETE FROM records WHERE id = ?').run(ids[0]);
    })();
    expect(repo.search('quasa', page).total).toBe(1);
    expect(repo.search('signup', page).hits.map((h) => h.id)).toEqual([ids[1]]);
    expect(repo.search('login', page).total).toBe(0);
    expect(repo.search('stripe', page).total).toBe(0);
    expect(() => d.exec("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")).not.toThrow();
    d.close();
  });

  it('still searches a version 4 database it may not upgrade (a read-only mirror beside an older app)', () => {
    const d = v4Database();
    const ids = seed(d, [{ title: 'Deployment guide', text: 'deploy steps' }, ...Array.from({ length: 30 }, (_, i) => ({ title: `Item ${i}`, text: 'deploy', source: i % 2 ? 'jira' : 'github' }))]);
    const repo = new RecordsRepo(d);
    expect(repo.search('deplo', page).hits[0].id).toBe(ids[0]);
    expect(repo.search('deplo', { ...page, source: 'jira' }).total).toBe(15);
    expect(repo.search('deplo', { ...page, kind: 'issue' }).total).toBe(31);
    d.close();
  });
});
