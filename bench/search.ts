/**
 * Search: latency of full-text queries over N mirrored records (100,000 by
 * default) through the core API (`records.search`: input schema, FTS5 match,
 * total count, bm25 ranking, snippets, output schema, redaction), against the
 * bare FTS5 lookup of the same query (top 20 rowids by rank) in the same run.
 *
 *   npm run bench:search
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapIssue, type GhIssue } from '../main/connectors/github/map.ts';
import { createCore } from '../main/core/core.ts';
import { MemorySecretStore } from '../main/secrets/memory-store.ts';
import { ftsQuery } from '../main/store/records-repo.ts';
import { progress, runMain } from './lib/cli.ts';
import { proposedSearch } from './search/proposed-query.ts';
import { DEFAULT_T0, SEARCH_TERMS, issueJson } from './lib/issue-data.ts';
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
    const list = queries(z.searchRounds);
    // Warm the page cache the same way for every variant; the proposed query must find the same page.
    const differ: string[] = [];
    for (const { q } of queries(1)) {
      const shipped = await core.invoke('records.search', { q });
      raw.all(ftsQuery(q));
      const p = proposedSearch(core.db, q);
      if (p.total !== shipped.total || p.ids.join() !== shipped.hits.map((h) => h.id).join()) differ.push(q);
    }
    progress(`search: ${list.length} queries`);
    const api: number[] = [];
    const bare: number[] = [];
    const proposed: number[] = [];
    const byKind = new Map<string, number[]>();
    const totals = new Map<string, number>();
    // Interleaved, so a burst of load from elsewhere hits both sides alike.
    for (const { kind, q } of list) {
      let t0 = performance.now();
      const r = await core.invoke('records.search', { q });
      const ms = performance.now() - t0;
      api.push(ms);
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
      totals.set(kind, Math.max(totals.get(kind) ?? 0, r.total));
      t0 = performance.now();
      raw.all(ftsQuery(q));
      bare.push(performance.now() - t0);
      t0 = performance.now();
      proposedSearch(core.db, q);
      proposed.push(performance.now() - t0);
    }
    const p50 = percentile(api, 50);
    const p95 = percentile(api, 95);
    const b50 = percentile(bare, 50);
    const b95 = percentile(bare, 95);
    const x50 = percentile(proposed, 50);
    const x95 = percentile(proposed, 95);
    const kinds = [...byKind].map(([k, v]) => `${k} p50 ${percentile(v, 50).toFixed(1)} / p95 ${percentile(v, 95).toFixed(1)} ms (up to ${totals.get(k)!.toLocaleString('en-US')} hits)`);
    return {
      id: 'search',
      title: 'Search',
      params: { records: count, queries: list.length },
      metrics: [
        { name: 'query latency p50', value: p50, unit: 'ms', baseline: b50, ratio: ratio(p50, b50) },
        { name: 'query latency p95', value: p95, unit: 'ms', baseline: b95, ratio: ratio(p95, b95), target: 'p95 < 10 ms', met: atMost(p95, 10) },
        { name: 'proposed query p50 (prototype)', value: x50, unit: 'ms', baseline: b50, ratio: ratio(x50, b50), note: differ.length ? `differs from shipped for ${differ.join(', ')}` : 'same pages as shipped' },
        { name: 'proposed query p95 (prototype)', value: x95, unit: 'ms', baseline: b95, ratio: ratio(x95, b95), target: 'p95 < 10 ms', met: atMost(x95, 10) },
      ],
      notes: [
        'Value: `records.search` through core.invoke with the default page of 20 (the dashboard\'s and MCP\'s path). Baseline: the bare FTS5 query of the same MATCH expression, `SELECT rowid … ORDER BY rank LIMIT 20` — no total, no join, no snippets.',
        `Query mix (the last word is a prefix, as typed): ${kinds.join('; ')}.`,
        'Proposed query (bench/search/proposed-query.ts): total from the FTS index alone, top ids by bm25 from the index alone, then the 20 rows and snippets by id — the shipped query joins and sorts every matching row. Its latency is floored by bm25 over all matches (the baseline).',
      ],
    };
  } finally {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await runMain(import.meta, () => searchBench());
