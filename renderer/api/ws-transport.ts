import type { ApiErrorBody } from '../../shared/errors.ts';
import { ServerMessage, type CallReply, type Transport } from '../../shared/protocol.ts';

/** Where a transport's link to the core stands; only the WebSocket transport ever leaves 'open'. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A transport whose connection can drop and come back (the UI shows it and refetches). */
export interface ConnectionAware {
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** The part of the browser WebSocket this transport uses (the `ws` package's client fits too). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
}

export interface WebSocketTransportOptions {
  url: string;
  /** Defaults to the global WebSocket. */
  WebSocketImpl?: new (url: string) => WebSocketLike;
  /** Waits between reconnect attempts; the last one repeats. */
  retryDelaysMs?: readonly number[];
}

export interface WebSocketTransport extends Transport, ConnectionAware {
  /** Stops reconnecting, closes the socket and fails whatever is pending. */
  close(): void;
}

const OPEN = 1;
const DEFAULT_DELAYS = [250, 500, 1000, 2000, 5000];

const lostConnection: ApiErrorBody = {
  code: 'network',
  message: 'The connection to Kinexus was lost before it answered',
  action: 'Check that `kinexus serve` is still running; the page reconnects by itself',
};

/**
 * The API over the headless host's WebSocket: numbered calls matched to
 * replies, pushed events fanned out, automatic reconnect with backoff. Calls
 * made while disconnected wait for the next connection; every call still
 * waiting when a connection closes (or fails to open) gets a `network` error.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const Impl = options.WebSocketImpl ?? (globalThis.WebSocket as unknown as new (url: string) => WebSocketLike);
  const delays = options.retryDelaysMs?.length ? options.retryDelaysMs : DEFAULT_DELAYS;
  const pending = new Map<number, (reply: CallReply) => void>();
  const queued: string[] = [];
  const eventListeners = new Set<(event: string, data: unknown) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let everOpened = false;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let nextId = 0;

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    for (const l of [...stateListeners]) l(next);
  }

  function failAll(error: ApiErrorBody) {
    queued.length = 0;
    const waiting = [...pending.values()];
    pending.clear();
    for (const resolve of waiting) resolve({ ok: false, error });
  }

  function onFrame(raw: unknown) {
    let msg: ServerMessage;
    try {
      const parsed = ServerMessage.safeParse(JSON.parse(String(raw)));
      if (!parsed.success) return;
      msg = parsed.data;
    } catch {
      return;
    }
    if (msg.type === 'event') {
      for (const l of [...eventListeners]) {
        try {
          l(msg.event, msg.data);
        } catch {
          // One broken listener must not starve the others.
        }
      }
      return;
    }
    const resolve = pending.get(msg.id);
    if (!resolve) return;
    pending.delete(msg.id);
    resolve(msg.type === 'result' ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
  }

  function connect() {
    retryTimer = null;
    setState(everOpened ? 'reconnecting' : 'connecting');
    let ws: WebSocketLike;
    try {
      ws = new Impl(options.url);
    } catch {
      failures++;
      failAll(lostConnection);
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      everOpened = true;
      failures = 0;
      setState('open');
      for (const frame of queued.splice(0)) ws.send(frame);
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onFrame(ev.data);
    };
    ws.onerror = () => {
      // A close event always follows; that is where the state changes.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failures++;
      failAll(lostConnection);
      if (stopped) setState('closed');
      else scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    setState(everOpened ? 'reconnecting' : 'connecting');
    const delay = delays[Math.min(failures - 1, delays.length - 1)] ?? delays[delays.length - 1];
    retryTimer = setTimeout(connect, delay);
  }

  connect();

  return {
    call(method, params) {
      if (stopped) return Promise.resolve({ ok: false, error: { ...lostConnection, message: 'The connection to Kinexus is closed' } });
      const id = nextId++;
      let frame: string;
      try {
        frame = JSON.stringify({ type: 'call', id, method, params });
      } catch (err) {
        return Promise.resolve({ ok: false, error: { code: 'invalid_input', message: `Cannot send ${method}: ${(err as Error).message}` } });
      }
      return new Promise<CallReply>((resolve) => {
        pending.set(id, resolve);
        if (socket && socket.readyState === OPEN) {
          socket.send(frame);
          return;
        }
        queued.push(frame);
        // Someone is waiting: try now instead of at the end of the backoff.
        if (retryTimer) {
          clearTimeout(retryTimer);
          connect();
        }
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },
    connectionState: () => state,
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      failAll({ ...lostConnection, message: 'The connection to Kinexus was closed' });
      setState('closed');
      ws?.close();
    },
  };
}
