import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { toErrorBody } from '../../shared/errors.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import { TOKEN_PARAM, WS_PATH } from '../../shared/protocol.ts';
import type { CoreApi } from '../core/api.ts';
import { checkRequest, requestFacts, sessionCookie } from './guards.ts';
import { NO_CALL_ID, answerFrame } from './messages.ts';
import { SECURITY_HEADERS, refuseUpgrade, sendError } from './responses.ts';
import { readStaticFile } from './static-files.ts';

/** Largest WebSocket frame accepted; bigger ones close the socket (1009). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface HeadlessHostOptions {
  core: CoreApi;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Directory of the built renderer (index.html and assets/). */
  rendererDir: string;
  /** Session token; 32 random bytes (base64url) when not given. */
  token?: string;
}

export interface HeadlessHost {
  /** `http://127.0.0.1:<port>/?token=<token>` — the address to open. */
  url: string;
  port: number;
  token: string;
  /** Closes every socket and the server; resolves when the port is free. */
  close(): Promise<void>;
}

/** Where `npm run build:renderer` puts the renderer, relative to this file in the source tree. */
export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
}

/** Path part of a request target, without query or fragment. */
function pathOf(url: string | undefined): string {
  return (url ?? '/').split(/[?#]/, 1)[0];
}

/**
 * Starts the loopback host: the built renderer over HTTP and the API contract
 * over a WebSocket at WS_PATH, both behind the Host/Origin/token checks.
 */
export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const { core } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (token.length < 16) throw new Error('The headless host token must be at least 16 characters');
  // Resolved once; a missing dir is not fatal: pages answer 503 with the build command.
  const rootReal = await fs.realpath(options.rendererDir).catch(() => options.rendererDir);
  let port = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });

  /** Serializes and sends; a reply that cannot be serialized becomes an internal error, never a crash. */
  function send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    let frame: string;
    try {
      frame = JSON.stringify(message);
    } catch (err) {
      if (message.type === 'event') return;
      frame = JSON.stringify({ type: 'error', id: message.id, error: toErrorBody(err) } satisfies ServerMessage);
    }
    ws.send(frame);
  }

  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        send(ws, { type: 'error', id: NO_CALL_ID, error: { code: 'invalid_input', message: 'Invalid message: binary frames are not accepted', action: 'Send JSON text frames' } });
        return;
      }
      const frame = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      void answerFrame(core, frame).then((reply) => send(ws, reply));
    });
    // Socket errors (e.g. an oversized frame) close that socket only.
    ws.on('error', () => ws.terminate());
  });

  const unsubscribe = core.onEvent((event, data) => {
    for (const ws of wss.clients) send(ws, { type: 'event', event, data });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkRequest(requestFacts(req.url, req.headers), { port, token });
    if (!verdict.ok) return sendError(res, verdict.status);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { Allow: 'GET, HEAD' });
    const cookie: Record<string, string> = verdict.setCookie ? { 'Set-Cookie': sessionCookie(port, token) } : {};
    if (pathOf(req.url) === WS_PATH) return sendError(res, 426, { ...cookie, Upgrade: 'websocket' });
    const file = await readStaticFile(rootReal, req.url ?? '/');
    if (!file) {
      const wantsIndex = pathOf(req.url) === '/' || pathOf(req.url) === '/index.html';
      return sendError(res, wantsIndex ? 503 : 404, cookie);
    }
    res.writeHead(200, { ...SECURITY_HEADERS, ...cookie, 'Content-Type': file.contentType, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (pathOf(req.url) !== WS_PATH) return refuseUpgrade(socket, 404);
    const verdict = checkRequest(requestFacts(req.url, req.headers), { port, token });
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  const server = http.createServer((req, res) => {
    serveHttp(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 400);
      else res.destroy();
    });
  });
  server.on('upgrade', upgrade);
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        unsubscribe();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
