import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../shared/protocol.ts';

// app.ts is wiring only, and the real 'electron' module cannot load here (no
// binary). These tests run it against a small stand-in of the Electron APIs
// it uses, to check the wiring: lock, core, window, tray, IPC and quitting.

type Listener = (...args: any[]) => void;

const h = vi.hoisted(() => ({ current: null as any }));

vi.mock('electron', () => {
  const forward = (key: string) => new Proxy({}, { get: (_target, prop) => h.current[key][prop] });
  return {
    app: forward('app'),
    ipcMain: forward('ipcMain'),
    dialog: forward('dialog'),
    shell: forward('shell'),
    Menu: forward('Menu'),
    nativeImage: forward('nativeImage'),
    session: forward('session'),
    BrowserWindow: function BrowserWindow(options: unknown) {
      return new h.current.BrowserWindow(options);
    },
    Tray: function Tray(icon: unknown) {
      return new h.current.Tray(icon);
    },
    Notification: Object.assign(
      function Notification(options: unknown) {
        return new h.current.Notification(options);
      },
      { isSupported: () => true },
    ),
    powerMonitor: forward('powerMonitor'),
    net: forward('net'),
  };
});

vi.mock('../../../main/core/core.ts', () => ({ createCore: (options: unknown) => h.current.createCore(options) }));

function emitter() {
  const listeners = new Map<string, Listener[]>();
  return {
    on(name: string, listener: Listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
    },
    emit(name: string, ...args: unknown[]) {
      for (const listener of listeners.get(name) ?? []) listener(...args);
    },
  };
}

