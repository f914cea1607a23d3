import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { isAllowedHost, isAllowedOrigin, tokensMatch } from '../headless/guards.ts';
import type { Mirror } from './mirror.ts';
import { createMirrorServer } from './server.ts';

/** The path of the endpoint; everything else answers 404. */
export const MCP_PATH = '/mcp';
/** Largest request body accepted; MCP requests are small JSON. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface McpHttpOptions {
  mirror: Mirror;
  /** The bearer token clients must send. */
  token: string;
  /** 0 picks a free port. */
  port?: number;
  maxBodyBytes?: number;
  /** Open sessions kept at most; the least recently used one is closed to make room. */
  maxSessions?: number;
  /** A session unused this long is closed, ms. */
  idleMs?: number;
  now?: () => Date;
}

export interface McpHttpServer {
  /** `http://127.0.0.1:<port>/mcp` */
  url: string;
  port: number;
  /** Open sessions, for tests and the dashboard. */
  sessionCount(): number;
  /** Ends every session and frees the port. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
}

/** A JSON-RPC error reply outside any session (id null, as the spec allows for transport errors). */
function refuse(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function bearer(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m ? m[1] : null;
}

class BodyTooLarge extends Error {}

/** Reads the request body, refusing more than `limit` bytes without buffering them. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The MCP server over Streamable HTTP, for assistants that connect to the
 * running app. It listens on 127.0.0.1 only; every request must name this
 * server in Host (DNS rebinding), carry no foreign Origin (web pages) and
 * present the bearer token (other local programs), in that order, so a
 * refused request learns nothing about the token.
 */
export async function startMcpHttpServer(o: McpHttpOptions): Promise<McpHttpServer> {
  if (o.token.length < 16) throw new Error('The MCP endpoint token must be at least 16 characters');
  const limit = o.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxSessions = o.maxSessions ?? 32;
  const idleMs = o.idleMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();
  // The idle sweep is armed only while sessions exist: an idle app must not wake up for nothing.
  let sweep: ReturnType<typeof setInterval> | null = null;
  const armSweep = () => {
    if (sweep) return;
    sweep = setInterval(() => {
      const cutoff = Date.now() - idleMs;
      for (const [id, s] of sessions) if (s.lastUsed < cutoff) void endSession(id);
    }, Math.min(idleMs, 60_000));
    sweep.unref();
  };
  let port = 0;

  async function endSession(id: string): Promise<void> {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    if (sessions.size === 0 && sweep) {
      clearInterval(sweep);
      sweep = null;
    }
    await s.transport.close().catch(() => undefined);
    await s.server.close().catch(() => undefined);
  }

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (sessions.size >= maxSessions) {
      const oldest = [...sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (oldest) await endSession(oldest[0]);
    }
    const server = createMirrorServer(o.mirror, o.now);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastUsed: Date.now() });
        armSweep();
      },
      onsessionclosed: (id) => void endSession(id),
      // Checked above already; kept as a second lock on the same door.
      enableDnsRebindingProtection: true,
      allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split(/[?#]/, 1)[0];
    const host = req.headers.host;
    if (!isAllowedHost(host, port)) return refuse(res, 403, -32000, 'Forbidden: this endpoint answers only to 127.0.0.1 and localhost');
    if (!isAllowedOrigin(req.headers.origin, host!)) return refuse(res, 403, -32000, 'Forbidden: requests from web pages are not accepted');
    if (path !== MCP_PATH) return refuse(res, 404, -32000, `Not found: the MCP endpoint is ${MCP_PATH}`);
    if (!tokensMatch(bearer(req.headers.authorization), o.token)) {
      return refuse(res, 401, -32001, 'Unauthorized: send the Kinexus MCP token as "Authorization: Bearer <token>"', { 'www-authenticate': 'Bearer realm="kinexus"' });
    }
    const sessionId = req.headers['mcp-session-id'];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    const session = id ? sessions.get(id) : undefined;
    if (session) session.lastUsed = Date.now();

    if (req.method === 'POST') {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return refuse(res, 413, -32600, `Request too large: at most ${limit} bytes`, { connection: 'close' });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, limit));
      } catch (err) {
        if (err instanceof BodyTooLarge) return refuse(res, 413, -32600, `Request too large: at most ${limit} bytes`, { connection: 'close' });
        return refuse(res, 400, -32700, 'Parse error: the body is not JSON');
      }
      if (session) return session.transport.handleRequest(req, res, body);
      if (id) return refuse(res, 404, -32001, 'Session not found: initialize a new session');
      if (isInitializeRequest(body)) return openSession(req, res, body);
      return refuse(res, 400, -32000, 'Bad Request: no session; send initialize first');
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!id) return refuse(res, 400, -32000, 'Bad Request: the mcp-session-id header is missing');
      if (!session) return refuse(res, 404, -32001, 'Session not found: initialize a new session');
      return session.transport.handleRequest(req, res);
    }
    return refuse(res, 405, -32000, 'Method not allowed', { allow: 'GET, POST, DELETE' });
  }

  const httpServer = http.createServer((req, res) => {
    handle(req, res).catch(() => refuse(res, 500, -32603, 'Internal error'));
  });
  httpServer.headersTimeout = 30_000;
  httpServer.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(o.port ?? 0, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  port = (httpServer.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    port,
    sessionCount: () => sessions.size,
    async close() {
      if (sweep) clearInterval(sweep);
      await Promise.all([...sessions.keys()].map((id) => endSession(id)));
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}
