import type { Integration, TestResult } from '../../../shared/schemas.ts';
import type { Health } from '../../../shared/sync.ts';
import { usePause, useResume, useSyncNow, useTestConnection } from '../../api/mutations.ts';
import { useRun, useRuns } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatCount, formatLatency } from '../../components/format.ts';
import { HEALTH_LOOK } from '../../components/health-status.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { RunProgress } from '../../components/run-progress.tsx';
import { RunStrip } from '../../components/run-strip.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { routeHref } from '../../router.ts';
import { ErrorActionButton } from './error-action-button.tsx';

function NextRun({ health, integration }: { health: Health; integration: Integration | undefined }) {
  if (integration && !integration.enabled) return <span className="muted">Disabled</span>;
  if (integration?.paused) return <span className="muted">Paused</span>;
  if (integration?.schedule?.type === 'manual') return <span className="muted">Only when you sync</span>;
  return <RelativeTime iso={health.nextRunAt} fallback="Not scheduled" />;
}

function TestOutcome({ result }: { result: TestResult }) {
  return result.ok ? (
    <StatusLabel tone="ok">
      Connection OK{result.identity ? ` as ${result.identity}` : ''}
      {result.latencyMs !== null ? ` (${formatLatency(result.latencyMs)})` : ''}
    </StatusLabel>
  ) : (
    <StatusLabel tone="error">Connection failed: {result.error?.message ?? 'unknown error'}</StatusLabel>
  );
}

/** The DOM id of an integration's card, for bringing it into view. */
export function healthCardId(integrationId: string): string {
  return `card-${integrationId}`;
}

/** One integration at a glance: state, times, records, the last error with its action, recent runs, and what to do. */
export function HealthCard({ health, integration, connectorTitle, interactive }: { health: Health; integration: Integration | undefined; connectorTitle: string; interactive: boolean }) {
  const id = health.integrationId;
  const look = HEALTH_LOOK[health.state];
  const runs = useRuns({ integrationId: id, limit: 20 });
  const running = useRun(health.runningRunId);
  const sync = useSyncNow(id);
  const test = useTestConnection(id);
  const pause = usePause(id);
  const resume = useResume(id);
  const headingId = `health-${id}`;
  const paused = integration?.paused ?? health.state === 'paused';
  const enabled = integration?.enabled ?? health.state !== 'disabled';
  const showError = health.lastError && health.state !== 'healthy' && health.state !== 'syncing';

  return (
    // Focusable from script only: the shell's "Open in Kinexus" lands here.
    <article id={healthCardId(id)} tabIndex={-1} className={`card health-card health-${health.state}`} aria-labelledby={headingId}>
      <header className="card-head">
        <h3 id={headingId}>{health.name}</h3>
        <span className="connector">{connectorTitle}</span>
      </header>
      <p className="health-state">
        <StatusLabel tone={look.tone} icon={look.icon}>
          {look.text}
        </StatusLabel>
      </p>
      <p className="health-summary">{health.summary}</p>
      <dl className="facts facts-grid">
        <div>
          <dt>Last successful sync</dt>
          <dd>
            <RelativeTime iso={health.lastSuccessAt} />
          </dd>
        </div>
        <div>
          <dt>Last attempt</dt>
          <dd>
            <RelativeTime iso={health.lastAttemptAt} />
          </dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>
            <NextRun health={health} integration={integration} />
          </dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd>{formatCount(health.recordCount)}</dd>
        </div>
        {health.rateLimitedUntil ? (
          <div>
            <dt>Rate limit</dt>
            <dd>
              Waiting until <RelativeTime iso={health.rateLimitedUntil} />
            </dd>
          </div>
        ) : null}
      </dl>
      {running.data && running.data.status === 'running' ? <RunProgress run={running.data} label={health.name} /> : null}
      {showError && health.lastError ? (
        <div className={`notice ${health.state === 'rate_limited' ? 'notice-warn' : 'notice-error'} health-error`}>
          <p>{health.lastError.message}</p>
          {health.lastError.action ? <p className="next-step">Next step: {health.lastError.action}</p> : null}
          <ErrorActionButton error={health.lastError} integrationId={id} connectorTitle={connectorTitle} interactive={interactive} />
        </div>
      ) : null}
      <div className="card-section">
        <h4 className="section-caption">Recent runs</h4>
        {runs.data ? <RunStrip runs={runs.data} /> : <p className="muted">Loading runs…</p>}
      </div>
      <div className="card-actions">
        <button type="button" className="button" onClick={() => sync.mutate({ id, trigger: 'ui' })} disabled={!enabled || sync.isPending || health.state === 'syncing'}>
          {health.state === 'syncing' ? 'Syncing…' : 'Sync now'}
        </button>
        <button type="button" className="button button-quiet" onClick={() => test.mutate({ id })} disabled={test.isPending}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        {paused ? (
          <button type="button" className="button button-quiet" onClick={() => resume.mutate({ id })} disabled={resume.isPending}>
            Resume
          </button>
        ) : (
          <button type="button" className="button button-quiet" onClick={() => pause.mutate({ id })} disabled={pause.isPending || !enabled}>
            Pause
          </button>
        )}
        <a className="link-action" href={routeHref('logs', [], { integration: id })}>
          Sync logs<span className="visually-hidden"> of {health.name}</span>
        </a>
      </div>
      <div aria-live="polite" className="card-live">
        {test.isPending ? <StatusLabel tone="pending">Testing {health.name}…</StatusLabel> : test.data ? <TestOutcome result={test.data} /> : null}
      </div>
      {sync.isError ? <ErrorNotice title={`Could not sync ${health.name}`} error={sync.error} /> : null}
      {test.isError ? <ErrorNotice title={`Could not test ${health.name}`} error={test.error} /> : null}
      {pause.isError || resume.isError ? <ErrorNotice title="Could not change the schedule" error={pause.error ?? resume.error} /> : null}
    </article>
  );
}
