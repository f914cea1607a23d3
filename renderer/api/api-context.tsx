import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Transport } from '../../shared/protocol.ts';
import type { ApiClient } from './client.ts';
import type { ConnectionAware, ConnectionState } from './ws-transport.ts';

type ApiContextValue = { client: ApiClient; transport: Transport };

const ApiContext = createContext<ApiContextValue | null>(null);

/** Makes the API client (and its transport, for the connection state) available to the views. */
export function ApiProvider({ client, transport, children }: ApiContextValue & { children: ReactNode }) {
  return <ApiContext.Provider value={{ client, transport }}>{children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi needs an <ApiProvider> above it');
  return value;
}

/** The API client of the nearest ApiProvider. */
export function useApi(): ApiClient {
  return useApiContext().client;
}

function isConnectionAware(t: Transport): t is Transport & ConnectionAware {
  return typeof (t as Partial<ConnectionAware>).onConnectionChange === 'function' && typeof (t as Partial<ConnectionAware>).connectionState === 'function';
}

const alwaysOpen = () => 'open' as const;
const noSubscription = () => () => {};

/** The transport's connection state; a transport that cannot drop (the Electron bridge) is always 'open'. */
export function useConnectionState(): ConnectionState {
  const { transport } = useApiContext();
  const aware = isConnectionAware(transport) ? transport : null;
  return useSyncExternalStore(
    aware ? (cb) => aware.onConnectionChange(cb) : noSubscription,
    aware ? () => aware.connectionState() : alwaysOpen,
  );
}
