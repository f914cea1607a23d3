import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KinexusError } from '../../shared/errors.ts';
import { cdpCall, cdpJson } from './cdp-client.ts';
import { endGroup, exited } from './processes.ts';

/**
 * The browser of an automation session belongs to the core, not to the SDK:
 * the core starts Chromium with a DevTools port, hands its endpoint to the
 * worker as `cdp_endpoint_url`, takes screenshots through it, and ends the
 * whole process group when the session ends, whatever the worker did.
 */

const CANDIDATES: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'],
};

/** The Chromium/Chrome to use: the explicit path, KINEXUS_CHROMIUM, or the first one installed. */
export function findChromium(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const p of [explicit, env.KINEXUS_CHROMIUM, ...(CANDIDATES[process.platform] ?? [])]) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

export interface BrowserOptions {
  executable: string;
  userDataDir: string;
  /** A profile the user keeps (signed-in sites): closed politely so Chromium saves it. */
  keepProfile?: boolean;
  headless: boolean;
  /** Where Chromium's own stdout/stderr go. */
  logFile: string;
  startTimeoutMs?: number;
}

export interface Browser {
  readonly pid: number;
  /** http://127.0.0.1:<port>: the DevTools endpoint. */
  readonly httpBase: string;
  readonly wsUrl: string;
  readonly child: ChildProcess;
  /** Ends the browser and everything it forked; resolves when none of it is left. */
  close(): Promise<void>;
}

/** Waits `ms`, keeping the process alive meanwhile (an awaited wait must not let Node exit under it). */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts Chromium with a DevTools port on loopback and waits until that port answers. */
export async function launchBrowser(o: BrowserOptions): Promise<Browser> {
  fs.mkdirSync(o.userDataDir, { recursive: true, mode: 0o700 });
  const portFile = path.join(o.userDataDir, 'DevToolsActivePort');
  // A profile reused across runs keeps the previous session's port file.
  fs.rmSync(portFile, { force: true });
  const args = [
    '--remote-debugging-port=0',
    `--user-data-dir=${o.userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--window-size=1600,900',
  ];
  if (o.headless) args.push('--headless=new', '--disable-gpu');
  // Chromium refuses to run as root with its sandbox on (containers, CI).
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  args.push('about:blank');
  const log = fs.openSync(o.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(o.executable, args, { detached: true, stdio: ['ignore', log, log] });
  } finally {
    fs.closeSync(log);
  }
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new KinexusError('config', `The browser ${o.executable} could not be started: ${err.message}.`, { action: 'Install Chromium or set KINEXUS_CHROMIUM to a Chrome/Chromium executable' })));
    child.once('exit', (code, signal) => reject(new KinexusError('internal', `The browser exited while starting (${signal ?? `code ${code}`}). Its log: ${tail(o.logFile)}`, { action: 'Run the automation again; if it keeps failing, open browser.log in the run folder' })));
  });
  failed.catch(() => undefined);
  const browser = (base: string, wsUrl: string): Browser => ({
    pid: child.pid!,
    httpBase: base,
    wsUrl,
    child,
    close: () => (o.keepProfile ? closeBrowser(child, wsUrl) : endGroup(child, 1000)),
  });
  try {
    const deadline = Date.now() + (o.startTimeoutMs ?? 20_000);
    for (;;) {
      const port = readPort(portFile);
      if (port) {
        const base = `http://127.0.0.1:${port}`;
        const version = await Promise.race([cdpJson<{ webSocketDebuggerUrl: string }>(base, '/json/version'), failed]);
        return browser(base, version.webSocketDebuggerUrl);
      }
      if (Date.now() > deadline) throw new KinexusError('internal', `The browser did not open its DevTools port within ${Math.round((o.startTimeoutMs ?? 20_000) / 1000)} s.`, { action: 'Close other Chromium windows using the same profile folder, then run the automation again' });
      await Promise.race([delay(50), failed]);
    }
  } catch (err) {
    await endGroup(child, 500);
    throw err;
  }
}

function readPort(file: string): string | null {
  try {
    const [port] = fs.readFileSync(file, 'utf8').split('\n');
    return port && /^\d+$/.test(port.trim()) ? port.trim() : null;
  } catch {
    return null;
  }
}

/** Asks the browser to close (so a signed-in profile is saved cleanly), then ends its group. */
async function closeBrowser(child: ChildProcess, wsUrl: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    await cdpCall(wsUrl, 'Browser.close', {}, 1500).catch(() => undefined);
    await Promise.race([exited(child), delay(1500)]);
  }
  await endGroup(child, 1500);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-400).trim() || '(empty)';
  } catch {
    return '(none)';
  }
}
