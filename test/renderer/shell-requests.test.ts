import { describe, expect, it } from 'vitest';
import type { Transport } from '../../shared/protocol.ts';
import { createApiClient } from '../../renderer/api/client.ts';
import { integrationCardHref, subscribeShellRequests } from '../../renderer/api/shell-requests.ts';
import { parseHash } from '../../renderer/router.ts';

function pushTransport() {
  const listeners = new Set<(event: string, data: unknown) => void>();
  const transport: Transport = {
    call: async () => ({ ok: true, result: null }),
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { transport, push: (event: string, data: unknown) => listeners.forEach((l) => l(event, data)), listeners };
}

describe('requests of the Electron shell', () => {
  it('opens the overview focused on the integration the notification or tray named', () => {
    const { transport, push } = pushTransport();
    const went: string[] = [];
    subscribeShellRequests(createApiClient(transport), (href) => went.push(href));
    push('shell.openIntegration', { integrationId: 'github-1' });
    push('shell.openIntegration', { integrationId: 'a b/c' });
    expect(went).toEqual([integrationCardHref('github-1'), integrationCardHref('a b/c')]);
    expect(parseHash(went[0])).toEqual({ view: 'overview', path: [], params: { focus: 'github-1' } });
    expect(parseHash(went[1]).params.focus).toBe('a b/c');
  });

  it('ignores malformed requests and other events, and stops listening when unsubscribed', () => {
    const { transport, push, listeners } = pushTransport();
    const went: string[] = [];
    const off = subscribeShellRequests(createApiClient(transport), (href) => went.push(href));
    push('shell.openIntegration', { integrationId: 42 });
    push('shell.openIntegration', null);
    push('integrations.changed', { integrationId: 'github-1' });
    expect(went).toEqual([]);
    off();
    expect(listeners.size).toBe(0);
    push('shell.openIntegration', { integrationId: 'github-1' });
    expect(went).toEqual([]);
  });
});
