import { describedBy, Field } from '../integrations/form-field.tsx';
import type { AutomationDraft, FieldErrors, ScheduleType } from './automation-draft.ts';

const CRON_HELP = 'Five fields: minute hour day-of-month month weekday, in local time. “0 9 * * 1-5” is 9:00 on weekdays.';

/** When an automation runs by itself: never, every N minutes, or on a cron expression. */
export function ScheduleFields({ draft, errors, onChange }: { draft: AutomationDraft; errors: FieldErrors; onChange: (change: Partial<AutomationDraft>) => void }) {
  return (
    <fieldset className="schedule-group">
      <legend>Schedule</legend>
      <Field fieldKey="schedule.type" label="Runs" marker={false} error={errors['schedule.type']}>
        <select {...describedBy('schedule.type', null, errors['schedule.type'])} value={draft.scheduleType} onChange={(e) => onChange({ scheduleType: e.target.value as ScheduleType })}>
          <option value="manual">Only when I run it</option>
          <option value="interval">Every few minutes or hours</option>
          <option value="cron">On a cron schedule</option>
        </select>
      </Field>
      {draft.scheduleType === 'interval' ? (
        <Field fieldKey="schedule.minutes" label="Every (minutes)" required error={errors['schedule.minutes']}>
          <input
            {...describedBy('schedule.minutes', null, errors['schedule.minutes'])}
            type="number"
            inputMode="numeric"
            className="input-number"
            value={draft.intervalMinutes}
            onChange={(e) => onChange({ intervalMinutes: e.target.value })}
            aria-required
          />
        </Field>
      ) : null}
      {draft.scheduleType === 'cron' ? (
        <Field fieldKey="schedule.expression" label="Cron expression" required help={CRON_HELP} error={errors['schedule.expression']}>
          <input
            {...describedBy('schedule.expression', CRON_HELP, errors['schedule.expression'])}
            type="text"
            value={draft.cronExpression}
            onChange={(e) => onChange({ cronExpression: e.target.value })}
            placeholder="0 9 * * 1-5"
            autoComplete="off"
            spellCheck={false}
            aria-required
          />
        </Field>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} />
        Enabled (a disabled automation does not run, not even by hand)
      </label>
    </fieldset>
  );
}
