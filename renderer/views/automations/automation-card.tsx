import { useState } from 'react';
import type { Automation } from '../../../shared/automation.ts';
import { useRemoveAutomation } from '../../api/mutations.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { plural } from '../../components/format.ts';
import { RUN_LOOK } from '../../components/health-status.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { routeHref } from '../../router.ts';
import { ScheduleSummary } from './schedule-summary.tsx';
import { RunControls, RunningNote } from './run-controls.tsx';

/** One automation in the list: where it starts, its steps and schedule, how its last run went; run, cancel, edit, remove. */
export function AutomationCard({ automation: a }: { automation: Automation }) {
  const remove = useRemoveAutomation();
  const [confirming, setConfirming] = useState(false);
  const headingId = `automation-${a.id}-name`;
  const last = a.lastRun;
  const look = last ? RUN_LOOK[last.status] : null;
  return (
    <article className="card automation-card" aria-labelledby={headingId}>
      <header className="card-head">
        <h3 id={headingId}>
          <a href={routeHref('automations', [a.id])}>{a.name}</a>
        </h3>
        {a.enabled ? null : <StatusLabel tone="off">Disabled</StatusLabel>}
        {a.paused ? (
          <StatusLabel tone="off" icon="‖">
            Paused
          </StatusLabel>
        ) : null}
      </header>
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
            {plural(a.steps.length, 'step')}
            {a.steps.some((s) => s.schema) ? `, ${a.steps.filter((s) => s.schema).length} extracting data` : ''}
          </dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>
            <ScheduleSummary schedule={a.schedule} nextRunAt={a.nextRunAt} />
          </dd>
        </div>
        <div>
          <dt>Last run</dt>
          <dd>
            {last && look ? (
              <a href={routeHref('automations', [a.id], { run: last.id })}>
                <StatusLabel tone={look.tone} icon={look.icon}>
                  {look.text}
                </StatusLabel>{' '}
                <RelativeTime iso={last.startedAt} />
              </a>
            ) : (
              <span className="muted">Never run</span>
            )}
            {last?.error && last.status !== 'running' ? <span className="error-text block">{last.error.message}</span> : null}
          </dd>
        </div>
      </dl>
      {a.runningRunId ? (
        <div className="card-running">
          <RunningNote runId={a.runningRunId} />
          <a href={routeHref('automations', [a.id], { run: a.runningRunId })}>
            Watch the run<span className="visually-hidden"> of {a.name}</span>
          </a>
        </div>
      ) : null}
      <div className="card-actions">
        <RunControls automation={a} />
        <a className="button button-quiet" href={routeHref('automations', [a.id, 'edit'])}>
          Edit<span className="visually-hidden"> {a.name}</span>
        </a>
        <button type="button" className="button button-quiet button-danger-quiet" onClick={() => setConfirming(true)}>
          Remove<span className="visually-hidden"> {a.name}</span>
        </button>
      </div>
      {remove.isError ? <ErrorNotice title={`Could not remove ${a.name}`} error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={`Remove ${a.name}?`}
        confirmLabel={`Remove ${a.name}`}
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate({ id: a.id }, { onSettled: () => setConfirming(false) })}
      >
        <p>This deletes its runs with their screenshots and trace files, and the records it saved to the mirror.{a.runningRunId ? ' The run in progress is cancelled first.' : ''}</p>
      </ConfirmDialog>
    </article>
  );
}
