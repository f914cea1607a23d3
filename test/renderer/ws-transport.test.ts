import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH } from '../../shared/protocol.ts';
import { startHeadlessHost, type HeadlessHost } from '../../main/headless/host.ts';
import { createApiClient, ApiError } from '../../renderer/api/client.ts';
import { createWebSocketTransport, type ConnectionState, type WebSocketLike, type WebSocketTransport } from '../../renderer/api/ws-transport.ts';
import { createFakeCore, sampleIntegration, type FakeCore } from '../main/headless/fake-core.ts';

const WS = WebSocket as unknown as new (url: string) => WebSocketLike;

function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('WebSocket transport against the headless host', () => {
  let dir: string;
  let core: FakeCore;
  let host: HeadlessHost;
  const transports: WebSocketTransport[] = [];
  const open = (url = `ws://127.0.0.1:${host.port}${WS_PATH}?token=${host.token}`, retryDelaysMs = [20]) => {
    const t = createWebSocketTransport({ url, WebSocketImpl: WS, retryDelaysMs });
    transports.push(t);
    return t;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-wst-'));
    core = createFakeCore([sampleIntegration()]);
    host = await startHeadlessHost({ core, rendererDir: dir });
  });
  afterEach(() => {
    for (const t of transports.splice(0)) t.close();
  });
  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queues calls made before the socket opens and resolves them with typed results', async () => {
    const api = createApiClient(open());
    const [list, status] = await Promise.all([api.call('integrations.list', {}), api.call('status.get', {})]);
    expect(list.map((i) => i.name)).toEqual(['Acme GitHub']);
    expect(status.keychain.state).toBe('unavailable');
  });

  it('matches concurrent replies to their calls and surfaces error replies as ApiError', async () => {
    const api = createApiClient(open());
    const results = await Promise.allSettled([api.call('integrations.get', { id: 'int_1' }), api.call('integrations.get', { id: 'missing' }), api.call('integrations.get', { id: '' })]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { id: 'int_1' } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(results[2].status).toBe('rejected');
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(ApiError);
    expect((results[2] as PromiseRejectedResult).reason.code).toBe('invalid_input');
  });

  it('delivers pushed events to listeners', async () => {
    const t = open();
    const api = createApiClient(t);
    await waitFor(() => t.connectionState() === 'open');
    const got = new Promise((resolve) => api.on('integrations.changed', resolve));
    core.emit('integrations.changed', { ids: ['int_9'] });
    expect(await got).toEqual({ ids: ['int_9'] });
  });

  it('fails pending calls when the host goes away, then reconnects to the restarted host', async () => {
    const slowCore = createFakeCore([sampleIntegration()]);
    slowCore.testDelayMs = 300;
    const first = await startHeadlessHost({ core: slowCore, rendererDir: dir });
    let second: HeadlessHost | null = null;
    try {
      const t = open(first.url.replace('http:', 'ws:').replace('/?', `${WS_PATH}?`));
      const states: ConnectionState[] = [];
      t.onConnectionChange((s) => states.push(s));
      await waitFor(() => t.connectionState() === 'open');
      const pending = t.call('integrations.test', { id: 'int_1' });
      await waitFor(() => slowCore.calls.length === 1);
      await first.close();
      expect(await pending).toMatchObject({ ok: false, error: { code: 'network' } });
      expect(t.connectionState()).toBe('reconnecting');
      second = await startHeadlessHost({ core: slowCore, rendererDir: dir, port: first.port, token: first.token });
      await waitFor(() => t.connectionState() === 'open');
      expect(states).toEqual(['open', 'reconnecting', 'open']);
      expect(await t.call('integrations.list', {})).toMatchObject({ ok: true });
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it('fails calls with a network error when it cannot connect, and after close()', async () => {
    const t = open(`ws://127.0.0.1:${host.port}${WS_PATH}?token=wrong`, [10_000]);
    expect(await t.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'network' } });
    t.close();
    expect(t.connectionState()).toBe('closed');
    expect(await t.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'network' } });
  });
});

