import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../core/data-dir.ts';

/** The data directory: KINEXUS_DATA_DIR when set, else Electron's userData path. */
export function resolveDataDir(env: NodeJS.ProcessEnv, userDataPath: string): string {
  const override = env.KINEXUS_DATA_DIR;
  return override && override.trim() !== '' ? defaultDataDir(env) : userDataPath;
}

/**
 * The vite dev server to load instead of the built renderer: only in an
 * unpackaged app, only from KINEXUS_DEV_SERVER_URL, and only on loopback.
 */
export function devServerUrl(env: NodeJS.ProcessEnv, isPackaged: boolean): string | undefined {
  const raw = env.KINEXUS_DEV_SERVER_URL;
  if (isPackaged || !raw || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

/**
 * Paths of the built preload and renderer, relative to the bundled main
 * script (dist/main/electron/app.js).
 */
export function appPaths(mainModuleUrl: string): { preloadPath: string; indexFile: string } {
  const here = path.dirname(fileURLToPath(mainModuleUrl));
  const dist = path.resolve(here, '..', '..');
  return {
    preloadPath: path.join(dist, 'preload', 'preload.cjs'),
    indexFile: path.join(dist, 'renderer', 'index.html'),
  };
}

/** What revealWindow needs of a BrowserWindow. */
export interface RevealableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Brings a window to the front: restores it if minimized, shows it if hidden. Returns false for a destroyed window. */
export function revealWindow(win: RevealableWindow | null | undefined): boolean {
  if (!win || win.isDestroyed()) return false;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return true;
}

/** Closing the window hides it to the tray, unless the app is quitting or there is no tray to reopen it from. */
export function shouldHideOnClose(state: { quitting: boolean; hasTray: boolean }): boolean {
  return state.hasTray && !state.quitting;
}

/**
 * Makes quitting wait for the core: the first `before-quit` is cancelled while
 * the core closes (bounded by a timeout), then `quit` is called again and let through.
 */
export function createQuitGuard(deps: {
  closeCore: () => Promise<void>;
  quit: () => void;
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}): { readonly quitting: boolean; onBeforeQuit(event: { preventDefault(): void }): void } {
  let state: 'running' | 'closing' | 'closed' = 'running';
  const timeoutMs = deps.timeoutMs ?? 5_000;
  return {
    get quitting() {
      return state !== 'running';
    },
    onBeforeQuit(event) {
      if (state === 'closed') return;
      event.preventDefault();
      if (state === 'closing') return;
      state = 'closing';
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the core did not close within ${timeoutMs} ms`)), timeoutMs);
      });
      let closing: Promise<void>;
      try {
        closing = Promise.resolve(deps.closeCore());
      } catch (err) {
        closing = Promise.reject(err);
      }
      Promise.race([closing, timeout])
        .catch((err: unknown) => deps.onError?.(err))
        .finally(() => {
          clearTimeout(timer);
          state = 'closed';
          deps.quit();
        });
    },
  };
}
