import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHeadlessHost, type HeadlessHost } from '../../main/headless/host.ts';
import { createFakeCore, okResult, sampleIntegration, type FakeCore } from '../main/headless/fake-core.ts';
import { buildRenderer, collectPageProblems, launchChromium } from './support.ts';

/**
 * The renderer in real headless Chromium, served by the headless host over a
 * fake core. Builds the current source into a temp dir, so it never tests a
 * stale dist/.
 */
describe('renderer in Chromium over the headless host', () => {
  let dir: string;
  let browser: Browser;
  const hosts: HeadlessHost[] = [];
  const pages: Page[] = [];

  async function serve(core: FakeCore): Promise<HeadlessHost> {
    const host = await startHeadlessHost({ core, rendererDir: dir });
    hosts.push(host);
    return host;
  }

  async function open(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    pages.push(page);
    const problems = collectPageProblems(page);
    await page.goto(url);
    return { page, problems };
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-renderer-e2e-'));
    buildRenderer(dir);
    browser = await launchChromium();
  }, 120_000);

  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    for (const h of hosts.splice(0)) await h.close();
  });

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds without inline scripts or styles and with the CSP meta tag', () => {
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    expect(html).toMatch(/src="\.\/assets\//);
  });

  it('lists integrations with secrets state (never values), status header and landmarks, without console errors', async () => {
    const core = createFakeCore([
      sampleIntegration(),
      sampleIntegration({
        id: 'int_2',
        name: 'Broken GitHub',
        enabled: false,
        secrets: { token: false },
        lastTest: okResult({ ok: false, identity: null, reachable: [{ name: 'acme/secret', ok: false, detail: 'HTTP 404' }], error: { code: 'auth', message: 'GitHub rejected the token (401)', action: 'Reconnect GitHub' } }),
      }),
    ]);
    const host = await serve(core);
    const { page, problems } = await open(host.url);

    const acme = page.getByRole('article', { name: 'Acme GitHub' });
    await acme.waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('banner').count()).toBe(1);

    const acmeText = await acme.innerText();
    expect(acmeText).toContain('GitHub');
    expect(acmeText).toContain('Enabled');
    expect(acmeText).toMatch(/token\s+set/);
    expect(acmeText).toContain('Not tested yet');

    const broken = await page.getByRole('article', { name: 'Broken GitHub' }).innerText();
    expect(broken).toContain('Disabled');
    expect(broken).toMatch(/token\s+not set/);
    expect(broken).toContain('Connection failed');
    expect(broken).toContain('GitHub rejected the token (401)');
    expect(broken).toContain('Next step: Reconnect GitHub');
    expect(broken).toMatch(/acme\/secret\s+\(not reachable\)/);

    const status = await page.locator('.workspace-status').innerText();
    expect(status).toContain('Keychain unavailable');
    expect(status).toContain('No Secret Service on this machine');
    expect(status).toContain('Install gnome-keyring and log in again');
    expect(status).toContain('/tmp/kinexus-fake');
    expect(status).toMatch(/Schema version\s+3/i);

    // The token leaves the address bar; the session cookie keeps reloads working.
    expect(page.url()).not.toContain('token=');
    await page.reload();
    await page.getByRole('article', { name: 'Acme GitHub' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('tests a connection from its button and shows identity, latency and reachable items', async () => {
    const core = createFakeCore([sampleIntegration()]);
    core.testDelayMs = 300;
    core.testResults.set('int_1', okResult({ identity: 'octocat', latencyMs: 87, reachable: [{ name: 'acme/api', ok: true }] }));
    const host = await serve(core);
    const { page, problems } = await open(host.url);
    const card = page.getByRole('article', { name: 'Acme GitHub' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByRole('button', { name: 'Testing…' }).waitFor();
    await card.getByText('Connection OK').waitFor();
    const text = await card.innerText();
    expect(text).toContain('Signed in as octocat');
    expect(text).toContain('87 ms');
    expect(text).toContain('acme/api');
    expect(core.calls.filter((c) => c.method === 'integrations.test')).toEqual([{ method: 'integrations.test', params: { id: 'int_1' } }]);
    expect(problems).toEqual([]);
  });

  it('shows the error and next step when the test call itself fails', async () => {
    const core = createFakeCore([sampleIntegration()]);
    const call = core.call.bind(core);
    core.call = async (method, params) =>
      method === 'integrations.test' ? { ok: false, error: { code: 'secrets_unavailable', message: 'The keychain is locked', action: 'Unlock your keychain' } } : call(method, params);
    const host = await serve(core);
    const { page } = await open(host.url);
    const card = page.getByRole('article', { name: 'Acme GitHub' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('The keychain is locked');
    expect(await alert.innerText()).toContain('Next step: Unlock your keychain');
  });

  it('updates the list when the core pushes integrations.changed', async () => {
    const core = createFakeCore([sampleIntegration()]);
    const host = await serve(core);
    const { page } = await open(host.url);
    await page.getByRole('article', { name: 'Acme GitHub' }).waitFor();
    await core.call('integrations.add', { connector: 'github', name: 'Pushed Jira-ish', settings: {}, secrets: { token: 'x' } });
    await page.getByRole('article', { name: 'Pushed Jira-ish' }).waitFor({ timeout: 5000 });
  });

  it('explains how to add an integration when there is none', async () => {
    const host = await serve(createFakeCore());
    const { page, problems } = await open(host.url);
    const empty = page.getByRole('region', { name: 'No integrations yet' });
    await empty.waitFor();
    const text = await empty.innerText();
    expect(text).toContain('kinexus integrations add github --name');
    expect(text).toContain(`--config '{"repositories":["owner/repo"]}' --secrets-stdin`);
    expect(problems).toEqual([]);
  });

  it('follows prefers-color-scheme', async () => {
    const host = await serve(createFakeCore([sampleIntegration()]));
    const { page } = await open(host.url);
    await page.getByRole('article', { name: 'Acme GitHub' }).waitFor();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(light).not.toBe(dark);
  });
});
