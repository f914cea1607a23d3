import type { SyncRun } from '../../shared/sync.ts';
import { useCancelRun } from '../api/mutations.ts';
import { ErrorNotice } from './error-notice.tsx';
import { plural } from './format.ts';
import { StatusLabel } from './status-label.tsx';

/** Records a run has written so far. */
export function recordsSoFar(run: SyncRun): number {
  return run.counts.added + run.counts.updated + run.counts.unchanged + run.counts.deleted;
}

/** A running sync: pages and records so far (updated by run.progress events) and a Cancel button. */
export function RunProgress({ run, label }: { run: SyncRun; label: string }) {
  const cancel = useCancelRun();
  return (
    <div className="run-progress">
      <p role="status" className="run-progress-text">
        <StatusLabel tone="pending">
          Syncing: {plural(run.pages, 'page')}, {plural(recordsSoFar(run), 'record')} so far
        </StatusLabel>
      </p>
      <progress className="progress-bar" aria-label={`Progress of the ${label} sync`} />
      <button type="button" className="button button-quiet" onClick={() => cancel.mutate({ runId: run.id })} disabled={cancel.isPending}>
        {cancel.isPending ? 'Cancelling…' : 'Cancel sync'}
      </button>
      {cancel.isError ? <ErrorNotice title="Could not cancel" error={cancel.error} /> : null}
    </div>
  );
}
