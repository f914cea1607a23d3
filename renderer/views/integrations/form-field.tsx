import type { ReactNode, Ref } from 'react';
import { StatusLabel } from '../../components/status-label.tsx';

/** DOM ids of a form field and its help and error texts. */
export function fieldIds(key: string): { input: string; help: string; error: string } {
  const base = `f-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return { input: base, help: `${base}-help`, error: `${base}-error` };
}

/** The aria wiring of an input: described by its help and error, invalid while it has an error. */
export function describedBy(key: string, help: string | null | undefined, error: string | undefined) {
  const ids = fieldIds(key);
  const by = [help ? ids.help : null, error ? ids.error : null].filter(Boolean).join(' ');
  return { id: ids.input, 'aria-describedby': by || undefined, 'aria-invalid': error ? (true as const) : undefined };
}

/** Label, input, help text and the validation message right next to the field. `marker` says required/optional. */
export function Field({ fieldKey, label, required, help, error, children, status, marker = true }: { fieldKey: string; label: string; required?: boolean; help?: string | null; error?: string; children: ReactNode; status?: ReactNode; marker?: boolean }) {
  const ids = fieldIds(fieldKey);
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={ids.input}>
        {label}
        {!marker ? null : required ? <span className="required"> (required)</span> : <span className="optional"> (optional)</span>}
        {status ? <span className="field-status"> {status}</span> : null}
      </label>
      {children}
      <FieldNotes fieldKey={fieldKey} help={help} error={error} />
    </div>
  );
}

/** A field's help text and its error message, with the ids its input's aria-describedby points at. */
export function FieldNotes({ fieldKey, help, error }: { fieldKey: string; help?: string | null; error?: string }) {
  const ids = fieldIds(fieldKey);
  return (
    <>
      {help ? (
        <p id={ids.help} className="field-help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={ids.error} className="field-error">
          <span aria-hidden="true">✕ </span>
          {error}
        </p>
      ) : null}
    </>
  );
}

/**
 * A form's problems above its fields, announced as an alert: each one a
 * button that moves focus to its field. `ref` lets the form focus the
 * summary itself after a failed save.
 */
export function ErrorSummary({ ref, titleId, problems, onPick, describe }: { ref: Ref<HTMLDivElement>; titleId: string; problems: [string, string][]; onPick: (key: string) => void; describe: (key: string, message: string) => string }) {
  return (
    <div ref={ref} className="notice notice-error error-summary" role="alert" tabIndex={-1} aria-labelledby={titleId}>
      <p id={titleId} className="notice-title">
        <StatusLabel tone="error">{problems.length === 1 ? 'There is a problem' : `There are ${problems.length} problems`}</StatusLabel>
      </p>
      <ul>
        {problems.map(([key, message]) => (
          <li key={key}>
            <button type="button" className="link-button" onClick={() => onPick(key)}>
              {describe(key, message)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
