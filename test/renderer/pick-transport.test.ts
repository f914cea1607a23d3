import { describe, expect, it } from 'vitest';
import { BRIDGE_GLOBAL, type Transport } from '../../shared/protocol.ts';
import { forgetTokenInAddressBar, isTransport, pickTransport, webSocketUrl } from '../../renderer/api/pick-transport.ts';
import type { WebSocketLike } from '../../renderer/api/ws-transport.ts';

const loc = (href: string) => {
  const u = new URL(href);
  return { protocol: u.protocol, host: u.host, search: u.search, href };
};

describe('webSocketUrl', () => {
  it('points at WS_PATH on the page host and carries the query token', () => {
    expect(webSocketUrl(loc('http://127.0.0.1:4000/?token=abc_-1'))).toBe('ws://127.0.0.1:4000/api/ws?token=abc_-1');
    expect(webSocketUrl(loc('https://localhost:4000/?x=1&token=t#/integrations'))).toBe('wss://localhost:4000/api/ws?token=t');
  });

  it('leaves the token out when the page has none (the session cookie authenticates)', () => {
    expect(webSocketUrl(loc('http://127.0.0.1:4000/'))).toBe('ws://127.0.0.1:4000/api/ws');
  });
});

describe('pickTransport', () => {
  it('uses the Electron bridge when the preload exposed one', () => {
    const bridge: Transport = { call: async () => ({ ok: true, result: null }), onEvent: () => () => {} };
    expect(isTransport(bridge)).toBe(true);
    const win = { location: loc('file:///app/index.html'), [BRIDGE_GLOBAL]: bridge };
    expect(pickTransport(win)).toBe(bridge);
  });

  it('ignores a bridge global that is not a transport and opens a WebSocket to the page host', () => {
    const opened: string[] = [];
    class FakeWebSocket implements WebSocketLike {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(url: string) {
        opened.push(url);
      }
      send() {}
      close() {}
    }
    const win = { location: loc('http://127.0.0.1:5000/?token=zz'), WebSocket: FakeWebSocket, [BRIDGE_GLOBAL]: { call: 'nope' } };
    const t = pickTransport(win);
    expect(isTransport(t)).toBe(true);
    expect(opened).toEqual(['ws://127.0.0.1:5000/api/ws?token=zz']);
    (t as unknown as { close(): void }).close();
  });
});

describe('forgetTokenInAddressBar', () => {
  it('removes only the token from the address, keeping other query parameters and the hash', () => {
    const replaced: string[] = [];
    const win = { location: loc('http://127.0.0.1:5000/?a=1&token=zz#/integrations'), history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } };
    forgetTokenInAddressBar(win as unknown as Window);
    expect(replaced).toEqual(['/?a=1#/integrations']);
  });

  it('does nothing when there is no token', () => {
    const replaced: string[] = [];
    const win = { location: loc('http://127.0.0.1:5000/'), history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } };
    forgetTokenInAddressBar(win as unknown as Window);
    expect(replaced).toEqual([]);
  });
});
