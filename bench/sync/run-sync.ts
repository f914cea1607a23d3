/** Runs sync-child.ts once and returns what it measured. */
import { here, startChild } from '../lib/child.ts';

export interface SyncSpec {
  connector: 'github' | 'jira';
  url: string;
  token: string;
  email?: string;
}

export interface SyncMeasure {
  count: number;
  ms: number;
  /** CPU time of the sync process during the sync (user + system). */
  cpuMs: number;
  stored: number;
  status: string;
  error: string | null;
  /** Requests the run counted. */
  requests: number;
  rssBefore: number;
  maxRssBefore: number;
  /** process.resourceUsage().maxRSS after the sync (start-up included). */
  maxRss: number;
  /** Peak RSS during the sync: maxRSS when the sync raised it, else sampled every 20 ms. */
  syncPeakRss: number;
  peakHeap: number;
  /** JS heap still in use after the sync and a full GC: what the sync keeps. */
  retainedHeap: number;
}

/** One full sync in a fresh process and data directory; throws unless it succeeded. */
export async function runSync(spec: SyncSpec, count = 0): Promise<SyncMeasure> {
  // gc is exposed only to settle the heap before the sync and to measure what is retained after it.
  const child = startChild(here(import.meta.url, './sync-child.ts'), { env: { BENCH_SYNC: JSON.stringify(spec) }, execArgv: ['--expose-gc'] });
  try {
    const r = await child.result;
    if (r.status !== 'succeeded') throw new Error(`the benchmark sync ${r.status}: ${r.error}`);
    return { count, ms: r.ms, cpuMs: r.cpuMs, stored: r.stored, status: r.status, error: r.error, requests: r.requests, rssBefore: r.rssBefore, maxRssBefore: r.maxRssBefore, maxRss: r.maxRss, syncPeakRss: r.syncPeakRss, peakHeap: r.peakHeap, retainedHeap: r.retainedHeap };
  } finally {
    await child.close();
  }
}
