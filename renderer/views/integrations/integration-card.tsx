import { useState } from 'react';
import type { Integration } from '../../../shared/schemas.ts';
import { useRemoveIntegration, useSetEnabled, useSignIn, useTestConnection } from '../../api/mutations.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { routeHref } from '../../router.ts';
import { TestResultDetails } from './test-result-details.tsx';

/** One integration: which secrets are set (never their values), its last test, and edit, enable/disable, test and remove. */
export function IntegrationCard({ integration, connectorTitle, interactive }: { integration: Integration; connectorTitle: string; interactive: boolean }) {
  const test = useTestConnection(integration.id);
  const signIn = useSignIn(integration.id);
  const setEnabled = useSetEnabled(integration.id);
  const remove = useRemoveIntegration();
  const [confirming, setConfirming] = useState(false);
  const headingId = `integration-${integration.id}-name`;
  const secrets = Object.entries(integration.secrets);
  return (
    <article className="card" aria-labelledby={headingId}>
      <header className="card-head">
        <h3 id={headingId}>{integration.name}</h3>
        <span className="connector">{connectorTitle}</span>
        <StatusLabel tone={integration.enabled ? 'ok' : 'off'}>{integration.enabled ? 'Enabled' : 'Disabled'}</StatusLabel>
        {integration.paused ? <StatusLabel tone="off" icon="‖">Paused</StatusLabel> : null}
      </header>
      <dl className="card-body">
        <div>
          <dt>Secrets</dt>
          <dd>
            {secrets.length === 0 ? (
              <span className="muted">{interactive ? `You sign in to ${connectorTitle} with a code` : 'None needed'}</span>
            ) : (
              <ul className="secrets">
                {secrets.map(([name, set]) => (
                  <li key={name}>
                    <StatusLabel tone={set ? 'ok' : 'warn'}>
                      <span className="item-name">{name}</span> {set ? 'set' : 'not set'}
                    </StatusLabel>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Last test</dt>
          <dd aria-live="polite">
            <TestResultDetails result={integration.lastTest} />
          </dd>
        </div>
      </dl>
      <div className="card-actions">
        <a className="button" href={routeHref('integrations', [integration.id, 'edit'])}>
          Edit<span className="visually-hidden"> {integration.name}</span>
        </a>
        {interactive ? (
          <button type="button" className="button button-quiet" onClick={() => signIn.mutate({ id: integration.id })} disabled={signIn.isPending}>
            Sign in
          </button>
        ) : null}
        <button type="button" className="button button-quiet" onClick={() => test.mutate({ id: integration.id })} disabled={test.isPending}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="button button-quiet" onClick={() => setEnabled.mutate({ id: integration.id, enabled: !integration.enabled })} disabled={setEnabled.isPending}>
          {integration.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" className="button button-quiet button-danger-quiet" onClick={() => setConfirming(true)}>
          Remove
        </button>
        {test.isPending ? (
          <span role="status">
            <StatusLabel tone="pending">Testing {integration.name}…</StatusLabel>
          </span>
        ) : null}
      </div>
      {test.isError ? <ErrorNotice title={`Could not test ${integration.name}`} error={test.error} /> : null}
      {signIn.isError ? <ErrorNotice title={`Could not start the ${connectorTitle} sign-in`} error={signIn.error} /> : null}
      {setEnabled.isError ? <ErrorNotice title={`Could not change ${integration.name}`} error={setEnabled.error} /> : null}
      {remove.isError ? <ErrorNotice title={`Could not remove ${integration.name}`} error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={`Remove ${integration.name}?`}
        confirmLabel={`Remove ${integration.name}`}
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate({ id: integration.id }, { onSettled: () => setConfirming(false) })}
      >
        <p>This deletes its mirrored records, its sync history and its secrets in the keychain. The {connectorTitle} data itself is not touched.</p>
      </ConfirmDialog>
    </article>
  );
}
