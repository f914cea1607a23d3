import { useEffect } from 'react';
import { RunStatus } from '../../../shared/sync.ts';
import { useIntegrations, useRuns } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatCount, formatDuration } from '../../components/format.ts';
import { RUN_LOOK } from '../../components/health-status.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { navigate, routeHref, type Route } from '../../router.ts';
import { RunDetail } from './run-detail.tsx';

/** Sync logs: runs filtered by integration and outcome, and the chosen run's detail and live log. */
export function LogsView({ route }: { route: Route }) {
  const integrationId = route.params.integration || undefined;
  const parsedStatus = RunStatus.safeParse(route.params.status);
  const status = parsedStatus.success ? parsedStatus.data : undefined;
  const chosen = route.params.run || null;
  const integrations = useIntegrations();
  const runs = useRuns({ integrationId, status, limit: 100 });
  // Without a choice, the newest run is what one came to see.
  const runId = chosen ?? runs.data?.[0]?.id ?? null;
  const nameOf = (id: string) => integrations.data?.find((i) => i.id === id)?.name ?? id;
  const hrefWith = (over: Record<string, string | undefined>) => routeHref('logs', [], { integration: integrationId, status, run: chosen ?? undefined, ...over });

  useEffect(() => {
    if (chosen) document.getElementById('run-detail-heading')?.focus();
  }, [chosen]);

  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          Sync logs
        </h2>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <div className="field field-inline">
          <label htmlFor="runs-integration">Integration</label>
          <select id="runs-integration" value={integrationId ?? ''} onChange={(e) => navigate(hrefWith({ integration: e.target.value || undefined, run: undefined }), { replace: true })}>
            <option value="">All integrations</option>
            {integrations.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="runs-status">Outcome</label>
          <select id="runs-status" value={status ?? ''} onChange={(e) => navigate(hrefWith({ status: e.target.value || undefined, run: undefined }), { replace: true })}>
            <option value="">Any outcome</option>
            {RunStatus.options.map((s) => (
              <option key={s} value={s}>
                {RUN_LOOK[s].text}
              </option>
            ))}
          </select>
        </div>
      </form>
      {runs.isPending ? (
        <p role="status">Loading runs…</p>
      ) : runs.isError ? (
        <ErrorNotice title="Could not load the runs" error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.length === 0 ? (
        <p className="empty-state">No runs {integrationId || status ? 'match these filters' : 'yet: sync an integration from the overview'}.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Sync runs list">
          <table className="runs-table">
            <caption className="visually-hidden">Sync runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Integration</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
                <th scope="col">Records</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((r) => {
                const look = RUN_LOOK[r.status];
                const current = r.id === runId;
                return (
                  <tr key={r.id} className={current ? 'row-current' : undefined}>
                    <td>
                      <a href={hrefWith({ run: r.id })} aria-current={current ? 'true' : undefined}>
                        <RelativeTime iso={r.startedAt} />
                        <span className="visually-hidden">
                          {' '}
                          — {nameOf(r.integrationId)}, {look.text.toLowerCase()}
                        </span>
                      </a>
                    </td>
                    <td>{nameOf(r.integrationId)}</td>
                    <td>
                      <StatusLabel tone={look.tone} icon={look.icon}>
                        {look.text}
                      </StatusLabel>
                    </td>
                    <td>{r.durationMs !== null ? formatDuration(r.durationMs) : '—'}</td>
                    <td>
                      {formatCount(r.counts.added)} added, {formatCount(r.counts.updated)} updated
                    </td>
                    <td>{formatCount(r.requests)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {runId ? <RunDetail key={runId} runId={runId} integrationName={nameOf} /> : null}
    </section>
  );
}
