/**
 * Minimal HTTP plumbing shared by every vendor emulator: a loopback server on
 * an ephemeral port, a parsed request shape, a response shape handlers return
 * (so the fault layer can rewrite or cut it before it hits the wire), and JSON
 * reply helpers. node:http only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fully read incoming request, as handlers and the fault layer see it. */
export interface EmulatorRequest {
  method: string;
  /** Absolute URL as seen by the emulator (origin = the emulator's url). */
  url: URL;
  /** Pathname only, e.g. `/repos/o/r/issues`. */
  path: string;
  /** Path plus query string exactly as sent, e.g. `/repos/o/r/issues?page=2`. */
  pathAndQuery: string;
  /** Query parameters (last value wins; see `url.searchParams` for repeats). */
  query: Record<string, string>;
  /** Request headers, lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Raw request body (empty buffer when none). */
  body: Buffer;
  remoteAddress: string;
  /** Monotonic sequence number of this request on this emulator (1-based). */
  seq: number;
}

/** What a handler answers. `body` objects are JSON-encoded; `undefined` means no body. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: unknown;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface StartedServer {
  /** `http://127.0.0.1:<port>` — no trailing slash. */
  url: string;
  port: number;
  server: http.Server;
  /** Stops listening and destroys every open (keep-alive) connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1, port 0 (ephemeral) unless given.
 * `listener` is a raw node request listener.
 */
export async function startHttpServer(
  listener: http.RequestListener,
  options: { host?: string; port?: number } = {},
): Promise<StartedServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer(listener);
  // Keep-alive sockets must not keep close() waiting.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Reads the whole request body. */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Lower-cased header map with repeated values joined, from a node request. */
export function headerMap(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): EmulatorResponse {
  return { status, body, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers } };
}

/** A plain-text (or other content-type) response. */
export function text(
  status: number,
  body: string,
  headers: Record<string, string | string[]> = {},
  contentType = 'text/plain; charset=utf-8',
): EmulatorResponse {
  return { status, body, headers: { 'content-type': contentType, ...headers } };
}

/** A response with no body (204, 304...). */
export function empty(status: number, headers: Record<string, string | string[]> = {}): EmulatorResponse {
  return { status, headers };
}

/** Serializes a response body to bytes: strings/buffers as-is, everything else as JSON. */
export function encodeBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Query string → record (last value wins). */
export function queryRecord(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = v;
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
