import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardFixture, GOOD_TOKEN, REVOKED_TOKEN, type DashboardFixture } from './dashboard-fixture.ts';
import { axeViolations, buildRenderer, collectPageProblems, cspViolations, launchChromium, screenshotView, tabTo, watchCsp, type AxeViolation } from './support.ts';

/**
 * The dashboard in headless Chromium, served by the real headless host over a
 * real core (in-memory secrets) that synced against the GitHub emulator. One
 * browser and one page for the whole file; tests run in order and build on
 * each other's state where it says so.
 */
describe('the dashboard in Chromium over the headless host', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let f: DashboardFixture;

  /** Goes to a route inside the already loaded app, the way a click on a link does. */
  async function go(hash: string): Promise<void> {
    await page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
  }

  const card = (name: string) => page.getByRole('article', { name });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-dashboard-build-'));
    buildRenderer(dir);
    f = await startDashboardFixture(dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
    problems = collectPageProblems(page);
    await watchCsp(page);
    await page.goto(f.host.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds without inline scripts or styles and with the CSP meta tag', () => {
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
  });

  it('passes an axe WCAG 2.2 A/AA scan on every view in light and dark, with no CSP violation, and writes screenshots', async () => {
    const views: { name: string; hash: string; ready: () => Promise<unknown> }[] = [
      { name: 'overview', hash: '#/overview', ready: () => card('Legacy GitHub').getByRole('button', { name: 'Reconnect GitHub' }).waitFor() },
      { name: 'logs', hash: `#/logs?integration=${f.ids.acme}`, ready: () => page.getByRole('listitem').filter({ hasText: 'Sync of Acme GitHub started' }).waitFor() },
      { name: 'integrations', hash: '#/integrations', ready: () => card('Legacy GitHub').waitFor() },
      { name: 'search', hash: '#/search?q=login', ready: () => page.getByText(/\d+ results? for “login”/).waitFor() },
      { name: 'assistants', hash: '#/assistants', ready: () => page.getByRole('button', { name: 'Copy token' }).waitFor() },
      { name: 'settings', hash: '#/settings', ready: () => page.getByRole('heading', { name: 'Syncing and logs' }).waitFor() },
    ];
    const found: (AxeViolation & { where: string })[] = [];
    const scan = async (where: string) => found.push(...(await axeViolations(page)).map((v) => ({ ...v, where })));
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const v of views) {
        await go(v.hash);
        await v.ready();
        await scan(`${v.name} (${scheme})`);
        await screenshotView(page, v.name, scheme);
      }
      // The add form with its validation errors showing, and the remove dialog.
      await go('#/integrations/new');
      await page.getByRole('button', { name: 'Add integration' }).click();
      await page.getByRole('alert').filter({ hasText: 'There are 3 problems' }).waitFor();
      await scan(`add form with errors (${scheme})`);
      await screenshotView(page, 'integration-form', scheme);
      await go('#/integrations');
      await card('Acme GitHub').getByRole('button', { name: 'Remove', exact: true }).click();
      await page.getByRole('dialog', { name: 'Remove Acme GitHub?' }).waitFor();
      await scan(`remove dialog (${scheme})`);
      await page.keyboard.press('Escape');
    }
    expect(found).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('answers "is everything syncing?" at a glance, and the failure\'s action leads to the fix', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await go('#/overview');
    const [acmeHealth] = (await f.core.invoke('health.list', {})).filter((h) => h.integrationId === f.ids.acme);
    const acme = card('Acme GitHub');
    await acme.getByText('Up to date', { exact: true }).waitFor();
    const acmeText = await acme.innerText();
    expect(acmeText).toMatch(/Last successful sync\s+(just now|\d+ minutes? ago)/i);
    expect(acmeText).toMatch(new RegExp(`Records\\s+${acmeHealth.recordCount}`, 'i'));
    expect(acmeText).toContain('3 succeeded; typical duration');
    // Relative times carry the absolute one for hover and machines.
    const time = acme.locator('time').first();
    expect(await time.getAttribute('datetime')).toBe(acmeHealth.lastSuccessAt);
    expect(await time.getAttribute('title')).toMatch(/\d{4}/);
    await expect.poll(() => page.getByRole('status').filter({ hasText: '1 of 2 integrations need attention' }).count()).toBe(1);

    const legacy = card('Legacy GitHub');
    expect(await legacy.innerText()).toMatch(/Needs reconnecting[\s\S]*GitHub rejected the credentials \(401/);
    await legacy.getByRole('button', { name: 'Reconnect GitHub' }).click();
    await page.waitForURL(new RegExp(`#/integrations/${f.ids.legacy}/edit\\?focus=secrets`));
    const token = page.getByLabel(/Personal access token/);
    await expect.poll(() => token.evaluate((el) => el === document.activeElement)).toBe(true);
    // Write-only: the form says the secret is set and never holds it.
    expect(await token.inputValue()).toBe('');
    expect(await page.locator('form').innerText()).toMatch(/Personal access token[\s\S]*set/);
    const html = await page.content();
    expect(html).not.toContain(GOOD_TOKEN);
    expect(html).not.toContain(REVOKED_TOKEN);

    await token.fill(GOOD_TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Signed in as octo (Octo Cat)').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/#\/overview$/);
    await legacy.getByRole('button', { name: 'Sync now' }).click();
    await legacy.getByText('Up to date', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await legacy.getByRole('button', { name: 'Reconnect GitHub' }).count()).toBe(0);
    expect(await page.content()).not.toContain(GOOD_TOKEN);
  }, 60_000);

  it('scrolls a 100,000-line log smoothly: few rows in the DOM, any line reachable, filters and search on the whole log', async () => {
    const runId = f.addBigRun(100_000);
    const t0 = Date.now();
    await go(`#/logs?run=${runId}`);
    const rows = page.locator('.log-list [role="listitem"]');
    await rows.filter({ hasText: 'page=1 ' }).first().waitFor();
    const firstLinesMs = Date.now() - t0;
    await page.locator('.log-count').getByText('100,000 lines').waitFor({ timeout: 60_000 });
    const allLoadedMs = Date.now() - t0;
    expect(await rows.count()).toBeLessThan(80);

    // Scroll from top to bottom in 50 steps, one per frame, and time the frames. The view fetches
    // only the lines in sight, so a row far from the last one shows "Loading…" until its block
    // (one small request) arrives: wait for it, and time that wait separately.
    const frames = await page.evaluate(async () => {
      const box = document.querySelector('.log-scroll') as HTMLElement;
      const twoFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      // Baseline: what two frames cost on this machine right now, with nothing to do.
      const idle: number[] = [];
      for (let i = 0, t = performance.now(); i < 20; i++) {
        await twoFrames();
        idle.push(performance.now() - t);
        t = performance.now();
      }
      idle.sort((a, b) => a - b);
      const step = (box.scrollHeight - box.clientHeight) / 50;
      const gaps: number[] = [];
      const waits: number[] = [];
      const wrong: string[] = [];
      for (let i = 1; i <= 50; i++) {
        const t = performance.now();
        box.scrollTop = Math.round(step * i);
        await twoFrames();
        gaps.push(performance.now() - t);
        // The row at the top of the viewport is the line its position says.
        const expected = Math.floor(box.scrollTop / 24) + 1;
        const rowOf = () => [...box.querySelectorAll('[role="listitem"]')].find((r) => Number(r.getAttribute('aria-posinset')) === expected);
        const w = performance.now();
        while (!/page=\d/.test(rowOf()?.textContent ?? '') && performance.now() - w < 15_000) await twoFrames();
        waits.push(performance.now() - w);
        const row = rowOf();
        if (!row?.textContent?.includes(`page=${expected} `) && !row?.textContent?.includes(`page=${expected}\u00a0`)) wrong.push(`${expected}: ${row?.textContent ?? 'missing'}`);
      }
      gaps.sort((a, b) => a - b);
      waits.sort((a, b) => a - b);
      return { idle: idle[10], median: gaps[25], p95: gaps[47], max: gaps[49], waitMedian: waits[25], waitMax: waits[49], rows: box.querySelectorAll('[role="listitem"]').length, wrong };
    });
    console.log(`100k-line log: first lines ${firstLinesMs} ms, all counted ${allLoadedMs} ms; two frames idle ${frames.idle.toFixed(1)} ms, per scroll step median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms; lines in view loaded after median ${frames.waitMedian.toFixed(1)} ms, max ${frames.waitMax.toFixed(1)} ms; ${frames.rows} rows in the DOM`);
    expect(frames.wrong).toEqual([]);
    expect(frames.rows).toBeLessThan(80);
    // Relative to an idle frame pair measured just before (the machine is shared): a
    // scroll step may cost a few frames' work, never the seconds a 100,000-row DOM takes.
    expect(frames.median).toBeLessThan(frames.idle * 4 + 100);
    // A jump anywhere costs one small request, not the seconds loading 100,000 lines takes.
    expect(frames.waitMax).toBeLessThan(5_000);
    expect(await rows.filter({ hasText: 'page=100000 ' }).count()).toBe(1);

    // The keyboard scrolls the log too: Home goes back to the first line.
    await page.getByRole('region', { name: /Log lines of/ }).focus();
    await page.keyboard.press('Home');
    await rows.filter({ hasText: 'page=1 ' }).first().waitFor();

    await page.getByLabel('Search the log').fill('needle');
    await page.locator('.log-count').getByText('100 lines matching “needle”').waitFor();
    expect(await rows.first().locator('mark').innerText()).toBe('needle');
    await page.getByLabel('Search the log').fill('');
    for (const level of ['Debug', 'Info', 'Warn']) await page.getByRole('checkbox', { name: level, exact: true }).uncheck();
    await page.locator('.log-count').getByText('200 lines', { exact: true }).waitFor();
    expect(await rows.first().innerText()).toContain('ERROR');
    expect(await cspViolations(page)).toEqual([]);
  }, 120_000);

  it('signs in to SharePoint with a device code: the code shows with a link to the verification page, and once approved a sync starts', async () => {
    await go('#/integrations/new?connector=sharepoint');
    const sp = f.sharepoint;
    await page.getByLabel(/^Name/).fill('Contoso SharePoint');
    await page.getByLabel(/^Tenant ID/).fill(sp.tenantId);
    await page.getByLabel(/^Client ID/).fill(sp.clientId);
    await page.getByLabel(/^Sites/).fill(sp.site);
    await page.getByLabel(/^Authority host/).fill(sp.authorityHost);
    await page.getByLabel(/^Graph base URL/).fill(sp.graphBaseUrl);
    expect(await page.locator('form').innerText()).toContain('Kinexus shows a code to enter on the SharePoint sign-in page');
    await page.getByRole('button', { name: 'Add integration' }).click();
    const prompt = page.getByRole('region', { name: 'Sign in to Contoso SharePoint' });
    await prompt.waitFor({ timeout: 15_000 });
    const userCode = await prompt.locator('.device-code-value').innerText();
    expect(userCode).toMatch(/^[A-Z0-9]{6,}$/);
    const link = prompt.getByRole('link', { name: /Open the verification page/ });
    expect(await link.getAttribute('href')).toBe('https://microsoft.com/devicelogin');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await prompt.innerText()).toMatch(/The code expires in \d+ minutes/);
    expect(await axeViolations(page)).toEqual([]);

    // The user enters the code at Microsoft's page; the core notices and finishes.
    f.ms.identity.approve(userCode, 'adele@contoso.onmicrosoft.com');
    await page.getByText('Signed in to Contoso SharePoint as').waitFor({ timeout: 15_000 });
    await card('Contoso SharePoint').getByText('Up to date', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Dismiss' }).click();

    // The connector says it signs in (ConnectorInfo.signIn): its card offers "Sign in", GitHub's do not.
    await go('#/integrations');
    await card('Contoso SharePoint').getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await card('Acme GitHub').getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(0);
  }, 60_000);

  it('offers no link for a verification page that is not https, and drops a code once it expired', async () => {
    const id = (await f.core.invoke('integrations.list', {})).find((i) => i.name === 'Contoso SharePoint')!.id;
    f.push('auth.deviceCode', { integrationId: id, userCode: 'WDJB-MJHT', verificationUri: 'http://phish.example/devicelogin', message: 'Enter WDJB-MJHT.', expiresAt: new Date(Date.now() + 1500).toISOString() });
    const prompt = page.getByRole('region', { name: 'Sign in to Contoso SharePoint' });
    await prompt.waitFor();
    expect(await prompt.getByRole('link').count()).toBe(0);
    expect(await prompt.innerText()).toContain('not https');
    await prompt.waitFor({ state: 'detached', timeout: 5000 });
  });

  it('opens an integration\'s card on the overview, scrolled into view and focused, when the shell asks (notification or tray click)', async () => {
    const id = (await f.core.invoke('integrations.list', {})).find((i) => i.name === 'Contoso SharePoint')!.id;
    const target = card('Contoso SharePoint');
    const inView = async () => {
      const box = await target.boundingBox();
      return box !== null && box.y >= 0 && box.y < 600;
    };
    const isFocused = () => target.evaluate((el) => el === document.activeElement);
    await page.setViewportSize({ width: 640, height: 600 });
    try {
      await go('#/overview');
      await target.waitFor();
      // One card per row here: the SharePoint card starts below the fold.
      expect(await inView()).toBe(false);
      await go('#/search');
      await page.getByRole('heading', { name: 'Search', level: 2 }).waitFor();
      f.push('shell.openIntegration', { integrationId: id });
      await expect.poll(isFocused).toBe(true);
      expect(await inView()).toBe(true);
      // The request is done: the address is the plain overview again, so a reload does not jump.
      await expect.poll(() => new URL(page.url()).hash).toBe('#/overview');

      // The same request again, once the user scrolled away, finds the card again.
      await page.locator('#view-heading').focus();
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await inView()).toBe(false);
      f.push('shell.openIntegration', { integrationId: id });
      await expect.poll(isFocused).toBe(true);
      expect(await inView()).toBe(true);

      // An integration that is gone leaves the user on the overview's heading.
      f.push('shell.openIntegration', { integrationId: 'github-removed' });
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('view-heading');
      await expect.poll(() => new URL(page.url()).hash).toBe('#/overview');
    } finally {
      await page.setViewportSize({ width: 1100, height: 820 });
    }
  });

  it('settings: keychain state and data directory, validation next to the field, and saving launch at login', async () => {
    await go('#/settings');
    const panel = page.getByRole('region', { name: 'Secrets and data' });
    await panel.waitFor();
    expect(await panel.innerText()).toMatch(/Keychain available\s*\(memory\)/);
    expect(await panel.innerText()).toContain(f.core.dataDir);
    const concurrency = page.getByLabel('Concurrent syncs');
    await concurrency.fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Use at least 1').waitFor();
    expect(await concurrency.getAttribute('aria-invalid')).toBe('true');
    expect(await concurrency.evaluate((el) => el === document.activeElement)).toBe(true);
    await concurrency.fill('3');
    await page.getByRole('checkbox', { name: 'Launch at login' }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    expect(await f.core.invoke('settings.get', {})).toMatchObject({ concurrency: 3, launchAtLogin: true });
  });

  it('works from the keyboard alone: nav, dialog, edit form and sync', async () => {
    await page.goto(f.host.url);
    await card('Acme GitHub').waitFor();
    // The skip link is the first stop of the page and takes focus to the view's heading.
    await tabTo(page, page.getByRole('link', { name: 'Skip to content' }), 40, 'Shift+Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-heading');
    await tabTo(page, page.getByRole('navigation').getByRole('link', { name: 'Integrations' }));
    await page.keyboard.press('Enter');
    const remove = card('Acme GitHub').getByRole('button', { name: 'Remove', exact: true });
    await remove.waitFor();
    await tabTo(page, remove);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true);

    await tabTo(page, card('Acme GitHub').getByRole('link', { name: /Edit/ }), 10, 'Shift+Tab');
    await page.keyboard.press('Enter');
    const name = page.getByLabel(/^Name/);
    await expect.poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('End');
    await page.keyboard.type(' (work)');
    await tabTo(page, page.getByRole('button', { name: 'Save changes' }));
    await page.keyboard.press('Enter');
    await card('Acme GitHub (work)').waitFor();

    const before = (await f.core.invoke('runs.list', { integrationId: f.ids.acme })).length;
    await tabTo(page, page.getByRole('navigation').getByRole('link', { name: 'Overview' }), 20, 'Shift+Tab');
    await page.keyboard.press('Enter');
    const sync = card('Acme GitHub (work)').getByRole('button', { name: 'Sync now' });
    await sync.waitFor();
    await tabTo(page, sync);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await f.core.invoke('runs.list', { integrationId: f.ids.acme })).length).toBe(before + 1);
  }, 60_000);

  it('keeps the token out of the address bar, survives a reload, and follows the system theme', async () => {
    expect(page.url()).not.toContain('token=');
    await page.reload();
    await card('Acme GitHub (work)').waitFor();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).not.toBe(light);
    expect(problems).toEqual([]);
  });

  it('disables and removes integrations after asking, and then says how to start', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await go('#/integrations');
    const legacy = card('Legacy GitHub');
    await legacy.getByRole('button', { name: 'Disable' }).click();
    await legacy.getByText('Disabled', { exact: true }).waitFor();
    expect((await f.core.invoke('integrations.get', { id: f.ids.legacy })).enabled).toBe(false);
    for (const name of ['Acme GitHub (work)', 'Legacy GitHub', 'Contoso SharePoint']) {
      await card(name).getByRole('button', { name: 'Remove', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: `Remove ${name}?` });
      expect(await dialog.innerText()).toContain('deletes its mirrored records');
      await dialog.getByRole('button', { name: `Remove ${name}` }).click();
      await card(name).waitFor({ state: 'detached' });
    }
    expect(await f.core.invoke('integrations.list', {})).toEqual([]);
    await page.getByRole('region', { name: 'No integrations yet' }).getByRole('link', { name: 'Add an integration' }).waitFor();
    await go('#/overview');
    await page.getByRole('heading', { name: 'Nothing is mirrored yet' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'No integrations yet' }).count()).toBe(1);
    expect(await cspViolations(page)).toEqual([]);
  });
});
