import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode as RpcCode, McpError, type Implementation, type JSONRPCMessage, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { fetch as undiciFetch } from 'undici';
import { VERSION } from '../../core/version.ts';
import { defaultDispatcher } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { classifyMcpFailure, rpcMessage, type FailureFacts } from './errors.ts';
import type { McpSettings } from './settings.ts';
import { ChildProcessTransport } from './stdio-transport.ts';

type Ctx = ConnectorContext<McpSettings>;

/** What the server said about itself in the handshake. */
export interface ServerFacts {
  name: string;
  title: string | null;
  version: string;
  protocolVersion: string | null;
  capabilities: ServerCapabilities;
}

/** One open conversation with an MCP server; `close()` always ends a stdio server's process. */
export interface McpSession {
  readonly client: Client;
  readonly server: ServerFacts;
  /**
   * Options for one SDK request. Cancellation needs no signal here: aborting
   * the run closes the transport, which ends every pending request.
   */
  readonly requestOptions: { timeout: number };
  /** Runs one exchange and turns any failure into a classified KinexusError. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Like `call`, but an error the server answered with (a JSON-RPC error
   * about this one item) comes back as `{ ok: false }` instead of failing the
   * caller; a broken connection, a timeout or a dead process still throws.
   */
  attempt<T>(what: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }>;
  close(): Promise<void>;
}

/**
 * Wraps a transport to count requests and bytes into the run's accounting and
 * to learn the negotiated protocol version (the SDK tells transports, not callers).
 * Over HTTP the fetch counts requests instead (see httpFetch): there a
 * notification or the end of a session is a request too.
 */
class MeteredTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  protocolVersion: string | null = null;

  constructor(
    private readonly inner: Transport,
    private readonly stats: { requests: number; bytes: number },
    private readonly countRequests: boolean,
  ) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = (e) => this.onerror?.(e);
    inner.onmessage = (m) => {
      this.stats.bytes += JSON.stringify(m).length;
      this.onmessage?.(m);
    };
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: Parameters<Transport['send']>[1]): Promise<void> {
    if (this.countRequests && 'method' in message && 'id' in message) this.stats.requests += 1;
    this.stats.bytes += JSON.stringify(message).length;
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }
}

function targetOf(s: McpSettings): string {
  return s.transport === 'stdio' ? s.command : s.url;
}

/**
 * The fetch the HTTP transport uses: undici through the app's proxy-aware
 * dispatcher, counting every HTTP request into the run's accounting. It does
 * not open the optional GET stream for server-initiated messages: a sync
 * declares no client capabilities and lists everything anyway, so what that
 * stream carries (list_changed, log lines) is of no use and it would cost a
 * request and a connection held open per run. The SDK takes the 405 as "this
 * server offers no such stream". A GET that resumes a broken response stream
 * (Last-Event-ID) still goes out.
 */
function httpFetch(stats: { requests: number }): FetchLike {
  return (async (url: string | URL, init?: RequestInit) => {
    if ((init?.method ?? 'GET') === 'GET' && !new Headers(init?.headers).has('last-event-id')) return new Response(null, { status: 405, statusText: 'Not opened by Kinexus' });
    stats.requests += 1;
    return undiciFetch(url, { ...(init as object), dispatcher: defaultDispatcher() } as never);
  }) as unknown as FetchLike;
}

/**
 * Starts (stdio) or reaches (http) the server and completes the MCP
 * handshake. Failures arrive classified; a started process is killed when the
 * handshake fails, when the run is cancelled and when the session closes.
 */
