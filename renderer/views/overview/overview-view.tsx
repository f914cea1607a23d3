import { useEffect } from 'react';
import { useConnectors, useHealth, useIntegrations, useStatus } from '../../api/queries.ts';
import { usePause, useResume, useSyncAll } from '../../api/mutations.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { overallState } from '../../components/health-status.ts';
import { StatusLabel } from '../../components/status-label.tsx';
import { navigate, routeHref, type Route } from '../../router.ts';
import { healthCardId, HealthCard } from './health-card.tsx';

/** The header: the overall state in one line, Sync all, and pausing everything. */
function OverallHeader() {
  const health = useHealth();
  const status = useStatus();
  const syncAll = useSyncAll();
  const pauseAll = usePause();
  const resumeAll = useResume();
  const pausedAll = status.data?.scheduler.pausedAll ?? false;
  const overall = overallState(health.data ?? [], pausedAll);
  const result = syncAll.data;
  return (
    <div className="overall">
      <p className="overall-state" role="status">
        <StatusLabel tone={overall.tone} icon={overall.icon}>
          {health.isPending ? 'Checking…' : overall.text}
        </StatusLabel>
      </p>
      <div className="overall-actions">
        <button type="button" className="button" onClick={() => syncAll.mutate({ trigger: 'ui' })} disabled={syncAll.isPending || !health.data?.length}>
          Sync all
        </button>
        {pausedAll ? (
          <button type="button" className="button button-quiet" onClick={() => resumeAll.mutate({})} disabled={resumeAll.isPending}>
            Resume all
          </button>
        ) : (
          <button type="button" className="button button-quiet" onClick={() => pauseAll.mutate({})} disabled={pauseAll.isPending || !health.data?.length}>
            Pause all
          </button>
        )}
      </div>
      <div aria-live="polite" className="overall-result">
        {result ? (
          <p className="muted">
            Started {result.started.length}
            {result.skipped.length > 0 ? `; skipped ${result.skipped.map((s) => `${s.id} (${s.reason})`).join(', ')}` : ''}.
          </p>
        ) : null}
      </div>
      {syncAll.isError ? <ErrorNotice title="Could not start the syncs" error={syncAll.error} /> : null}
    </div>
  );
}

/**
 * Brings the card `?focus=<integration id>` names into view and focuses it
 * (the shell asks for this when a notification or the tray is clicked), then
 * drops the parameter, so a reload does not jump again and the next request
 * for the same card is a new address.
 */
function useFocusedCard(focusId: string | undefined, loaded: boolean): void {
  useEffect(() => {
    if (!focusId || !loaded) return;
    const card = document.getElementById(healthCardId(focusId));
    if (card) {
      card.scrollIntoView({ block: 'start' });
      card.focus({ preventScroll: true });
    } else {
      document.getElementById('view-heading')?.focus();
    }
    navigate(routeHref('overview'), { replace: true });
  }, [focusId, loaded]);
}

/** "Is everything syncing, and if not, what do I do?" — one card per integration. */
export function OverviewView({ route }: { route: Route }) {
  const health = useHealth();
  const integrations = useIntegrations();
  const connectors = useConnectors();
  const connectorOf = (id: string) => connectors.data?.find((c) => c.id === id);
  useFocusedCard(route.params.focus, !health.isPending);
  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          Overview
        </h2>
      </div>
      <OverallHeader />
      {health.isPending ? (
        <p role="status">Loading integrations…</p>
      ) : health.isError ? (
        <ErrorNotice title="Could not load the integrations' health" error={health.error} onRetry={() => void health.refetch()} />
      ) : health.data.length === 0 ? (
        <section className="empty-state" aria-labelledby="overview-empty">
          <h3 id="overview-empty">Nothing is mirrored yet</h3>
          <p>Add an integration — GitHub, Jira, Confluence and more — and Kinexus keeps a local, searchable copy of it.</p>
          <a className="button" href={routeHref('integrations', ['new'])}>
            Add an integration
          </a>
        </section>
      ) : (
        <ul className="cards cards-grid">
          {health.data.map((h) => (
            <li key={h.integrationId}>
              <HealthCard health={h} integration={integrations.data?.find((i) => i.id === h.integrationId)} connectorTitle={connectorOf(h.connector)?.title ?? h.connector} interactive={connectorOf(h.connector)?.signIn ?? false} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
