import { useRun } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatBytes, formatCount, formatDuration } from '../../components/format.ts';
import { RUN_LOOK } from '../../components/health-status.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { RunProgress } from '../../components/run-progress.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import type { SyncRun } from '../../../shared/sync.ts';
import { LogViewer } from './log-viewer.tsx';

/** One run: outcome, counts, duration, requests, its error, and its log — all live while it runs. */
export function RunDetail({ runId, integrationName }: { runId: string; integrationName: (id: string) => string }) {
  const run = useRun(runId);
  if (run.isError) return <ErrorNotice title="Could not load the run" error={run.error} onRetry={() => void run.refetch()} />;
  const r = run.data;
  const name = r ? integrationName(r.integrationId) : null;
  // The log is asked for together with the run, not after it: one round trip less before its first lines show.
  return (
    <section className="card run-detail" aria-labelledby="run-detail-heading">
      {r && name !== null ? (
        <RunFacts r={r} name={name} />
      ) : (
        <header className="card-head">
          <h3 id="run-detail-heading" tabIndex={-1}>
            Sync run
          </h3>
          <p role="status">Loading the run…</p>
        </header>
      )}
      <LogViewer runId={runId} running={r ? r.status === 'running' : undefined} label={name !== null ? `the ${name} sync` : 'the sync'} />
    </section>
  );
}

function RunFacts({ r, name }: { r: SyncRun; name: string }) {
  const look = RUN_LOOK[r.status];
  const counts = [
    ['Added', r.counts.added],
    ['Updated', r.counts.updated],
    ['Unchanged', r.counts.unchanged],
    ['Deleted', r.counts.deleted],
    ['Failed', r.counts.failed],
  ] as const;
  return (
    <>
      <header className="card-head">
        <h3 id="run-detail-heading" tabIndex={-1}>
          Sync of {name}
        </h3>
        <StatusLabel tone={look.tone} icon={look.icon}>
          {look.text}
        </StatusLabel>
        <span className="muted">
          started <RelativeTime iso={r.startedAt} /> by {r.trigger === 'ui' ? 'you' : r.trigger}
        </span>
      </header>
      {r.status === 'running' ? <RunProgress run={r} label={name} /> : null}
      <dl className="facts facts-grid">
        <div>
          <dt>Duration</dt>
          <dd>{r.durationMs !== null ? formatDuration(r.durationMs) : 'running'}</dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{formatCount(r.requests)}</dd>
        </div>
        <div>
          <dt>Pages</dt>
          <dd>{formatCount(r.pages)}</dd>
        </div>
        <div>
          <dt>Downloaded</dt>
          <dd>{formatBytes(r.bytes)}</dd>
        </div>
        {counts.map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatCount(n)}</dd>
          </div>
        ))}
      </dl>
      {r.error ? (
        <div className="notice notice-error">
          <p className="notice-title">
            <StatusLabel tone="error">{r.error.message}</StatusLabel>
          </p>
          {r.error.action ? <p className="next-step">Next step: {r.error.action}</p> : null}
        </div>
      ) : null}
    </>
  );
}
