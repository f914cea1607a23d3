import { useEffect, useMemo, useState } from 'react';
import { LogLevel, type LogLine } from '../../shared/sync.ts';
import { useApi } from './api-context.tsx';
import { LogWindow } from './log-window.ts';

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

export interface RunLogState {
  /** Line `index` of the filtered log, or undefined while it is being fetched. */
  lineAt(index: number): LogLine | undefined;
  /** Tells which lines the view shows, so those (and a few around them) are fetched. */
  show(from: number, to: number): void;
  /** True when every line of [from, to] is here. */
  hasRange(from: number, to: number): boolean;
  retry(): void;
  /** Changes whenever lines arrived, so memoized children re-render. */
  version: number;
  /** Lines matching the filter, including those not fetched. */
  total: number;
  /** True until the first answer (and with it the total) came. */
  loading: boolean;
  error: Error | null;
}

/** How long pushed lines are gathered before one render: a busy sync logs hundreds a second. */
const FLUSH_MS = 50;

const idle: LogWindow = new LogWindow(() => new Promise(() => undefined), () => undefined);

/**
 * The log of a run, filtered, as a window over the core's copy: only the lines
 * in view (and a few around them) are fetched, so 100,000 lines cost what a
 * screenful does; the end keeps growing by pushed run.log events — no polling.
 */
export function useRunLog(runId: string | null, filter: LogFilter): RunLogState {
  const api = useApi();
  const [current, setCurrent] = useState<{ key: string; win: LogWindow }>({ key: '', win: idle });
  const [version, setVersion] = useState(0);
  const levelsKey = [...filter.levels].sort().join(',');
  const q = filter.q.trim();
  const key = runId ? JSON.stringify([runId, levelsKey, q]) : '';
  // Until the effect made the window of a new run or filter, the old one's lines must not show under it.
  const win = current.key === key ? current.win : idle;

  useEffect(() => {
    if (!runId) {
      setCurrent({ key: '', win: idle });
      return;
    }
    const levels = levelsKey ? (levelsKey.split(',') as LogLevel[]) : [];
    const active: LogFilter = { levels, q };
    const allLevels = levels.length === ALL_LEVELS.length;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const publish = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      setVersion((v) => v + 1);
    };
    const w = new LogWindow(
      (page) =>
        levels.length === 0
          ? Promise.resolve({ lines: [], total: 0 })
          : api.call('logs.list', { runId, levels: allLevels ? undefined : levels, q: q || undefined, ...page }),
      (soon) => {
        if (soon) publish();
        else timer ??= setTimeout(publish, FLUSH_MS);
      },
    );
    // Subscribed before the first block is asked for, so no line falls between the two.
    const off = api.on('run.log', ({ line }) => {
      if (line.runId === runId && lineMatches(line, active)) w.push(line);
    });
    setCurrent({ key: JSON.stringify([runId, levelsKey, q]), win: w });
    w.start();
    return () => {
      w.close();
      off();
      if (timer) clearTimeout(timer);
    };
  }, [api, runId, levelsKey, q]);

  const view = useMemo(
    () => ({
      lineAt: (i: number) => win.lineAt(i),
      show: (from: number, to: number) => win.show(from, to),
      hasRange: (from: number, to: number) => win.hasRange(from, to),
      retry: () => win.retry(),
    }),
    [win],
  );
  return { ...view, version, total: win.total, loading: Boolean(runId) && !win.ready && !win.error, error: win.error };
}
