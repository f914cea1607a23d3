import type { Schedule } from '../../../shared/sync.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { scheduleText } from './automation-look.ts';

/** An automation's schedule in words, with its next run when one is due. */
export function ScheduleSummary({ schedule, nextRunAt }: { schedule: Schedule; nextRunAt: string | null }) {
  return (
    <>
      {scheduleText(schedule)}
      {nextRunAt ? (
        <span className="muted">
          {' '}
          · next <RelativeTime iso={nextRunAt} />
        </span>
      ) : null}
    </>
  );
}
