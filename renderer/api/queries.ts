import { QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ApiError } from './client.ts';
import { useApi, useConnectionState } from './api-context.tsx';

/** Query keys of the server state the views read. */
export const queryKeys = {
  status: ['status'] as const,
  integrations: ['integrations'] as const,
  connectors: ['connectors'] as const,
};

/** Retrying cannot fix these; the user has to act first. */
const FINAL_CODES = new Set(['invalid_input', 'not_found', 'auth', 'permission', 'config', 'secrets_unavailable']);

/** The app's QueryClient: events keep data fresh, so refetching is rare and errors that need the user are not retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, err) => !(err instanceof ApiError && FINAL_CODES.has(err.code)) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

export function useStatus() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.status, queryFn: () => api.call('status.get', {}) });
}

export function useIntegrations() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.integrations, queryFn: () => api.call('integrations.list', {}) });
}

export function useConnectors() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.connectors, queryFn: () => api.call('connectors.list', {}), staleTime: Infinity });
}

/** Runs one integration's connection test; the stored result arrives via the list. */
export function useTestConnection(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['integrations.test', id],
    mutationFn: () => api.call('integrations.test', { id }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.integrations }),
  });
}

/**
 * Keeps server state current: pushed events invalidate what they touch, and
 * after a reconnect everything is refetched (events may have been missed).
 */
export function useLiveUpdates(): void {
  const api = useApi();
  const queryClient = useQueryClient();
  const connection = useConnectionState();

  useEffect(() => {
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.integrations });
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
    };
    const offChanged = api.on('integrations.changed', refresh);
    const offTested = api.on('integration.tested', refresh);
    return () => {
      offChanged();
      offTested();
    };
  }, [api, queryClient]);

  const wasDown = useRef(false);
  useEffect(() => {
    if (connection === 'reconnecting') wasDown.current = true;
    if (connection === 'open' && wasDown.current) {
      wasDown.current = false;
      void queryClient.invalidateQueries();
    }
  }, [connection, queryClient]);
}
