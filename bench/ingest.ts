/**
 * Ingest: a full sync of N issue-like records from a local emulator with no
 * added latency, against the limit: the raw upsert of the same rows with
 * better-sqlite3 in one transaction (see ingest/baseline-child.ts).
 *
 *   npm run bench:ingest        (BENCH_SCALE=0.1 for 10,000 records)
 */
import { progress, runMain } from './lib/cli.ts';
import { atLeast, ratio, type BenchResult } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { measureBaseline, measureSync, type SyncMeasure } from './ingest/measure.ts';

/** Measures the sync (unless given one of the same size) between two baseline runs. */
export async function ingestBench(opts: { count?: number; sync?: SyncMeasure } = {}): Promise<BenchResult> {
  const count = opts.count ?? opts.sync?.count ?? sizes().ingest;
  // The baseline runs before and after the sync and is averaged: the machine's load drifts.
  progress(`ingest: baseline upsert of ${count} rows`);
  const b1 = await measureBaseline(count);
  progress(`ingest: full sync of ${count} records`);
  const s = opts.sync ?? (await measureSync(count));
  progress('ingest: baseline again');
  const b2 = await measureBaseline(count);
  const baseMs = (b1.ms + b2.ms) / 2;
  const baseCpu = (b1.cpuMs + b2.cpuMs) / 2;
  const syncRate = (s.stored / s.ms) * 1000;
  const baseRate = (count / baseMs) * 1000;
  const r = ratio(syncRate, baseRate);
  const cpuRate = (s.stored / s.cpuMs) * 1000;
  const baseCpuRate = (count / baseCpu) * 1000;
  const rc = ratio(cpuRate, baseCpuRate);
  return {
    id: 'ingest',
    title: 'Ingest',
    params: { records: count },
    metrics: [
      { name: 'full sync, wall clock', value: syncRate, unit: 'records/s', baseline: baseRate, ratio: r, target: 'ratio ≥ 0.5', met: atLeast(r, 0.5), note: `sync ${(s.ms / 1000).toFixed(1)} s, ${s.requests} requests; raw upsert ${(b1.ms / 1000).toFixed(1)} s / ${(b2.ms / 1000).toFixed(1)} s` },
      { name: 'full sync, per CPU second', value: cpuRate, unit: 'records/s', baseline: baseCpuRate, ratio: rc, target: 'ratio ≥ 0.5', met: atLeast(rc, 0.5), note: `sync process ${(s.cpuMs / 1000).toFixed(1)} s CPU; raw upsert ${(baseCpu / 1000).toFixed(1)} s CPU` },
    ],
    notes: [
      'Emulator: bench/emulators/lean-issues.ts in its own process — GitHub\'s issues listing (since, sort, direction, per_page ≤ 100, page, Link, ETag) over generated issues rendered once at start, no added latency. The sync is the real product path in its own process: core API → engine → GitHub connector (issues stream, keyset on `since`) → HTTP client → records repo, one transaction per page.',
      'Baseline ("the limit"): the same normalized rows (product mapIssue; hash and raw JSON precomputed, not timed) upserted with one prepared INSERT … ON CONFLICT DO UPDATE per row in ONE transaction into the same records table (product migrations: same indexes, same FTS5 triggers), in a fresh process; measured before and after the sync and averaged.',
      'Per CPU second: records divided by the CPU time of the measured process only (the emulator is the vendor), which a loaded machine distorts less than wall time; on a busy machine every request also waits for the emulator process to be scheduled.',
    ],
  };
}

await runMain(import.meta, () => ingestBench());
