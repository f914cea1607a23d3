import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../main/core/core.ts';
import { startHeadlessHost } from '../../main/headless/host.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { startDashboardFixture, type DashboardFixture } from './dashboard-fixture.ts';
import { axeViolations, buildRenderer, collectPageProblems, cspViolations, launchChromium, tabTo, watchCsp } from './support.ts';

/** Sends an MCP initialize request to `endpoint` with `token`, as an HTTP client configured from the panel would; resolves with the status. */
async function initializeStatus(endpoint: string, token: string): Promise<number> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'kinexus-e2e', version: '1.0.0' } } }),
  });
  await res.body?.cancel();
  return res.status;
}

/**
 * The AI assistants (MCP) view in headless Chromium, over the real headless
 * host and a real core whose MCP endpoint runs on a free port. The token must
 * reach the clipboard on request and the page only on "Show token".
 */
describe('the AI assistants (MCP) view in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let f: DashboardFixture;
  let token: string;

  const endpointPanel = () => page.getByRole('region', { name: 'Endpoint' });
  const configPanel = (name: RegExp) => page.getByRole('region', { name });
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const focused = (locator: ReturnType<Page['getByRole']>) => locator.evaluate((el) => el === document.activeElement);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-mcp-build-'));
    buildRenderer(dir);
    f = await startDashboardFixture(dir);
    token = (await f.core.invoke('mcp.token', {})).token;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 820 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    problems = collectPageProblems(page);
    await watchCsp(page);
    await page.goto(`${f.host.url}#/assistants`);
    await endpointPanel().waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the live endpoint, its status and a hint of the token, but not the token', async () => {
    const info = await f.core.invoke('mcp.info', {});
    const text = await endpointPanel().innerText();
    expect(text).toMatch(/Status\s*✓\s*Running/);
    expect(text).toMatch(/Address\s*http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(text).toContain(`Ends in ${token.slice(-4)}`);
    expect(text).toContain('kept in the system keychain');
    expect(await page.content()).not.toContain(token);

    // The address shown is the live endpoint, and it takes the token the panel copies (and no other).
    const shown = await endpointPanel().locator('code').first().innerText();
    expect(shown).toBe(info.endpoint);
    expect(await initializeStatus(shown, token)).toBe(200);
    expect(await initializeStatus(shown, `${token}x`)).toBe(401);

    // Ready-to-paste configurations: stdio runs `kinexus mcp`; HTTP shows a placeholder, not the token.
    const stdio = JSON.parse(await configPanel(/start a program \(stdio\)/).locator('pre').innerText());
    expect(stdio).toEqual(info.clientConfig.stdio);
    expect(stdio.mcpServers.kinexus.args.at(-1)).toBe('mcp');
    expect(stdio.mcpServers.kinexus.env.KINEXUS_DATA_DIR).toBe(f.core.dataDir);
    const http = JSON.parse(await configPanel(/connect over HTTP/).locator('pre').innerText());
    expect(http).toEqual({ mcpServers: { kinexus: { type: 'http', url: info.endpoint, headers: { Authorization: 'Bearer <your Kinexus MCP token>' } } } });
  });

  it('copies the token and both configurations from the keyboard, and shows the token only on "Show token"', async () => {
    await page.locator('#view-heading').focus();
    const copyToken = page.getByRole('button', { name: 'Copy token' });
    await tabTo(page, copyToken);
    await page.keyboard.press('Enter');
    await endpointPanel().getByText('Token copied').waitFor();
    expect(await clipboard()).toBe(token);
    expect(await page.content()).not.toContain(token);

    const show = page.getByRole('button', { name: 'Show token' });
    await tabTo(page, show);
    await page.keyboard.press('Enter');
    const hide = page.getByRole('button', { name: 'Hide token' });
    await hide.waitFor();
    expect(await endpointPanel().locator('.mcp-token').innerText()).toBe(token);
    expect(await focused(hide)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await show.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await endpointPanel().innerText()).toContain(`Ends in ${token.slice(-4)}`);

    const copyStdio = page.getByRole('button', { name: 'Copy configuration for stdio clients' });
    await tabTo(page, copyStdio);
    await page.keyboard.press('Space');
    await configPanel(/stdio/).getByText('Configuration copied').waitFor();
    expect(JSON.parse(await clipboard())).toEqual((await f.core.invoke('mcp.info', {})).clientConfig.stdio);

    const copyHttp = page.getByRole('button', { name: 'Copy configuration for HTTP clients' });
    await tabTo(page, copyHttp);
    await page.keyboard.press('Enter');
    await configPanel(/HTTP/).getByText('Configuration copied, with your token').waitFor();
    const pasted = JSON.parse(await clipboard());
    expect(pasted.mcpServers.kinexus.headers.Authorization).toBe(`Bearer ${token}`);
    expect(await initializeStatus(pasted.mcpServers.kinexus.url, token)).toBe(200);
    expect(await page.content()).not.toContain(token);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('passes an axe WCAG 2.2 A/AA scan in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await endpointPanel().waitFor();
      expect(await axeViolations(page), scheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('says why the endpoint is off (its port is taken), offers no token, and keeps the stdio configuration', async () => {
    const port = Number(new URL((await f.core.invoke('mcp.info', {})).endpoint!).port);
    const offDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-mcp-off-'));
    const core = await createCore({ dataDir: offDir, secretStore: new MemorySecretStore(), mcp: { port } });
    const host = await startHeadlessHost({ core, rendererDir: dir });
    const off = await context.newPage();
    const offProblems = collectPageProblems(off);
    try {
      await off.goto(`${host.url}#/assistants`);
      const panel = off.getByRole('region', { name: 'Endpoint' });
      await panel.waitFor();
      const text = await panel.innerText();
      expect(text).toMatch(/Status\s*–\s*Off/);
      expect(text).toContain(`Port ${port} on 127.0.0.1 is in use by another program, so the MCP endpoint is off.`);
      expect(await off.getByRole('button', { name: /token/i }).count()).toBe(0);
      expect(await off.getByRole('region', { name: /connect over HTTP/ }).innerText()).toContain('Not available while the endpoint is off.');
      const stdio = JSON.parse(await off.getByRole('region', { name: /stdio/ }).locator('pre').innerText());
      expect(stdio.mcpServers.kinexus.env.KINEXUS_DATA_DIR).toBe(offDir);
      expect(await axeViolations(off)).toEqual([]);
      expect(offProblems).toEqual([]);
    } finally {
      await off.close();
      await host.close();
      await core.close();
      fs.rmSync(offDir, { recursive: true, force: true });
    }
  });
});
