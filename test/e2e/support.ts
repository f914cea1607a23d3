import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_RENDERER = path.join(REPO_ROOT, 'dist', 'renderer');

/** Debian's chromium, headless, with everything that would phone home switched off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KINEXUS_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Builds the renderer with Vite into `outDir` (the config's own outDir when omitted). */
export function buildRenderer(outDir?: string): void {
  const args = ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'];
  if (outDir) args.push('--outDir', outDir);
  execFileSync('npx', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

/** dist/renderer as `npm run build:renderer` leaves it, building it once if it is missing. */
export function ensureDistRenderer(): string {
  if (!fs.existsSync(path.join(DIST_RENDERER, 'index.html'))) buildRenderer();
  return DIST_RENDERER;
}

/** Console errors and failed requests of a page (CSP violations show up as console errors). */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

const requireFromHere = createRequire(import.meta.url);
let axeSource: string | undefined;

/** One axe-core finding, trimmed to what a failing test should print. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page for WCAG 2.0–2.2 A and AA. axe is evaluated over
 * the DevTools protocol, which the page's CSP does not govern, so the policy
 * under test stays exactly as shipped.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= fs.readFileSync(requireFromHere.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/** Records every CSP violation the page reports (read them with cspViolations). Call before the first goto. */
export async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
}

/** The CSP violations the page reported so far. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'screenshots');

/** Writes test/e2e/screenshots/<view>-<scheme>.png of what is in the viewport. */
export async function screenshotView(page: Page, view: string, scheme: 'light' | 'dark'): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${view}-${scheme}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  return file;
}

/**
 * Presses Tab until the element `locator` points at has focus, as a keyboard
 * user would; fails when it is not reached within `maxPresses`.
 */
export async function tabTo(page: Page, locator: Locator, maxPresses = 80, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<number> {
  const target = await locator.elementHandle();
  if (!target) throw new Error('tabTo: the element is not on the page');
  for (let i = 1; i <= maxPresses; i++) {
    await page.keyboard.press(key);
    if (await target.evaluate((el) => el === document.activeElement)) return i;
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`tabTo: not reached after ${maxPresses} presses of ${key}; focus is on ${focused}`);
}
