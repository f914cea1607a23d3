import { useEffect, useState } from 'react';
import { LogLevel, type LogLine } from '../../shared/sync.ts';
import { useApi } from './api-context.tsx';

/** What the log view shows: some levels, lines containing some text. */
export interface LogFilter {
  levels: readonly LogLevel[];
  q: string;
}

/** Every log level, in severity order. */
export const ALL_LEVELS: readonly LogLevel[] = LogLevel.options;

/**
 * True when a pushed line belongs in a filtered view. Mirrors the core's
 * filter (level in the set; the text, case-insensitively, in the message or
 * the fields) so live lines and fetched pages agree.
 */
export function lineMatches(line: LogLine, filter: LogFilter): boolean {
  if (!filter.levels.includes(line.level)) return false;
  const q = filter.q.trim().toLowerCase();
  if (!q) return true;
  return line.message.toLowerCase().includes(q) || (line.fields !== null && JSON.stringify(line.fields).toLowerCase().includes(q));
}

/**
 * The lines of one run in seq order, growing only at the end. Pages and
 * pushed lines may overlap; a line at or below the last seq is a duplicate.
 * Mutable on purpose: copying 100,000 lines per pushed line would not keep up.
 */
export class LogBuffer {
  readonly lines: LogLine[] = [];
  lastSeq = 0;

  /** Appends the lines newer than the last one; returns how many were new. */
  append(incoming: readonly LogLine[]): number {
    let added = 0;
    for (const line of incoming) {
      if (line.seq <= this.lastSeq) continue;
      this.lines.push(line);
      this.lastSeq = line.seq;
      added++;
    }
    return added;
  }
}

export interface RunLogState {
  lines: readonly LogLine[];
  /** Changes whenever lines were added, so memoized children re-render. */
  version: number;
  /** Lines matching the filter, including those not loaded yet. */
  total: number;
  loading: boolean;
  error: Error | null;
}

/** How long pushed lines are gathered before one render: a busy sync logs hundreds a second. */
const FLUSH_MS = 50;
const FIRST_PAGE = 500;

/**
 * The log of a run, filtered: loaded page by page in the background (so the
 * first lines show at once and 100,000 lines never arrive in one frame), then
 * kept growing by pushed run.log events — no polling.
 */
export function useRunLog(runId: string | null, filter: LogFilter, pageSize = 10_000): RunLogState {
  const api = useApi();
  const [state, setState] = useState<RunLogState>({ lines: [], version: 0, total: 0, loading: Boolean(runId), error: null });
  const levelsKey = [...filter.levels].sort().join(',');
  const q = filter.q.trim();

  useEffect(() => {
    if (!runId) {
      setState({ lines: [], version: 0, total: 0, loading: false, error: null });
      return;
    }
    const buffer = new LogBuffer();
    const levels = levelsKey ? (levelsKey.split(',') as LogLevel[]) : [];
    const active: LogFilter = { levels, q };
    let cancelled = false;
    let complete = false;
    let serverTotal = 0;
    let version = 0;
    const pending: LogLine[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;

    const publish = (loading: boolean) => {
      version++;
      setState({ lines: buffer.lines, version, total: Math.max(serverTotal, buffer.lines.length), loading, error: null });
    };
    const flush = () => {
      timer = null;
      if (cancelled || !complete) return;
      if (buffer.append(pending.splice(0)) > 0) publish(false);
    };
    // Subscribed before the first page is asked for, so no line falls between the two.
    const off = api.on('run.log', ({ line }) => {
      if (line.runId !== runId || !lineMatches(line, active)) return;
      pending.push(line);
      if (complete && !timer) timer = setTimeout(flush, FLUSH_MS);
    });

    setState({ lines: [], version: 0, total: 0, loading: true, error: null });
    void (async () => {
      try {
        const allLevels = levels.length === ALL_LEVELS.length;
        if (levels.length === 0) {
          complete = true;
          publish(false);
          return;
        }
        let first = true;
        for (;;) {
          // A small first page paints at once; the rest comes in big pages.
          const limit = first ? FIRST_PAGE : pageSize;
          const page = await api.call('logs.list', { runId, levels: allLevels ? undefined : levels, q: q || undefined, afterSeq: buffer.lastSeq, limit });
          if (cancelled) return;
          if (first) serverTotal = page.total;
          first = false;
          buffer.append(page.lines);
          const done = page.lines.length < limit;
          if (done) {
            complete = true;
            buffer.append(pending.splice(0));
          }
          publish(!done);
          if (done) return;
        }
      } catch (err) {
        if (!cancelled) setState((s) => ({ ...s, loading: false, error: err instanceof Error ? err : new Error(String(err)) }));
      }
    })();

    return () => {
      cancelled = true;
      off();
      if (timer) clearTimeout(timer);
    };
  }, [api, runId, levelsKey, q, pageSize]);

  return state;
}
