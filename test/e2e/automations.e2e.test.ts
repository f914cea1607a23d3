import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationRun } from '../../shared/automation.ts';
import { leftovers, productsFor } from '../main/automation/helpers.ts';
import { startAutomationsFixture, type AutomationsFixture } from './automations-fixture.ts';
import { axeViolations, buildRenderer, collectPageProblems, cspViolations, launchChromium, screenshotView, tabTo, watchCsp, type AxeViolation } from './support.ts';

const API_KEY = `nova-e2e-${Math.random().toString(36).slice(2)}-key`;
const PRODUCTS_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { products: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } }, required: ['name', 'price'] } } },
  required: ['products'],
});

/**
 * The Automations view in headless Chromium over the headless host and a
 * real core that runs the stand-in Nova Act SDK in its own real Chromium
 * against a local shop. One browser and one page for the whole file; the
 * tests run in order and build on each other (setup, then an automation,
 * then its runs).
 */
describe('the Automations view in Chromium, running Nova Act automations for real', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let f: AutomationsFixture;
  /** Every API method the page called, in order (read from the WebSocket frames it sent). */
  const calls: string[] = [];

  async function go(hash: string): Promise<void> {
    await page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
  }

  const panel = () => page.getByRole('region', { name: 'Nova Act' });
  const card = (name: string) => page.getByRole('article', { name });
  const runDetail = () => page.getByRole('region', { name: /^Run of / });
  const runState = () => runDetail().locator('.card-head [role="status"]');
  const stepItem = (n: number) => runDetail().locator('.run-step').filter({ has: page.getByRole('heading', { name: `Step ${n}`, exact: true }) });
  const focused = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => el === document.activeElement);
  const count = (method: string) => calls.filter((m) => m === method).length;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-automations-build-'));
    buildRenderer(dir);
    f = await startAutomationsFixture(dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    problems = collectPageProblems(page);
    page.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        try {
          const msg = JSON.parse(String(frame.payload));
          if (msg.type === 'call') calls.push(msg.method);
        } catch {
          // Not ours.
        }
      }),
    );
    await watchCsp(page);
    await page.goto(`${f.host.url}#/automations`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says exactly what is missing, sets Nova Act up with live progress, and takes the API key without ever showing it', async () => {
    await panel().getByText('Nova Act is not ready').waitFor({ timeout: 30_000 });
    const missing = panel().getByRole('list', { name: 'What is missing' });
    expect(await missing.innerText()).toMatch(/The nova-act package is not installed for Python 3\.\d+/);
    expect(await missing.innerText()).toContain('No Nova Act API key is stored');
    expect(await panel().innerText()).toMatch(/Nova Act API key\s*!\s*not set/);

    await panel().getByRole('button', { name: 'Set up Nova Act' }).click();
    const log = panel().getByRole('log', { name: 'Output of the Nova Act setup' });
    // Progress arrives while the setup still runs: the button says so until it ends.
    await log.getByText(/Creating a private environment in .*nova-act/).waitFor({ timeout: 30_000 });
    expect(await panel().getByRole('button', { name: 'Setting up…' }).isVisible()).toBe(true);
    expect(await panel().locator('.setup-phases').innerText()).toMatch(/Find Python 3\.10\+\s*\(done\)[\s\S]*Create the private environment\s*\(in progress\)/);
    await log.getByText(/Successfully installed nova-act-0\.1\.0/).waitFor({ timeout: 120_000 });
    await panel().getByRole('status').filter({ hasText: /nova-act 0\.1\.0 \(test stand-in\) is ready in / }).waitFor({ timeout: 30_000 });
    // The setup call ends once the core has checked the new environment.
    await panel().getByRole('button', { name: 'Setting up…' }).waitFor({ state: 'detached', timeout: 60_000 });
    expect(await missing.innerText()).not.toContain('nova-act package');
    expect(await panel().innerText()).toMatch(/nova-act\s*0\.1\.0 \(test stand-in\)/);
    expect(await panel().innerText()).toMatch(/Python\s*3\.\d+\.\d+, the private environment/);

    // The key: write-only, with its problem next to the field.
    const key = panel().getByRole('textbox', { name: /^Nova Act API key/ });
    await panel().getByRole('button', { name: 'Save key' }).click();
    await panel().getByText('Paste your Nova Act API key').waitFor();
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(key)).toBe(true);
    await key.fill(API_KEY);
    await panel().getByRole('button', { name: 'Save key' }).click();
    await panel().getByText('Key saved in the keychain').waitFor();
    await panel().getByText('Nova Act ready').waitFor();
    expect(await missing.count()).toBe(0);
    expect(await panel().innerText()).toMatch(/Nova Act API key\s*✓\s*set/);
    expect(await key.inputValue()).toBe('');
    expect(await page.content()).not.toContain(API_KEY);
    expect(f.store.values.get('nova-act/apiKey')).toBe(API_KEY);
  }, 240_000);

  it('adds an automation through the form, showing each problem next to its field first: the schema’s, then the core’s', async () => {
    await page.getByRole('link', { name: 'Add an automation' }).click();
    const heading = page.getByRole('heading', { name: 'Add an automation' });
    await expect.poll(() => focused(heading)).toBe(true);
    await page.getByLabel(/^Name/).fill('Laptop prices');
    await page.getByLabel(/^Starting URL/).fill(f.site.url('/'));
    const step = (n: number) => page.getByRole('group', { name: `Step ${n}` });
    await step(1).getByLabel(/^Instruction/).fill("click the 'Next' link");
    for (const [n, text] of [
      [2, "type 'laptop' into the 'Search' field and press enter"],
      [3, 'list the products with their prices'],
    ] as const) {
      await page.getByRole('button', { name: 'Add step' }).click();
      // A new step takes focus at its instruction.
      await expect.poll(() => focused(step(n).getByLabel(/^Instruction/))).toBe(true);
      await page.keyboard.type(text);
    }
    const schema = step(3).getByLabel(/^Extraction schema/);
    await schema.fill('{"type": "table"}');
    await page.getByLabel('Runs', { exact: true }).selectOption('cron');
    await page.getByLabel(/^Cron expression/).fill('every day');
    await page.getByRole('button', { name: 'Add automation' }).click();

    // The schema's problem, found before anything is sent, next to the step's schema and in the summary.
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    expect(await summary.innerText()).toContain('Step 3, extraction schema: must be a JSON Schema object with "type" one of object, array');
    expect(await focused(summary)).toBe(true);
    expect(await schema.getAttribute('aria-invalid')).toBe('true');
    expect(await step(3).locator('.field-error').innerText()).toMatch(/Must be a JSON Schema object/);
    expect(count('automations.create')).toBe(0);

    // The core's problem (the cron expression), placed by the field it names.
    await schema.fill(PRODUCTS_SCHEMA);
    await page.getByRole('button', { name: 'Add automation' }).click();
    const cron = page.getByLabel(/^Cron expression/);
    await expect.poll(() => cron.getAttribute('aria-invalid')).toBe('true');
    expect(count('automations.create')).toBe(1);
    expect(await page.locator('.field-invalid').filter({ has: cron }).locator('.field-error').innerText()).toContain('"every day" is not a valid cron expression');
    expect(await step(3).locator('.field-error').count()).toBe(0);
    expect(await f.core.invoke('automations.list', {})).toEqual([]);

    await page.getByLabel('Runs', { exact: true }).selectOption('manual');
    await page.getByRole('button', { name: 'Add automation' }).click();
    await page.getByRole('heading', { name: 'Laptop prices', level: 3, exact: true }).waitFor();
    const [stored] = await f.core.invoke('automations.list', {});
    expect(page.url()).toContain(`#/automations/${stored.id}`);
    expect(stored.steps).toEqual([
      { instruction: "click the 'Next' link" },
      { instruction: "type 'laptop' into the 'Search' field and press enter" },
      { instruction: 'list the products with their prices', schema: JSON.parse(PRODUCTS_SCHEMA) },
    ]);
    expect(stored.schedule).toEqual({ type: 'manual' });
    await page.getByText('No runs yet').waitFor();
  }, 60_000);

  it('runs it: each step appears as it starts and ends, pushed by the core (no polling), then the extracted data, the last screenshot and the files', async () => {
    // Every distinct state of the run on screen, recorded by the page itself as it changes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __runStates: string[] }).__runStates = seen;
      new MutationObserver(() => {
        const run = document.querySelector('.automation-run');
        if (!run) return;
        const state = run.querySelector('.card-head [role="status"] .status-text')?.textContent ?? '';
        const steps = [...run.querySelectorAll('.run-step .run-step-head .status-text')].map((s) => s.textContent).join(',');
        const snap = `${state}|${steps}`;
        if (seen.at(-1) !== snap) seen.push(snap);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const before = count('automations.getRun');
    await page.getByRole('button', { name: 'Run now Laptop prices' }).click();
    await runDetail().waitFor();
    await runState().getByText('Succeeded').waitFor({ timeout: 90_000 });
    const states = await page.evaluate(() => (window as unknown as { __runStates: string[] }).__runStates);
    // The steps changed in place while the run ran, in order: step 1 done while step 3 had not started, and so on.
    expect(states.at(-1)).toBe('Succeeded|Done,Done,Done');
    const running = states.filter((s) => s.startsWith('Running|'));
    expect(running).toContain('Running|Done,Running,Waiting');
    expect(running).toContain('Running|Done,Done,Running');
    const order = running.map((s) => s.split('|')[1].split(',').filter((x) => x === 'Done').length);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // One fetch of the run when its detail opened; every change after came as an event.
    expect(count('automations.getRun') - before).toBeLessThanOrEqual(1);

    const [run] = await f.core.invoke('automations.runs', {});
    expect(page.url()).toContain(`run=${run.id}`);
    const extracted = stepItem(3).getByRole('region', { name: 'Data extracted by step 3' });
    expect(JSON.parse(await extracted.innerText())).toEqual({ products: productsFor('laptop') });
    expect(await stepItem(3).innerText()).toContain('matches the schema');
    expect(await stepItem(1).innerText()).toContain(`Ended on ${f.site.url('/search')}`);

    const last = runDetail().getByRole('img', { name: `The page after step 3: ${f.site.url('/results?q=laptop')}` });
    await last.waitFor();
    expect(await last.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(await last.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(400);

    const files = runDetail().getByRole('region', { name: 'Files of this run' });
    expect(await files.innerText()).toContain(run.artifactsDir);
    const names = await files.locator('.item-name').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['step-01.png', 'step-02.png', 'step-03.png', 'worker.log']));
    expect(names.filter((n) => /^sdk-logs\/.*_output\.html$/.test(n)).length).toBeGreaterThanOrEqual(3);
    await files.getByRole('button', { name: 'Show worker.log' }).click();
    const logText = files.getByRole('region', { name: 'Log worker.log' });
    await logText.waitFor();
    expect(await logText.innerText()).toContain(`act("click the 'Next' link")`);
    const download = page.waitForEvent('download');
    await files.getByRole('button', { name: 'Save step-03.png' }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toBe('step-03.png');
    const savedPath = await saved.path();
    expect(fs.readFileSync(savedPath).equals(fs.readFileSync(path.join(run.artifactsDir, 'step-03.png')))).toBe(true);
  }, 120_000);

  it('cancels a second run within seconds, stopping its browser; the live view refreshes only while it runs', async () => {
    await f.core.invoke('automations.create', { name: 'Slow page', startUrl: f.site.url('/'), steps: [{ instruction: 'wait 60 seconds' }], timeoutSeconds: 120 });
    await go('#/automations');
    await card('Slow page').getByRole('button', { name: 'Run now Slow page' }).click();
    await card('Slow page').getByRole('status').filter({ hasText: 'Running step 1 of 1: wait 60 seconds' }).waitFor({ timeout: 60_000 });
    await card('Slow page').getByRole('link', { name: 'Watch the run of Slow page' }).click();
    const live = runDetail().getByRole('img', { name: `What the browser of Slow page shows now: ${f.site.url('/')}` });
    await live.waitFor({ timeout: 30_000 });
    expect(await live.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBOR/);
    // A new picture every couple of seconds while it runs.
    const shots = count('automations.screenshot');
    await expect.poll(() => count('automations.screenshot'), { timeout: 15_000 }).toBeGreaterThanOrEqual(shots + 2);

    const runId = new URL(page.url()).hash.match(/run=([^&]+)/)![1];
    const t0 = Date.now();
    await runDetail().getByRole('button', { name: 'Cancel run of Slow page' }).click();
    await runState().getByText('Cancelled').waitFor({ timeout: 15_000 });
    const tookMs = Date.now() - t0;
    expect(tookMs).toBeLessThan(10_000);
    expect(await stepItem(1).innerText()).toContain('Cancelled');
    expect(await live.count()).toBe(0);
    const run = (await f.core.invoke('automations.getRun', { runId })) as AutomationRun;
    expect(run.status).toBe('cancelled');
    expect(leftovers(run, f.pids.get(run.id))).toEqual([]);
    expect(f.pids.get(run.id)?.browser).toBeGreaterThan(0);
    // The live view stopped with the run.
    const after = count('automations.screenshot');
    await new Promise((r) => setTimeout(r, 3000));
    expect(count('automations.screenshot')).toBe(after);
    console.log(`cancel: the run ended ${tookMs} ms after the click`);
  }, 120_000);

  it('passes an axe WCAG 2.2 A/AA scan in light and dark (list, run, form with errors), with no CSP violation, and writes screenshots', async () => {
    const laptop = (await f.core.invoke('automations.list', {})).find((a) => a.name === 'Laptop prices')!;
    const found: (AxeViolation & { where: string })[] = [];
    const scan = async (where: string) => found.push(...(await axeViolations(page)).map((v) => ({ ...v, where })));
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await go('#/automations');
      await panel().getByText('Nova Act ready').waitFor();
      await card('Laptop prices').getByText('Succeeded').waitFor();
      await scan(`list (${scheme})`);
      await screenshotView(page, 'automations', scheme);
      await go(`#/automations/${laptop.id}?run=${laptop.lastRun!.id}`);
      await runDetail().getByRole('img', { name: /The page after step 3/ }).waitFor();
      await stepItem(1).getByRole('button', { name: 'Show the screenshot after step 1' }).click();
      await stepItem(1).getByRole('img').waitFor();
      await scan(`run (${scheme})`);
      await page.locator('#automation-run-heading').evaluate((el) => el.scrollIntoView());
      await screenshotView(page, 'automation-run', scheme);
      await go('#/automations/new');
      await page.getByRole('button', { name: 'Add automation' }).click();
      await page.getByRole('alert').filter({ hasText: 'There are 3 problems' }).waitFor();
      await scan(`form with errors (${scheme})`);
      await screenshotView(page, 'automation-form', scheme);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  }, 120_000);

  it('works from the keyboard alone: nav, reordering steps in the edit form, and removing with a confirmation', async () => {
    await go('#/overview');
    await page.locator('#view-heading').focus();
    await tabTo(page, page.getByRole('navigation').getByRole('link', { name: 'Automations' }), 20, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('view-heading');

    await tabTo(page, card('Laptop prices').getByRole('link', { name: 'Edit Laptop prices' }));
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page.getByLabel(/^Name/))).toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Move up step 3' }));
    await page.keyboard.press('Enter');
    // Focus stays with the step that moved, and the move is announced.
    await expect.poll(() => focused(page.getByRole('button', { name: 'Move up step 2' }))).toBe(true);
    expect(await page.getByText('Step 3 moved to position 2').count()).toBe(1);
    expect(await page.getByRole('group', { name: 'Step 2' }).getByLabel(/^Instruction/).inputValue()).toBe('list the products with their prices');
    await tabTo(page, page.getByRole('button', { name: 'Save changes' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Laptop prices', level: 3, exact: true }).waitFor();
    const laptop = (await f.core.invoke('automations.list', {})).find((a) => a.name === 'Laptop prices')!;
    expect(laptop.steps.map((s) => s.instruction)).toEqual(["click the 'Next' link", 'list the products with their prices', "type 'laptop' into the 'Search' field and press enter"]);

    // Saved: focus is on the automation's heading, just after the way back to the list.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('automation-heading');
    await tabTo(page, page.getByRole('link', { name: 'All automations' }), 5, 'Shift+Tab');
    await page.keyboard.press('Enter');
    const remove = card('Slow page').getByRole('button', { name: 'Remove Slow page' });
    await remove.waitFor();
    await tabTo(page, remove);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Remove Slow page?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('deletes its runs with their screenshots and trace files');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await card('Slow page').waitFor({ state: 'detached' });
    expect((await f.core.invoke('automations.list', {})).map((a) => a.name)).toEqual(['Laptop prices']);
    expect(await page.content()).not.toContain(API_KEY);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
