/**
 * UI: in headless Chromium, time from navigation to content of the logs view
 * showing a run with N log lines (100,000 by default), time from scrolling
 * that log to its end until the last line shows, and time to content of the
 * overview with M integrations (50), each against the same view with little
 * data (one integration, a run of 100 lines) served by a second host in the
 * same run.
 * Both hosts are the real headless host (main/headless/host.ts) over a real
 * core, as `kinexus serve` runs them. A view that does not show its content
 * is reported "not available" instead of failing.
 *
 *   npm run bench:ui          (BENCH_RENDERER_DIR=dist/renderer skips the build)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startHeadlessHost, type HeadlessHost } from '../main/headless/host.ts';
import { buildRenderer, launchChromium } from '../test/e2e/support.ts';
import { progress, runMain } from './lib/cli.ts';
import { ratio, type BenchResult, type Metric } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { median } from './lib/stats.ts';
import { waitForText } from './ui/page.ts';
import { seedCore, type Seeded } from './ui/seed.ts';

const TIMEOUT_MS = 90_000;

interface Site {
  seeded: Seeded;
  host: HeadlessHost;
  lines: number;
}

/** What "content" means for a view: every string in `texts` is in the main region's text. */
interface Probe {
  hash: string;
  texts: string[];
  /** Text that must be gone (e.g. a loading note). */
  absent?: string;
  /** Timed from this instead of navigation: once `ready` shows, the element `scrollToEnd` is scrolled to its bottom. */
  action?: { ready: string[]; scrollToEnd: string };
}

interface Timing {
  ms: number | null;
  /** Main-thread busy time of the page until then (Chromium's TaskDuration), and its script part. */
  busyMs?: number;
  scriptMs?: number;
  why?: string;
}

/** Milliseconds from navigation to the probe holding, in a fresh browser context; null when it never does. */
async function timeToContent(browser: Browser, url: string, probe: Probe): Promise<Timing> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    // Busy time is what the page itself cost, which a loaded machine stretches less than wall time.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const shows = (texts: string[], absent?: string) => waitForText(page, texts, absent, TIMEOUT_MS);
    const busy = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      return { busyMs: metric('TaskDuration'), scriptMs: metric('ScriptDuration') };
    };
    let t0 = performance.now();
    let before = { busyMs: 0, scriptMs: 0 };
    await page.goto(`${url}${probe.hash}`, { waitUntil: 'commit' });
    if (probe.action) {
      await shows(probe.action.ready, probe.absent);
      before = await busy();
      t0 = performance.now();
      await page.evaluate((selector) => {
        const box = document.querySelector(selector);
        if (box) box.scrollTop = box.scrollHeight;
      }, probe.action.scrollToEnd);
    }
    await shows(probe.texts, probe.absent);
    const ms = performance.now() - t0;
    const after = await busy();
    return { ms, busyMs: after.busyMs - before.busyMs, scriptMs: after.scriptMs - before.scriptMs };
  } catch (err) {
    return { ms: null, why: String((err as Error).message).split('\n')[0] };
  } finally {
    await context.close();
  }
}

async function site(integrations: number, lines: number, rendererDir: string): Promise<Site> {
  const seeded = await seedCore(integrations, lines);
  const host = await startHeadlessHost({ core: seeded.core, rendererDir });
  return { seeded, host, lines };
}

const count = (s: Site) => `${s.lines.toLocaleString('en-US')} lines`;
const logsFirst = (s: Site): Probe => ({ hash: `#/logs?run=${s.seeded.bigRunId}`, texts: ['page=1 '] });
// The view fetches only the lines in sight: "loaded" is the full count shown and no line in sight still loading.
const logsAll = (s: Site): Probe => ({ hash: `#/logs?run=${s.seeded.bigRunId}`, texts: ['page=1 ', count(s)], absent: 'Loading…' });
const logsEnd = (s: Site): Probe => ({ hash: `#/logs?run=${s.seeded.bigRunId}`, action: { ready: ['page=1 ', count(s)], scrollToEnd: '.log-scroll' }, texts: [`page=${s.lines} `], absent: 'Loading…' });
const overview = (s: Site): Probe => ({ hash: '#/overview', texts: s.seeded.names });

/** The renderer to serve: BENCH_RENDERER_DIR, or a fresh build of renderer/ into a temporary directory. */
function renderer(): { dir: string; built: boolean } {
  const given = process.env.BENCH_RENDERER_DIR;
  if (given) return { dir: path.resolve(given), built: false };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-renderer-'));
  buildRenderer(dir);
  return { dir, built: true };
}

