import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, IPC_CALL_CHANNEL } from '../../shared/protocol.ts';

// The real 'electron' module cannot load without the Electron binary; the
// preload is wiring only, so a stand-in shows what it exposes.
const { exposed, ipcRenderer } = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  ipcRenderer: {
    invoke: vi.fn(async () => ({ ok: true, result: null })),
    on: vi.fn(),
    removeListener: vi.fn(),
    send: vi.fn(),
    sendSync: vi.fn(),
  },
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => void (exposed[key] = api)) },
  ipcRenderer,
}));

describe('preload script', () => {
  beforeEach(async () => {
    await import('../../preload/preload.ts');
  });

  it('exposes exactly one global, the bridge, under BRIDGE_GLOBAL', () => {
    expect(Object.keys(exposed)).toEqual([BRIDGE_GLOBAL]);
    expect(Object.keys(exposed[BRIDGE_GLOBAL] as object).sort()).toEqual(['call', 'onEvent']);
  });

  it('does not leak ipcRenderer or its send methods through the bridge', () => {
    const bridge = exposed[BRIDGE_GLOBAL] as Record<string, unknown>;
    expect(Object.values(bridge)).not.toContain(ipcRenderer);
    expect(bridge).not.toHaveProperty('send');
    expect(bridge).not.toHaveProperty('invoke');
  });

  it('routes bridge calls to ipcRenderer.invoke on the call channel', async () => {
    const bridge = exposed[BRIDGE_GLOBAL] as { call(m: string, p: unknown): Promise<unknown> };
    await bridge.call('status.get', {});
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CALL_CHANNEL, 'status.get', {});
  });
});
