/**
 * What a piece of work costs this process: wall and CPU time, and its peak
 * memory. Used by the children that sync in their own process (the ingest,
 * memory and latency benchmarks' sync child, the ServiceNow page-size child).
 */

export interface Watched<T> {
  value: T;
  ms: number;
  /** CPU time of this process meanwhile (user + system). */
  cpuMs: number;
  /** RSS and JS heap as the work started, after a GC settled start-up's garbage. */
  rssBefore: number;
  heapBefore: number;
  /** process.resourceUsage().maxRSS before and after the work. */
  maxRssBefore: number;
  maxRss: number;
  /** Peak RSS during the work: maxRSS when the work raised it, else RSS sampled every `everyMs`. */
  peakRss: number;
  /** Highest sampled heapUsed. */
  peakHeap: number;
}

/** Runs `work`, measuring it (see Watched). A GC first (with --expose-gc) settles what start-up allocated. */
export async function watchMemory<T>(work: () => Promise<T>, everyMs = 20): Promise<Watched<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  let peakHeap = 0;
  let sampledRss = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    sampledRss = Math.max(sampledRss, m.rss);
  }, everyMs);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await work();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    // The process's high-water mark is the work's own only if the work raised it above start-up's.
    const peakRss = maxRss > maxRssBefore ? maxRss : Math.max(sampledRss, process.memoryUsage.rss());
    return { value, ms, cpuMs: (cpu.user + cpu.system) / 1000, rssBefore, heapBefore, maxRssBefore, maxRss, peakRss, peakHeap };
  } finally {
    clearInterval(sampler);
  }
}