export async function uiBench(): Promise<BenchResult> {
  const z = sizes();
  const rounds = z.smoke ? 1 : 3;
  progress(process.env.BENCH_RENDERER_DIR ? `ui: renderer from ${process.env.BENCH_RENDERER_DIR}` : 'ui: building the renderer');
  const r = renderer();
  const sites: Site[] = [];
  let browser: Browser | undefined;
  try {
    progress(`ui: seeding ${z.uiIntegrations} integrations and a run of ${z.uiLogLines} log lines`);
    const small = await site(1, 100, r.dir);
    sites.push(small);
    const large = await site(z.uiIntegrations, z.uiLogLines, r.dir);
    sites.push(large);
    browser = await launchChromium();
    const views: { name: string; probe: (s: Site) => Probe }[] = [
      { name: `logs view, first lines of ${large.lines.toLocaleString('en-US')}`, probe: logsFirst },
      { name: `logs view, all ${large.lines.toLocaleString('en-US')} lines counted, lines in view loaded`, probe: logsAll },
      { name: `logs view, scrolled to line ${large.lines.toLocaleString('en-US')}`, probe: logsEnd },
      { name: `overview, ${z.uiIntegrations} integrations`, probe: overview },
    ];
    const metrics: Metric[] = [];
    for (const v of views) {
      progress(`ui: ${v.name}`);
      const big: (number | null)[] = [];
      const base: (number | null)[] = [];
      const busy: number[] = [];
      const busyBase: number[] = [];
      const script: number[] = [];
      let why: string | undefined;
      // Alternating, so load from elsewhere hits both alike; a first miss ends the view's rounds.
      for (let k = 0; k < rounds; k++) {
        const b = await timeToContent(browser, small.host.url, v.probe(small));
        const a = await timeToContent(browser, large.host.url, v.probe(large));
        base.push(b.ms);
        big.push(a.ms);
        if (a.busyMs !== undefined) (busy.push(a.busyMs), script.push(a.scriptMs ?? 0));
        if (b.busyMs !== undefined) busyBase.push(b.busyMs);
        why ??= a.why ?? b.why;
        if (a.ms === null || b.ms === null) break;
      }
      const ok = big.every((x) => x !== null) && base.every((x) => x !== null);
      const value = ok ? median(big as number[]) : null;
      const baseline = ok ? median(base as number[]) : null;
      metrics.push({ name: v.name, value, unit: 'ms', baseline, ratio: ratio(value, baseline), note: ok ? `rounds ${big.map((x) => Math.round(x!)).join(' / ')} ms; page main thread busy ${Math.round(median(busy))} ms (script ${Math.round(median(script))}) vs ${Math.round(median(busyBase))} ms` : `not available: ${why}` });
    }
    return {
      id: 'ui',
      title: 'UI',
      params: { logLines: z.uiLogLines, integrations: z.uiIntegrations, rounds },
      metrics,
      notes: [
        `Time from navigation (page.goto, fresh browser context) until the main region shows the content: for the logs view line 1 of the run, then also the "${large.lines.toLocaleString('en-US')} lines" count with no "Loading…" (the view fetches only the lines in sight, so this is the count plus every visible line); for the overview every integration's name. "Scrolled to line N": from setting the log's scrollTop to its bottom (once the first lines and the count show) until line N shows with no "Loading…"; its busy time counts from the scroll too. Baseline: the same view over a second host with one integration and a run of 100 lines; the measured host also holds ${z.uiIntegrations} integrations, so its logs view lists 100 runs and the shell's status.get covers them all, and part of a logs-view ratio is theirs, not the log's. Median of ${rounds} alternating rounds. "Main thread busy" is Chromium's TaskDuration for the page until then (CDP Performance metrics): the page's own work, which a loaded machine stretches less than wall time.`,
        `Headless Chromium (/usr/bin/chromium via playwright-core); renderer ${r.built ? 'built from renderer/ for this run' : `from ${r.dir}`}; hosts: main/headless/host.ts over real cores seeded through the store repositories.`,
      ],
    };
  } finally {
    await browser?.close();
    for (const s of sites) {
      await s.host.close();
      await s.seeded.close();
    }
    if (r.built) fs.rmSync(r.dir, { recursive: true, force: true });
  }
}

await runMain(import.meta, () => uiBench());
