import { useEffect } from 'react';
import { navigate, routeHref } from '../router.ts';
import { useApi } from './api-context.tsx';
import type { ApiClient } from './client.ts';

/** The overview with one integration's card brought into view and focused. */
export function integrationCardHref(integrationId: string): string {
  return routeHref('overview', [], { focus: integrationId });
}

/**
 * Follows what the Electron shell asks for over the event channel: a click on
 * a notification or on "Open in Kinexus" in the tray opens that integration's
 * card on the overview. Returns the unsubscribe function.
 */
export function subscribeShellRequests(api: ApiClient, go: (href: string) => void = navigate): () => void {
  return api.on('shell.openIntegration', ({ integrationId }) => go(integrationCardHref(integrationId)));
}

/** Keeps the app following the shell's requests while it is mounted. */
export function useShellRequests(): void {
  const api = useApi();
  useEffect(() => subscribeShellRequests(api), [api]);
}
