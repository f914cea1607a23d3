import type { AutomationRun } from '../../../shared/automation.ts';
import { useAutomationRun } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatCount, formatDuration } from '../../components/format.ts';
import { RUN_LOOK } from '../../components/health-status.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { ArtifactList, ArtifactView } from './artifact-list.tsx';
import { runProgressText, stepsDoneText, TRIGGER_TEXT } from './automation-look.ts';
import { LiveScreenshot } from './live-screenshot.tsx';
import { CancelRunButton } from './run-controls.tsx';
import { StepList } from './step-list.tsx';

/** The last step of a run that left a screenshot. */
function lastShot(run: AutomationRun) {
  return [...run.steps].reverse().find((s) => s.screenshot);
}

/** The last picture a finished run took: where it ended. */
function FinalScreenshot({ run }: { run: AutomationRun }) {
  const last = lastShot(run);
  if (!last?.screenshot) return null;
  return (
    <figure className="live-view">
      <ArtifactView runId={run.id} path={last.screenshot} alt={`The page after step ${last.index}${last.pageUrl ? `: ${last.pageUrl}` : ''}`} />
      <figcaption className="muted">After step {last.index}, the last one with a screenshot</figcaption>
    </figure>
  );
}

/**
 * One automation run: its state, its steps changing live as automation.step
 * events arrive (no polling), a live view of the browser while it runs, the
 * data it extracted, its error with the next step, and its files.
 */
export function AutomationRunDetail({ runId }: { runId: string }) {
  const query = useAutomationRun(runId);
  if (query.isPending) return <p role="status">Loading the run…</p>;
  if (query.isError) return <ErrorNotice title="Could not load the run" error={query.error} onRetry={() => void query.refetch()} />;
  const r = query.data;
  const look = RUN_LOOK[r.status];
  const running = r.status === 'running';
  return (
    <section className="card run-detail automation-run" aria-labelledby="automation-run-heading">
      <header className="card-head">
        <h3 id="automation-run-heading" tabIndex={-1}>
          Run of {r.automationName}
        </h3>
        <span role="status">
          <StatusLabel tone={look.tone} icon={look.icon}>
            {look.text}
          </StatusLabel>
        </span>
        <span className="muted">
          started <RelativeTime iso={r.startedAt} /> by {TRIGGER_TEXT[r.trigger]}
        </span>
      </header>
      {running ? (
        <div className="run-progress">
          <p className="run-progress-text" role="status">
            <StatusLabel tone="pending">{runProgressText(r)}</StatusLabel>
          </p>
          <progress className="progress-bar" max={r.steps.length} value={r.steps.filter((s) => s.status === 'succeeded').length} aria-label={`Steps of ${r.automationName} done`} />
          <CancelRunButton runId={r.id} name={r.automationName} />
        </div>
      ) : null}
      <dl className="facts facts-grid">
        <div>
          <dt>Duration</dt>
          <dd>{r.durationMs !== null ? formatDuration(r.durationMs) : 'running'}</dd>
        </div>
        <div>
          <dt>Steps</dt>
          <dd>{stepsDoneText(r)}</dd>
        </div>
        <div>
          <dt>Records saved</dt>
          <dd>{formatCount(r.recordsSaved)}</dd>
        </div>
        <div>
          <dt>Nova Act</dt>
          <dd>{r.sdkVersion ? `${r.sdkVersion}, Python ${r.pythonVersion ?? '?'}` : <span className="muted">not started</span>}</dd>
        </div>
      </dl>
      {r.error ? (
        <div className="notice notice-error">
          <p className="notice-title">
            <StatusLabel tone={r.status === 'cancelled' ? 'off' : 'error'}>{r.error.message}</StatusLabel>
          </p>
          {r.error.action ? <p className="next-step">Next step: {r.error.action}</p> : null}
        </div>
      ) : null}
      <div className="run-columns">
        <StepList runId={r.id} steps={r.steps} />
        {running || lastShot(r) ? (
          <div className="run-view">
            <h4 className="section-caption">{running ? 'The browser now' : 'Where it ended'}</h4>
            {running ? <LiveScreenshot runId={r.id} label={r.automationName} /> : <FinalScreenshot run={r} />}
          </div>
        ) : null}
      </div>
      {running ? null : <ArtifactList runId={r.id} dir={r.artifactsDir} artifacts={r.artifacts} />}
    </section>
  );
}
