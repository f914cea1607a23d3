import type { ConnectorInfo } from '../../../shared/schemas.ts';
import { settingsFromValues, type FieldValue, type FormField } from './schema-fields.ts';

export interface FormState {
  name: string;
  values: Record<string, FieldValue>;
  secrets: Record<string, string>;
  remove: Record<string, boolean>;
}

/** Field errors keyed "name", "settings.<field>", "secrets.<field>". */
export type FieldErrors = Record<string, string>;

/**
 * What the form can check by itself: a name, the required settings, the
 * required secrets not stored yet. `forTest` skips the name (a draft test
 * needs none).
 */
export function checkForm(connector: ConnectorInfo, fields: FormField[], state: FormState, storedSecrets: Record<string, boolean>, forTest = false): { settings: Record<string, unknown>; secrets: Record<string, string>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!forTest && !state.name.trim()) errors.name = 'Enter a name, e.g. "Work GitHub"';
  else if (state.name.trim().length > 80) errors.name = 'Use at most 80 characters';
  const built = settingsFromValues(fields, state.values);
  for (const [k, v] of Object.entries(built.errors)) errors[`settings.${k}`] = v;
  const secrets: Record<string, string> = {};
  for (const f of connector.secretFields) {
    const v = state.secrets[f.name] ?? '';
    if (state.remove[f.name]) secrets[f.name] = '';
    else if (v !== '') secrets[f.name] = v;
    else if (f.required && !storedSecrets[f.name]) errors[`secrets.${f.name}`] = `Enter the ${f.label.toLowerCase()}`;
  }
  return { settings: built.settings, secrets, errors };
}

/** The order errors are listed in the summary: the order of the fields on screen. */
export function orderedErrors(errors: FieldErrors, fields: FormField[], connector: ConnectorInfo): [string, string][] {
  const order = ['connector', 'name', ...fields.map((f) => `settings.${f.name}`), ...connector.secretFields.map((f) => `secrets.${f.name}`)];
  return Object.entries(errors).sort(([a], [b]) => rank(order, a) - rank(order, b));
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}
