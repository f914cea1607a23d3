/**
 * `npm run demo`: the dashboard with real syncs, logs and search, no account
 * needed. Starts the emulators of test/emulators/ with generated data,
 * configures one integration for each, and serves the dashboard. Everything
 * lives in a temporary directory with an in-memory secret store: the user's
 * keychain and Kinexus data are never touched. Ctrl+C stops it all.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../../main/core/core.ts';
import { startHeadlessHost, type HeadlessHost } from '../../main/headless/host.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { testDispatcher } from '../emulators/microsoft/server.ts';
import { DEMO_ENTRIES, type DemoEntry, type RunningDemoSource } from './demo-entries.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DemoOptions {
  port?: number;
  rendererDir?: string;
  entries?: DemoEntry[];
  /** Minutes between scheduled syncs (short, so a newcomer sees them happen). */
  intervalMinutes?: number;
  /** How long the demo "user" takes to enter a device code. */
  approveAfterMs?: number;
  log?: (line: string) => void;
}

export interface Demo {
  url: string;
  dataDir: string;
  core: Core;
  host: HeadlessHost;
  sources: RunningDemoSource[];
  /** Connectors of the table this build does not have yet. */
  skipped: string[];
  close(): Promise<void>;
}

/** Starts emulators, a core on a temporary data dir with in-memory secrets, the scheduler and the headless host. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? (() => undefined);
  const rendererDir = options.rendererDir ?? process.env.KINEXUS_RENDERER_DIR ?? path.join(REPO_ROOT, 'dist', 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error(`The dashboard is not built (no ${rendererDir}/index.html): run "npm run build:renderer" first.`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-demo-'));
  const store = new MemorySecretStore();
  store.status = { state: 'available', backend: 'demo: secrets in memory only, your keychain is not used', reason: null, fix: null };
  const sources: RunningDemoSource[] = [];
  const skipped: string[] = [];
  let core: Core | undefined;
  let host: HeadlessHost | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  // The emulators that speak https (Microsoft) use a test CA; the demo talks to nothing else.
  const dispatcher = testDispatcher();
  const approvals = new Set<ReturnType<typeof setTimeout>>();
  const close = async () => {
    if (ticker) clearInterval(ticker);
    for (const t of approvals) clearTimeout(t);
    await host?.close();
    await core?.close();
    await Promise.allSettled(sources.map((s) => s.close()));
    await dispatcher.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    core = await createCore({ dataDir, secretStore: store, scheduler: true, dispatcher });
    await core.invoke('settings.update', { defaultIntervalMinutes: options.intervalMinutes ?? 1 });
    const available = new Set((await core.invoke('connectors.list', {})).map((c) => c.id));
    const byIntegration = new Map<string, RunningDemoSource>();
    // Plays the user of a device-code sign-in: enters the code a few seconds after it shows.
    core.onEvent((event, data) => {
      const d = data as { integrationId?: string; userCode?: string };
      const source = event === 'auth.deviceCode' && d.integrationId ? byIntegration.get(d.integrationId) : undefined;
      if (!source?.approve || !d.userCode) return;
      const t = setTimeout(() => {
        approvals.delete(t);
        log(`  Demo: entered the sign-in code ${d.userCode} for ${source.name} as ${source.approve!(d.userCode!)}`);
      }, options.approveAfterMs ?? 5000);
      approvals.add(t);
    });
    for (const entry of options.entries ?? DEMO_ENTRIES) {
      if (!available.has(entry.connector)) {
        skipped.push(entry.connector);
        continue;
      }
      const source = await entry.start();
      sources.push(source);
      const added = await core.invoke('integrations.add', { connector: entry.connector, name: source.name, settings: source.settings, secrets: source.secrets });
      byIntegration.set(added.id, source);
      log(`  ${source.name.padEnd(32)} emulator at ${source.url}`);
      if (source.hint) log(`    ${source.hint}`);
    }
    host = await startHeadlessHost({ core, port: options.port ?? 0, rendererDir });
    await core.invoke('sync.runAll', { trigger: 'cli' });
    ticker = setInterval(() => sources.forEach((s) => s.tick?.()), 60_000);
    ticker.unref();
    return { url: host.url, dataDir, core, host, sources, skipped, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Opens the URL in the desktop's browser when there is a desktop; otherwise the printed URL is enough. */
function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('Kinexus demo — starting local emulators with generated data:');
  const demo = await startDemo({ port, log: out });
  if (demo.skipped.length > 0) out(`  (not in this build yet: ${demo.skipped.join(', ')})`);
  out('');
  out(`Dashboard: ${demo.url}`);
  out(`Demo mode: data lives in ${demo.dataDir} and secrets in memory only.`);
  out('Your keychain and your Kinexus data are not touched; everything is deleted when you stop.');
  out('Syncs run every minute. Press Ctrl+C to stop.');
  if (!args.includes('--no-open')) openInBrowser(demo.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  out('Stopping the demo…');
  await demo.close();
  out('Stopped; the temporary data is deleted.');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`The demo could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
