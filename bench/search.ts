/**
 * Search: latency of full-text queries over N mirrored records (100,000 by
 * default) through the core API (`records.search`: input schema, FTS5 match,
 * bm25 ranking of the newest matches, capped count, snippets, output schema,
 * redaction), against the bare FTS5 lookup of the same query (top 20 rowids
 * by rank) in the same run; and the same queries with filters.
 *
 *   npm run bench:search
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapIssue, type GhIssue } from '../main/connectors/github/map.ts';
import { createCore } from '../main/core/core.ts';
import { MemorySecretStore } from '../main/secrets/memory-store.ts';
import { SEARCH_WINDOW, ftsQuery } from '../main/store/records-search.ts';
import { progress, runMain } from './lib/cli.ts';
import { DEFAULT_T0, SEARCH_TERMS, issueJson, updatedAtOf } from './lib/issue-data.ts';
import { atMost, ratio, type BenchResult } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { percentile } from './lib/stats.ts';

/** The query mix: every term of every kind, `rounds` times. */
function queries(rounds: number): { kind: string; q: string }[] {
  const once = Object.entries(SEARCH_TERMS).flatMap(([kind, terms]) => terms.map((q) => ({ kind, q })));
  return Array.from({ length: rounds }, () => once).flat();
}

export async function searchBench(opts: { count?: number } = {}): Promise<BenchResult> {
  const z = sizes();
  const count = opts.count ?? z.search;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-search-'));
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
  try {
    progress(`search: storing ${count} records`);
    const i = await core.invoke('integrations.add', { connector: 'github', name: 'Bench GitHub', settings: { baseUrl: 'http://127.0.0.1:9', repositories: ['acme/api'], streams: ['issues'] }, secrets: { token: 'ghp_bench_search_0123456789' } });
    const put = core.db.transaction((from: number, to: number) => {
      const batch = [];
      for (let n = from; n < to; n++) batch.push(mapIssue('acme/api', issueJson(n, { owner: 'acme', repo: 'api', apiOrigin: 'https://api.github.com', t0: DEFAULT_T0 }) as unknown as GhIssue, 'issue'));
      core.sync.records.applyBatch(i.id, 'github', 'issues', batch, [], new Date().toISOString());
    });
    for (let n = 1; n <= count; n += 1000) put(n, Math.min(count + 1, n + 1000));
    const raw = core.db.prepare('SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY rank LIMIT 20');
    // A query with fewer matches than the window must come out exactly as bm25 over all of them.
    const full = core.db.prepare('SELECT rowid AS id FROM records_fts WHERE records_fts MATCH ? ORDER BY bm25(records_fts, 5.0, 1.0), rowid LIMIT 20');
    const exact = core.db.prepare('SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH ?');
    // Filters the search view and MCP use: one every record passes, the newest 5 % by update time, one none passes.
    const recent = new Date(updatedAtOf(Math.ceil(count * 0.95), { t0: DEFAULT_T0 })).toISOString();
    const filters = [{ kind: 'issue' }, { updatedSince: recent }, { source: 'jira' }];
    const list = queries(z.searchRounds);
    // Warm the page cache the same way for every variant, and check the results while at it.
    let small = 0;
    const misranked: string[] = [];
    const miscounted: string[] = [];
    for (const { q } of queries(1)) {
      const shipped = await core.invoke('records.search', { q });
      raw.all(ftsQuery(q));
      for (const f of filters) await core.invoke('records.search', { q, ...f });
      const n = (exact.get(ftsQuery(q)) as { n: number }).n;
      if (n > SEARCH_WINDOW ? !shipped.totalIsAtLeast || shipped.total !== SEARCH_WINDOW : shipped.totalIsAtLeast || shipped.total !== n) miscounted.push(q);
      if (n > SEARCH_WINDOW) continue;
      small++;
      const best = (full.all(ftsQuery(q)) as { id: number }[]).map((r) => r.id);
      if (best.join() !== shipped.hits.map((h) => h.id).join()) misranked.push(q);
    }
    progress(`search: ${list.length} queries, unfiltered and filtered`);
    const api: number[] = [];
    const apiCpu: number[] = [];
    const bare: number[] = [];
    const filtered: number[] = [];
    const byKind = new Map<string, number[]>();
    const totals = new Map<string, string>();
    // Interleaved, so a burst of load from elsewhere hits every variant alike.
    for (const [n, { kind, q }] of list.entries()) {
      let t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await core.invoke('records.search', { q });
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      api.push(ms);
      apiCpu.push((c.user + c.system) / 1000);
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
      if (!totals.has(kind) || r.totalIsAtLeast) totals.set(kind, `${r.total.toLocaleString('en-US')}${r.totalIsAtLeast ? '+' : ''}`);
      t0 = performance.now();
      raw.all(ftsQuery(q));
      bare.push(performance.now() - t0);
      t0 = performance.now();
      await core.invoke('records.search', { q, ...filters[n % filters.length] });
      filtered.push(performance.now() - t0);
    }
    const p50 = percentile(api, 50);
    const p95 = percentile(api, 95);
    const b50 = percentile(bare, 50);
    const b95 = percentile(bare, 95);
    const kinds = [...byKind].map(([k, v]) => `${k} p50 ${percentile(v, 50).toFixed(1)} / p95 ${percentile(v, 95).toFixed(1)} ms (up to ${totals.get(k)} hits)`);
    return {
      id: 'search',
      title: 'Search',
      params: { records: count, queries: list.length, window: SEARCH_WINDOW },
      metrics: [
        {
          name: 'query latency p50',
          value: p50,
          unit: 'ms',
          baseline: b50,
          ratio: ratio(p50, b50),
          note: `ranked as bm25 over all matches: ${small - misranked.length} of ${small} queries under ${SEARCH_WINDOW.toLocaleString('en-US')} hits${misranked.length ? ` (not: ${misranked.join(', ')})` : ''}`,
        },
        { name: 'query latency p95', value: p95, unit: 'ms', baseline: b95, ratio: ratio(p95, b95), target: 'p95 < 10 ms', met: atMost(p95, 10), note: miscounted.length ? `wrong total for ${miscounted.join(', ')}` : `every total exact, or "${SEARCH_WINDOW.toLocaleString('en-US')}+" beyond the window` },
        { name: 'query CPU time p50', value: percentile(apiCpu, 50), unit: 'ms', note: 'CPU time of this process during the call: what the query costs, without the waits a loaded machine adds' },
        { name: 'query CPU time p95', value: percentile(apiCpu, 95), unit: 'ms' },
        { name: 'filtered query latency p50', value: percentile(filtered, 50), unit: 'ms', note: 'the same queries with a kind, updatedSince or source filter' },
        { name: 'filtered query latency p95', value: percentile(filtered, 95), unit: 'ms' },
      ],
      notes: [
        `Value: \`records.search\` through core.invoke with the default page of 20 (the search view's and MCP's path): bm25 over the newest ${SEARCH_WINDOW.toLocaleString('en-US')} matches (all of them when fewer), the total exact up to there and "at least" beyond, snippets for the page. Baseline: the bare FTS5 query of the same MATCH expression, \`SELECT rowid … ORDER BY rank LIMIT 20\` — bm25 over every match, no total, no rows, no snippets.`,
        `Query mix (the last word is a prefix, as typed): ${kinds.join('; ')}.`,
        `Filtered: the same queries with, in turn, kind "issue" (every record passes), updatedSince ${recent} (the newest 5 %) and source "jira" (no record passes).`,
      ],
    };
  } finally {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await runMain(import.meta, () => searchBench());
