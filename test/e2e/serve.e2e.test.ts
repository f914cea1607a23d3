import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { WS_PATH } from '../../shared/protocol.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { realKeychainAvailable } from '../helpers/keychain.ts';
import { runCli, startServe, stopChild } from './cli-process.ts';
import { buildRenderer, collectPageProblems, cspViolations, launchChromium, watchCsp } from './support.ts';

const CANARY = 'ghp_canary_e2e_0123456789abcdefghijklmnopqrstuv';
const FORM_TOKEN = 'ghp_form_e2e_0123456789abcdefghijklmnop';
const NEW_TOKEN = 'ghp_reconnected_e2e_0123456789abcdefghij';

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

/**
 * The dashboard against the real `kinexus serve` (real CLI, real keychain in
 * the private session of test/keychain-session.sh), syncing from the GitHub
 * emulator: add through the form, test, sync, watch the log live, search,
 * open, fail, reconnect. One browser, one page, tests in order.
 */
describe('kinexus serve, driven through the real CLI, in Chromium', () => {
  let gh: GitHubEmulator;
  let dataDir: string;
  let rendererDir: string;
  let serve: ChildProcess | undefined;
  let url: string;
  let output: () => string = () => '';
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let keychain: { ok: boolean; reason: string };
  const received: string[] = [];
  const sent: string[] = [];
  const origin = () => new URL(url).origin;
  const token = () => new URL(url).searchParams.get('token') ?? '';
  const card = (name: string) => page.getByRole('article', { name });
  const needKeychain = (ctx: TestContext) => {
    if (!keychain.ok) ctx.skip(`no usable OS keychain here (${keychain.reason}); run through "npm test" or test/keychain-session.sh`);
  };
  const go = (hash: string) => page.evaluate((h) => void (window.location.hash = h), hash);

  beforeAll(async () => {
    gh = await startGitHubEmulator({ clock: 'real' });
    gh.state.settings.htmlOrigin = gh.url;
    gh.state.addUser({ login: 'octo', name: 'Octo Cat', token: CANARY, scopes: ['repo'] });
    gh.state.addToken(FORM_TOKEN, 'octo', { scopes: ['repo'] });
    gh.state.addRepo({ owner: 'acme', name: 'api', private: true, visibleTo: ['octo'] });
    const start = Date.now() - 30 * 86_400_000;
    gh.state.addCommits('acme/api', 250, { start, stepSeconds: 3600 });
    gh.state.addIssues('acme/api', 150, { start, stepSeconds: 5000 });
    gh.state.addPulls('acme/api', 20, { start, stepSeconds: 40000 });
    gh.state.addRuns('acme/api', 10, { start, status: 'completed', conclusion: 'success' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-serve-e2e-'));
    rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-serve-renderer-'));
    buildRenderer(rendererDir);
    const env = { ...process.env, KINEXUS_DATA_DIR: dataDir, KINEXUS_RENDERER_DIR: rendererDir };
    keychain = await realKeychainAvailable();
    if (keychain.ok) {
      const config = JSON.stringify({ baseUrl: gh.url, repositories: ['acme/api'] });
      const add = await runCli(['integrations', 'add', 'github', '--name', 'CLI GitHub', '--config', config, '--secrets-stdin'], env, JSON.stringify({ token: CANARY }));
      if (add.code !== 0) throw new Error(`kinexus integrations add failed (${add.code}):\n${add.stdout}\n${add.stderr}`);
    }
    ({ child: serve, url, output } = await startServe(env));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
    problems = collectPageProblems(page);
    await watchCsp(page);
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => received.push(String(f.payload)));
      ws.on('framesent', (f) => sent.push(String(f.payload)));
    });
  }, 180_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`--- kinexus serve ---\n${output()}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stopChild(serve);
    await gh?.close();
    for (const d of [dataDir, rendererDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  }, 30_000);

  it('prints a loopback URL with a 32-byte token, and the page carries the CSP header', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  });

  it('shows the real core\'s keychain and data directory in Settings', async () => {
    await go('#/settings');
    const panel = page.getByRole('region', { name: 'Secrets and data' });
    await panel.getByText(dataDir).waitFor({ timeout: 15_000 });
    expect(await panel.innerText()).toMatch(/Keychain (available|locked|unavailable)/);
  });

  it('shows the integration added through the CLI, and never its secret', async (ctx) => {
    needKeychain(ctx);
    await go('#/integrations');
    const cli = card('CLI GitHub');
    await cli.waitFor({ timeout: 15_000 });
    expect(await cli.innerText()).toMatch(/token\s+set/);
    expect(await page.content()).not.toContain(CANARY);
  });

  it('adds an integration through the form: errors next to the fields, a connection test, then save', async (ctx) => {
    needKeychain(ctx);
    await go('#/integrations');
    await page.getByRole('link', { name: 'Add integration' }).click();
    await page.getByRole('radio', { name: /GitHub/ }).check();
    await page.getByRole('button', { name: 'Add integration' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There are 3 problems' });
    await summary.waitFor();
    const name = page.getByLabel(/^Name/);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    // The message sits next to its field and is what the field is described by.
    const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText()).toContain('Enter a name');
    expect(await page.locator('.field-invalid').allInnerTexts()).toEqual([
      expect.stringContaining('Enter a name'),
      expect.stringContaining('Enter at least one value for Repositories'),
      expect.stringContaining('Enter the personal access token'),
    ]);

    await name.fill('Form GitHub');
    await page.getByLabel(/^Base URL/).fill(gh.url);
    await page.getByLabel(/^Repositories/).fill('acme/api\nnot a repo');
    await page.getByLabel(/^Personal access token/).fill('ghp_wrong_token_0123456789');
    await page.getByRole('button', { name: 'Test connection' }).click();
    // The connector's own zod message, placed on the field and the line.
    await page.locator('.field-invalid').getByText('Line 2: Use owner/name, e.g. octocat/hello-world').waitFor();

    await page.getByLabel(/^Repositories/).fill('acme/api');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.locator('.draft-test');
    await result.getByText('Connection failed').waitFor();
    expect(await result.innerText()).toContain('GitHub rejected the credentials (401');

    await page.getByLabel(/^Personal access token/).fill(FORM_TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await result.getByText('Connection OK').waitFor();
    expect(await result.innerText()).toMatch(/Signed in as octo \(Octo Cat\)[\s\S]*acme\/api/);

    await page.getByRole('button', { name: 'Add integration' }).click();
    await page.waitForURL(/#\/overview$/);
    await card('Form GitHub').getByText('Not synced yet', { exact: true }).waitFor();
  }, 60_000);

  it('syncs with progress and streams the run\'s log live, pushed by the core, without polling', async (ctx) => {
    needKeychain(ctx);
    const latency = gh.faults.setLatency(700);
    try {
      const form = card('Form GitHub');
      await form.getByRole('button', { name: 'Sync now' }).click();
      await form.getByText(/Syncing: \d+ pages?, \d+ records? so far/).waitFor();
      expect(await form.getByRole('button', { name: 'Cancel sync' }).count()).toBe(1);
      await form.getByRole('link', { name: /Sync logs/ }).click();
      const detail = page.getByRole('region', { name: 'Sync of Form GitHub' });
      const rows = detail.locator('.log-list [role="listitem"]');
      await rows.first().waitFor();
      const polled = () => sent.filter((s) => s.includes('"logs.list"')).length;
      const firstCount = await rows.count();
      const callsAfterLoad = polled();
      expect(await detail.getByText('Running', { exact: true }).count()).toBe(1);
      await detail.getByText(/Sync succeeded: /).waitFor({ timeout: 60_000 });
      await detail.getByText('Succeeded', { exact: true }).waitFor();
      expect(await rows.count()).toBeGreaterThan(firstCount);
      // Every line after the first page came as a pushed run.log event: no more logs.list calls.
      expect(polled()).toBe(callsAfterLoad);
      expect(received.filter((r) => r.includes('"event":"run.log"')).length).toBeGreaterThan(5);
    } finally {
      latency?.cancel();
    }
  }, 90_000);

  it('cancels a long sync from its progress, keeping what was committed', async (ctx) => {
    needKeychain(ctx);
    await go('#/overview');
    const latency = gh.faults.setLatency(1500);
    try {
      const cli = card('CLI GitHub');
      await cli.getByRole('button', { name: 'Sync now' }).click();
      await cli.getByRole('button', { name: 'Cancel sync' }).click();
      await cli.getByText(/1 cancelled/).waitFor({ timeout: 30_000 });
    } finally {
      latency?.cancel();
    }
  }, 60_000);

  it('finds a synced record and opens it in a new tab once the core approved its host', async (ctx) => {
    needKeychain(ctx);
    await go('#/search?q=webhook');
    await page.getByText(/\d+ results? for “webhook”/).waitFor({ timeout: 15_000 });
    const first = page.locator('.result').first();
    expect(await first.locator('mark').first().innerText()).toMatch(/webhook/i);
    const link = first.getByRole('link');
    const href = (await link.getAttribute('href')) ?? '';
    expect(href.startsWith(`${gh.url}/acme/api/`)).toBe(true);
    const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await popup.waitForLoadState('domcontentloaded').catch(() => undefined);
    expect(popup.url()).toBe(href);
    await popup.close();
    expect(sent.some((s) => s.includes('"links.open"') && s.includes(href))).toBe(true);
  });

  it('shows a revoked token as a failure with "Reconnect GitHub", which leads to the fix', async (ctx) => {
    needKeychain(ctx);
    gh.state.revokeToken(FORM_TOKEN);
    await go('#/overview');
    const form = card('Form GitHub');
    await form.getByRole('button', { name: 'Sync now' }).click();
    await form.getByText('Needs reconnecting', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await form.innerText()).toContain('GitHub rejected the credentials (401 Bad credentials)');
    await form.getByRole('button', { name: 'Reconnect GitHub' }).click();
    const tokenField = page.getByLabel(/^Personal access token/);
    await expect.poll(() => tokenField.evaluate((el) => el === document.activeElement)).toBe(true);
    gh.state.addToken(NEW_TOKEN, 'octo', { scopes: ['repo'] });
    await tokenField.fill(NEW_TOKEN);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/#\/overview$/);
    await form.getByRole('button', { name: 'Sync now' }).click();
    await form.getByText('Up to date', { exact: true }).waitFor({ timeout: 30_000 });
  }, 90_000);

  it('never sends a stored secret to the page, and the page saw no CSP violation or error', async () => {
    const all = received.join('\n');
    for (const secret of [CANARY, FORM_TOKEN, NEW_TOKEN]) expect(all).not.toContain(secret);
    expect(sent.join('\n')).not.toContain(CANARY);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('answers 401 with an explanation when the URL has no token', async () => {
    const other = await browser.newPage();
    try {
      const response = await other.goto(`${origin()}/`);
      expect(response?.status()).toBe(401);
      expect(await other.getByRole('heading', { level: 1 }).innerText()).toBe('Token required');
      expect(await other.content()).not.toContain(token());
    } finally {
      await other.close();
    }
  });

  it('refuses a WebSocket opened from a page on a foreign origin, even with the token', async () => {
    // Another local web app: same site (127.0.0.1), so cookies would flow; only the Origin check stops it.
    const foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>Not Kinexus</title><p>foreign</p>');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    try {
      const wsUrl = `${origin().replace('http:', 'ws:')}${WS_PATH}?token=${token()}`;
      // Positive control first: from the app's own origin the same URL opens.
      await page.goto(url);
      expect(await tryWebSocket(page, wsUrl)).toBe('open');
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      expect(await page.title()).toBe('Not Kinexus');
      expect(await tryWebSocket(page, wsUrl)).toMatch(/^refused/);
    } finally {
      foreign.closeAllConnections();
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });
});
