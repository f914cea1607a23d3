/**
 * Benchmark sizes. BENCH_SMOKE=1 shrinks everything to seconds (the vitest
 * smoke test uses it); BENCH_SCALE multiplies the full sizes (e.g. 0.1 for a
 * quick look on a slow machine). BENCH_IDLE_SECONDS sets the idle window.
 */

export interface Sizes {
  smoke: boolean;
  /** Records of the ingest sync and of the larger memory sync. */
  ingest: number;
  /** The smaller memory sync, and how often each memory size runs. */
  memorySmall: number;
  memoryRounds: number;
  /** Records the search benchmark queries over, and how often it asks each query. */
  search: number;
  searchRounds: number;
  /** Issues of the latency benchmark (GitHub and Jira) and the added latency per request. */
  latencyIssues: number;
  latencyMs: number;
  /** Rounds per client in the latency benchmark (the median is reported). */
  latencyRounds: number;
  /** Scale factor for the requests benchmark's per-connector data. */
  requestsScale: number;
  /** Integrations and the idle window of the idle benchmark. */
  idleIntegrations: number;
  idleSeconds: number;
  /** Log lines and integrations of the UI benchmark. */
  uiLogLines: number;
  uiIntegrations: number;
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${v}"`);
  return n;
}

/** The sizes for this run, from the environment. */
export function sizes(): Sizes {
  const smoke = process.env.BENCH_SMOKE === '1';
  const scale = envNumber('BENCH_SCALE') ?? 1;
  const n = (full: number, tiny: number, min = 1) => (smoke ? tiny : Math.max(min, Math.round(full * scale)));
  return {
    smoke,
    ingest: n(100_000, 600, 100),
    memorySmall: n(10_000, 200, 100),
    memoryRounds: smoke ? 1 : 2,
    search: n(100_000, 500, 100),
    searchRounds: smoke ? 1 : 3,
    latencyIssues: n(2_000, 150, 100),
    latencyMs: smoke ? 5 : 50,
    latencyRounds: smoke ? 1 : 3,
    requestsScale: smoke ? 0.1 : Math.min(scale, 1),
    idleIntegrations: smoke ? 3 : 10,
    idleSeconds: envNumber('BENCH_IDLE_SECONDS') ?? (smoke ? 2 : 60),
    uiLogLines: n(100_000, 500, 100),
    uiIntegrations: smoke ? 3 : Math.max(1, Math.round(50 * Math.min(scale, 1))),
  };
}
