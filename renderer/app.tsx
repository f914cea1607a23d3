import { useEffect, useRef, type ComponentType } from 'react';
import { useLiveUpdates } from './api/live-updates.ts';
import { useShellRequests } from './api/shell-requests.ts';
import { useIntegrations, useStatus } from './api/queries.ts';
import { ConnectionNotice } from './components/connection-notice.tsx';
import { SignInPrompt, useSignIns } from './components/sign-in-prompts.tsx';
import { routeHref, useRoute, type Route, type ViewId } from './router.ts';
import { AssistantsView } from './views/assistants/assistants-view.tsx';
import { AutomationsView } from './views/automations/automations-view.tsx';
import { IntegrationsView } from './views/integrations/integrations-view.tsx';
import { LogsView } from './views/logs/logs-view.tsx';
import { OverviewView } from './views/overview/overview-view.tsx';
import { SearchView } from './views/search/search-view.tsx';
import { SettingsView } from './views/settings/settings-view.tsx';

/** The views in the nav, in order. */
const VIEWS: readonly { id: ViewId; title: string; Component: ComponentType<{ route: Route }> }[] = [
  { id: 'overview', title: 'Overview', Component: OverviewView },
  { id: 'logs', title: 'Sync logs', Component: LogsView },
  { id: 'integrations', title: 'Integrations', Component: IntegrationsView },
  { id: 'automations', title: 'Automations', Component: AutomationsView },
  { id: 'search', title: 'Search', Component: SearchView },
  { id: 'assistants', title: 'AI assistants', Component: AssistantsView },
  { id: 'settings', title: 'Settings', Component: SettingsView },
];

/** Says on every view when secrets cannot be stored, with the way to the fix. */
function KeychainBanner() {
  const status = useStatus();
  const k = status.data?.keychain;
  if (!k || k.state === 'available') return null;
  return (
    <div className={`notice ${k.state === 'locked' ? 'notice-warn' : 'notice-error'} banner`}>
      <p>
        <strong>The system keychain is {k.state}</strong>: secrets cannot be saved or read. <a href={routeHref('settings')}>See how to fix it</a>
      </p>
    </div>
  );
}

/** Sign-ins waiting for the user (device code) and how they ended, wherever the user is in the app. */
function SignInPrompts() {
  const { items, dismiss } = useSignIns();
  const integrations = useIntegrations();
  if (items.length === 0) return null;
  return (
    <div className="sign-ins">
      {items.map((s) => (
        <SignInPrompt key={s.integrationId} state={s} integrationName={integrations.data?.find((i) => i.id === s.integrationId)?.name ?? s.integrationId} onDismiss={() => dismiss(s.integrationId)} />
      ))}
    </div>
  );
}

/** The shell: title and nav, connection and keychain notices, sign-ins, then the current view. */
export function App() {
  useLiveUpdates();
  useShellRequests();
  const route = useRoute();
  const view = VIEWS.find((v) => v.id === route.view) ?? VIEWS[0];
  const firstView = useRef(true);
  const place = `${view.id}/${route.path.join('/')}`;
  useEffect(() => {
    document.title = `${view.title} — Kinexus`;
    // Arriving at a view puts focus on its heading, as a page load would (not on the first load;
    // sub-pages such as a form, and routes naming what to focus, place focus themselves).
    if (firstView.current) firstView.current = false;
    else if (route.path.length === 0 && !route.params.focus) document.getElementById('view-heading')?.focus();
  }, [place]);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('view-heading')?.focus())}>
        Skip to content
      </a>
      <header className="app-header">
        <p className="app-title">Kinexus</p>
        <nav aria-label="Main">
          <ul className="nav">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a href={routeHref(v.id)} aria-current={v.id === view.id ? 'page' : undefined}>
                  {v.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <ConnectionNotice />
      <KeychainBanner />
      <SignInPrompts />
      <main className="app-main" id="main">
        <view.Component route={route} />
      </main>
    </div>
  );
}