export async function openMcpSession(ctx: Ctx): Promise<McpSession> {
  const s = ctx.settings;
  const timeoutMs = s.timeoutSeconds * 1000;
  const token = ctx.secrets.bearerToken;
  let child: ChildProcessTransport | undefined;
  let inner: Transport;
  if (s.transport === 'stdio') {
    const env = { ...s.env, ...(s.tokenEnv && token ? { [s.tokenEnv]: token } : {}) };
    child = new ChildProcessTransport({ command: s.command, args: s.args, env, cwd: s.cwd });
    inner = child;
  } else {
    inner = new StreamableHTTPClientTransport(new URL(s.url), {
      requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : undefined,
      fetch: httpFetch(ctx.http.stats),
    });
  }
  const transport = new MeteredTransport(inner, ctx.http.stats, s.transport === 'stdio');
  const client = new Client({ name: 'kinexus-desktop', version: VERSION }, { capabilities: {} });
  // The SDK reports stray transport errors here; the request they break reports them too.
  client.onerror = () => undefined;
  const facts = (what: string): FailureFacts => ({ name: ctx.integrationName, transport: s.transport, target: targetOf(s), child, aborted: ctx.signal.aborted, timeoutMs, what });
  const onAbort = () => void transport.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    ctx.signal.removeEventListener('abort', onAbort);
    // Ends the server's session too (DELETE), rather than leaving it to expire there.
    if (inner instanceof StreamableHTTPClientTransport && inner.sessionId && !ctx.signal.aborted) await inner.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
    await child?.close();
  };
  const requestOptions = { timeout: timeoutMs };
  try {
    if (ctx.signal.aborted) throw new Error('aborted');
    // A stdio server may first be downloaded (npx) or compiled: its start-up gets at least 30 s.
    await client.connect(transport, { timeout: s.transport === 'stdio' ? Math.max(timeoutMs, 30_000) : timeoutMs });
  } catch (err) {
    // Classified before closing: the process we are about to stop did not crash by itself.
    const failure = classifyMcpFailure(err, facts('the start-up handshake'));
    await close();
    throw failure;
  }
  const info: Implementation | undefined = client.getServerVersion();
  const server: ServerFacts = {
    name: info?.name ?? 'unknown server',
    title: info?.title ?? null,
    version: info?.version ?? 'unknown',
    protocolVersion: transport.protocolVersion,
    capabilities: client.getServerCapabilities() ?? {},
  };
  return {
    client,
    server,
    requestOptions,
    async call(what, fn) {
      try {
        return await fn();
      } catch (err) {
        throw classifyMcpFailure(err, facts(what));
      }
    },
    async attempt(what, fn) {
      try {
        return { ok: true, value: await fn() };
      } catch (err) {
        const answered = err instanceof McpError && err.code !== RpcCode.RequestTimeout && err.code !== RpcCode.ConnectionClosed;
        if (answered && !child?.garbage && !child?.exit && !ctx.signal.aborted) return { ok: false, message: rpcMessage(err) };
        throw classifyMcpFailure(err, facts(what));
      }
    },
    close,
  };
}

/**
 * The session one stream uses. Within a run (`ctx.run`) every stream shares
 * one session, opened by the first stream that asks and closed when the run
 * ends (after a failure or cancel too), so a run pays the handshake once and a
 * stdio server is one process per run. Without a run (a connection test) the
 * stream gets a session of its own, which `release` closes.
 */
export async function streamSession(ctx: Ctx): Promise<{ session: McpSession; release(): Promise<void> }> {
  const run = ctx.run;
  if (!run) {
    const session = await openMcpSession(ctx);
    return { session, release: () => session.close() };
  }
  // The session keeps the first stream's ctx; it uses only what all streams of a run share (settings, secrets, signal, accounting).
  const opening = run.shared('mcp.session', () => {
    const p = openMcpSession(ctx);
    // A failed opening has closed what it started; the next stream gets the same classified failure, without a second process.
    run.onEnd(() => p.then((s) => s.close(), () => undefined));
    return p;
  });
  return { session: await opening, release: async () => undefined };
}

/** Opens a session, runs `fn`, and closes the session whatever happens. */
export async function withMcpSession<T>(ctx: Ctx, fn: (session: McpSession) => Promise<T>): Promise<T> {
  const session = await openMcpSession(ctx);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
