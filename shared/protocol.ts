import { z } from 'zod';
import { ApiErrorBody } from './errors.ts';

/** Messages of the loopback WebSocket between the renderer and the headless host. */
export const ClientMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: ApiErrorBody }),
  z.object({ type: z.literal('event'), event: z.string(), data: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

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
