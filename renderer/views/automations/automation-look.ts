import type { AutomationRun, AutomationTrigger, StepStatus } from '../../../shared/automation.ts';
import type { Schedule } from '../../../shared/sync.ts';
import { plural } from '../../components/format.ts';
import type { Look } from '../../components/status-label.tsx';

/** How each step state looks: tone, its own icon and words. */
export const STEP_LOOK: Record<StepStatus, Look> = {
  pending: { tone: 'off', icon: '·', text: 'Waiting' },
  running: { tone: 'pending', icon: '↻', text: 'Running' },
  succeeded: { tone: 'ok', icon: '✓', text: 'Done' },
  failed: { tone: 'error', icon: '✕', text: 'Failed' },
  cancelled: { tone: 'off', icon: '–', text: 'Cancelled' },
  skipped: { tone: 'off', icon: '»', text: 'Skipped' },
};

/** Who started a run, as the end of "started … by". */
export const TRIGGER_TEXT: Record<AutomationTrigger, string> = {
  ui: 'you',
  tray: 'the tray menu',
  cli: 'the command line',
  schedule: 'the schedule',
};

/** A schedule in words: "Only when run by hand", "Every 2 hours", "Cron: 0 9 * * 1-5". */
export function scheduleText(schedule: Schedule): string {
  switch (schedule.type) {
    case 'manual':
      return 'Only when run by hand';
    case 'interval': {
      const m = schedule.minutes;
      if (m % 1440 === 0) return m === 1440 ? 'Every day' : `Every ${m / 1440} days`;
      if (m % 60 === 0) return m === 60 ? 'Every hour' : `Every ${m / 60} hours`;
      return m === 1 ? 'Every minute' : `Every ${m} minutes`;
    }
    case 'cron':
      return `Cron: ${schedule.expression}`;
  }
}

/** How far a run got: "2 of 3 steps done". */
export function stepsDoneText(run: Pick<AutomationRun, 'steps'>): string {
  return `${run.steps.filter((s) => s.status === 'succeeded').length} of ${plural(run.steps.length, 'step')} done`;
}

/** Where a run is: "Starting the browser…", "Running step 2 of 3", or for a finished one how far it got. */
export function runProgressText(run: Pick<AutomationRun, 'status' | 'steps'>): string {
  if (run.status !== 'running') return stepsDoneText(run);
  const current = run.steps.find((s) => s.status === 'running');
  if (current) return `Running step ${current.index} of ${run.steps.length}`;
  return run.steps.some((s) => s.status !== 'pending') ? stepsDoneText(run) : 'Starting the browser…';
}

/** The steps of a run that extracted data (schema steps that answered). */
export function extractingSteps(run: Pick<AutomationRun, 'steps'>) {
  return run.steps.filter((s) => s.extracted !== null && s.extracted !== undefined);
}

/** Pretty JSON for showing extracted data. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}
