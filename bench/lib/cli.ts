/**
 * Entry point shared by every bench/<name>.ts: runs the benchmark, prints its
 * table, and writes the result as JSON to BENCH_OUT when set (bench/run-all.ts
 * collects those into bench/results.json).
 */
import fs from 'node:fs';
import { machine } from './machine.ts';
import { resultsMarkdown } from './markdown.ts';
import type { BenchResult } from './result.ts';

/** Runs `bench` when its file is the process's entry script. */
export async function runMain(meta: ImportMeta, bench: () => Promise<BenchResult>): Promise<void> {
  if (process.argv[1] === undefined || !meta.filename || process.argv[1] !== meta.filename) return;
  const t0 = performance.now();
  try {
    const r = await bench();
    r.elapsedMs = Math.round(performance.now() - t0);
    process.stdout.write(`\n${resultsMarkdown([r], machine())}\n`);
    if (process.env.BENCH_OUT) fs.writeFileSync(process.env.BENCH_OUT, JSON.stringify(r, null, 2));
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  }
}

/** A progress line on stderr (results go to stdout). */
export function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}
