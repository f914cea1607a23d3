import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

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
