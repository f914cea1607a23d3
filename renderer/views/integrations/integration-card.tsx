import type { Integration } from '../../../shared/schemas.ts';
import { useTestConnection } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { TestResultDetails } from './test-result-details.tsx';

/** One integration: what it is, which secrets are set (never their values), its last test and a button to run one. */
export function IntegrationCard({ integration, connectorTitle }: { integration: Integration; connectorTitle: string }) {
  const test = useTestConnection(integration.id);
  const headingId = `integration-${integration.id}-name`;
  const secrets = Object.entries(integration.secrets);
  return (
    <article className="card" aria-labelledby={headingId}>
      <header className="card-head">
        <h3 id={headingId}>{integration.name}</h3>
        <span className="connector">{connectorTitle}</span>
        <StatusLabel tone={integration.enabled ? 'ok' : 'off'}>{integration.enabled ? 'Enabled' : 'Disabled'}</StatusLabel>
      </header>
      <dl className="card-body">
        <div>
          <dt>Secrets</dt>
          <dd>
            {secrets.length === 0 ? (
              <span className="muted">None needed</span>
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
        <button type="button" className="button" onClick={() => test.mutate()} disabled={test.isPending} aria-describedby={headingId}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        {test.isPending ? (
          <span role="status">
            <StatusLabel tone="pending">Testing {integration.name}…</StatusLabel>
          </span>
        ) : null}
      </div>
      {test.isError ? <ErrorNotice title={`Could not test ${integration.name}`} error={test.error} /> : null}
    </article>
  );
}
