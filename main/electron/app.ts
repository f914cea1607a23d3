import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, session, shell, Tray } from 'electron';
import { methods } from '../../shared/contract.ts';
import { createCore, type Core } from '../core/core.ts';
import { allowedHostsFromIntegrations, createExternalOpener } from './external-links.ts';
import { registerIpc } from './ipc.ts';
import { appPaths, createQuitGuard, devServerUrl, resolveDataDir, revealWindow, shouldHideOnClose } from './lifecycle.ts';
import { TRAY_ICON_DATA_URLS, TRAY_TOOLTIP, trayMenuTemplate } from './tray.ts';
import { appLocation, contentSecurityPolicy, createMainWindow, hardenSession, hardenWebContents } from './window.ts';

// Wiring only. Every decision made here lives in a plain function of a
// sibling module and is tested in Node; this file cannot run without Electron.

const APP_ID = 'dev.kinexus.desktop';

// userData also keys the single-instance lock, so an overridden data dir is a separate instance.
if (process.env.KINEXUS_DATA_DIR?.trim()) app.setPath('userData', resolveDataDir(process.env, app.getPath('userData')));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main().catch((err: unknown) => fail('Kinexus Desktop could not start', err));
}

async function main(): Promise<void> {
  let core: Core | null = null;
  let win: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let disposeIpc: () => void = () => undefined;
  let createWindow: (() => BrowserWindow) | null = null;

  const quitGuard = createQuitGuard({
    closeCore: async () => {
      disposeIpc();
      await core?.close();
    },
    quit: () => app.quit(),
    onError: (err) => console.error('Kinexus Desktop: the core did not close cleanly:', err),
  });

  const showMainWindow = (): void => {
    if (revealWindow(win) || !createWindow) return;
    win = createWindow();
  };

  app.on('before-quit', (event) => quitGuard.onBeforeQuit(event));
  app.on('second-instance', () => showMainWindow());
  app.on('activate', () => showMainWindow());
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const { preloadPath, indexFile } = appPaths(import.meta.url);
  const location = appLocation({ indexFile, devServerUrl: devServerUrl(process.env, app.isPackaged) });
  const openExternal = createExternalOpener({
    allowedHosts: async () => {
      if (!core) return [];
      const reply = await core.call('integrations.list', {});
      const parsed = reply.ok ? methods['integrations.list'].output.safeParse(reply.result) : null;
      return parsed?.success ? allowedHostsFromIntegrations(parsed.data) : [];
    },
    open: (url) => shell.openExternal(url),
    onRefused: (url) => console.warn(`Kinexus Desktop: refused to open a link outside the configured hosts (${safeOrigin(url)})`),
  });
  hardenSession(session.defaultSession, contentSecurityPolicy(location));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, location, openExternal));

  const dataDir = resolveDataDir(process.env, app.getPath('userData'));
  core = await createCore({ dataDir });
  disposeIpc = registerIpc({ ipcMain, core, app: location, windows: () => (win ? [win] : []) });

  createWindow = () => {
    const created = createMainWindow({ BrowserWindow, preloadPath, app: location, indexFile });
    created.on('close', (event) => {
      if (!shouldHideOnClose({ quitting: quitGuard.quitting, hasTray: tray !== null })) return;
      event.preventDefault();
      created.hide();
    });
    created.on('closed', () => {
      if (win === created) win = null;
    });
    return created;
  };
  win = createWindow();

  try {
    tray = createTray({ open: showMainWindow, quit: () => app.quit() });
  } catch (err) {
    // Without a tray, closing the window quits the app (see shouldHideOnClose).
    console.warn('Kinexus Desktop: no system tray available:', err);
  }
}

function createTray(actions: { open: () => void; quit: () => void }): Tray {
  const icon = nativeImage.createEmpty();
  icon.addRepresentation({ scaleFactor: 1, dataURL: TRAY_ICON_DATA_URLS.x1 });
  icon.addRepresentation({ scaleFactor: 2, dataURL: TRAY_ICON_DATA_URLS.x2 });
  const tray = new Tray(icon);
  tray.setToolTip(TRAY_TOOLTIP);
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(actions)));
  tray.on('click', () => actions.open());
  return tray;
}

function fail(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`${title}:`, err);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

/** Only the origin of a refused URL is logged: paths and queries may carry tokens. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'not a URL';
  }
}
