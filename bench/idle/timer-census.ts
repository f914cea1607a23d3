/**
 * Counts every timer callback that runs in this process (setTimeout and
 * setInterval through the globals, which the core's modules use), so the idle
 * benchmark sees each wake-up, the scheduler's and everyone else's. Import it
 * before anything that sets timers.
 */
const counts = { fired: 0 };
const byStack = new Map<string, number>();
const origTimeout = globalThis.setTimeout;
const origInterval = globalThis.setInterval;

/** Where a timer was set: the first stack frame outside this file. */
function origin(): string {
  const line = new Error().stack?.split('\n').slice(3).find((l) => !l.includes('timer-census')) ?? '';
  return line.trim().replace(/^at\s+/, '').replace(/file:\/\/\S*?\/(main|bench|node_modules)\//, '$1/');
}

function wrap<A extends unknown[]>(fn: (...a: A) => void, where: string): (...a: A) => void {
  return (...a: A) => {
    counts.fired++;
    byStack.set(where, (byStack.get(where) ?? 0) + 1);
    fn(...a);
  };
}

globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => origTimeout(wrap(fn, origin()), ms, ...args)) as typeof setTimeout;
globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => origInterval(wrap(fn, origin()), ms, ...args)) as typeof setInterval;

/** Timer callbacks run so far, and by where they were set. */
export function timerCensus(): { fired: number; by: Record<string, number> } {
  return { fired: counts.fired, by: Object.fromEntries(byStack) };
}

/** A wait that is not counted (the benchmark's own). */
export function uncountedSleep(ms: number): Promise<void> {
  return new Promise((resolve) => origTimeout(resolve, ms));
}
