import type { SecretFieldInfo } from '../../../shared/schemas.ts';
import { StatusLabel } from '../../components/status-label.tsx';
import { describedBy, Field } from './form-field.tsx';

/**
 * Secret inputs: write-only. What is stored is never shown or sent back —
 * only whether it is set. Empty keeps the stored value; an optional one can
 * be removed explicitly.
 */
export function SecretFields({ fields, isSet, values, remove, errors, onChange, onRemove }: {
  fields: SecretFieldInfo[];
  /** Which secrets are stored (editing); empty for a new integration. */
  isSet: Record<string, boolean>;
  values: Record<string, string>;
  remove: Record<string, boolean>;
  errors: Record<string, string>;
  onChange: (name: string, v: string) => void;
  onRemove: (name: string, on: boolean) => void;
}) {
  return (
    <>
      {fields.map((f) => {
        const key = `secrets.${f.name}`;
        const stored = isSet[f.name] === true;
        const help = [f.help, stored ? `Leave empty to keep the stored ${f.label.toLowerCase()}.` : null].filter(Boolean).join(' ');
        return (
          <div key={f.name}>
            <Field
              fieldKey={key}
              label={f.label}
              required={f.required && !stored}
              marker={!stored}
              help={help}
              error={errors[key]}
              status={stored ? <StatusLabel tone="ok">set</StatusLabel> : f.name in isSet ? <StatusLabel tone="warn">not set</StatusLabel> : null}
            >
              <input
                {...describedBy(key, help, errors[key])}
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                value={values[f.name] ?? ''}
                placeholder={stored ? 'stored — type to replace' : ''}
                onChange={(e) => onChange(f.name, e.target.value)}
                disabled={remove[f.name] === true}
                aria-required={(f.required && !stored) || undefined}
              />
            </Field>
            {stored && !f.required ? (
              <label className="check">
                <input type="checkbox" checked={remove[f.name] === true} onChange={(e) => onRemove(f.name, e.target.checked)} />
                Remove the stored {f.label.toLowerCase()}
              </label>
            ) : null}
          </div>
        );
      })}
    </>
  );
}
