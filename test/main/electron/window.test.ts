import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  appLocation,
  contentSecurityPolicy,
  createMainWindow,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  shouldAllowNavigation,
  windowOptions,
  withContentSecurityPolicy,
} from '../../../main/electron/window.ts';

const INDEX = path.resolve('/opt/Kinexus Desktop/resources/app.asar/dist/renderer/index.html');
const FILE_APP = appLocation({ indexFile: INDEX });
const INDEX_URL = pathToFileURL(INDEX).href;
const DEV_APP = appLocation({ indexFile: INDEX, devServerUrl: 'http://localhost:5173/' });

describe('windowOptions', () => {
  it('isolates and sandboxes the renderer with no Node integration', () => {
    const prefs = windowOptions('/abs/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/abs/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('starts hidden so the window shows only once painted', () => {
    expect(windowOptions('/p').show).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  it('is the strict policy for the packaged renderer', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(contentSecurityPolicy(FILE_APP)).toBe(contentSecurityPolicy());
  });

  it('widens only style and the dev server websocket in development, never scripts', () => {
    const csp = contentSecurityPolicy(DEV_APP);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('withContentSecurityPolicy', () => {
  it('replaces any CSP the response carried, whatever its header case', () => {
    const out = withContentSecurityPolicy({ 'content-security-policy': ['default-src *'], 'Content-Security-Policy-Report-Only': ['x'], 'Content-Type': 'text/html' }, 'default-src \'self\'');
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"], 'X-Content-Type-Options': ['nosniff'] });
  });

  it('adds the CSP when the response had no headers', () => {
    expect(withContentSecurityPolicy(undefined, 'x')['Content-Security-Policy']).toEqual(['x']);
  });
});

describe('isAppUrl / shouldAllowNavigation', () => {
  it('allows the packaged index file, with or without a hash or query', () => {
    expect(isAppUrl(INDEX_URL, FILE_APP)).toBe(true);
    expect(shouldAllowNavigation(`${INDEX_URL}#/integrations`, FILE_APP)).toBe(true);
    expect(shouldAllowNavigation(`${INDEX_URL}?view=health`, FILE_APP)).toBe(true);
  });

  it('denies navigation to another local file', () => {
    expect(shouldAllowNavigation(pathToFileURL('/etc/passwd').href, FILE_APP)).toBe(false);
    expect(shouldAllowNavigation(INDEX_URL.replace('index.html', 'other.html'), FILE_APP)).toBe(false);
  });

  it('denies navigation to the web, including from the dev server to another origin', () => {
    expect(shouldAllowNavigation('https://github.com/', FILE_APP)).toBe(false);
    expect(shouldAllowNavigation('http://localhost:5174/', DEV_APP)).toBe(false);
    expect(shouldAllowNavigation('http://127.0.0.1:5173/', DEV_APP)).toBe(false);
  });

  it('allows any page of the dev server origin in development', () => {
    expect(shouldAllowNavigation('http://localhost:5173/integrations', DEV_APP)).toBe(true);
  });

  it('denies javascript:, data: and garbage', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', '', 'not a url', 'about:blank']) {
      expect(shouldAllowNavigation(url, FILE_APP), url).toBe(false);
    }
  });

  it('compares Windows drive letters case-insensitively', () => {
    const win = { kind: 'file' as const, indexUrl: 'file:///C:/Program%20Files/Kinexus/dist/renderer/index.html' };
    expect(isAppUrl('file:///c:/Program%20Files/Kinexus/dist/renderer/index.html', win)).toBe(true);
  });
});

/** A WebContents stand-in that records the handlers hardening installs. */
function fakeContents() {
  const handlers = new Map<string, (...args: any[]) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: vi.fn((name: string, handler: (...args: any[]) => void) => void handlers.set(name, handler)),
    setWindowOpenHandler: vi.fn((handler: typeof openHandler) => void (openHandler = handler)),
  };
  const navigate = (name: string, url: string) => {
    const event = { url, preventDefault: vi.fn() };
    handlers.get(name)!(event, url);
    return event;
  };
  return { contents: contents as unknown as WebContents, handlers, navigate, openWindow: (url: string) => openHandler!({ url }) };
}

describe('hardenWebContents', () => {
  it('denies navigation away from the app and offers the URL to the external opener', () => {
    const fake = fakeContents();
    const openExternal = vi.fn(async () => true);
    hardenWebContents(fake.contents, FILE_APP, openExternal);
    const event = fake.navigate('will-navigate', 'https://github.com/acme');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://github.com/acme');
  });

  it('lets in-app navigation through untouched', () => {
    const fake = fakeContents();
    const openExternal = vi.fn(async () => true);
    hardenWebContents(fake.contents, FILE_APP, openExternal);
    const event = fake.navigate('will-navigate', `${INDEX_URL}#/health`);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('denies redirects away from the app', () => {
    const fake = fakeContents();
    hardenWebContents(fake.contents, DEV_APP, async () => false);
    expect(fake.navigate('will-redirect', 'https://evil.example/').preventDefault).toHaveBeenCalled();
  });

  it('denies every new window and hands its URL to the external opener', () => {
    const fake = fakeContents();
    const openExternal = vi.fn(async () => false);
    hardenWebContents(fake.contents, FILE_APP, openExternal);
    expect(fake.openWindow('https://github.com/')).toEqual({ action: 'deny' });
    expect(fake.openWindow(INDEX_URL)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://github.com/');
  });

  it('never attaches a webview', () => {
    const fake = fakeContents();
    hardenWebContents(fake.contents, FILE_APP, async () => false);
    const event = { preventDefault: vi.fn() };
    fake.handlers.get('will-attach-webview')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('survives an external opener that rejects', async () => {
    const fake = fakeContents();
    hardenWebContents(fake.contents, FILE_APP, async () => { throw new Error('boom'); });
    expect(() => fake.navigate('will-navigate', 'https://github.com/')).not.toThrow();
    expect(() => fake.openWindow('https://github.com/')).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const s = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
    };
    return s;
  }

  it('denies every permission request, check and device request', () => {
    const s = fakeSession();
    hardenSession(s as unknown as Session, 'x');
    const callback = vi.fn();
    s.setPermissionRequestHandler.mock.calls[0][0]({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    for (const permission of ['notifications', 'clipboard-read', 'geolocation']) {
      expect(s.setPermissionCheckHandler.mock.calls[0][0]({}, permission)).toBe(false);
    }
    expect(s.setDevicePermissionHandler.mock.calls[0][0]({})).toBe(false);
  });

  it('puts our CSP on every response', () => {
    const s = fakeSession();
    hardenSession(s as unknown as Session, contentSecurityPolicy());
    const callback = vi.fn();
    s.webRequest.onHeadersReceived.mock.calls[0][0]({ responseHeaders: { 'Content-Security-Policy': ['default-src *'] } }, callback);
    expect(callback.mock.calls[0][0].responseHeaders['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
  });
});

describe('createMainWindow', () => {
  function fakeBrowserWindow() {
    const created: any[] = [];
    class FakeWindow {
      options: unknown;
      loadFile = vi.fn(async () => undefined);
      loadURL = vi.fn(async () => undefined);
      show = vi.fn();
      once = vi.fn((name: string, handler: () => void) => void (this.onceHandlers[name] = handler));
      onceHandlers: Record<string, () => void> = {};
      constructor(options: unknown) {
        this.options = options;
        created.push(this);
      }
    }
    return { BrowserWindow: FakeWindow as unknown as new (o: unknown) => BrowserWindow, created };
  }

  it('loads the built index file with the secure options and shows on ready-to-show', () => {
    const fake = fakeBrowserWindow();
    createMainWindow({ BrowserWindow: fake.BrowserWindow, preloadPath: '/dist/preload/preload.cjs', app: FILE_APP, indexFile: INDEX });
    const win = fake.created[0];
    expect(win.options).toEqual(windowOptions('/dist/preload/preload.cjs'));
    expect(win.loadFile).toHaveBeenCalledWith(INDEX);
    expect(win.loadURL).not.toHaveBeenCalled();
    expect(win.show).not.toHaveBeenCalled();
    win.onceHandlers['ready-to-show']();
    expect(win.show).toHaveBeenCalled();
  });

  it('loads the dev server URL in development', () => {
    const fake = fakeBrowserWindow();
    createMainWindow({ BrowserWindow: fake.BrowserWindow, preloadPath: '/p', app: DEV_APP, indexFile: INDEX });
    expect(fake.created[0].loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });
});
