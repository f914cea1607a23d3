import type { IpcMain, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createSenderCheck, forwardEvent, handleIpcCall, isTrustedSender, registerIpc, type IpcEventLike } from '../../../main/electron/ipc.ts';
import { appLocation } from '../../../main/electron/window.ts';
import type { CoreApi } from '../../../main/core/api.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallReply } from '../../../shared/protocol.ts';

const APP = { kind: 'file' as const, indexUrl: 'file:///opt/kinexus/dist/renderer/index.html' };
const APP_URL = `${APP.indexUrl}#/integrations`;
const OUR_ID = 7;

const mainFrame = (url = APP_URL) => ({ url, parent: null });
const event = (frame: IpcEventLike['senderFrame'], senderId = OUR_ID): IpcEventLike => ({ sender: { id: senderId }, senderFrame: frame });
const check = createSenderCheck(APP, () => [OUR_ID]);

/** A core stand-in whose call echoes what it got. */
function fakeCore() {
  const listeners = new Set<(event: string, data: unknown) => void>();
  const core = {
    call: vi.fn(async (method: string, params: unknown): Promise<CallReply> => ({ ok: true, result: { method, params } })),
    onEvent: vi.fn((listener: (event: string, data: unknown) => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    }),
  } satisfies CoreApi;
  const emit = (name: string, data: unknown) => listeners.forEach((l) => l(name, data));
  return { core, emit, listeners };
}

describe('isTrustedSender', () => {
  it('trusts the main frame showing our renderer', () => {
    expect(isTrustedSender(mainFrame(), APP)).toBe(true);
  });

  it('distrusts a subframe even when it shows our renderer', () => {
    expect(isTrustedSender({ url: APP_URL, parent: mainFrame() }, APP)).toBe(false);
  });

  it('distrusts a main frame showing another page', () => {
    expect(isTrustedSender(mainFrame('https://evil.example/'), APP)).toBe(false);
    expect(isTrustedSender(mainFrame('file:///tmp/evil.html'), APP)).toBe(false);
  });

  it('distrusts a missing frame', () => {
    expect(isTrustedSender(null, APP)).toBe(false);
    expect(isTrustedSender(undefined, APP)).toBe(false);
  });

  it('trusts the dev server origin only in development', () => {
    const dev = appLocation({ indexFile: '/x/index.html', devServerUrl: 'http://localhost:5173' });
    expect(isTrustedSender(mainFrame('http://localhost:5173/'), dev)).toBe(true);
    expect(isTrustedSender(mainFrame('http://localhost:5173/'), APP)).toBe(false);
  });
});

