import { useConnectors, useIntegrations } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { routeHref, type Route } from '../../router.ts';
import { IntegrationCard } from './integration-card.tsx';
import { IntegrationForm } from './integration-form.tsx';

/** Where a form goes back to: the overview when it was opened from there (e.g. "Reconnect"), else the list. */
function returnHref(route: Route): string {
  return route.params.from === 'overview' ? routeHref('overview') : routeHref('integrations');
}

/**
 * Integrations: the list with edit/enable/remove, the add form
 * (#/integrations/new, which ends on the overview, where the new one syncs)
 * and the edit form (#/integrations/<id>/edit).
 */
export function IntegrationsView({ route }: { route: Route }) {
  const integrations = useIntegrations();
  const connectors = useConnectors();
  const [first, second] = route.path;
  const adding = first === 'new';
  const editing = !adding && first !== undefined && second === 'edit' ? first : null;
  const titleOf = (id: string) => connectors.data?.find((c) => c.id === id)?.title ?? id;

  let body;
  if (integrations.isPending || connectors.isPending) body = <p role="status">Loading integrations…</p>;
  else if (integrations.isError) body = <ErrorNotice title="Could not load the integrations" error={integrations.error} onRetry={() => void integrations.refetch()} />;
  else if (connectors.isError) body = <ErrorNotice title="Could not load the connectors" error={connectors.error} onRetry={() => void connectors.refetch()} />;
  else if (adding) body = <IntegrationForm key={`new-${route.params.connector ?? ''}`} connectors={connectors.data} initialConnector={route.params.connector} returnTo={routeHref('overview')} />;
  else if (editing) {
    const existing = integrations.data.find((i) => i.id === editing);
    body = existing ? (
      <IntegrationForm key={existing.id} connectors={connectors.data} existing={existing} focus={route.params.focus} returnTo={returnHref(route)} />
    ) : (
      <ErrorNotice title="No such integration" error={new Error(`There is no integration “${editing}” (it may have been removed).`)} />
    );
  } else if (integrations.data.length === 0) {
    body = (
      <section className="empty-state" aria-labelledby="empty-heading">
        <h3 id="empty-heading">No integrations yet</h3>
        <p>Connect a system and Kinexus keeps a local, searchable mirror of it. Secrets go to the system keychain and are never shown here.</p>
        <a className="button" href={routeHref('integrations', ['new'])}>
          Add an integration
        </a>
      </section>
    );
  } else {
    body = (
      <ul className="cards">
        {integrations.data.map((integration) => (
          <li key={integration.id}>
            <IntegrationCard integration={integration} connectorTitle={titleOf(integration.connector)} interactive={connectors.data.find((c) => c.id === integration.connector)?.signIn ?? false} />
          </li>
        ))}
      </ul>
    );
  }

  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          Integrations
        </h2>
        {!adding && !editing && integrations.data && integrations.data.length > 0 ? (
          <a className="button" href={routeHref('integrations', ['new'])}>
            Add integration
          </a>
        ) : null}
      </div>
      {body}
    </section>
  );
}
