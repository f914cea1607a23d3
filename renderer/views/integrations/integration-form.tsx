import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ConnectorInfo, Integration, TestResult } from '../../../shared/schemas.ts';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../api/api-context.tsx';
import { useAddIntegration, useCheckSettings, useTestDraft, useUpdateIntegration } from '../../api/mutations.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { navigate } from '../../router.ts';
import { checkForm, orderedErrors, type FieldErrors, type FormState } from './form-validation.ts';
import { describedBy, ErrorSummary, Field, fieldIds } from './form-field.tsx';
import { fieldsFromSchema, initialValues, placeIssue, type FormField } from './schema-fields.ts';
import { SecretFields } from './secret-fields.tsx';
import { SettingsFields } from './settings-fields.tsx';
import { TestResultDetails } from './test-result-details.tsx';

/** Stored settings as text, enough to pick the union branch an existing integration uses. */
function existingValues(existing?: Integration): Record<string, string> {
  return Object.fromEntries(Object.entries(existing?.settings ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function initialState(fields: FormField[], existing?: Integration): FormState {
  return { name: existing?.name ?? '', values: initialValues(fields, existing?.settings), secrets: {}, remove: {} };
}

/** Moves focus to a field by its error key (the first input of a group). */
function focusField(key: string): void {
  document.getElementById(fieldIds(key).input)?.focus();
}

/**
 * Add or edit an integration. The settings inputs come from the connector's
 * schema; problems show next to their field and in a summary; "Test
 * connection" tries the unsaved settings (and new secrets) without storing
 * anything.
 */
export function IntegrationForm({ connectors, existing, initialConnector, focus, returnTo }: { connectors: ConnectorInfo[]; existing?: Integration; initialConnector?: string; focus?: string; returnTo: string }) {
  const [connectorId, setConnectorId] = useState(existing?.connector ?? connectors.find((c) => c.id === initialConnector)?.id ?? connectors[0]?.id ?? '');
  const connector = connectors.find((c) => c.id === connectorId);
  const [state, setState] = useState<FormState>(() => initialState(connector ? fieldsFromSchema(connector.settingsSchema, existingValues(existing)) : [], existing));
  // A union schema shows the fields of the branch the form has chosen, so fields follow the values.
  const fields = useMemo(() => (connector ? fieldsFromSchema(connector.settingsSchema, state.values) : []), [connector, state.values]);
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [summaryShown, setSummaryShown] = useState(0);
  const [formError, setFormError] = useState<unknown>(null);
  const [testResult, setTestResult] = useState<TestResult | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const check = useCheckSettings();
  const testDraft = useTestDraft();
  const add = useAddIntegration();
  const update = useUpdateIntegration();
  const api = useApi();
  const interactive = connector?.signIn ?? false;
  const busy = check.isPending || testDraft.isPending || add.isPending || update.isPending;
  const stored = existing?.secrets ?? {};

  useEffect(() => {
    if (focus === 'secrets' && connector?.secretFields[0]) focusField(`secrets.${connector.secretFields[0].name}`);
    else if (focus === 'settings' && fields[0]) focusField(`settings.${fields[0].name}`);
    else document.getElementById(existing ? fieldIds('name').input : 'form-heading')?.focus();
    // Only on arrival: later renders must not steal focus.
  }, []);
  useEffect(() => {
    if (summaryShown > 0) summaryRef.current?.focus();
  }, [summaryShown]);

  if (!connector) return <p className="notice notice-error">This build has no connector “{connectorId}”.</p>;

  const setValue = (name: string, v: FormState['values'][string]) => setState((s) => ({ ...s, values: { ...s.values, [name]: v } }));
  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    if (Object.keys(next).length > 0) setSummaryShown((n) => n + 1);
  };

  /** Local checks, then the connector's own schema in the core; null (with errors shown) when anything is wrong. */
  async function validate(forTest: boolean): Promise<{ settings: Record<string, unknown>; secrets: Record<string, string> } | null> {
    setFormError(null);
    const local = checkForm(connector!, fields, state, stored, forTest);
    const found: FieldErrors = { ...local.errors };
    try {
      const server = await check.mutateAsync({ connector: connector!.id, settings: local.settings });
      for (const issue of server.issues) {
        const placed = placeIssue(fields, issue.field, issue.message);
        const key = placed ? `settings.${placed.field}` : 'settings';
        found[key] ??= placed?.message ?? issue.message;
      }
    } catch (err) {
      setFormError(err);
      return null;
    }
    showErrors(found);
    return Object.keys(found).length > 0 ? null : { settings: local.settings, secrets: local.secrets };
  }

  /** An error from the core that names a field goes next to that field; anything else above the buttons. */
  function showApiError(err: unknown) {
    const field = err instanceof ApiError ? err.body.field : undefined;
    if (!field) return setFormError(err);
    const message = (err as ApiError).message;
    if (field.startsWith('settings.')) {
      const placed = placeIssue(fields, field.slice('settings.'.length), message);
      return showErrors({ [placed ? `settings.${placed.field}` : 'settings']: placed?.message ?? message });
    }
    showErrors({ [field]: message });
  }

  async function runTest() {
    setTestResult(null);
    const valid = await validate(true);
    if (!valid) return;
    const secrets = Object.fromEntries(Object.entries(valid.secrets).filter(([, v]) => v !== ''));
    testDraft.mutate({ connector: connector!.id, settings: valid.settings, secrets, id: existing?.id }, { onSuccess: setTestResult, onError: showApiError });
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const valid = await validate(false);
    if (!valid) return;
    const done = () => navigate(returnTo);
    if (existing) {
      const changedSecrets = Object.keys(valid.secrets).length > 0 ? valid.secrets : undefined;
      update.mutate({ id: existing.id, name: state.name.trim(), settings: valid.settings, secrets: changedSecrets }, { onSuccess: done, onError: showApiError });
    } else {
      const added = (integration: Integration) => {
        // The sign-in is this connector's credential: start it now; its code shows at the top of the app.
        if (interactive) api.call('integrations.signIn', { id: integration.id }).catch(() => undefined);
        done();
      };
      add.mutate({ connector: connector!.id, name: state.name.trim(), settings: valid.settings, secrets: valid.secrets, enabled }, { onSuccess: added, onError: showApiError });
    }
  }

  const listed = orderedErrors(errors, fields, connector);
  return (
    <form className="card integration-form" onSubmit={save} noValidate aria-labelledby="form-heading">
      <h3 id="form-heading" tabIndex={-1}>
        {existing ? `Edit ${existing.name}` : `Add ${connector.title}`}
      </h3>
      {listed.length > 0 ? (
        <ErrorSummary ref={summaryRef} titleId="error-summary-title" problems={listed} onPick={focusField} describe={(_key, message) => message} />
      ) : null}
      {existing ? (
        <p className="muted">Connector: {connector.title}</p>
      ) : (
        <fieldset className="field connector-choice">
          <legend>Connector</legend>
          {connectors.map((c, i) => (
            <label key={c.id} className="choice">
              <input
                type="radio"
                name="connector"
                value={c.id}
                id={i === 0 ? fieldIds('connector').input : undefined}
                checked={c.id === connectorId}
                onChange={() => {
                  setConnectorId(c.id);
                  setState(initialState(fieldsFromSchema(c.settingsSchema)));
                  setErrors({});
                  setTestResult(null);
                }}
              />
              <span>
                <strong>{c.title}</strong> <span className="muted">— {c.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <Field fieldKey="name" label="Name" required help="How this integration is called in Kinexus." error={errors.name}>
        <input {...describedBy('name', 'help', errors.name)} type="text" value={state.name} onChange={(e) => setState((s) => ({ ...s, name: e.target.value }))} placeholder={`e.g. Work ${connector.title}`} autoComplete="off" aria-required />
      </Field>
      <SettingsFields fields={fields} values={state.values} errors={errors} onChange={setValue} />
      {connector.secretFields.length > 0 ? (
        <fieldset className="secrets-group">
          <legend>Credentials</legend>
          <p className="muted">Stored in the system keychain. Kinexus shows whether one is set, never its value.</p>
          <SecretFields
            fields={connector.secretFields}
            isSet={stored}
            values={state.secrets}
            remove={state.remove}
            errors={errors}
            onChange={(name, v) => setState((s) => ({ ...s, secrets: { ...s.secrets, [name]: v } }))}
            onRemove={(name, on) => setState((s) => ({ ...s, remove: { ...s.remove, [name]: on } }))}
          />
        </fieldset>
      ) : null}
      {interactive ? (
        <p className="notice">
          {connector.secretFields.length === 0 ? `${connector.title} needs no password here: ` : `${connector.title} also signs in with a code: `}
          {existing ? 'use “Sign in” on its card' : 'after you add it'}, Kinexus shows a code to enter on the {connector.title} sign-in page, in any browser.
        </p>
      ) : null}
      {existing ? null : (
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Sync on schedule right away
        </label>
      )}
      {formError ? <ErrorNotice title={existing ? 'Could not save the changes' : 'Could not add the integration'} error={formError} /> : null}
      <div className="card-actions">
        <button type="button" className="button button-quiet" onClick={() => void runTest()} disabled={busy}>
          {testDraft.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="button" disabled={busy}>
          {add.isPending || update.isPending ? 'Saving…' : existing ? 'Save changes' : 'Add integration'}
        </button>
        <a className="link-action" href={returnTo}>
          Cancel
        </a>
      </div>
      <div aria-live="polite" className="draft-test">
        {testDraft.isPending ? <StatusLabel tone="pending">Testing the connection…</StatusLabel> : testResult ? <TestResultDetails result={testResult} /> : null}
      </div>
    </form>
  );
}
