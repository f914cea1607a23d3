import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_PATH } from '../../shared/protocol.ts';
import { realKeychainAvailable } from '../helpers/keychain.ts';
import { REPO_ROOT, collectPageProblems, ensureDistRenderer, launchChromium } from './support.ts';

const CLI = path.join(REPO_ROOT, 'main', 'cli', 'bin.js');
const CANARY = 'ghp_canary_e2e_0123456789abcdefghijklmnopqrstuv';
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/;

/** Runs one CLI command to completion, feeding `input` on stdin. */
function runCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** Starts `kinexus serve --port 0` and resolves with the first URL it prints. */
function startServe(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kinexus serve printed no URL within 60 s\n${output()}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = URL_PATTERN.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0], output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kinexus serve exited with ${code} before printing a URL\n${output()}`));
    });
  });
}

/** Stops a child we started, by its PID: SIGTERM, then SIGKILL if it lingers. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** In the page, opens a WebSocket and reports whether the server let it open. */
function tryWebSocket(page: Page, url: string): Promise<string> {
  return page.evaluate(
    (target) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(target);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onclose = (ev) => resolve(`refused (${ev.code})`);
      }),
    url,
  );
}

describe('kinexus serve, driven through the real CLI, in Chromium', () => {
  let dataDir: string;
  let serve: ChildProcess | undefined;
  let url: string;
  let output: () => string = () => '';
  let browser: Browser;
  let keychain: { ok: boolean; reason: string };
  let added = false;
  const origin = () => new URL(url).origin;
  const token = () => new URL(url).searchParams.get('token') ?? '';

  beforeAll(async () => {
    ensureDistRenderer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-serve-e2e-'));
    const env = { ...process.env, KINEXUS_DATA_DIR: dataDir };
    // Secrets go to the real keychain: `npm test` provides a private one (test/keychain-session.sh).
    keychain = await realKeychainAvailable();
    if (keychain.ok) {
      const add = await runCli(['integrations', 'add', 'github', '--name', 'Acme GitHub', '--config', '{"repositories":["acme/api"]}', '--secrets-stdin'], env, JSON.stringify({ token: CANARY }));
      if (add.code !== 0) throw new Error(`kinexus integrations add failed (${add.code}):\n${add.stdout}\n${add.stderr}`);
      added = true;
    }
    ({ child: serve, url, output } = await startServe(env));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stop(serve);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('prints a loopback URL with a 32-byte token', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('shows the integration added through the CLI, and never its secret', async (ctx) => {
    if (!added) ctx.skip(`no usable OS keychain here (${keychain.reason}); run through "npm test" or test/keychain-session.sh`);
    const page = await browser.newPage();
    try {
      const problems = collectPageProblems(page);
      const frames: string[] = [];
      page.on('websocket', (ws) => {
        ws.on('framereceived', (f) => frames.push(String(f.payload)));
        ws.on('framesent', (f) => frames.push(String(f.payload)));
      });
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      const card = page.getByRole('article', { name: 'Acme GitHub' });
      await card.waitFor({ timeout: 15_000 });
      const text = await card.innerText();
      expect(text).toMatch(/token\s+set/);
      expect(text).toContain('Not tested yet');
      expect(await page.content()).not.toContain(CANARY);
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.join('\n')).not.toContain(CANARY);
      expect(problems).toEqual([]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- kinexus serve ---\n${output()}`);
    } finally {
      await page.close();
    }
  });

  it('shows the workspace status of the real core: keychain and data directory', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      const status = page.locator('.workspace-status');
      await status.getByText(dataDir).waitFor({ timeout: 15_000 });
      expect(await status.innerText()).toMatch(/Keychain (available|locked|unavailable)/);
    } catch (err) {
      const shown = await page.locator('.workspace-status').innerText().catch(() => '');
      throw new Error(`${(err as Error).message}\n--- status header shows ---\n${shown}\n--- kinexus serve ---\n${output()}`);
    } finally {
      await page.close();
    }
  });

  it('answers 401 with an explanation when the URL has no token', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${origin()}/`);
      expect(response?.status()).toBe(401);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Token required');
      expect(await page.content()).not.toContain(token());
    } finally {
      await page.close();
    }
  });

  it('refuses a WebSocket opened from a page on a foreign origin, even with the token', async () => {
    // Another local web app: same site (127.0.0.1), so cookies would flow; only the Origin check stops it.
    const foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>Not Kinexus</title><p>foreign</p>');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      const wsUrl = `${origin().replace('http:', 'ws:')}${WS_PATH}?token=${token()}`;
      // Positive control first: from the app's own origin the same URL opens.
      await page.goto(url);
      expect(await tryWebSocket(page, wsUrl)).toBe('open');
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      expect(await page.title()).toBe('Not Kinexus');
      expect(await tryWebSocket(page, wsUrl)).toMatch(/^refused/);
    } finally {
      await page.close();
      foreign.closeAllConnections();
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });
});
