import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { appPaths, createQuitGuard, devServerUrl, resolveDataDir, revealWindow, shouldHideOnClose } from '../../../main/electron/lifecycle.ts';

describe('resolveDataDir', () => {
  it("uses Electron's userData path by default", () => {
    expect(resolveDataDir({}, '/home/me/.config/Kinexus Desktop')).toBe('/home/me/.config/Kinexus Desktop');
  });

  it('lets KINEXUS_DATA_DIR override it, resolved to an absolute path', () => {
    expect(resolveDataDir({ KINEXUS_DATA_DIR: 'rel/data' }, '/ignored')).toBe(path.resolve('rel/data'));
  });

  it('ignores a blank KINEXUS_DATA_DIR', () => {
    expect(resolveDataDir({ KINEXUS_DATA_DIR: '  ' }, '/user')).toBe('/user');
  });
});

describe('devServerUrl', () => {
  it('is honoured only in an unpackaged app', () => {
    expect(devServerUrl({ KINEXUS_DEV_SERVER_URL: 'http://localhost:5173' }, false)).toBe('http://localhost:5173/');
    expect(devServerUrl({ KINEXUS_DEV_SERVER_URL: 'http://localhost:5173' }, true)).toBeUndefined();
  });

  it('refuses a non-loopback or non-http dev server', () => {
    for (const url of ['http://evil.example:5173', 'file:///tmp/index.html', 'http://user@localhost:5173', 'not a url', '']) {
      expect(devServerUrl({ KINEXUS_DEV_SERVER_URL: url }, false), url).toBeUndefined();
    }
  });

  it('is undefined when unset', () => {
    expect(devServerUrl({}, false)).toBeUndefined();
  });
});

describe('appPaths', () => {
  it('finds the preload and the renderer next to the bundled main script', () => {
    const root = path.resolve('/opt/app');
    const paths = appPaths(pathToFileURL(path.join(root, 'dist/main/electron/app.js')).href);
    expect(paths).toEqual({ preloadPath: path.join(root, 'dist/preload/preload.cjs'), indexFile: path.join(root, 'dist/renderer/index.html') });
  });
});

/** A BrowserWindow stand-in for revealWindow. */
function fakeWindow(state: { minimized?: boolean; destroyed?: boolean } = {}) {
  return {
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    restore: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
  };
}

describe('revealWindow', () => {
  it('shows and focuses a hidden window (second launch focuses the first window)', () => {
    const win = fakeWindow();
    expect(revealWindow(win)).toBe(true);
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(win.restore).not.toHaveBeenCalled();
  });

  it('restores a minimized window first', () => {
    const win = fakeWindow({ minimized: true });
    revealWindow(win);
    expect(win.restore).toHaveBeenCalled();
  });

  it('reports a missing or destroyed window so the caller creates a new one', () => {
    expect(revealWindow(null)).toBe(false);
    const dead = fakeWindow({ destroyed: true });
    expect(revealWindow(dead)).toBe(false);
    expect(dead.show).not.toHaveBeenCalled();
  });
});

describe('shouldHideOnClose', () => {
  it('hides to the tray when a tray exists and the app is not quitting', () => {
    expect(shouldHideOnClose({ quitting: false, hasTray: true })).toBe(true);
  });

  it('really closes when there is no tray to reopen the window from', () => {
    expect(shouldHideOnClose({ quitting: false, hasTray: false })).toBe(false);
  });

  it('really closes while quitting', () => {
    expect(shouldHideOnClose({ quitting: true, hasTray: true })).toBe(false);
  });
});

describe('createQuitGuard', () => {
  const quitEvent = () => ({ preventDefault: vi.fn() });

  it('holds the first quit until the core has closed, then quits for real', async () => {
    let finishClose!: () => void;
    const closeCore = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const quit = vi.fn();
    const guard = createQuitGuard({ closeCore, quit });
    expect(guard.quitting).toBe(false);

    const first = quitEvent();
    guard.onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(guard.quitting).toBe(true);
    expect(closeCore).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();

    finishClose();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));

    const second = quitEvent();
    guard.onBeforeQuit(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });

  it('closes the core only once when quit is requested repeatedly', async () => {
    const closeCore = vi.fn(() => new Promise<void>(() => undefined));
    const guard = createQuitGuard({ closeCore, quit: vi.fn(), timeoutMs: 60_000 });
    guard.onBeforeQuit(quitEvent());
    const again = quitEvent();
    guard.onBeforeQuit(again);
    expect(again.preventDefault).toHaveBeenCalled();
    expect(closeCore).toHaveBeenCalledTimes(1);
  });

  it('still quits when closing the core fails, and reports the error', async () => {
    const quit = vi.fn();
    const onError = vi.fn();
    const guard = createQuitGuard({ closeCore: async () => { throw new Error('db busy'); }, quit, onError });
    guard.onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(quit).toHaveBeenCalled());
    expect(onError.mock.calls[0][0]).toBeInstanceOf(Error);
  });

  it('still quits when closing the core hangs past the timeout', async () => {
    const quit = vi.fn();
    const onError = vi.fn();
    const guard = createQuitGuard({ closeCore: () => new Promise<void>(() => undefined), quit, onError, timeoutMs: 20 });
    guard.onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(quit).toHaveBeenCalled());
    expect(String(onError.mock.calls[0][0])).toContain('did not close');
  });

  it('quits even when closeCore throws synchronously', async () => {
    const quit = vi.fn();
    const guard = createQuitGuard({ closeCore: () => { throw new Error('sync'); }, quit });
    guard.onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(quit).toHaveBeenCalled());
  });
});
