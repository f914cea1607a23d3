import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/support.ts';
import { startDemo, type Demo } from './run-demo.ts';
import type { DemoEntry } from './demo-entries.ts';

/** A stand-in renderer build: the demo only needs something to serve. */
function fakeRendererDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-demo-renderer-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Kinexus</title>');
  return dir;
}

describe('the demo launcher', () => {
  let rendererDir: string;
  let demo: Demo;
  const notBuilt: DemoEntry = { connector: 'not-a-connector-yet', start: () => Promise.reject(new Error('must not start')) };

  beforeAll(async () => {
    rendererDir = fakeRendererDir();
    const { DEMO_ENTRIES } = await import('./demo-entries.ts');
    demo = await startDemo({ rendererDir, entries: [...DEMO_ENTRIES, notBuilt], approveAfterMs: 50 });
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
    fs.rmSync(rendererDir, { recursive: true, force: true });
  });

  it('configures one integration per emulator, skips connectors this build lacks, and syncs them all', async () => {
    const integrations = await demo.core.invoke('integrations.list', {});
    expect(integrations.length).toBe(demo.sources.length);
    expect(integrations.map((i) => i.connector)).toContain('github');
    expect(demo.skipped).toEqual(['not-a-connector-yet']);
    // Integrations that sign in with a device code wait for the user; the rest sync on their own.
    const interactive = new Set(demo.sources.filter((s) => s.approve).map((s) => s.name));
    await expect
      .poll(async () => (await demo.core.invoke('health.list', {})).map((h) => `${h.name}: ${h.state}`), { timeout: 90_000, interval: 500 })
      .toEqual(integrations.map((i) => `${i.name}: ${interactive.has(i.name) ? 'needs_credentials' : 'healthy'}`));
    const health = await demo.core.invoke('health.list', {});
    for (const h of health.filter((x) => !interactive.has(x.name))) expect(h.recordCount, h.name).toBeGreaterThan(0);
  }, 120_000);

  it('plays the user of a device-code sign-in, so SharePoint signs in and syncs without an account', async () => {
    const sharepoint = (await demo.core.invoke('integrations.list', {})).find((i) => i.connector === 'sharepoint');
    if (!sharepoint) return; // this build has no SharePoint connector
    const signedIn = await demo.core.invoke('integrations.signIn', { id: sharepoint.id, wait: true });
    expect(signedIn.state).toBe('signed_in');
    await expect.poll(async () => (await demo.core.invoke('health.list', {})).find((h) => h.integrationId === sharepoint.id)?.state, { timeout: 60_000 }).toBe('healthy');
  }, 90_000);

  it('makes the mirror searchable right away', async () => {
    const found = await demo.core.invoke('records.search', { q: 'issue' });
    expect(found.total).toBeGreaterThan(0);
  });

  it('keeps its data in a temporary directory and its secrets in memory, and says so', async () => {
    expect(demo.dataDir.startsWith(os.tmpdir())).toBe(true);
    const status = await demo.core.invoke('status.get', {});
    expect(status.dataDir).toBe(demo.dataDir);
    expect(status.keychain.backend).toMatch(/demo: secrets in memory only, your keychain is not used/);
    // The scheduler runs, so syncs keep happening while the dashboard is open.
    expect(status.health.filter((h) => h.state === 'healthy').every((h) => h.nextRunAt !== null)).toBe(true);
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });
});

describe('npm run demo, as a process', () => {
  it('prints the dashboard URL and the demo-mode notice, serves it, and cleans up on Ctrl+C', async () => {
    const rendererDir = fakeRendererDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/demo/run-demo.ts', '--no-open'], { cwd: REPO_ROOT, env: { ...process.env, KINEXUS_RENDERER_DIR: rendererDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await expect.poll(() => out, { timeout: 90_000, interval: 250 }).toContain('Press Ctrl+C to stop.');
      const url = /Dashboard: (\S+)/.exec(out)?.[1] ?? '';
      const dataDir = /data lives in (\S+) and/.exec(out)?.[1] ?? '';
      expect(out).toContain('Your keychain and your Kinexus data are not touched');
      expect(fs.existsSync(dataDir)).toBe(true);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Kinexus</title>');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('Stopped; the temporary data is deleted.');
      expect(fs.existsSync(dataDir)).toBe(false);
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(rendererDir, { recursive: true, force: true });
    }
  }, 120_000);
});
