/**
 * The request pipeline every emulator shares:
 *   read request → log → pre faults (latency, canned errors, early drop)
 *   → handler → post faults (malformed body, mid-body drop) → write → log.
 */
import type http from 'node:http';
import { FaultController, corruptBody } from './faults.ts';
import {
  encodeBody,
  headerMap,
  queryRecord,
  readBody,
  sleep,
  startHttpServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type Handler,
} from './http.ts';
import { RequestLog, type LoggedRequest } from './log.ts';

export interface StartEmulatorOptions<F extends FaultController = FaultController> {
  handler: Handler;
  faults?: F;
  log?: RequestLog;
  port?: number;
  /** Called with the origin once the server listens (before any request can arrive). */
  onListening?: (url: string) => void;
}

export interface RunningEmulator<F extends FaultController = FaultController> {
  url: string;
  port: number;
  faults: F;
  requests: RequestLog;
  server: http.Server;
  close(): Promise<void>;
}

export async function startEmulator<F extends FaultController = FaultController>(
  options: StartEmulatorOptions<F>,
): Promise<RunningEmulator<F>> {
  const faults = (options.faults ?? new FaultController()) as F;
  const log = options.log ?? new RequestLog();
  let origin = '';
  let seq = 0;

  const listener: http.RequestListener = (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // A bug in a handler must be loud in tests, not a hang.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`emulator handler crashed: ${err instanceof Error ? err.stack : String(err)}`);
      } else res.destroy();
    });
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', origin);
    const ereq: EmulatorRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      path: url.pathname,
      pathAndQuery: url.pathname + url.search,
      query: queryRecord(url.searchParams),
      headers: headerMap(req),
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
      seq: ++seq,
    };
    const entry: LoggedRequest = {
      seq: ereq.seq,
      at: started,
      method: ereq.method,
      path: ereq.path,
      url: ereq.pathAndQuery,
      query: ereq.query,
      headers: ereq.headers,
      status: 0,
      responseHeaders: {},
      bytesIn: body.length,
      bytesOut: 0,
      durationMs: 0,
      dropped: false,
    };
    log.push(entry);
    const applied: string[] = [];
    const finish = () => {
      entry.durationMs = Date.now() - started;
      if (applied.length) entry.fault = applied.join(',');
    };

    const pre = faults.takePre(ereq);
    applied.push(...pre.applied);
    if (pre.latencyMs > 0) await sleep(pre.latencyMs);
    if (pre.dropBeforeResponse) {
      entry.dropped = true;
      finish();
      req.socket.destroy();
      return;
    }

    const response: EmulatorResponse = pre.response ?? (await options.handler(ereq));
    let payload = encodeBody(response.body);
    const noBody = ereq.method === 'HEAD' || response.status === 204 || response.status === 304;
    const post = faults.takePost(ereq, payload !== undefined && payload.length > 0 && !noBody);
    applied.push(...post.applied);
    if (post.malformed && payload) payload = corruptBody(payload, post.malformed);

    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = v;
    if (payload !== undefined && response.status !== 304 && response.status !== 204) headers['content-length'] = String(payload.length);
    entry.status = response.status;
    entry.responseHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));

    res.writeHead(response.status, headers);
    if (post.drop) {
      entry.dropped = true;
      const part = post.drop === 'mid-body' && payload && !noBody ? payload.subarray(0, Math.floor(payload.length / 2)) : Buffer.alloc(0);
      entry.bytesOut = part.length;
      finish();
      // Flush the status line, headers and the partial body, then kill the socket.
      res.flushHeaders();
      res.write(part, () => res.socket?.destroy());
      if (part.length === 0) setImmediate(() => res.socket?.destroy());
      return;
    }
    if (payload && !noBody) {
      entry.bytesOut = payload.length;
      res.end(payload);
    } else res.end();
    finish();
  }

  const started = await startHttpServer(listener, { port: options.port });
  origin = started.url;
  options.onListening?.(started.url);
  return {
    url: started.url,
    port: started.port,
    faults,
    requests: log,
    server: started.server,
    close: started.close,
  };
}
