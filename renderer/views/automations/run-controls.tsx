import type { Automation } from '../../../shared/automation.ts';
import { useAutomationRun } from '../../api/queries.ts';
import { useCancelAutomationRun, useRunAutomation } from '../../api/mutations.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { runProgressText } from './automation-look.ts';

/** Cancel for a running automation run; the run ends as "Cancelled" within seconds (run events say so). */
export function CancelRunButton({ runId, name }: { runId: string; name: string }) {
  const cancel = useCancelAutomationRun(runId);
  return (
    <>
      <button type="button" className="button button-quiet button-danger-quiet" onClick={() => cancel.mutate({ runId })} disabled={cancel.isPending || cancel.data?.cancelled === true}>
        {cancel.isPending || cancel.data?.cancelled ? 'Cancelling…' : 'Cancel run'}
        <span className="visually-hidden"> of {name}</span>
      </button>
      {cancel.isError ? <ErrorNotice title={`Could not cancel ${name}`} error={cancel.error} /> : null}
    </>
  );
}

/** Where the running run of an automation is ("Running step 2 of 3"), live from step events. */
export function RunningNote({ runId }: { runId: string }) {
  const run = useAutomationRun(runId);
  const current = run.data?.steps.find((s) => s.status === 'running');
  return (
    <p className="running-note" role="status">
      <StatusLabel tone="pending">
        {run.data ? runProgressText(run.data) : 'Running…'}
        {current ? <span className="muted">: {current.instruction}</span> : null}
      </StatusLabel>
    </p>
  );
}

/**
 * "Run now" for an automation, or "Cancel run" while it runs. `onStarted`
 * gets the new run's id (the automation page shows it at once).
 */
export function RunControls({ automation, onStarted }: { automation: Automation; onStarted?: (runId: string) => void }) {
  const run = useRunAutomation(automation.id);
  const running = automation.runningRunId;
  return (
    <>
      {running ? (
        <CancelRunButton runId={running} name={automation.name} />
      ) : (
        <button
          type="button"
          className="button"
          onClick={() => run.mutate({ id: automation.id, trigger: 'ui' }, { onSuccess: (r) => (r.run && onStarted ? onStarted(r.run.id) : undefined) })}
          disabled={run.isPending}
        >
          {run.isPending ? 'Starting…' : 'Run now'}
          <span className="visually-hidden"> {automation.name}</span>
        </button>
      )}
      {run.data?.state === 'queued' && !running ? <span role="status">Queued: it starts when the automation running now ends.</span> : null}
      {run.isError ? <ErrorNotice title={`Could not run ${automation.name}`} error={run.error} /> : null}
    </>
  );
}
