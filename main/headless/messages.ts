import { toErrorBody, type ApiErrorBody } from '../../shared/errors.ts';
import { ClientMessage, type ServerMessage } from '../../shared/protocol.ts';
import type { CoreApi } from '../core/api.ts';

/** Reply id used when a malformed frame carried no usable call id (client ids are never negative). */
export const NO_CALL_ID = -1;

function invalid(id: number, message: string): ServerMessage {
  const error: ApiErrorBody = { code: 'invalid_input', message, action: 'Send {"type":"call","id":<n>,"method":"…","params":{…}}' };
  return { type: 'error', id, error };
}

/** Best-effort call id of a frame that failed validation, so the caller's pending call can still fail. */
function salvageId(value: unknown): number {
  if (value && typeof value === 'object' && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  }
  return NO_CALL_ID;
}

/**
 * Turns one WebSocket text frame into the reply to send back: the core's
 * result or error for a well-formed call, an invalid_input error otherwise.
 * Never throws.
 */
export async function answerFrame(core: CoreApi, frame: string): Promise<ServerMessage> {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return invalid(NO_CALL_ID, 'Invalid message: not JSON');
  }
  const parsed = ClientMessage.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
    return invalid(salvageId(value), `Invalid message: ${where}${issue?.message ?? 'unexpected shape'}`);
  }
  const { id, method, params } = parsed.data;
  try {
    const reply = await core.call(method, params);
    return reply.ok ? { type: 'result', id, result: reply.result } : { type: 'error', id, error: reply.error };
  } catch (err) {
    // CoreApi.call promises never to throw; if it does anyway the socket must survive it.
    return { type: 'error', id, error: toErrorBody(err) };
  }
}
