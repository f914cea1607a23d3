import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallReply, type Transport } from '../shared/transport.ts';

/**
 * The part of Electron's ipcRenderer the bridge uses. Injected so the bridge
 * is a plain function testable in Node with a fake.
 */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds the object the preload exposes to the renderer: exactly a Transport.
 * Neither ipcRenderer nor the IpcRendererEvent (whose `sender` is ipcRenderer)
 * ever reaches the renderer; listeners get only the event name and its data.
 */
export function createBridge(ipc: IpcRendererLike): Transport {
  const bridge: Transport = {
    async call(method: string, params: unknown): Promise<CallReply> {
      if (typeof method !== 'string' || method === '') {
        return { ok: false, error: { code: 'invalid_input', message: 'A call needs a method name', action: 'Report this as a bug' } };
      }
      try {
        return toReply(await ipc.invoke(IPC_CALL_CHANNEL, method, params));
      } catch (err) {
        // invoke rejects only when the main process had no handler or could not clone the reply.
        const message = err instanceof Error ? err.message : String(err);
        return { ok: false, error: { code: 'internal', message: `The app's main process did not answer: ${message}`, action: 'Restart Kinexus Desktop' } };
      }
    },
    onEvent(listener: (event: string, data: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function');
      const wrapped = (_event: unknown, name: unknown, data: unknown): void => {
        if (typeof name === 'string') listener(name, data);
      };
      ipc.on(IPC_EVENT_CHANNEL, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(IPC_EVENT_CHANNEL, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}

/** Passes a well-formed reply through; anything else becomes an internal error reply. */
function toReply(value: unknown): CallReply {
  if (value && typeof value === 'object' && 'ok' in value) {
    const reply = value as { ok: unknown; result?: unknown; error?: unknown };
    if (reply.ok === true) return { ok: true, result: reply.result };
    if (reply.ok === false && isErrorBody(reply.error)) return { ok: false, error: reply.error };
  }
  return { ok: false, error: { code: 'internal', message: 'The main process sent a malformed reply', action: 'Restart Kinexus Desktop' } };
}

function isErrorBody(value: unknown): value is Extract<CallReply, { ok: false }>['error'] {
  return !!value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string' && typeof (value as { message?: unknown }).message === 'string';
}
