import { valueOf, type FieldValue, type FormField } from './schema-fields.ts';
import { describedBy, Field, FieldNotes } from './form-field.tsx';

/** One settings input, chosen by the field's kind (from the connector's JSON Schema). */
function SettingInput({ field, value, error, onChange }: { field: FormField; value: FieldValue; error?: string; onChange: (v: FieldValue) => void }) {
  const key = `settings.${field.name}`;
  const aria = describedBy(key, field.help, error);
  switch (field.kind) {
    case 'boolean':
      return (
        <div className={`field field-check${error ? ' field-invalid' : ''}`}>
          <label className="check">
            <input type="checkbox" {...aria} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
            {field.label}
          </label>
          <FieldNotes fieldKey={key} help={field.help} error={error} />
        </div>
      );
    case 'choices': {
      const picked = Array.isArray(value) ? value : [];
      return (
        <fieldset className={`field choices${error ? ' field-invalid' : ''}`} aria-describedby={aria['aria-describedby']}>
          <legend>
            {field.label}
            {field.required ? <span className="required"> (required)</span> : <span className="optional"> (optional)</span>}
          </legend>
          {field.options.map((o, i) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                id={i === 0 ? aria.id : undefined}
                checked={picked.includes(o)}
                onChange={(e) => onChange(e.target.checked ? [...picked, o] : picked.filter((p) => p !== o))}
              />
              {o.replace(/_/g, ' ')}
            </label>
          ))}
          <FieldNotes fieldKey={key} help={field.help} error={error} />
        </fieldset>
      );
    }
    default:
      return (
        <Field fieldKey={key} label={field.label} required={field.required} help={field.kind === 'list' ? `${field.help ? `${field.help}. ` : ''}One per line.` : field.help} error={error}>
          {field.kind === 'select' ? (
            <select {...aria} value={String(value)} onChange={(e) => onChange(e.target.value)} aria-required={field.required || undefined}>
              {field.required ? null : <option value="">(default)</option>}
              {field.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : field.kind === 'list' || field.kind === 'json' ? (
            <textarea {...aria} rows={field.kind === 'json' ? 5 : 3} value={String(value)} onChange={(e) => onChange(e.target.value)} aria-required={field.required || undefined} spellCheck={false} />
          ) : (
            <input
              {...aria}
              type={field.kind === 'url' ? 'url' : field.kind === 'number' ? 'number' : 'text'}
              inputMode={field.kind === 'number' ? 'decimal' : undefined}
              value={String(value)}
              onChange={(e) => onChange(e.target.value)}
              aria-required={field.required || undefined}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
      );
  }
}

/** The settings part of an integration form, generated from the connector's schema. */
export function SettingsFields({ fields, values, errors, onChange }: { fields: FormField[]; values: Record<string, FieldValue>; errors: Record<string, string>; onChange: (name: string, v: FieldValue) => void }) {
  return (
    <>
      {fields.map((f) => (
        <SettingInput key={f.name} field={f} value={valueOf(f, values)} error={errors[`settings.${f.name}`]} onChange={(v) => onChange(f.name, v)} />
      ))}
    </>
  );
}
