import { useAutomations } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { routeHref, type Route } from '../../router.ts';
import { AutomationCard } from './automation-card.tsx';
import { AutomationForm } from './automation-form.tsx';
import { AutomationPage } from './automation-page.tsx';
import { NovaActPanel } from './nova-act-panel.tsx';

/**
 * Automations (Nova Act): whether Nova Act can run here and its setup, the
 * list with Run now / Cancel, the add form (#/automations/new), the edit form
 * (#/automations/<id>/edit) and one automation with its runs
 * (#/automations/<id>?run=<run id>).
 */
export function AutomationsView({ route }: { route: Route }) {
  const automations = useAutomations();
  const [first, second] = route.path;
  const adding = first === 'new';
  const id = !adding && first !== undefined ? first : null;
  const found = id ? automations.data?.find((a) => a.id === id) : undefined;

  let body;
  if (automations.isPending) body = <p role="status">Loading automations…</p>;
  else if (automations.isError) body = <ErrorNotice title="Could not load the automations" error={automations.error} onRetry={() => void automations.refetch()} />;
  else if (adding) body = <AutomationForm key="new" />;
  else if (id && !found) body = <ErrorNotice title="No such automation" error={new Error(`There is no automation “${id}” (it may have been removed).`)} />;
  else if (found && second === 'edit') body = <AutomationForm key={found.id} existing={found} />;
  else if (found) body = <AutomationPage key={found.id} automation={found} chosenRun={route.params.run || null} />;
  else {
    body = (
      <>
        <NovaActPanel />
        {automations.data.length === 0 ? (
          <section className="empty-state" aria-labelledby="automations-empty-heading">
            <h3 id="automations-empty-heading">No automations yet</h3>
            <p>An automation opens a page in a browser and follows your steps, written in plain words; steps with a JSON schema read data from the page into the mirror.</p>
            <a className="button" href={routeHref('automations', ['new'])}>
              Add an automation
            </a>
          </section>
        ) : (
          <ul className="cards automation-cards" aria-label="Automations">
            {automations.data.map((a) => (
              <li key={a.id}>
                <AutomationCard automation={a} />
              </li>
            ))}
          </ul>
        )}
      </>
    );
  }

  const listing = !adding && !id;
  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          Automations
        </h2>
        {listing && automations.data && automations.data.length > 0 ? (
          <a className="button" href={routeHref('automations', ['new'])}>
            Add automation
          </a>
        ) : null}
      </div>
      {body}
    </section>
  );
}
