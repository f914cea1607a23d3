import { describe, expect, it } from 'vitest';
import type { CallReply, Transport } from '../../shared/protocol.ts';
import { ApiError, createApiClient } from '../../renderer/api/client.ts';
import { okResult, sampleIntegration } from '../main/headless/fake-core.ts';

/** A transport whose replies the test scripts, recording every call. */
function fakeTransport(reply: (method: string, params: unknown) => CallReply | Promise<CallReply>) {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Set<(event: string, data: unknown) => void>();
  const transport: Transport = {
    async call(method, params) {
      calls.push({ method, params });
      return reply(method, params);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { transport, calls, push: (event: string, data: unknown) => listeners.forEach((l) => l(event, data)), listeners };
}

describe('createApiClient', () => {
  it('sends the method and input unchanged and resolves with the parsed output', async () => {
    const fake = fakeTransport(() => ({ ok: true, result: [sampleIntegration()] }));
    const api = createApiClient(fake.transport);
    const list = await api.call('integrations.list', {});
    expect(list[0].name).toBe('Acme GitHub');
    expect(list[0].secrets).toEqual({ token: true });
    expect(fake.calls).toEqual([{ method: 'integrations.list', params: {} }]);
    await api.call('integrations.test', { id: 'int_1' }).catch(() => undefined);
    expect(fake.calls[1]).toEqual({ method: 'integrations.test', params: { id: 'int_1' } });
  });

  it('throws an ApiError carrying the error body of an error reply', async () => {
    const body = { code: 'not_found' as const, message: 'No integration "x"', action: 'Run kinexus integrations list' };
    const api = createApiClient(fakeTransport(() => ({ ok: false, error: body })).transport);
    const err = await api.call('integrations.get', { id: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).body).toEqual(body);
    expect((err as ApiError).code).toBe('not_found');
    expect((err as ApiError).action).toBe('Run kinexus integrations list');
    expect((err as ApiError).message).toBe('No integration "x"');
  });

  it('turns a reply that does not match the contract into an internal ApiError', async () => {
    const api = createApiClient(fakeTransport(() => ({ ok: true, result: [{ id: 1 }] })).transport);
    const err = await api.call('integrations.list', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('internal');
    expect((err as ApiError).message).toMatch(/Unexpected reply to integrations.list/);
  });

  it('turns a transport that throws into an ApiError instead of a bare exception', async () => {
    const api = createApiClient(
      fakeTransport(() => {
        throw new Error('bridge gone');
      }).transport,
    );
    const err = await api.call('status.get', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('internal');
  });

  it('delivers only the named event, parsed, and stops after unsubscribe', () => {
    const fake = fakeTransport(() => ({ ok: true, result: null }));
    const api = createApiClient(fake.transport);
    const changed: unknown[] = [];
    const tested: unknown[] = [];
    const off = api.on('integrations.changed', (d) => changed.push(d.ids));
    api.on('integration.tested', (d) => tested.push(d.result.ok));
    fake.push('integrations.changed', { ids: ['a'] });
    fake.push('integration.tested', { id: 'a', result: okResult() });
    fake.push('something.else', { ids: ['b'] });
    off();
    fake.push('integrations.changed', { ids: ['c'] });
    expect(changed).toEqual([['a']]);
    expect(tested).toEqual([true]);
    expect(fake.listeners.size).toBe(1);
  });

  it('drops event data that does not match the contract', () => {
    const fake = fakeTransport(() => ({ ok: true, result: null }));
    const seen: unknown[] = [];
    createApiClient(fake.transport).on('integrations.changed', (d) => seen.push(d));
    fake.push('integrations.changed', { ids: 'not-an-array' });
    fake.push('integrations.changed', null);
    expect(seen).toEqual([]);
  });
});
