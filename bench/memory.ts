/**
 * Memory: peak RSS of the sync process during a full sync of a small and a
 * large data set (10,000 and 100,000 records by default). A sync that streams
 * page by page needs the same memory for both; the difference is the measure.
 * Each size runs `memoryRounds` times and the highest peak counts (when V8
 * collects garbage varies from run to run, and a peak is a worst case). The
 * emulator runs in its own process and is not counted.
 *
 *   npm run bench:memory
 */
import { progress, runMain } from './lib/cli.ts';
import { atMost, ratio, type BenchResult } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { measureSync, type SyncMeasure } from './ingest/measure.ts';

const MB = 1024 * 1024;

async function rounds(count: number, n: number, given: SyncMeasure[] = []): Promise<SyncMeasure[]> {
  const out = [...given];
  while (out.length < n) {
    progress(`memory: full sync of ${count} records (${out.length + 1}/${n})`);
    out.push(await measureSync(count));
  }
  return out;
}

/** The run with the highest peak RSS. */
function worst(ms: SyncMeasure[]): SyncMeasure {
  return ms.reduce((a, b) => (b.syncPeakRss > a.syncPeakRss ? b : a));
}

/** Runs both sizes (a large sync already measured, e.g. by the ingest benchmark, counts as one round). */
export async function memoryBench(opts: { large?: SyncMeasure } = {}): Promise<BenchResult> {
  const z = sizes();
  const small = await rounds(z.memorySmall, z.memoryRounds);
  const large = await rounds(z.ingest, z.memoryRounds, opts.large ? [opts.large] : []);
  const s = worst(small);
  const l = worst(large);
  const diff = (l.syncPeakRss - s.syncPeakRss) / MB;
  const mb = (n: number) => (n / MB).toFixed(0);
  const describe = (all: SyncMeasure[]) =>
    `rounds ${all.map((m) => mb(m.syncPeakRss)).join(' / ')} MB; peak JS heap ${all.map((m) => mb(m.peakHeap)).join(' / ')} MB; heap kept after the sync and a GC ${all.map((m) => mb(m.retainedHeap)).join(' / ')} MB`;
  return {
    id: 'memory',
    title: 'Memory',
    params: { small: s.count, large: l.count, rounds: z.memoryRounds },
    metrics: [
      { name: `peak RSS, ${s.count.toLocaleString('en-US')} records`, value: s.syncPeakRss / MB, unit: 'MB', note: describe(small) },
      { name: `peak RSS, ${l.count.toLocaleString('en-US')} records`, value: l.syncPeakRss / MB, unit: 'MB', baseline: s.syncPeakRss / MB, ratio: ratio(l.syncPeakRss, s.syncPeakRss), note: describe(large) },
      { name: 'difference', value: diff, unit: 'MB', target: '< 30 MB', met: atMost(diff, 30), note: `the core alone, open with the integration added: ${mb(s.rssBefore)} MB` },
    ],
    notes: [
      'Peak RSS of the sync process during the sync (a real core on a fresh data directory; one GitHub integration, issues stream), against the lean emulator in another process: process.resourceUsage().maxRSS when the sync raised it above the start-up high-water mark, else RSS sampled every 20 ms; the highest of the rounds counts. The baseline of the large sync is the small one, in the same run. "Heap kept" is heapUsed after the sync and a forced GC: flat across sizes means nothing grows with the data; a peak above it is garbage V8 had not collected yet (each page\'s ~140 KB response text lands in the large-object space, freed only by a full GC).',
    ],
  };
}

await runMain(import.meta, () => memoryBench());
