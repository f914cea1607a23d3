import { describe, expect, it, vi } from 'vitest';
import { createBridge, type IpcRendererLike } from '../../preload/bridge.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/protocol.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** A stand-in for ipcRenderer that records calls and can emit events. */
function fakeIpc(reply: unknown = { ok: true, result: 42 }) {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]) => reply),
    on: vi.fn((channel: string, listener: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener);
    }),
  } satisfies IpcRendererLike;
  const emit = (channel: string, ...args: unknown[]) => {
    const ipcEvent = { sender: ipc, senderId: 0 };
    for (const l of listeners.get(channel) ?? []) l(ipcEvent, ...args);
  };
  const count = (channel: string) => listeners.get(channel)?.size ?? 0;
  return { ipc, emit, count };
}

describe('preload bridge', () => {
  it('exposes exactly call and onEvent, frozen', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends a call over the call channel with method and params', async () => {
    const { ipc } = fakeIpc({ ok: true, result: { n: 1 } });
    const reply = await createBridge(ipc).call('integrations.get', { id: 'a' });
    expect(ipc.invoke).toHaveBeenCalledWith(IPC_CALL_CHANNEL, 'integrations.get', { id: 'a' });
    expect(reply).toEqual({ ok: true, result: { n: 1 } });
  });

  it('passes an error reply from the main process through unchanged', async () => {
    const error = { code: 'permission', message: 'no' };
    const reply = await createBridge(fakeIpc({ ok: false, error }).ipc).call('status.get', {});
    expect(reply).toEqual({ ok: false, error });
  });

  it('turns a rejected invoke into an internal error reply instead of throwing', async () => {
    const { ipc } = fakeIpc();
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'kinexus:call'"));
    const reply = await createBridge(ipc).call('status.get', {});
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('internal');
      expect(reply.error.message).toContain('No handler registered');
    }
  });

  it('turns a malformed reply into an internal error reply', async () => {
    const reply = await createBridge(fakeIpc({ weird: true }).ipc).call('status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses a call without a method name without touching IPC', async () => {
    const { ipc } = fakeIpc();
    const reply = await createBridge(ipc).call(undefined as unknown as string, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('delivers events as (name, data) and never hands out the IPC event or ipcRenderer', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    createBridge(ipc).onEvent(listener);
    emit(IPC_EVENT_CHANNEL, 'integrations.changed', { ids: ['a'] });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual(['integrations.changed', { ids: ['a'] }]);
    for (const arg of listener.mock.calls[0]) expect(arg).not.toBe(ipc);
  });

  it('ignores event-channel messages without a string event name', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    createBridge(ipc).onEvent(listener);
    emit(IPC_EVENT_CHANNEL, 42, {});
    expect(listener).not.toHaveBeenCalled();
  });

  it('subscribes only to the event channel', () => {
    const { ipc } = fakeIpc();
    createBridge(ipc).onEvent(() => undefined);
    expect(ipc.on).toHaveBeenCalledTimes(1);
    expect(ipc.on.mock.calls[0][0]).toBe(IPC_EVENT_CHANNEL);
  });

  it('stops delivering events after unsubscribe, and unsubscribing twice is harmless', () => {
    const { ipc, emit, count } = fakeIpc();
    const listener = vi.fn();
    const bridge = createBridge(ipc);
    const off = bridge.onEvent(listener);
    const other = vi.fn();
    bridge.onEvent(other);
    expect(count(IPC_EVENT_CHANNEL)).toBe(2);
    off();
    off();
    expect(ipc.removeListener).toHaveBeenCalledTimes(1);
    emit(IPC_EVENT_CHANNEL, 'integrations.changed', { ids: [] });
    expect(listener).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('rejects a non-function event listener', () => {
    expect(() => createBridge(fakeIpc().ipc).onEvent('nope' as never)).toThrow(TypeError);
  });
});
