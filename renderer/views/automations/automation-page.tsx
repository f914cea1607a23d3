import { useEffect } from 'react';
import type { Automation } from '../../../shared/automation.ts';
import { useAutomationRuns } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatDuration } from '../../components/format.ts';
import { RUN_LOOK } from '../../components/health-status.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { navigate, routeHref } from '../../router.ts';
import { stepsDoneText, TRIGGER_TEXT } from './automation-look.ts';
import { ScheduleSummary } from './schedule-summary.tsx';
import { AutomationRunDetail } from './automation-run-detail.tsx';
import { RunControls, RunningNote } from './run-controls.tsx';

/** What an automation does: where it starts, its steps in order, its browser limits and schedule. */
function AutomationFacts({ automation: a }: { automation: Automation }) {
  return (
    <dl className="card-body">
      <div>
        <dt>Starts at</dt>
        <dd>
          <code className="path">{a.startUrl}</code>
        </dd>
      </div>
      <div>
        <dt>Steps</dt>
        <dd>
          <ol className="step-summary">
            {a.steps.map((s, i) => (
              <li key={i}>
                {s.instruction}
                {s.schema ? <span className="muted"> (extracts data)</span> : null}
              </li>
            ))}
          </ol>
        </dd>
      </div>
      <div>
        <dt>Browser</dt>
        <dd>
          {a.headless ? 'Headless' : 'Visible window'}, at most {a.maxSteps} actions and {a.timeoutSeconds} s per step
          {a.profileDir ? (
            <>
              , profile <code className="path">{a.profileDir}</code>
            </>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>May visit</dt>
        <dd>{a.allowedDomains.join(', ')}</dd>
      </div>
      <div>
        <dt>Schedule</dt>
        <dd>
          <ScheduleSummary schedule={a.schedule} nextRunAt={a.nextRunAt} />
          {a.enabled ? '' : ' (disabled)'}
        </dd>
      </div>
    </dl>
  );
}

/**
 * One automation (#/automations/<id>?run=<run id>): what it does, Run now or
 * Cancel, its recent runs, and the chosen run (the newest by default) live.
 */
export function AutomationPage({ automation: a, chosenRun }: { automation: Automation; chosenRun: string | null }) {
  const runs = useAutomationRuns(a.id);
  const runId = chosenRun ?? a.runningRunId ?? runs.data?.[0]?.id ?? null;
  const hrefFor = (run: string) => routeHref('automations', [a.id], { run });

  // Arriving here puts focus on what was asked for: the chosen run, else the automation.
  useEffect(() => {
    document.getElementById(chosenRun ? 'automation-run-heading' : 'automation-heading')?.focus();
  }, [chosenRun]);

  return (
    <>
      <p>
        <a href={routeHref('automations')}>All automations</a>
      </p>
      <article className="card automation-summary" aria-labelledby="automation-heading">
        <header className="card-head">
          <h3 id="automation-heading" tabIndex={-1}>
            {a.name}
          </h3>
          {a.enabled ? null : <StatusLabel tone="off">Disabled</StatusLabel>}
        </header>
        <AutomationFacts automation={a} />
        {/* The run below says where it is; an older run shown there does not. */}
        {a.runningRunId && a.runningRunId !== runId ? <RunningNote runId={a.runningRunId} /> : null}
        <div className="card-actions">
          <RunControls automation={a} onStarted={(id) => navigate(hrefFor(id), { replace: true })} />
          <a className="button button-quiet" href={routeHref('automations', [a.id, 'edit'])}>
            Edit<span className="visually-hidden"> {a.name}</span>
          </a>
        </div>
      </article>
      <h3 className="runs-heading">Recent runs</h3>
      {runs.isPending ? (
        <p role="status">Loading runs…</p>
      ) : runs.isError ? (
        <ErrorNotice title="Could not load the runs" error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.length === 0 ? (
        <p className="empty-state">No runs yet: “Run now” starts one, and you can watch each step here.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`Runs of ${a.name}`}>
          <table className="runs-table">
            <caption className="visually-hidden">Runs of {a.name}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Outcome</th>
                <th scope="col">Steps</th>
                <th scope="col">Duration</th>
                <th scope="col">Started by</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((r) => {
                const look = RUN_LOOK[r.status];
                const current = r.id === runId;
                return (
                  <tr key={r.id} className={current ? 'row-current' : undefined}>
                    <td>
                      <a href={hrefFor(r.id)} aria-current={current ? 'true' : undefined}>
                        <RelativeTime iso={r.startedAt} />
                        <span className="visually-hidden"> — {look.text.toLowerCase()}</span>
                      </a>
                    </td>
                    <td>
                      <StatusLabel tone={look.tone} icon={look.icon}>
                        {look.text}
                      </StatusLabel>
                    </td>
                    <td>{stepsDoneText(r)}</td>
                    <td>{r.durationMs !== null ? formatDuration(r.durationMs) : '—'}</td>
                    <td>{TRIGGER_TEXT[r.trigger]}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {runId ? <AutomationRunDetail key={runId} runId={runId} /> : null}
    </>
  );
}
