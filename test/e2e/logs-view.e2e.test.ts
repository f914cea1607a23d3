import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core/core.ts';
import { startHeadlessHost, type HeadlessHost } from '../../main/headless/host.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import type { LogLine } from '../../shared/sync.ts';
import { buildRenderer, collectPageProblems, launchChromium } from './support.ts';

/**
 * The logs view of long and running runs in headless Chromium, over the real
 * headless host and a real core whose runs are written through the store as
 * the engine writes them. The host's core is wrapped to count what the page
 * asks for, and to push run.log events the way the engine does.
 */
describe('the logs view of a long run in Chromium', () => {
  let dir: string;
  let core: Core;
  let host: HeadlessHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let integrationId: string;
  const listeners = new Set<(event: string, data: unknown) => void>();
  /** logs.list calls the page made, and the lines they returned. */
  const asked = { calls: 0, lines: 0 };
  const t0 = Date.now() - 3600_000;

  const line = (runId: string, seq: number): LogLine => ({ runId, seq, at: new Date(t0 + seq * 10).toISOString(), level: seq % 499 === 0 ? 'error' : 'info', stream: 'issues', message: `GET /repos/acme/api/issues?page=${seq} → 200 (${seq % 90} ms)`, fields: null });

  function addRun(id: string, lines: number, running: boolean): void {
    core.sync.runs.create(id, integrationId, 'cli', new Date(t0).toISOString());
    core.db.transaction(() => {
      for (let seq = 1; seq <= lines; seq++) core.sync.runs.appendLog(line(id, seq));
    })();
    if (!running) core.sync.runs.finish(id, 'succeeded', new Date(t0 + lines * 10).toISOString(), lines, lines * 1000, null);
  }

  /** What the engine does per line: store it, then push it. */
  function write(runId: string, seq: number): void {
    const l = line(runId, seq);
    core.sync.runs.appendLog(l);
    for (const listener of listeners) listener('run.log', { line: l });
  }

  const rows = () => page.locator('.log-list [role="listitem"]');
  // A RegExp, since a string would be trimmed and "page=1" is in "page=1772 " too.
  const row = (seq: number) => rows().filter({ hasText: new RegExp(`page=${seq} `) });
  const count = () => page.locator('.log-count');

  /** True when the row of line `seq` is inside the visible part of the log's scroll box. */
  const inView = (seq: number) =>
    page.evaluate((seq) => {
      const box = document.querySelector('.log-scroll')!.getBoundingClientRect();
      const r = [...document.querySelectorAll('.log-list [role="listitem"]')].find((el) => el.textContent?.includes(`page=${seq} `));
      const b = r?.getBoundingClientRect();
      return Boolean(b && b.top >= box.top - 1 && b.bottom <= box.bottom + 1);
    }, seq);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-logs-view-'));
    const rendererDir = path.join(dir, 'renderer');
    buildRenderer(rendererDir);
    core = await createCore({ dataDir: path.join(dir, 'data'), secretStore: new MemorySecretStore() });
    const i = await core.invoke('integrations.add', { connector: 'github', name: 'Acme GitHub', settings: { baseUrl: 'http://127.0.0.1:9', repositories: ['acme/api'] }, secrets: { token: 'ghp_logs_view_0123456789abcdef' } });
    integrationId = i.id;
    host = await startHeadlessHost({
      core: {
        async call(method, params) {
          const reply = await core.call(method, params);
          if (method === 'logs.list') {
            asked.calls++;
            if (reply.ok) asked.lines += (reply.result as { lines: unknown[] }).lines.length;
          }
          return reply;
        },
        onEvent(listener) {
          const off = core.onEvent(listener);
          listeners.add(listener);
          return () => (off(), listeners.delete(listener));
        },
      },
      rendererDir,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
    problems = collectPageProblems(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await core?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows a 100,000-line run with a bounded number of rows, and reaches and finds its last line, fetching only what is in sight', async () => {
    addRun('long', 100_000, false);
    await page.goto(`${host.url}#/logs?run=long`);
    await row(1).waitFor();
    await count().getByText('100,000 lines', { exact: true }).waitFor();
    expect(await rows().count()).toBeLessThan(80);
    expect(asked.lines).toBeLessThanOrEqual(1_000);

    // The keyboard takes the log to its end; the last line shows, inside the box, and the DOM stays small.
    await page.getByRole('region', { name: /Log lines of/ }).focus();
    await page.keyboard.press('End');
    await row(100_000).waitFor();
    await expect.poll(() => inView(100_000)).toBe(true);
    await expect.poll(() => rows().filter({ hasText: 'Loading…' }).count()).toBe(0);
    expect(await rows().count()).toBeLessThan(80);
    expect(await page.locator('.log-list').getAttribute('aria-busy')).toBe('false');
    // Its position is its place in the log, for assistive technology too.
    expect(await row(100_000).getAttribute('aria-posinset')).toBe('100000');
    expect(await row(100_000).getAttribute('aria-setsize')).toBe('100000');
    // Two ends of the log were read, not the 100,000 lines between them.
    expect(asked.lines).toBeLessThanOrEqual(3_000);

    // Searching finds the last line among all 100,000, on the core's side.
    await page.getByLabel('Search the log').fill('page=100000');
    await count().getByText('1 line matching “page=100000”').waitFor();
    expect(await rows().count()).toBe(1);
    expect(await rows().first().locator('mark').innerText()).toBe('page=100000');
    await page.getByLabel('Search the log').fill('');
    await count().getByText('100,000 lines', { exact: true }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('follows a running run: pushed lines are added at the end and kept in view without asking the core again', async () => {
    addRun('live', 1_500, true);
    await page.goto(`${host.url}#/logs?run=live`);
    const follow = page.getByRole('checkbox', { name: 'Follow new lines' });
    await expect.poll(() => follow.isChecked()).toBe(true);
    await row(1_500).waitFor();
    await count().getByText('1,500 lines', { exact: true }).waitFor();
    // Once the end is known, no more requests: the lines after it come as pushed events.
    await expect.poll(() => page.locator('.log-list').getAttribute('aria-busy')).toBe('false');
    const callsBefore = asked.calls;

    for (let seq = 1_501; seq <= 1_800; seq++) {
      write('live', seq);
      if (seq % 50 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    await count().getByText('1,800 lines', { exact: true }).waitFor();
    await row(1_800).waitFor();
    await expect.poll(() => inView(1_800)).toBe(true);
    expect(await row(1_800).getAttribute('aria-posinset')).toBe('1800');
    expect(await row(1_790).getAttribute('aria-posinset')).toBe('1790');
    expect(asked.calls).toBe(callsBefore);

    // Not following: the view stays where the user put it while the count grows.
    await follow.uncheck();
    await page.getByRole('region', { name: /Log lines of/ }).focus();
    await page.keyboard.press('Home');
    await row(1).waitFor();
    for (let seq = 1_801; seq <= 1_850; seq++) write('live', seq);
    await count().getByText('1,850 lines', { exact: true }).waitFor();
    expect(await inView(1)).toBe(true);
    expect(await row(1_850).count()).toBe(0);
    // Following again goes to the newest line.
    await follow.check();
    await row(1_850).waitFor();
    await expect.poll(() => inView(1_850)).toBe(true);
    expect(problems).toEqual([]);
  }, 120_000);
});
