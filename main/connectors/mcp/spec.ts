import type { z } from 'zod';
import type { HttpProfile } from '../../http/client.ts';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { withMcpSession, type McpSession } from './session.ts';
import { McpSettings, wantedStreams } from './settings.ts';
import { mcpStreams } from './streams.ts';

type Ctx = ConnectorContext<McpSettings>;

/**
 * The HTTP profile the core builds a client from. Only its accounting is used:
 * the MCP SDK does its own requests (stdio has none), so for stdio it names a
 * loopback placeholder that is never called.
 */
function httpProfile(settings: McpSettings, secrets: Readonly<Record<string, string>>): HttpProfile {
  const token = secrets.bearerToken;
  if (settings.transport === 'http') {
    return { title: 'MCP server', baseUrl: settings.url, auth: token ? { type: 'bearer', token } : { type: 'none' } };
  }
  return { title: 'MCP server', baseUrl: 'http://127.0.0.1/', auth: { type: 'none' } };
}

/** Counts every item of a paginated listing (bounded, so a looping server cannot hang the test). */
async function countAll(session: McpSession, what: string, page: (cursor: string | undefined) => Promise<{ n: number; next?: string }>): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await session.call(what, () => page(cursor));
    n += r.n;
    if (!r.next) break;
    cursor = r.next;
  }
  return n;
}

async function testMcp(ctx: Ctx): Promise<TestReport> {
  const started = performance.now();
  return withMcpSession(ctx, async (session) => {
    const latencyMs = Math.round(performance.now() - started);
    const { client, server, requestOptions: o } = session;
    const caps = server.capabilities;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const reachable: TestReport['reachable'] = [{ name: 'protocol', ok: true, detail: `MCP ${server.protocolVersion ?? 'version not reported'}` }];
    const offer = async (name: 'tools' | 'resources' | 'prompts', count: () => Promise<number>) => {
      if (!caps[name]) return reachable.push({ name, ok: true, detail: 'not offered' });
      const r = await session.attempt(`${name}/list`, count);
      reachable.push(r.ok ? { name, ok: true, detail: plural(r.value, name.slice(0, -1)) } : { name, ok: false, detail: `listing failed: ${r.message}` });
    };
    await offer('tools', () => countAll(session, 'tools/list', async (c) => client.listTools(c ? { cursor: c } : undefined, o).then((r) => ({ n: r.tools.length, next: r.nextCursor }))));
    await offer('resources', () => countAll(session, 'resources/list', async (c) => client.listResources(c ? { cursor: c } : undefined, o).then((r) => ({ n: r.resources.length, next: r.nextCursor }))));
    await offer('prompts', () => countAll(session, 'prompts/list', async (c) => client.listPrompts(c ? { cursor: c } : undefined, o).then((r) => ({ n: r.prompts.length, next: r.nextCursor }))));
    return { identity: `${server.title ?? server.name} ${server.version}`, scopes: null, reachable, latencyMs };
  });
}

/** An external MCP server (stdio or Streamable HTTP): its resources become searchable, its tools are catalogued. */
export const mcp = defineConnector<McpSettings>({
  id: 'mcp',
  title: 'MCP server',
  description: 'Any Model Context Protocol server: its resources become searchable records and its tools are catalogued.',
  settings: McpSettings as z.ZodType<McpSettings>,
  secretFields: [
    {
      name: 'bearerToken',
      label: 'Bearer token',
      help: 'Sent as "Authorization: Bearer …" to an HTTP server, or handed to a stdio server in the environment variable named by tokenEnv. Leave empty when the server needs none.',
      required: false,
    },
  ],
  http: httpProfile,
  hosts: (settings) => (settings.transport === 'http' ? [new URL(settings.url).hostname] : []),
  testConnection: testMcp,
  streams: mcpStreams,
  enabledStreams: wantedStreams,
});
