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

export { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, BRIDGE_GLOBAL, TOKEN_PARAM, WS_PATH, type CallReply, type Transport } from './transport.ts';
