import { useQueryClient } from '@tanstack/react-query';
import { queryKeys, useConnectors, useIntegrations } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { EmptyState } from './empty-state.tsx';
import { IntegrationCard } from './integration-card.tsx';

/** Every configured integration with its secrets state, last test and a test button. */
export function IntegrationsView() {
  const integrations = useIntegrations();
  const connectors = useConnectors();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.integrations });
    void queryClient.invalidateQueries({ queryKey: queryKeys.status });
  };
  // Connector titles are a nicety: while they load (or if they fail) the id is shown.
  const titleOf = (id: string) => connectors.data?.find((c) => c.id === id)?.title ?? id;

  return (
    <section className="view" aria-labelledby="integrations-heading">
      <div className="view-head">
        <h2 id="integrations-heading">Integrations</h2>
        {integrations.data && integrations.data.length > 0 ? (
          <button type="button" className="button button-quiet" onClick={refresh}>
            Refresh
          </button>
        ) : null}
      </div>
      {integrations.isPending ? (
        <p role="status">Loading integrations…</p>
      ) : integrations.isError ? (
        <ErrorNotice title="Could not load the integrations" error={integrations.error} onRetry={() => void integrations.refetch()} />
      ) : integrations.data.length === 0 ? (
        <EmptyState onRefresh={refresh} />
      ) : (
        <ul className="cards">
          {integrations.data.map((integration) => (
            <li key={integration.id}>
              <IntegrationCard integration={integration} connectorTitle={titleOf(integration.connector)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
