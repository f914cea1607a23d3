/**
 * `npm run bench`: every benchmark in turn, then bench/results.json and
 * bench/results.md (the table the README shows, with the machine it ran on).
 * The ingest and memory benchmarks share their large sync. A benchmark that
 * fails is reported as failed and the others still run.
 *
 *   BENCH_ONLY=search,idle   only these    BENCH_SCALE=0.1   smaller sizes
 *   BENCH_RESULTS_DIR=…      where the two files go (default bench/)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { idleBench } from './idle.ts';
import { ingestBench } from './ingest.ts';
import { measureSync, type SyncMeasure } from './ingest/measure.ts';
import { latencyBench } from './latency.ts';
import { progress } from './lib/cli.ts';
import { machine, type Machine } from './lib/machine.ts';
import { resultsMarkdown } from './lib/markdown.ts';
import type { BenchResult } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { memoryBench } from './memory.ts';
import { requestsBench } from './requests.ts';
import { searchBench } from './search.ts';
import { uiBench } from './ui.ts';

/** Writes results.json and results.md into `dir`; returns their paths. */
export function writeResults(dir: string, results: BenchResult[], m: Machine, totalMs: number): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'results.json');
  const md = path.join(dir, 'results.md');
  fs.writeFileSync(json, `${JSON.stringify({ machine: m, sizes: sizes(), totalMs: Math.round(totalMs), results }, null, 2)}\n`);
  fs.writeFileSync(md, `## Benchmarks\n\n${resultsMarkdown(results, m)}\nFull run: ${(totalMs / 60_000).toFixed(1)} min (\`npm run bench\`).\n`);
  return { json, md };
}

export async function runAll(): Promise<{ results: BenchResult[]; machine: Machine; totalMs: number }> {
  const m = machine();
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const want = (id: string) => !only || only.includes(id);
  const t0 = performance.now();
  let large: SyncMeasure | undefined;
  const shared = async () => (large ??= (progress(`full sync of ${sizes().ingest} records (ingest + memory)`), await measureSync(sizes().ingest)));
  const plan: { id: string; title: string; run: () => Promise<BenchResult> }[] = [
    { id: 'requests', title: 'Requests', run: () => requestsBench() },
    { id: 'ingest', title: 'Ingest', run: async () => ingestBench({ sync: await shared() }) },
    { id: 'memory', title: 'Memory', run: async () => memoryBench({ large: await shared() }) },
    { id: 'latency', title: 'Latency-bound sync', run: () => latencyBench() },
    { id: 'search', title: 'Search', run: () => searchBench() },
    { id: 'idle', title: 'Idle', run: () => idleBench() },
    { id: 'ui', title: 'UI', run: () => uiBench() },
  ];
  const results: BenchResult[] = [];
  for (const b of plan.filter((p) => want(p.id))) {
    const s = performance.now();
    try {
      const r = await b.run();
      r.elapsedMs = Math.round(performance.now() - s);
      results.push(r);
    } catch (err) {
      progress(`${b.id} failed: ${(err as Error)?.stack ?? err}`);
      results.push({ id: b.id, title: b.title, params: {}, metrics: [{ name: 'failed', value: null, unit: '', note: String((err as Error)?.message ?? err).split('\n')[0] }], notes: [], elapsedMs: Math.round(performance.now() - s) });
    }
    progress(`${b.id} done in ${((performance.now() - s) / 1000).toFixed(0)} s`);
  }
  return { results, machine: m, totalMs: performance.now() - t0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { results, machine: m, totalMs } = await runAll();
  const dir = process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL('.', import.meta.url));
  const files = writeResults(dir, results, m, totalMs);
  process.stdout.write(`\n${fs.readFileSync(files.md, 'utf8')}\nWrote ${files.json} and ${files.md}\n`);
  process.exit(results.some((r) => r.metrics.some((x) => x.name === 'failed')) ? 1 : 0);
}
