import { useEffect, useState } from 'react';

/** The views of the dashboard, in nav order. */
export const VIEW_IDS = ['overview', 'logs', 'integrations', 'automations', 'search', 'assistants', 'settings'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** Where the user is: `#/<view>/<path…>?<params>`. Hash routing works from file:// (Electron) too. */
export interface Route {
  view: ViewId;
  path: string[];
  params: Record<string, string>;
}

/** Parses a location hash; anything unknown is the overview. */
export function parseHash(hash: string): Route {
  const body = hash.startsWith('#/') ? hash.slice(2) : '';
  const [pathPart, query = ''] = body.split('?', 2);
  const segments = pathPart.split('/').filter(Boolean).map(safeDecode);
  const view = (VIEW_IDS as readonly string[]).includes(segments[0] ?? '') ? (segments[0] as ViewId) : 'overview';
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  return { view, path: view === segments[0] ? segments.slice(1) : [], params };
}

/** The href of a route; empty or undefined params are left out so links stay short. */
export function routeHref(view: ViewId, path: string[] = [], params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  const tail = path.map(encodeURIComponent).join('/');
  const q = query.toString();
  return `#/${view}${tail ? `/${tail}` : ''}${q ? `?${q}` : ''}`;
}

/** Goes to a route; `replace` keeps the history entry (for filters typed into a field). */
export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) {
    const url = new URL(window.location.href);
    url.hash = href;
    window.history.replaceState(window.history.state, '', url);
    // replaceState fires no hashchange; tell the listeners ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href.slice(1);
  }
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
