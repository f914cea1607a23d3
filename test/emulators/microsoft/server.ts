/**
 * Microsoft cloud emulator for the SharePoint connector: the identity
 * platform (login host, see identity.ts) and Microsoft Graph (graph host, see
 * graph.ts) on two https origins that share one directory and one set of
 * SharePoint content, as login.microsoftonline.com and graph.microsoft.com do.
 * Both have the common fault injection and request log.
 *
 *   const ms = await startMicrosoftEmulator();
 *   const { tenant, app, user } = ms.seedDirectory();
 *   const site = ms.graph.state.addSite({ hostname: 'contoso.sharepoint.com', path: '/sites/docs', displayName: 'Docs' });
 *   // client: authorityHost = ms.login.url, graphBaseUrl = ms.graph.url, dispatcher = testDispatcher()
 *   ms.identity.approve(userCode, 'adele@contoso.onmicrosoft.com');
 */
import { FaultController } from '../common/faults.ts';
import type { RunningEmulator } from '../common/emulator.ts';
import { RequestLog } from '../common/log.ts';
import { GraphState } from './graph-state.ts';
import { graphErrorBody, handleGraph, type GraphSettings } from './graph.ts';
import { handleIdentity } from './identity.ts';
import { IdentityState, type IdentitySettings, type MsApp, type MsTenant, type MsUser } from './identity-state.ts';
import { startHttpsEmulator } from './tls.ts';

export * from './graph-state.ts';
export * from './identity-state.ts';
export { TEST_CA, testDispatcher } from './tls.ts';

export interface MicrosoftEmulatorOptions {
  identity?: Partial<IdentitySettings>;
  graph?: Partial<GraphSettings>;
}

export interface HostEmulator<S> {
  /** https://127.0.0.1:<port> */
  url: string;
  state: S;
  faults: FaultController;
  requests: RequestLog;
}

export interface MicrosoftEmulator {
  login: HostEmulator<IdentityState>;
  graph: HostEmulator<GraphState> & { settings: GraphSettings };
  /** Shorthand for login.state. */
  identity: IdentityState;
  /** One tenant (contoso), one public-client app with Sites.Read.All consent, one user (Adele). */
  seedDirectory(): { tenant: MsTenant; app: MsApp; user: MsUser };
  close(): Promise<void>;
}

/** Starts both hosts on 127.0.0.1 (ephemeral ports, https). Stop with close(). */
export async function startMicrosoftEmulator(options: MicrosoftEmulatorOptions = {}): Promise<MicrosoftEmulator> {
  const identity = new IdentityState(options.identity);
  const content = new GraphState();
  const settings: GraphSettings = { deltaPageSize: 200, maxTop: 999, ...options.graph };
  let graphOrigin = '';
  const started: RunningEmulator[] = [];
  try {
    const login = await startHttpsEmulator({
      handler: (req) => handleIdentity(identity, req),
      faults: new FaultController({ errorBody: (status, message) => ({ error: status === 429 ? 'temporarily_unavailable' : 'server_error', error_description: `AADSTS90033: ${message}`, error_codes: [90033] }) }),
      log: new RequestLog(),
      onListening: (url) => {
        identity.origin = url;
      },
    });
    started.push(login);
    const graph = await startHttpsEmulator({
      handler: (req) => handleGraph(identity, content, settings, graphOrigin, req),
      faults: new FaultController({ errorBody: (status, message) => graphErrorBody(status === 429 ? 'TooManyRequests' : status === 503 ? 'serviceNotAvailable' : 'generalException', message) }),
      log: new RequestLog(),
      onListening: (url) => {
        graphOrigin = url;
      },
    });
    started.push(graph);
    return {
      login: { url: login.url, state: identity, faults: login.faults, requests: login.requests },
      graph: { url: graph.url, state: content, faults: graph.faults, requests: graph.requests, settings },
      identity,
      seedDirectory() {
        const tenant = identity.addTenant({ domain: 'contoso.onmicrosoft.com' });
        const app = identity.addApp({ tenantId: tenant.id, displayName: 'Kinexus Desktop' });
        const user = identity.addUser({ tenantId: tenant.id, upn: 'adele@contoso.onmicrosoft.com', name: 'Adele Vance' });
        return { tenant, app, user };
      },
      async close() {
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}
