import { events, methods, type EventData, type EventName, type MethodInput, type MethodName, type MethodOutput } from '../../shared/contract.ts';
import { toErrorBody, type ApiErrorBody, type ErrorCode } from '../../shared/errors.ts';
import type { Transport } from '../../shared/protocol.ts';

/** An error reply of the API, thrown by ApiClient.call; `body` is what the core sent. */
export class ApiError extends Error {
  readonly body: ApiErrorBody;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.body = body;
  }
  get code(): ErrorCode {
    return this.body.code;
  }
  get action(): string | undefined {
    return this.body.action;
  }
}

/** The typed face of the API contract the views use; knows nothing of IPC or WebSockets. */
export interface ApiClient {
  /** Calls a method; resolves with its parsed output or throws an ApiError. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Listens to one pushed event; data that does not match the contract is dropped. Returns unsubscribe. */
  on<E extends EventName>(event: E, cb: (data: EventData<E>) => void): () => void;
}

/** Builds the client over any transport (the Electron bridge or the headless WebSocket). */
export function createApiClient(transport: Transport): ApiClient {
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let reply;
      try {
        reply = await transport.call(method, input);
      } catch (err) {
        // Transports promise replies, not throws; a bridge that throws still gets a typed error.
        throw new ApiError(toErrorBody(err));
      }
      if (!reply.ok) throw new ApiError(reply.error);
      // The core is trusted, but a version skew between UI and core must fail loudly, not render garbage.
      const parsed = methods[method].output.safeParse(reply.result);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
        throw new ApiError({ code: 'internal', message: `Unexpected reply to ${method}${where}: ${issue?.message ?? 'wrong shape'}`, action: 'Restart Kinexus so the window and the core match' });
      }
      return parsed.data as MethodOutput<M>;
    },

    on<E extends EventName>(event: E, cb: (data: EventData<E>) => void): () => void {
      const schema = events[event];
      return transport.onEvent((name, data) => {
        if (name !== event) return;
        const parsed = schema.safeParse(data);
        if (parsed.success) cb(parsed.data as EventData<E>);
      });
    },
  };
}
