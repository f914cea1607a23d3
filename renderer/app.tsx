import { useEffect, useState, type ComponentType } from 'react';
import { useLiveUpdates } from './api/queries.ts';
import { ConnectionNotice } from './components/connection-notice.tsx';
import { WorkspaceStatus } from './components/workspace-status.tsx';
import { IntegrationsView } from './views/integrations/integrations-view.tsx';

/** The views in the nav, in order. Add a view here when it works end to end. */
const VIEWS: readonly { id: string; title: string; Component: ComponentType }[] = [
  { id: 'integrations', title: 'Integrations', Component: IntegrationsView },
];

/** The view named by `#/<id>`, else the first one. Hash routing works from file:// too. */
function viewFromHash(hash: string) {
  const id = hash.startsWith('#/') ? hash.slice(2) : '';
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0];
}

function useCurrentView() {
  const [view, setView] = useState(() => viewFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setView(viewFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return view;
}

/** The shell: title and nav, connection and workspace status, then the current view. */
export function App() {
  useLiveUpdates();
  const view = useCurrentView();
  useEffect(() => {
    document.title = `${view.title} — Kinexus`;
  }, [view]);

  return (
    <div className="app">
      <header className="app-header">
        <p className="app-title">Kinexus</p>
        <nav aria-label="Main">
          <ul className="nav">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a href={`#/${v.id}`} aria-current={v.id === view.id ? 'page' : undefined}>
                  {v.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <ConnectionNotice />
      <WorkspaceStatus />
      <main className="app-main">
        <view.Component />
      </main>
    </div>
  );
}
