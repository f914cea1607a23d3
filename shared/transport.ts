import type { ApiErrorBody } from './errors.ts';

// Zod-free on purpose: the sandboxed preload bundles this file, and should stay small.

/** Reply of one call over any transport: a result or an error body, never a thrown object. */
export type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/**
 * What a transport offers the renderer's API client. The preload bridge
 * (Electron IPC) and the WebSocket client both implement it.
 */
export interface Transport {
  call(method: string, params: unknown): Promise<CallReply>;
  onEvent(listener: (event: string, data: unknown) => void): () => void;
}

/** IPC channel names used by preload and the Electron main process. */
export const IPC_CALL_CHANNEL = 'kinexus:call';
export const IPC_EVENT_CHANNEL = 'kinexus:event';
/** Name of the object the preload exposes on window. */
export const BRIDGE_GLOBAL = 'kinexus';
/** Query parameter carrying the headless host's session token. */
export const TOKEN_PARAM = 'token';
/** WebSocket path of the headless host. */
export const WS_PATH = '/api/ws';
