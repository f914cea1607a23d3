import type { Core } from '../core/core.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { httpClientConfig, stdioClientConfig } from './client-config.ts';
import { coreMirror } from './core-mirror.ts';
import { publishEndpoint, withdrawEndpoint } from './endpoint-file.ts';
import { loadEndpointToken } from './http-token.ts';
import { startMcpHttpServer, type McpHttpServer } from './http-server.ts';

/** The port the app's MCP endpoint uses unless told otherwise: stable, so pasted client configurations keep working. */
export const DEFAULT_MCP_PORT = 47_821;

export interface AppEndpointOptions {
  core: Pick<Core, 'invoke' | 'sync'>;
  dataDir: string;
  secretStore: SecretStore;
  keychainUsable: boolean;
  port?: number;
  now?: () => Date;
}

/** What the dashboard shows about the endpoint (never the token itself). */
export interface McpEndpointInfo {
  enabled: boolean;
  endpoint: string | null;
  error: string | null;
  tokenHint: string | null;
  tokenPersistent: boolean;
  clientConfig: { http: Record<string, unknown> | null; stdio: Record<string, unknown> };
}

/** The app's MCP endpoint, or why it is not running. */
export interface AppEndpoint {
  info(): McpEndpointInfo;
  /** The token and a configuration with it filled in, for the user to copy. Throws when the endpoint is not running. */
  token(): { token: string; clientConfig: Record<string, unknown> } | null;
  close(): Promise<void>;
}

/**
 * Starts the Streamable HTTP endpoint inside the app: token from the keychain,
 * server on 127.0.0.1, endpoint file for `kinexus mcp`. A port that is taken
 * does not stop the app: the endpoint reports why it is off instead.
 */
export async function startAppEndpoint(o: AppEndpointOptions): Promise<AppEndpoint> {
  const stdio = stdioClientConfig(o.dataDir);
  const { token, persistent } = await loadEndpointToken(o.secretStore, o.keychainUsable);
  let server: McpHttpServer | null = null;
  let error: string | null = null;
  const port = o.port ?? DEFAULT_MCP_PORT;
  try {
    server = await startMcpHttpServer({ mirror: coreMirror(o.core), token, port, now: o.now });
    publishEndpoint(o.dataDir, { url: server.url, pid: process.pid });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    error = code === 'EADDRINUSE' ? `Port ${port} on 127.0.0.1 is in use by another program, so the MCP endpoint is off.` : `The MCP endpoint could not start: ${(err as Error).message}`;
  }
  return {
    info: () => ({
      enabled: server !== null,
      endpoint: server?.url ?? null,
      error,
      tokenHint: server ? `…${token.slice(-4)}` : null,
      tokenPersistent: persistent,
      clientConfig: { http: server ? httpClientConfig(server.url) : null, stdio },
    }),
    token: () => (server ? { token, clientConfig: httpClientConfig(server.url, token) } : null),
    async close() {
      if (!server) return;
      const s = server;
      server = null;
      withdrawEndpoint(o.dataDir);
      await s.close();
    },
  };
}
