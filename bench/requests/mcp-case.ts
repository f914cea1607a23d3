/**
 * The MCP row of the requests benchmark. There is no emulator: the connector
 * runs against the official reference server (@modelcontextprotocol/server-everything)
 * over Streamable HTTP, behind a counting proxy in this process that names
 * every HTTP request by its JSON-RPC method.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Feed, RequestsCase } from './case.ts';

/** The reference server's package, which the row runs against instead of an emulator. */
const REFERENCE = '@modelcontextprotocol/server-everything';

/** One listing as the server pages it: items in all, and the most it put on a page that had a next cursor. */
async function pageSizes(list: (cursor?: string) => Promise<{ n: number; next?: string }>): Promise<{ listed: number; maxPage: number }> {
  let listed = 0;
  let maxPage = 0;
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const r = await list(cursor);
    listed += r.n;
    // A page that ends the listing says nothing about the page size, unless it is the only one.
    if (r.next || i === 0) maxPage = Math.max(maxPage, r.n);
    if (!r.next) break;
    cursor = r.next;
  }
  return { listed, maxPage: Math.max(1, maxPage) };
}

/** Reads the listings once, straight from the server (not through the proxy, so not counted). */
async function census(url: string): Promise<{ resources: { listed: number; maxPage: number }; tools: { listed: number; maxPage: number } }> {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: 'requests-bench', version: '1' }, { capabilities: {} });
  await client.connect(transport);
  try {
    const resources = await pageSizes(async (cursor) => client.listResources(cursor ? { cursor } : undefined).then((r) => ({ n: r.resources.length, next: r.nextCursor })));
    const tools = await pageSizes(async (cursor) => client.listTools(cursor ? { cursor } : undefined).then((r) => ({ n: r.tools.length, next: r.nextCursor })));
    return { resources, tools };
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
}

/** What one HTTP request to an MCP endpoint is, e.g. "POST resources/list", "GET (event stream)". */
function routeOf(method: string, body: Buffer): string {
  if (method === 'GET') return 'GET (event stream)';
  if (method === 'DELETE') return 'DELETE (session end)';
  if (method !== 'POST') return method;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as { method?: unknown }[];
    return `POST ${messages.map((m) => (typeof m?.method === 'string' ? m.method : '(response)')).join('+')}`;
  } catch {
    return 'POST (not JSON)';
  }
}

/** A proxy on 127.0.0.1 that forwards everything to `target` and counts each request by route and status. */
async function countingProxy(target: URL): Promise<{ url: string; routes: Map<string, number>; statuses: Map<number, number>; close(): Promise<void> }> {
  const routes = new Map<string, number>();
  const statuses = new Map<number, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const route = routeOf(req.method ?? '?', body);
      routes.set(route, (routes.get(route) ?? 0) + 1);
      const headers = { ...req.headers, host: target.host };
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
        statuses.set(upRes.statusCode ?? 0, (statuses.get(upRes.statusCode ?? 0) ?? 0) + 1);
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        // Event streams flow through as they arrive.
        upRes.pipe(res);
      });
      up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      // A client that hangs up (the end of an event stream) ends the upstream request too.
      res.on('close', () => up.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    routes,
    statuses,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Starts server-everything over Streamable HTTP on a free loopback port; resolves once it listens. */
async function startEverything(entry: string, preload: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', preload, entry, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${REFERENCE} did not start within 20 s: ${said.slice(-300)}`)), 20_000);
    const hear = (c: Buffer) => {
      said += c.toString();
      if (/listening/i.test(said)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', hear);
    child.stderr!.on('data', hear);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${REFERENCE} exited with code ${code}: ${said.slice(-300)}`));
    });
  });
  // Its per-request logging must not fill a pipe nobody reads.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

/** Stops the server by its pid: SIGTERM, SIGKILL if it is still there after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid!, 'SIGTERM');
  const late = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 5000);
  await gone;
  clearTimeout(late);
}

/** The MCP row: server-everything over Streamable HTTP, resources (read for search) and tools. */
export const mcpCase: RequestsCase = {
  connector: 'mcp',
  title: 'MCP (server-everything)',
  emulator: 'mcp',
  reference: REFERENCE,
  async start() {
    const { freePort, paths, tempCore } = await import('../../test/main/connectors/mcp/support.ts');
    const port = await freePort();
    const server = await startEverything(paths.everything, paths.bindLoopback, port);
    const cleanups: (() => Promise<void> | void)[] = [() => stop(server)];
    const close = async () => {
      for (const fn of cleanups.splice(0).reverse()) await Promise.resolve().then(fn).catch(() => undefined);
    };
    try {
      const upstream = new URL(`http://127.0.0.1:${port}/mcp`);
      const counts = await census(upstream.href);
      const proxy = await countingProxy(upstream);
      cleanups.push(() => proxy.close());
      const t = await tempCore();
      cleanups.push(() => t.close());
      const i = await t.core.invoke('integrations.add', { connector: 'mcp', name: 'Everything', settings: { transport: 'http', url: proxy.url } });
      const feeds: Feed[] = [
        { stream: 'resources', ...counts.resources },
        { stream: 'tools', ...counts.tools },
      ];
      // The handshake, and the DELETE the spec says a client that is done SHOULD send: without it
      // server-everything keeps the session's server object and timers until it restarts.
      const session = 3;
      const reads = counts.resources.listed;
      return {
        core: t.core,
        id: i.id,
        feeds,
        setup: {
          full: session + reads,
          incremental: session + reads,
          why: `one session per run (initialize, notifications/initialized, and the DELETE that ends it so the server can drop it), and resources/read of each of the ${reads} resources on every run: a listing carries no text to search, and these resources carry no lastModified annotation to tell an unchanged one by`,
        },
        requests: () => [...proxy.routes.values()].reduce((a, b) => a + b, 0),
        routes: () => Object.fromEntries(proxy.routes),
        statuses: () => Object.fromEntries(proxy.statuses),
        clear: () => {
          proxy.routes.clear();
          proxy.statuses.clear();
        },
        close,
      };
    } catch (err) {
      await close();
      throw err;
    }
  },
};
