import { BRIDGE_GLOBAL, TOKEN_PARAM, WS_PATH, type Transport } from '../../shared/protocol.ts';
import { createWebSocketTransport, type WebSocketLike } from './ws-transport.ts';

type LocationLike = Pick<Location, 'protocol' | 'host' | 'search'>;
type WebSocketCtor = new (url: string) => WebSocketLike;
/** The parts of `window` pickTransport reads. */
export interface WindowLike {
  location: LocationLike;
  WebSocket?: unknown;
}

/** True for an object offering the Transport methods (what the Electron preload exposes). */
export function isTransport(value: unknown): value is Transport {
  return typeof value === 'object' && value !== null && typeof (value as Transport).call === 'function' && typeof (value as Transport).onEvent === 'function';
}

/**
 * The headless host's WebSocket URL for a page location: same host, ws or
 * wss after the page's scheme, and the token from the page's query when there
 * is one (otherwise the session cookie set on the first visit authenticates).
 */
export function webSocketUrl(location: LocationLike): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}${WS_PATH}${query}`;
}

/** The Electron bridge when the preload exposed one, else a WebSocket to the host that served the page. */
export function pickTransport(win: WindowLike = window): Transport {
  const bridge = (win as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  if (isTransport(bridge)) return bridge;
  return createWebSocketTransport({ url: webSocketUrl(win.location), WebSocketImpl: win.WebSocket as WebSocketCtor | undefined });
}

/**
 * Removes the token from the address bar once the transport holds it, so it
 * does not linger in history or screenshots; reloads use the session cookie.
 */
export function forgetTokenInAddressBar(win: Window): void {
  const url = new URL(win.location.href);
  if (!url.searchParams.has(TOKEN_PARAM)) return;
  url.searchParams.delete(TOKEN_PARAM);
  win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}
