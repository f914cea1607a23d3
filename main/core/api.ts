import type { CallReply } from '../../shared/protocol.ts';

/**
 * What every transport (Electron IPC, headless WebSocket, CLI) needs from the
 * core: a generic call that parses input with the contract's schema and never
 * throws, and a stream of pushed events.
 */
export interface CoreApi {
  /** Calls a contract method. Unknown methods and bad input come back as error replies. */
  call(method: string, params: unknown): Promise<CallReply>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: string, data: unknown) => void): () => void;
}
