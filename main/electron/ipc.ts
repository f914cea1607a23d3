import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { toErrorBody } from '../../shared/errors.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallReply } from '../../shared/protocol.ts';
import type { CoreApi } from '../core/api.ts';
import { isAppUrl, type AppLocation } from './window.ts';

/** What the sender check needs of a frame (Electron's WebFrameMain has these). */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** What the sender check needs of an IPC event. */
export interface IpcEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

/** Decides whether an IPC call may reach the core. */
export type SenderCheck = (event: IpcEventLike) => boolean;

/** True when the frame is a main (top-level) frame showing our renderer. */
export function isTrustedSender(frame: FrameLike | null | undefined, app: AppLocation): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, app);
}

/**
 * A sender check: the call must come from the web contents of one of our
 * windows, from its main frame, while that frame shows our renderer.
 */
export function createSenderCheck(app: AppLocation, ownWebContentsIds: () => Iterable<number>): SenderCheck {
  return (event) => {
    const ids = new Set(ownWebContentsIds());
    if (!event || !event.sender || !ids.has(event.sender.id)) return false;
    let frame: FrameLike | null;
    try {
      // senderFrame is null (or throws on older versions) once the frame navigated away or was destroyed.
      frame = event.senderFrame;
    } catch {
      return false;
    }
    return isTrustedSender(frame, app);
  };
}

/**
 * The one handler for every contract method: checks the sender, then hands the
 * call to the core, which parses the input with the method's schema. Never throws.
 */
export async function handleIpcCall(core: Pick<CoreApi, 'call'>, senderCheck: SenderCheck, event: IpcEventLike, method: unknown, params: unknown): Promise<CallReply> {
  let trusted = false;
  try {
    trusted = senderCheck(event);
  } catch {
    trusted = false;
  }
  if (!trusted) {
    return { ok: false, error: { code: 'permission', message: 'Refused a call from a page that is not the Kinexus Desktop window', action: 'Reopen Kinexus Desktop from the tray' } };
  }
  if (typeof method !== 'string' || method === '') {
    return { ok: false, error: { code: 'invalid_input', message: 'A call needs a method name', action: 'Report this as a bug' } };
  }
  try {
    return await core.call(method, params);
  } catch (err) {
    return { ok: false, error: toErrorBody(err) };
  }
}

/** What event forwarding needs of a window's web contents. */
export interface EventSink {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/** Sends one core event to every live target that still shows our renderer. */
export function forwardEvent(targets: Iterable<EventSink>, app: AppLocation, event: string, data: unknown): void {
  for (const target of targets) {
    if (target.isDestroyed() || !isAppUrl(target.getURL(), app)) continue;
    try {
      target.send(IPC_EVENT_CHANNEL, event, data);
    } catch (err) {
      console.error(`Kinexus Desktop: could not forward event "${event}" to the window:`, err);
    }
  }
}

/**
 * Wires the core to Electron IPC: one invoke handler for all methods and
 * event forwarding to our windows. Returns a function that undoes both.
 */
export function registerIpc(deps: {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  core: CoreApi;
  app: AppLocation;
  windows: () => Iterable<{ isDestroyed(): boolean; webContents: WebContents }>;
}): () => void {
  const liveContents = (): WebContents[] => [...deps.windows()].filter((win) => !win.isDestroyed()).map((win) => win.webContents);
  const ownIds = (): number[] => liveContents().filter((contents) => !contents.isDestroyed()).map((contents) => contents.id);
  const senderCheck = createSenderCheck(deps.app, ownIds);
  deps.ipcMain.handle(IPC_CALL_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, params: unknown) => handleIpcCall(deps.core, senderCheck, event, method, params));
  const unsubscribe = deps.core.onEvent((event, data) => {
    forwardEvent(liveContents(), deps.app, event, data);
  });
  return () => {
    unsubscribe();
    deps.ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
