import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES } from '../../shared/csp.ts';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/** Where the renderer is served from: the built index.html, or vite's dev server. */
export type AppLocation = { kind: 'file'; indexUrl: string } | { kind: 'dev'; origin: string; url: string };

/** The renderer's location: the dev server when one is given, else the built index file. */
export function appLocation(opts: { indexFile: string; devServerUrl?: string }): AppLocation {
  if (opts.devServerUrl) {
    const url = new URL(opts.devServerUrl);
    return { kind: 'dev', origin: url.origin, url: url.href };
  }
  return { kind: 'file', indexUrl: pathToFileURL(opts.indexFile).href };
}

/**
 * True when `url` is our renderer: the exact index file (any query or hash)
 * for a packaged build, or the dev server's origin in development.
 */
export function isAppUrl(url: unknown, app: AppLocation): boolean {
  if (typeof url !== 'string' || url === '') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (app.kind === 'dev') return parsed.origin === app.origin;
  const index = new URL(app.indexUrl);
  if (parsed.protocol !== 'file:' || parsed.host !== index.host) return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  // Windows drive letters come back in either case.
  const windowsPath = /^\/[A-Za-z]:\//.test(index.pathname);
  return windowsPath ? parsed.pathname.toLowerCase() === index.pathname.toLowerCase() : parsed.pathname === index.pathname;
}

/** Navigation of our window is allowed only to our own renderer. */
export function shouldAllowNavigation(url: string, app: AppLocation): boolean {
  return isAppUrl(url, app);
}

/** The main window's options: isolated, sandboxed, no Node in the page. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Kinexus Desktop',
    width: 1180,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * The renderer's Content-Security-Policy. In development vite injects styles
 * and keeps a websocket to its own origin, so only those two are widened.
 */
export function contentSecurityPolicy(app?: AppLocation): string {
  const dev = app?.kind === 'dev' ? app : undefined;
  const wsOrigin = dev ? dev.origin.replace(/^http/, 'ws') : '';
  if (!dev) return CONTENT_SECURITY_POLICY;
  return CSP_DIRECTIVES.map((d) => (d.startsWith('style-src') ? "style-src 'self' 'unsafe-inline'" : d.startsWith('connect-src') ? `connect-src 'self' ${wsOrigin}` : d)).join('; ');
}

/** Response headers with ours as the only CSP (any CSP the response carried is dropped). */
export function withContentSecurityPolicy(headers: Record<string, string | string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [csp];
  out['X-Content-Type-Options'] = ['nosniff'];
  return out;
}

/**
 * Locks down a session: every permission request and check is denied, and
 * every response gets our CSP.
 */
export function hardenSession(session: Session, csp: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
  });
}

/**
 * Locks down any web contents: navigation away from our renderer and new
 * windows are denied (allowed external links go to the OS browser), and
 * webviews are never attached.
 */
export function hardenWebContents(contents: WebContents, app: AppLocation, openExternal: (url: string) => Promise<boolean>): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (shouldAllowNavigation(url, app)) return;
    event.preventDefault();
    void openExternal(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

/** Creates the main window and loads the renderer; the window shows once painted. */
export function createMainWindow(deps: {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  app: AppLocation;
  indexFile: string;
}): BrowserWindow {
  const win = new deps.BrowserWindow(windowOptions(deps.preloadPath));
  win.once('ready-to-show', () => win.show());
  const loading = deps.app.kind === 'dev' ? win.loadURL(deps.app.url) : win.loadFile(deps.indexFile);
  loading.catch((err: unknown) => console.error('Kinexus Desktop: the window could not load its page:', err));
  return win;
}
