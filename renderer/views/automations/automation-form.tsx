import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Automation } from '../../../shared/automation.ts';
import { ApiError } from '../../api/client.ts';
import { useCreateAutomation, useUpdateAutomation } from '../../api/mutations.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { navigate, routeHref } from '../../router.ts';
import { describedBy, ErrorSummary, Field, fieldIds } from '../integrations/form-field.tsx';
import { buildDefinition, draftFrom, fieldLabel, orderedErrors, placeIssue, type AutomationDraft, type FieldErrors } from './automation-draft.ts';
import { ScheduleFields } from './schedule-fields.tsx';
import { StepFields } from './step-fields.tsx';

const DOMAINS_HELP = 'Where the browser may go, one host per line (“example.com” includes its subdomains; “*.example.com” only them). Empty: only the starting page’s host.';
const PROFILE_HELP = 'An absolute path to a Chrome profile folder, to stay signed in between runs. Empty: a fresh profile each run.';

/** Moves focus to a field by its error key. */
function focusField(key: string): void {
  document.getElementById(fieldIds(key === 'form' ? 'name' : key).input)?.focus();
}

/**
 * Add or edit an automation: name, starting URL, ordered steps (instruction
 * and optional extraction schema), browser limits, allowed domains, profile
 * folder and schedule. Problems show next to their field and in a summary —
 * the schema's own, found as soon as Save is pressed, and the core's, placed
 * by the field it names (e.g. "steps.1.schema").
 */
export function AutomationForm({ existing }: { existing?: Automation }) {
  const [draft, setDraft] = useState<AutomationDraft>(() => draftFrom(existing));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [summaryShown, setSummaryShown] = useState(0);
  const [formError, setFormError] = useState<unknown>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const create = useCreateAutomation();
  const update = useUpdateAutomation();
  const busy = create.isPending || update.isPending;

  useEffect(() => {
    document.getElementById(existing ? fieldIds('name').input : 'automation-form-heading')?.focus();
    // Only on arrival: later renders must not steal focus.
  }, []);
  useEffect(() => {
    if (summaryShown > 0) summaryRef.current?.focus();
  }, [summaryShown]);

  const change = (c: Partial<AutomationDraft>) => setDraft((d) => ({ ...d, ...c }));
  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    if (Object.keys(next).length > 0) setSummaryShown((n) => n + 1);
  };

  /** An error of the core that names a field goes next to it; anything else above the buttons. */
  function showApiError(err: unknown) {
    const field = err instanceof ApiError && err.code === 'invalid_input' ? err.body.field : undefined;
    if (!field) return setFormError(err);
    const [key, message] = placeIssue(field, stripPrefix((err as ApiError).message, field));
    if (key === 'form') return setFormError(err);
    showErrors({ [key]: message });
  }

  function save(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const built = buildDefinition(draft);
    showErrors(built.errors);
    if (!built.definition) return;
    const done = (a: Automation) => navigate(routeHref('automations', [a.id]));
    if (existing) update.mutate({ id: existing.id, ...built.definition }, { onSuccess: done, onError: showApiError });
    else create.mutate(built.definition, { onSuccess: done, onError: showApiError });
  }

  const listed = orderedErrors(errors, draft);
  const err = (key: string) => errors[key];
  return (
    <form className="card automation-form" onSubmit={save} noValidate aria-labelledby="automation-form-heading">
      <h3 id="automation-form-heading" tabIndex={-1}>
        {existing ? `Edit ${existing.name}` : 'Add an automation'}
      </h3>
      {listed.length > 0 ? (
        <ErrorSummary ref={summaryRef} titleId="automation-errors-title" problems={listed} onPick={focusField} describe={(key, message) => `${fieldLabel(key)}: ${message.charAt(0).toLowerCase() + message.slice(1)}`} />
      ) : null}
      <Field fieldKey="name" label="Name" required help="How the automation is called in Kinexus, the tray and the CLI." error={err('name')}>
        <input {...describedBy('name', 'help', err('name'))} type="text" value={draft.name} onChange={(e) => change({ name: e.target.value })} placeholder="e.g. Laptop prices" autoComplete="off" aria-required />
      </Field>
      <Field fieldKey="startUrl" label="Starting URL" required help="The page the browser opens first." error={err('startUrl')}>
        <input {...describedBy('startUrl', 'help', err('startUrl'))} type="url" value={draft.startUrl} onChange={(e) => change({ startUrl: e.target.value })} placeholder="https://example.com/" autoComplete="off" spellCheck={false} aria-required />
      </Field>
      <StepFields
        steps={draft.steps}
        errors={errors}
        onChange={(steps, structural) => {
          change({ steps });
          // Errors of steps are keyed by position: after a move they would sit on the wrong step.
          if (structural) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('steps.'))));
        }}
      />
      <fieldset className="browser-group">
        <legend>Browser</legend>
        <label className="check">
          <input type="checkbox" checked={draft.headless} onChange={(e) => change({ headless: e.target.checked })} />
          Headless (no browser window; needed when nobody is logged in to a desktop)
        </label>
        <div className="field-row">
          <Field fieldKey="maxSteps" label="Max steps per instruction" marker={false} error={err('maxSteps')}>
            <input {...describedBy('maxSteps', null, err('maxSteps'))} type="number" inputMode="numeric" className="input-number" value={draft.maxSteps} onChange={(e) => change({ maxSteps: e.target.value })} />
          </Field>
          <Field fieldKey="timeoutSeconds" label="Timeout per instruction (seconds)" marker={false} error={err('timeoutSeconds')}>
            <input {...describedBy('timeoutSeconds', null, err('timeoutSeconds'))} type="number" inputMode="numeric" className="input-number" value={draft.timeoutSeconds} onChange={(e) => change({ timeoutSeconds: e.target.value })} />
          </Field>
        </div>
        <Field fieldKey="allowedDomains" label="Allowed domains" help={DOMAINS_HELP} error={err('allowedDomains')}>
          <textarea {...describedBy('allowedDomains', DOMAINS_HELP, err('allowedDomains'))} rows={2} value={draft.allowedDomains} onChange={(e) => change({ allowedDomains: e.target.value })} spellCheck={false} />
        </Field>
        <Field fieldKey="profileDir" label="Profile folder" help={PROFILE_HELP} error={err('profileDir')}>
          <input {...describedBy('profileDir', PROFILE_HELP, err('profileDir'))} type="text" value={draft.profileDir} onChange={(e) => change({ profileDir: e.target.value })} autoComplete="off" spellCheck={false} />
        </Field>
      </fieldset>
      <ScheduleFields draft={draft} errors={errors} onChange={change} />
      {formError ? <ErrorNotice title={existing ? 'Could not save the changes' : 'Could not add the automation'} error={formError} /> : null}
      <div className="card-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save changes' : 'Add automation'}
        </button>
        <a className="link-action" href={existing ? routeHref('automations', [existing.id]) : routeHref('automations')}>
          Cancel
        </a>
      </div>
    </form>
  );
}

/** The core says "Invalid input to automations.create: steps.1.schema: must be …"; next to the field only the last part belongs. */
function stripPrefix(message: string, field: string): string {
  const marker = `${field}: `;
  const at = message.indexOf(marker);
  if (at === -1) return message;
  const rest = message.slice(at + marker.length);
  // Further issues follow after "; "; the field's own message is the first part.
  return rest.split('; ')[0];
}
