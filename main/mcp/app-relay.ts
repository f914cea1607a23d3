import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { KinexusError } from '../../shared/errors.ts';
import { VERSION } from '../core/version.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { readEndpoint } from './endpoint-file.ts';
import { MCP_TOKEN_ACCOUNT } from './http-token.ts';
import type { SyncStarted } from './mirror.ts';
import { SyncStartedSchema } from './schemas.ts';

const NEXT_STEP = 'Start Kinexus Desktop (or "kinexus serve") and ask again, or run "kinexus sync <integration>" in a terminal';

function unavailable(cause: string): KinexusError {
  return new KinexusError('config', `sync_now is not available over stdio right now: ${cause}. This process only reads the mirror; syncing is done by the running app.`, { action: NEXT_STEP });
}

/**
 * Hands `sync_now` from a read-only `kinexus mcp` process to the running app
 * through the app's own MCP endpoint. Two processes syncing the same database
 * would each think they own the integration's run, so the stdio process never
 * syncs by itself.
 */
export async function relaySyncNow(dataDir: string, integration: string, secrets: () => SecretStore, timeoutMs = 15_000): Promise<SyncStarted> {
  const endpoint = readEndpoint(dataDir);
  if (!endpoint) throw unavailable('the Kinexus app is not running (it publishes no MCP endpoint)');
  let token: string | null;
  try {
    token = await secrets().get(MCP_TOKEN_ACCOUNT);
  } catch {
    token = null;
  }
  if (!token) throw unavailable("the app's MCP token cannot be read from the OS keychain");
  const client = new Client({ name: 'kinexus-mcp-stdio', version: VERSION });
  const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    const res = await client.callTool({ name: 'sync_now', arguments: { integration } }, undefined, { timeout: timeoutMs });
    const text = Array.isArray(res.content) ? res.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') : '';
    if (res.isError) throw new KinexusError('config', text || 'The app refused to start the sync.', { action: 'Check the integration in Kinexus Desktop' });
    const parsed = SyncStartedSchema.safeParse(res.structuredContent);
    if (!parsed.success) throw new KinexusError('internal', 'The app answered sync_now in an unexpected shape.', { action: 'Update Kinexus Desktop and the kinexus command together' });
    return parsed.data;
  } catch (err) {
    if (err instanceof KinexusError) throw err;
    throw unavailable(`the app's MCP endpoint did not answer (${(err as Error).message})`);
  } finally {
    await client.close().catch(() => undefined);
  }
}
