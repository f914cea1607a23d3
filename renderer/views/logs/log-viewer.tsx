import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { LogLevel, LogLine } from '../../../shared/sync.ts';
import { ALL_LEVELS, useRunLog } from '../../api/run-log.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatClock, formatCount, formatTime } from '../../components/format.ts';

/** Every row has the same height, so the virtualizer needs no measuring and 100,000 rows cost what 40 do. */
const ROW_HEIGHT = 24;

const LEVEL_TEXT: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** The message with each occurrence of the searched text marked. */
function highlight(text: string, q: string): ReactNode {
  if (!q) return text;
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  const parts: ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i !== -1 && parts.length < 40; i = lower.indexOf(needle, at)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(<mark key={i}>{text.slice(i, i + needle.length)}</mark>);
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return parts;
}

/** One line's cells; memoized, so a scroll step renders only the rows that came into view. */
const LogRow = memo(function LogRow({ line, q }: { line: LogLine; q: string }) {
  return (
    <>
      <time className="log-time" dateTime={line.at} title={formatTime(line.at)}>
        {formatClock(line.at)}
      </time>
      <span className={`log-level log-level-${line.level}`}>{LEVEL_TEXT[line.level]}</span>
      {line.stream ? <span className="log-stream">{line.stream}</span> : null}
      <span className="log-message">{highlight(line.message, q)}</span>
    </>
  );
});

/** The text filter, applied a moment after typing stops so each keystroke does not refetch. */
function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/**
 * A run's log lines: filter by level, search the text, follow new lines while
 * the run is going (`running` is undefined until the run itself is known).
 * Only the rows in view exist in the DOM, and only the lines in view (and a
 * few around them) are fetched; their positions are set through CSSOM
 * (React's style prop), which the CSP allows, unlike style attributes in
 * markup.
 */
export function LogViewer({ runId, running, label }: { runId: string; running: boolean | undefined; label: string }) {
  const [levels, setLevels] = useState<LogLevel[]>([...ALL_LEVELS]);
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const [follow, setFollow] = useState(Boolean(running));
  const log = useRunLog(runId, { levels, q });
  const scrollRef = useRef<HTMLDivElement>(null);
  const ids = useId();
  const virtualizer = useVirtualizer({ count: log.total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const items = virtualizer.getVirtualItems();
  const first = items.length > 0 ? items[0].index : 0;
  const last = items.length > 0 ? items[items.length - 1].index : -1;
  const { show } = log;

  useEffect(() => setFollow(Boolean(running)), [running, runId]);
  useEffect(() => {
    if (follow && log.total > 0) virtualizer.scrollToIndex(log.total - 1, { align: 'end' });
  }, [follow, log.total, virtualizer]);
  useEffect(() => {
    if (last >= 0) show(first, last);
  }, [show, first, last]);

  const toggleLevel = (level: LogLevel, on: boolean) => setLevels((prev) => (on ? ALL_LEVELS.filter((l) => l === level || prev.includes(l)) : prev.filter((l) => l !== level)));

  return (
    <section className="log-viewer" aria-labelledby={`${ids}-heading`}>
      <h4 id={`${ids}-heading`} className="section-caption">
        Log
      </h4>
      <div className="log-toolbar">
        <fieldset className="levels">
          <legend>Levels</legend>
          {ALL_LEVELS.map((level) => (
            <label key={level} className="check">
              <input type="checkbox" checked={levels.includes(level)} onChange={(e) => toggleLevel(level, e.target.checked)} />
              {LEVEL_TEXT[level].charAt(0) + LEVEL_TEXT[level].slice(1).toLowerCase()}
            </label>
          ))}
        </fieldset>
        <div className="field field-inline">
          <label htmlFor={`${ids}-q`}>Search the log</label>
          <input id={`${ids}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. 429 or /issues" autoComplete="off" />
        </div>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow new lines
        </label>
        <p className="log-count muted">
          {log.loading ? 'Loading…' : `${formatCount(log.total)} ${log.total === 1 ? 'line' : 'lines'}`}
          {q ? ` matching “${q}”` : ''}
        </p>
      </div>
      {log.error ? <ErrorNotice title="Could not load the log" error={log.error} onRetry={log.retry} /> : null}
      <div ref={scrollRef} className="log-scroll" tabIndex={0} role="region" aria-label={`Log lines of ${label}`}>
        {log.total === 0 && !log.loading ? (
          <p className="log-empty muted">{running ? 'Waiting for the first lines…' : q || levels.length < ALL_LEVELS.length ? 'No lines match the filter.' : running === false ? 'This run wrote no log lines.' : null}</p>
        ) : (
          <div role="list" className="log-list" aria-busy={!log.hasRange(first, last)} style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const line = log.lineAt(item.index);
              return (
                <div
                  role="listitem"
                  key={item.key}
                  className={`log-line${line ? ` log-line-${line.level}` : ' log-line-loading'}`}
                  aria-setsize={log.total}
                  aria-posinset={item.index + 1}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {line ? <LogRow line={line} q={q} /> : <span className="muted">Loading…</span>}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
