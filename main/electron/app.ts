import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, net, Notification, powerMonitor, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { methods } from '../../shared/contract.ts';
import { createCore, type Core } from '../core/core.ts';
import { allowedHostsFromIntegrations, createExternalOpener } from './external-links.ts';
import { registerIpc } from './ipc.ts';
import { appPaths, createQuitGuard, devServerUrl, resolveDataDir, revealWindow, shouldHideOnClose } from './lifecycle.ts';
import { IPC_EVENT_CHANNEL } from '../../shared/transport.ts';
import { protectStdout, runStdioServer } from '../mcp/stdio.ts';
import { LinuxAutostart } from './autostart.ts';
import { ShellController } from './shell-controller.ts';
import { trayIconPng } from './tray-icons.ts';
import type { TrayItem, TrayModel } from './tray-model.ts';
import { TRAY_ICON_DATA_URLS, TRAY_TOOLTIP, trayMenuTemplate } from './tray.ts';
import { appLocation, contentSecurityPolicy, createMainWindow, hardenSession, hardenWebContents } from './window.ts';

// Wiring only. Every decision made here lives in a plain function of a
// sibling module and is tested in Node; this file cannot run without Electron.

const APP_ID = 'dev.kinexus.desktop';

// userData also keys the single-instance lock, so an overridden data dir is a separate instance.
if (process.env.KINEXUS_DATA_DIR?.trim()) app.setPath('userData', resolveDataDir(process.env, app.getPath('userData')));

if (process.argv.includes('--mcp-stdio')) {
  // Launched by an MCP client: serve the mirror over stdio, read-only, with no window or tray.
  void serveMcpStdio();
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main().catch((err: unknown) => fail('Kinexus Desktop could not start', err));
}

async function serveMcpStdio(): Promise<void> {
  protectStdout();
  try {
    await runStdioServer({ dataDir: resolveDataDir(process.env, app.getPath('userData')) });
    app.exit(0);
  } catch (err) {
    process.stderr.write(`Kinexus MCP: ${err instanceof Error ? err.message : String(err)}\n`);
    app.exit(1);
  }
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
  core = await createCore({ dataDir, scheduler: true, mcp: {}, loginItem: loginItem(), openExternal: async (url) => void (await openExternal(url)) });
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
  // Started at login: stay in the tray until the user opens the window.
  if (!process.argv.includes('--hidden')) win = createWindow();

  const openIntegration = (integrationId?: string): void => {
    showMainWindow();
    if (integrationId) win?.webContents.send(IPC_EVENT_CHANNEL, 'shell.openIntegration', { integrationId });
  };
  try {
    tray = createTray({ open: showMainWindow, quit: () => app.quit() });
  } catch (err) {
    // Without a tray, closing the window quits the app (see shouldHideOnClose).
    console.warn('Kinexus Desktop: no system tray available:', err);
  }
  if (tray) {
    const liveTray = tray;
    const controller: ShellController = new ShellController({
      core,
      renderTray: (model) => renderTray(liveTray, model, (action) => void controller.dispatch(action)),
      notify: (notice) => {
        if (!Notification.isSupported()) return;
        const n = new Notification({ title: notice.title, body: notice.body, silent: notice.kind === 'recovered' });
        n.on('click', () => openIntegration(notice.integrationId));
        n.show();
      },
      openWindow: openIntegration,
      quit: () => app.quit(),
      now: () => Date.now(),
      onError: (err) => console.warn('Kinexus Desktop:', err instanceof Error ? err.message : err),
    });
    await controller.start();
    powerMonitor.on('suspend', () => controller.power('suspend'));
    powerMonitor.on('resume', () => controller.power('resume'));
    // Electron's main process has no online/offline event; poll the OS view cheaply.
    const onlineTimer = setInterval(() => controller.setOnline(net.isOnline()), 30_000);
    onlineTimer.unref();
    controller.setOnline(net.isOnline());
    app.on('before-quit', () => {
      clearInterval(onlineTimer);
      controller.stop();
    });
  }
}

/** Launch at login: the OS login item on macOS and Windows, an XDG autostart entry on Linux. */
function loginItem(): { get(): boolean; set(enabled: boolean): void } {
  if (process.platform === 'linux') {
    // An AppImage must be started through its own file, not the extracted binary.
    const autostart = new LinuxAutostart(process.env.APPIMAGE || process.execPath, app.isPackaged ? [] : [app.getAppPath()]);
    return { get: () => autostart.isEnabled(), set: (enabled) => autostart.setEnabled(enabled) };
  }
  return {
    get: () => app.getLoginItemSettings().openAtLogin,
    set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] }),
  };
}

/** Renders the tray model: the icon for the overall state, the tooltip and the menu. */
function renderTray(tray: Tray, model: TrayModel, dispatch: (action: NonNullable<TrayItem['action']>) => void): void {
  const icon = nativeImage.createEmpty();
  icon.addRepresentation({ scaleFactor: 1, width: 16, height: 16, buffer: trayIconPng(model.icon, 16) });
  icon.addRepresentation({ scaleFactor: 2, width: 32, height: 32, buffer: trayIconPng(model.icon, 32) });
  tray.setImage(icon);
  tray.setToolTip(model.tooltip);
  const toTemplate = (items: TrayItem[]): MenuItemConstructorOptions[] =>
    items.map((i) =>
      i.separator
        ? { type: 'separator' }
        : { label: i.label, enabled: i.enabled ?? true, ...(i.submenu ? { submenu: toTemplate(i.submenu) } : {}), ...(i.action ? { click: () => dispatch(i.action!) } : {}) },
    );
  // Always attach the context menu: on Linux the click event is unreliable.
  tray.setContextMenu(Menu.buildFromTemplate(toTemplate(model.menu)));
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
