/**
 * What every benchmark returns: named measurements, each with the baseline it
 * is compared against (measured in the same run) and the target, if any.
 */

export interface Metric {
  /** What was measured, e.g. "records/s" or "GitHub full sync". */
  name: string;
  value: number | null;
  unit: string;
  /** The baseline measured in the same run, same unit, when there is one. */
  baseline?: number | null;
  /** value / baseline (or the metric's own ratio, e.g. requests / minimum). */
  ratio?: number | null;
  /** The target in words, e.g. "≥ 0.5" (compared by `met`). */
  target?: string;
  /** Whether the target was met; null when there is no target or no value. */
  met?: boolean | null;
  /** Short note shown beside the row (why, what the baseline is). */
  note?: string;
}

export interface BenchResult {
  /** Short id, as in `npm run bench:<id>`. */
  id: string;
  title: string;
  /** Sizes and settings this run used. */
  params: Record<string, unknown>;
  metrics: Metric[];
  /** What the baseline includes, caveats, causes of missed targets. */
  notes: string[];
  /** Wall time of the whole benchmark, ms. */
  elapsedMs?: number;
}

/** `ratio` rounded for display; null stays null. */
export function round(n: number | null | undefined, digits = 2): number | null {
  if (n === null || n === undefined || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A ratio that survives a zero or missing baseline. */
export function ratio(value: number | null | undefined, baseline: number | null | undefined): number | null {
  if (value === null || value === undefined || baseline === null || baseline === undefined || baseline === 0) return null;
  return value / baseline;
}

/** `met` for an "at most" target; null without a value. */
export function atMost(v: number | null | undefined, limit: number): boolean | null {
  return v === null || v === undefined ? null : v <= limit;
}

/** `met` for an "at least" target; null without a value. */
export function atLeast(v: number | null | undefined, limit: number): boolean | null {
  return v === null || v === undefined ? null : v >= limit;
}
