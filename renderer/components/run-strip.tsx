import type { SyncRun } from '../../shared/sync.ts';
import { formatDuration, formatTime } from './format.ts';
import { RUN_LOOK } from './health-status.ts';

const BAR_W = 8;
const GAP = 3;
const HEIGHT = 32;
const MIN_BAR = 4;

export interface StripBar {
  id: string;
  status: SyncRun['status'];
  x: number;
  height: number;
  label: string;
}

/**
 * Bars for the recent runs, oldest on the left: height grows with the
 * duration (log scale, so one slow run does not flatten the rest); a run
 * that did not succeed is a full-height bar with its own mark.
 */
export function stripBars(runsNewestFirst: readonly SyncRun[]): StripBar[] {
  const runs = [...runsNewestFirst].reverse();
  const longest = Math.max(1, ...runs.map((r) => r.durationMs ?? 0));
  return runs.map((r, i) => {
    const d = r.durationMs ?? 0;
    const ok = r.status === 'succeeded' || r.status === 'running';
    const height = ok ? MIN_BAR + Math.round(((HEIGHT - 10 - MIN_BAR) * Math.log1p(d)) / Math.log1p(longest)) : HEIGHT - 10;
    return { id: r.id, status: r.status, x: i * (BAR_W + GAP), height, label: `${RUN_LOOK[r.status].text}${r.durationMs !== null ? ` in ${formatDuration(r.durationMs)}` : ''}, ${formatTime(r.startedAt)}` };
  });
}

/** "8 succeeded, 2 failed; typical duration 1.2 s" — the strip in words. */
export function stripSummary(runs: readonly SyncRun[]): string {
  if (runs.length === 0) return 'No runs yet';
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${RUN_LOOK[status as SyncRun['status']].text.toLowerCase()}`);
  const durations = runs.map((r) => r.durationMs).filter((d): d is number => d !== null).sort((a, b) => a - b);
  const median = durations.length ? durations[Math.floor(durations.length / 2)] : null;
  return `${parts.join(', ')}${median !== null ? `; typical duration ${formatDuration(median)}` : ''}`;
}

/** A small chart of the recent runs: outcome and duration per bar, with the same in words beside it. */
export function RunStrip({ runs }: { runs: readonly SyncRun[] }) {
  const bars = stripBars(runs);
  const summary = stripSummary(runs);
  const width = Math.max(bars.length * (BAR_W + GAP) - GAP, 1);
  return (
    <figure className="run-strip">
      {bars.length > 0 ? (
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} aria-hidden="true" focusable="false">
          {bars.map((b) => (
            <g key={b.id} className={`bar bar-${b.status}`}>
              <title>{b.label}</title>
              <rect x={b.x} y={HEIGHT - b.height} width={BAR_W} height={b.height} rx={1.5} />
              {b.status === 'failed' || b.status === 'interrupted' ? (
                // A cross above the bar: failure reads without color.
                <path d={`M${b.x} 1 L${b.x + BAR_W} 8 M${b.x + BAR_W} 1 L${b.x} 8`} className="bar-mark" />
              ) : b.status === 'cancelled' ? (
                <path d={`M${b.x} 4.5 L${b.x + BAR_W} 4.5`} className="bar-mark" />
              ) : null}
            </g>
          ))}
        </svg>
      ) : null}
      <figcaption className="run-strip-caption">
        <span className="visually-hidden">Last {runs.length} runs: </span>
        {summary}
      </figcaption>
    </figure>
  );
}