describe('handleIpcCall', () => {
  it('forwards a call from our main frame to the core and returns its reply', async () => {
    const { core } = fakeCore();
    const reply = await handleIpcCall(core, check, event(mainFrame()), 'integrations.get', { id: 'a' });
    expect(core.call).toHaveBeenCalledWith('integrations.get', { id: 'a' });
    expect(reply).toEqual({ ok: true, result: { method: 'integrations.get', params: { id: 'a' } } });
  });

  it('rejects an IPC call from a subframe with a permission error', async () => {
    const { core } = fakeCore();
    const reply = await handleIpcCall(core, check, event({ url: APP_URL, parent: mainFrame() }), 'status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'permission' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('rejects an IPC call from a foreign page', async () => {
    const { core } = fakeCore();
    const reply = await handleIpcCall(core, check, event(mainFrame('https://evil.example/')), 'status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'permission' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('rejects an IPC call from web contents that are not our window', async () => {
    const { core } = fakeCore();
    const reply = await handleIpcCall(core, check, event(mainFrame(), 99), 'status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'permission' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('rejects an IPC call whose sender frame is gone', async () => {
    const { core } = fakeCore();
    expect(await handleIpcCall(core, check, event(null), 'status.get', {})).toMatchObject({ ok: false, error: { code: 'permission' } });
  });

  it('rejects when reading the sender frame throws', async () => {
    const { core } = fakeCore();
    const throwing = {
      sender: { id: OUR_ID },
      get senderFrame(): never {
        throw new Error('Render frame was disposed');
      },
    };
    expect(await handleIpcCall(core, check, throwing, 'status.get', {})).toMatchObject({ ok: false, error: { code: 'permission' } });
  });

  it('rejects a call without a string method name before reaching the core', async () => {
    const { core } = fakeCore();
    expect(await handleIpcCall(core, check, event(mainFrame()), { evil: true }, {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('leaves unknown methods and bad input to the core, which parses every input', async () => {
    const { core } = fakeCore();
    core.call.mockResolvedValueOnce({ ok: false, error: { code: 'invalid_input', message: 'Unknown method' } });
    expect(await handleIpcCall(core, check, event(mainFrame()), 'no.such', 1)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(core.call).toHaveBeenCalledWith('no.such', 1);
  });

  it('turns a core that throws into an error reply instead of a rejected invoke', async () => {
    const { core } = fakeCore();
    core.call.mockRejectedValueOnce(new Error('database is locked'));
    const reply = await handleIpcCall(core, check, event(mainFrame()), 'status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('treats a sender check that throws as untrusted', async () => {
    const { core } = fakeCore();
    const reply = await handleIpcCall(core, () => { throw new Error('x'); }, event(mainFrame()), 'status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'permission' } });
  });
});

/** A webContents stand-in for event forwarding. */
function fakeTarget(url = APP_URL, id = OUR_ID) {
  return { id, destroyed: false, isDestroyed() { return this.destroyed; }, getURL: () => url, send: vi.fn() };
}

describe('forwardEvent', () => {
  it('sends a core event to our window on the event channel', () => {
    const target = fakeTarget();
    forwardEvent([target], APP, 'integrations.changed', { ids: ['a'] });
    expect(target.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'integrations.changed', { ids: ['a'] });
  });

  it('skips destroyed windows and windows showing another page', () => {
    const dead = fakeTarget();
    dead.destroyed = true;
    const foreign = fakeTarget('https://evil.example/');
    forwardEvent([dead, foreign], APP, 'integrations.changed', { ids: [] });
    expect(dead.send).not.toHaveBeenCalled();
    expect(foreign.send).not.toHaveBeenCalled();
  });

  it('keeps going when one send throws', () => {
    const bad = fakeTarget();
    bad.send.mockImplementation(() => { throw new Error('An object could not be cloned'); });
    const good = fakeTarget();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    forwardEvent([bad, good], APP, 'x', {});
    expect(good.send).toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe('registerIpc', () => {
  function fakeIpcMain() {
    const handlers = new Map<string, (...args: any[]) => unknown>();
    const ipcMain = {
      handle: vi.fn((channel: string, handler: (...args: any[]) => unknown) => void handlers.set(channel, handler)),
      removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
    };
    return { ipcMain: ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, handlers, raw: ipcMain };
  }

  function setup() {
    const { core, emit, listeners } = fakeCore();
    const ipc = fakeIpcMain();
    const contents = fakeTarget();
    const win = { isDestroyed: () => false, webContents: contents as unknown as WebContents };
    const dispose = registerIpc({ ipcMain: ipc.ipcMain, core, app: APP, windows: () => [win] });
    return { core, emit, listeners, ipc, contents, dispose };
  }

  it('registers one handler for every method, on the call channel only', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()]).toEqual([IPC_CALL_CHANNEL]);
  });

  it('answers a call from our window through the core', async () => {
    const { ipc, core } = setup();
    const reply = await ipc.handlers.get(IPC_CALL_CHANNEL)!(event(mainFrame()), 'status.get', {});
    expect(reply).toMatchObject({ ok: true });
    expect(core.call).toHaveBeenCalledWith('status.get', {});
  });

  it('refuses a call from another web contents', async () => {
    const { ipc, core } = setup();
    const reply = await ipc.handlers.get(IPC_CALL_CHANNEL)!(event(mainFrame(), 8), 'status.get', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'permission' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('forwards core events to the window', () => {
    const { emit, contents } = setup();
    emit('integration.tested', { id: 'a' });
    expect(contents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'integration.tested', { id: 'a' });
  });

  it('removes the handler and the event subscription when disposed', () => {
    const { dispose, ipc, listeners } = setup();
    dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
  });
});