function preventable() {
  return { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

/** A stand-in for the parts of Electron app.ts uses. */
function fakeElectron(opts: { lock?: boolean; trayFails?: boolean; coreFails?: boolean } = {}) {
  const appEvents = emitter();
  const windows: any[] = [];
  const trays: any[] = [];
  const ipcHandlers = new Map<string, Listener>();
  const coreListeners = new Set<Listener>();
  let nextId = 1;
  let quitting = false;
  const state = { quitDone: false };

  const health = [
    { integrationId: 'github-1', name: 'Acme GitHub', connector: 'github', state: 'healthy', summary: 'up to date', lastSuccessAt: new Date().toISOString(), lastAttemptAt: null, consecutiveFailures: 0, nextRunAt: null, recordCount: 3, lastError: null, rateLimitedUntil: null, runningRunId: null },
  ];
  const status = { health, scheduler: { pausedAll: false, online: true, suspended: false }, settings: { notifications: true } };
  const core = {
    call: vi.fn(async (method: string, _params?: unknown) =>
      method === 'integrations.list' ? { ok: true, result: [] } : method === 'status.get' ? { ok: true, result: status } : method === 'automations.runnable' ? { ok: true, result: [] } : { ok: true, result: { method } },
    ),
    suspend: vi.fn(),
    resume: vi.fn(),
    setOnline: vi.fn(),
    onEvent: vi.fn((listener: Listener) => {
      coreListeners.add(listener);
      return () => void coreListeners.delete(listener);
    }),
    close: vi.fn(async () => undefined),
  };

  const app = {
    isPackaged: false,
    on: vi.fn((name: string, listener: Listener) => appEvents.on(name, listener)),
    emit: appEvents.emit,
    requestSingleInstanceLock: vi.fn(() => opts.lock ?? true),
    whenReady: vi.fn(async () => undefined),
    getPath: vi.fn(() => '/home/me/.config/Kinexus Desktop'),
    getAppPath: vi.fn(() => '/app'),
    setPath: vi.fn(),
    setAppUserModelId: vi.fn(),
    exit: vi.fn(),
    quit: vi.fn(() => {
      const event = preventable();
      appEvents.emit('before-quit', event);
      if (event.defaultPrevented) return;
      quitting = true;
      for (const win of [...windows]) if (!win.destroyed) win.close();
      state.quitDone = windows.every((w) => w.destroyed);
    }),
  };

  class BrowserWindow {
    readonly events = emitter();
    destroyed = false;
    visible = false;
    minimized = false;
    url = '';
    readonly webContents: any;
    constructor(readonly options: any) {
      const self = this;
      this.webContents = {
        id: nextId++,
        isDestroyed: () => self.destroyed,
        getURL: () => self.url,
        send: vi.fn(),
        on: vi.fn(),
        setWindowOpenHandler: vi.fn(),
      };
      windows.push(this);
      appEvents.emit('web-contents-created', preventable(), this.webContents);
    }
    on(name: string, listener: Listener) { this.events.on(name, listener); return this; }
    once(name: string, listener: Listener) { this.events.on(name, listener); return this; }
    loadFile = vi.fn(async (file: string) => { this.url = pathToFileURL(file).href; });
    loadURL = vi.fn(async (url: string) => { this.url = url; });
    show = vi.fn(() => { this.visible = true; });
    hide = vi.fn(() => { this.visible = false; });
    focus = vi.fn();
    restore = vi.fn(() => { this.minimized = false; });
    isMinimized = () => this.minimized;
    isDestroyed = () => this.destroyed;
    close() {
      const event = preventable();
      this.events.emit('close', event);
      if (event.defaultPrevented) return;
      this.destroyed = true;
      this.events.emit('closed');
      if (!quitting && windows.every((w) => w.destroyed)) appEvents.emit('window-all-closed');
    }
  }

  const notifications: any[] = [];
  class Notification {
    readonly events = emitter();
    shown = false;
    constructor(readonly options: any) {
      notifications.push(this);
    }
    on(name: string, listener: Listener) { this.events.on(name, listener); return this; }
    show() { this.shown = true; }
  }
  const powerEvents = emitter();

  class Tray {
    menu: any[] = [];
    setImage = vi.fn();
    setToolTip = vi.fn();
    setContextMenu = vi.fn((menu: any[]) => { this.menu = menu; });
    on = vi.fn();
    constructor(readonly icon: unknown) {
      if (opts.trayFails) throw new Error('no status area');
      trays.push(this);
    }
    click(label: string) { this.menu.find((i) => i.label === label).click(); }
  }

  return {
    app,
    state,
    windows,
    trays,
    notifications,
    Notification,
    health,
    powerMonitor: { on: (name: string, l: Listener) => powerEvents.on(name, l), emit: powerEvents.emit },
    net: { isOnline: vi.fn(() => true) },
    core,
    coreListeners,
    ipcHandlers,
    BrowserWindow,
    Tray,
    createCore: vi.fn(async () => {
      if (opts.coreFails) throw new Error('database is locked');
      return core;
    }),
    ipcMain: {
      handle: vi.fn((channel: string, handler: Listener) => void ipcHandlers.set(channel, handler)),
      removeHandler: vi.fn((channel: string) => void ipcHandlers.delete(channel)),
    },
    dialog: { showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(async () => undefined) },
    Menu: { buildFromTemplate: (template: unknown[]) => template },
    nativeImage: { createEmpty: () => ({ addRepresentation: vi.fn() }) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
  };
}

type Fake = ReturnType<typeof fakeElectron>;
const signals = ['SIGINT', 'SIGTERM'] as const;
let before: Record<string, Function[]>;

async function start(opts: Parameters<typeof fakeElectron>[0] = {}, ready = true): Promise<Fake> {
  const fake = fakeElectron(opts);
  h.current = fake;
  vi.resetModules();
  await import('../../../main/electron/app.ts');
  if (ready) await vi.waitFor(() => expect(fake.trays).toHaveLength(1));
  return fake;
}

beforeEach(() => {
  vi.stubEnv('KINEXUS_DATA_DIR', '');
  vi.stubEnv('KINEXUS_DEV_SERVER_URL', '');
  before = Object.fromEntries(signals.map((s) => [s, process.listeners(s)]));
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const s of signals) for (const l of process.listeners(s)) if (!before[s].includes(l)) process.removeListener(s, l as never);
});

describe('Electron app wiring', () => {
  it('quits at once, without a core or window, when another instance holds the lock', async () => {
    const fake = await start({ lock: false }, false);
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.createCore).not.toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
  });

  it("creates the core in Electron's userData directory and opens one hardened window", async () => {
    const fake = await start();
    expect(fake.createCore).toHaveBeenCalledWith(expect.objectContaining({ dataDir: '/home/me/.config/Kinexus Desktop', scheduler: true }));
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0];
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(win.options.webPreferences.preload).toMatch(/preload[/\\]preload\.cjs$/);
    expect(win.loadFile.mock.calls[0][0]).toMatch(/renderer[/\\]index\.html$/);
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalled();
    expect(fake.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(fake.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
  });

  it('uses KINEXUS_DATA_DIR for the core and for userData, so the single-instance lock follows it', async () => {
    vi.stubEnv('KINEXUS_DATA_DIR', '/tmp/kx-data');
    const fake = await start();
    expect(fake.app.setPath).toHaveBeenCalledWith('userData', path.resolve('/tmp/kx-data'));
    expect(fake.createCore).toHaveBeenCalledWith(expect.objectContaining({ dataDir: path.resolve('/tmp/kx-data') }));
  });

  it('focuses the first window on a second launch', async () => {
    const fake = await start();
    const win = fake.windows[0];
    win.minimized = true;
    fake.app.emit('second-instance', preventable(), []);
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(fake.windows).toHaveLength(1);
  });

  it('hides the window to the tray when it is closed', async () => {
    const fake = await start();
    const win = fake.windows[0];
    win.visible = true;
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.hide).toHaveBeenCalled();
    expect(fake.app.quit).not.toHaveBeenCalled();
  });

  it('reopens the hidden window from the tray', async () => {
    const fake = await start();
    fake.windows[0].close();
    fake.trays[0].click('Open Kinexus');
    expect(fake.windows[0].visible).toBe(true);
  });

  it('closes the core before quitting from the tray', async () => {
    const fake = await start();
    fake.trays[0].click('Quit');
    await vi.waitFor(() => expect(fake.state.quitDone).toBe(true));
    expect(fake.core.close).toHaveBeenCalledTimes(1);
    expect(fake.windows[0].destroyed).toBe(true);
    expect(fake.ipcHandlers.size).toBe(0);
    expect(fake.coreListeners.size).toBe(0);
  });

  it('quits when the window is closed and no tray could be created', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fake = await start({ trayFails: true }, false);
    await vi.waitFor(() => expect(warn).toHaveBeenCalled());
    expect(fake.windows).toHaveLength(1);
    fake.windows[0].close();
    expect(fake.windows[0].destroyed).toBe(true);
    expect(fake.app.quit).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.core.close).toHaveBeenCalled());
  });

  it('answers renderer calls from the window through the core and refuses other frames', async () => {
    const fake = await start();
    const win = fake.windows[0];
    const handler = fake.ipcHandlers.get(IPC_CALL_CHANNEL)!;
    const ok = await handler({ sender: { id: win.webContents.id }, senderFrame: { url: win.url, parent: null } }, 'runs.list', {});
    expect(ok).toEqual({ ok: true, result: { method: 'runs.list' } });
    const refused = await handler({ sender: { id: win.webContents.id }, senderFrame: { url: win.url, parent: {} } }, 'runs.list', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'permission' } });
  });

  it('pushes core events to the window', async () => {
    const fake = await start();
    for (const listener of fake.coreListeners) listener('integrations.changed', { ids: ['a'] });
    expect(fake.windows[0].webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'integrations.changed', { ids: ['a'] });
  });

  it('renders the tray from core health: icon, tooltip in words, a submenu per integration', async () => {
    const fake = await start();
    const tray = fake.trays[0];
    await vi.waitFor(() => expect(tray.setToolTip).toHaveBeenLastCalledWith(expect.stringMatching(/^1 integration healthy · last sync just now$/)));
    expect(tray.setImage).toHaveBeenCalled();
    expect(tray.menu.map((i: any) => i.label ?? i.type)).toEqual(expect.arrayContaining(['Sync all now', 'Acme GitHub — healthy', 'Pause syncing', 'Open Kinexus', 'Quit']));
    tray.click('Sync all now');
    await vi.waitFor(() => expect(fake.core.call).toHaveBeenCalledWith('sync.runAll', { trigger: 'tray' }));
  });

  it('shows one OS notification when an integration gets worse; clicking it opens the window', async () => {
    const fake = await start();
    await vi.waitFor(() => expect(fake.trays[0].setToolTip).toHaveBeenCalledTimes(2));
    const failing = { ...fake.health[0], state: 'needs_credentials', lastError: { code: 'auth', message: 'GitHub rejected the credentials (401)', action: 'Reconnect GitHub' } };
    for (const l of fake.coreListeners) l('health.changed', { health: failing, previous: 'healthy' });
    for (const l of fake.coreListeners) l('health.changed', { health: failing, previous: 'syncing' });
    expect(fake.notifications).toHaveLength(1);
    expect(fake.notifications[0].options.title).toBe('Acme GitHub: reconnect needed');
    expect(fake.notifications[0].shown).toBe(true);
    fake.windows[0].close();
    fake.notifications[0].events.emit('click');
    expect(fake.windows[0].visible).toBe(true);
    expect(fake.windows[0].webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'shell.openIntegration', { integrationId: 'github-1' });
  });

  it('passes sleep, wake and network state to the core', async () => {
    const fake = await start();
    await vi.waitFor(() => expect(fake.core.setOnline).toHaveBeenCalledWith(true));
    fake.powerMonitor.emit('suspend');
    fake.powerMonitor.emit('resume');
    expect(fake.core.suspend).toHaveBeenCalledOnce();
    expect(fake.core.resume).toHaveBeenCalledOnce();
  });

  it('shows an error and exits when the core cannot start', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fake = await start({ coreFails: true }, false);
    await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(1));
    expect(fake.dialog.showErrorBox.mock.calls[0][1]).toContain('database is locked');
    expect(fake.windows).toHaveLength(0);
  });
});
