/**
 * Where the logs view's time goes: opens the view of a run with N log lines
 * once in headless Chromium over the real headless host and prints the time to
 * the first lines and to the count, every API call the page made (when it was
 * asked, what the core took, how big the reply was) and Chromium's Performance
 * metrics. With PROFILE=1 it also records a V8 CPU profile and a trace and
 * prints the page's JavaScript and main-thread events by self time.
 *
 *   node --import tsx bench/ui/profile.ts <renderer dir> [out.json]
 *   BENCH_UI_LINES (100,000)  BENCH_UI_INTEGRATIONS (1)  ROUNDS (1)  PROFILE=1
 */
import fs from 'node:fs';
import type { Browser, CDPSession } from 'playwright-core';
import { startHeadlessHost } from '../../main/headless/host.ts';
import { launchChromium } from '../../test/e2e/support.ts';
import { waitForText } from './page.ts';
import { seedCore } from './seed.ts';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function top(title: string, totals: Map<string, number>, n = 25): void {
  console.log(title);
  for (const [k, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${ms.toFixed(0).padStart(7)}  ${k}`);
}

/** JavaScript by self time; "(program)" is native work outside JS (e.g. receiving WebSocket frames). */
function profileSelfTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return self;
}

/** Self time of complete trace events on the renderer main thread that ran longest. */
function traceSelfTimes(events: TraceEvent[]): Map<string, number> {
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best = new Map<string, number>();
  let bestTotal = 0;
  for (const m of mains) {
    const xs = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const child = new Map<TraceEvent, number>();
    const stack: TraceEvent[] = [];
    for (const e of xs) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur! <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) child.set(parent, (child.get(parent) ?? 0) + e.dur!);
      stack.push(e);
    }
    const self = new Map<string, number>();
    let total = 0;
    for (const e of xs) {
      const ms = (e.dur! - (child.get(e) ?? 0)) / 1000;
      self.set(e.name, (self.get(e.name) ?? 0) + ms);
      total += ms;
    }
    if (total > bestTotal) (best = self, (bestTotal = total));
  }
  return best;
}

async function startProfiling(cdp: CDPSession): Promise<() => Promise<{ profile: CpuProfile; events: TraceEvent[] }>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink,toplevel', transferMode: 'ReportEvents' });
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await cdp.send('Tracing.end');
    await complete;
    return { profile, events };
  };
}

const rendererDir = process.argv[2];
if (!rendererDir) throw new Error('usage: profile.ts <renderer dir> [out.json]');
const lines = Number(process.env.BENCH_UI_LINES ?? 100_000);
const seeded = await seedCore(Number(process.env.BENCH_UI_INTEGRATIONS ?? 1), lines);
const calls: { method: string; at: number; ms: number; bytes: number }[] = [];
let navigatedAt = 0;
const host = await startHeadlessHost({
  core: {
    onEvent: (listener) => seeded.core.onEvent(listener),
    async call(method, params) {
      const at = performance.now();
      const reply = await seeded.core.call(method, params);
      calls.push({ method, at: at - navigatedAt, ms: performance.now() - at, bytes: JSON.stringify(reply).length });
      return reply;
    },
  },
  rendererDir,
});
/** One visit in a fresh browser context: timings, the calls it made, Chromium's metrics, and with PROFILE=1 where the time went. */
async function visit(browser: Browser, round: number): Promise<void> {
  calls.length = 0;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const stop = process.env.PROFILE === '1' ? await startProfiling(cdp) : null;
    const shows = (texts: string[], absent?: string) => waitForText(page, texts, absent, 120_000);
    navigatedAt = performance.now();
    await page.goto(`${host.url}#/logs?run=${seeded.bigRunId}`, { waitUntil: 'commit' });
    await shows(['page=1 ']);
    const first = performance.now() - navigatedAt;
    await shows(['page=1 ', `${lines.toLocaleString('en-US')} lines`], 'Loading…');
    const all = performance.now() - navigatedAt;
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    console.log(`round ${round}: first lines ${Math.round(first)} ms, count with the lines in view ${Math.round(all)} ms`);
    console.log('calls (asked at ms after navigation, core ms, reply bytes):');
    for (const c of calls) console.log(`  ${c.at.toFixed(0).padStart(6)} ${c.ms.toFixed(1).padStart(7)} ${String(c.bytes).padStart(9)}  ${c.method}`);
    for (const m of metrics) if (/Duration|Count|Nodes|JSHeapUsed/.test(m.name)) console.log(`  ${m.name}: ${/Duration/.test(m.name) ? `${Math.round(m.value * 1000)} ms` : m.value}`);
    if (stop) {
      const { profile, events } = await stop();
      const out = process.argv[3];
      if (out) fs.writeFileSync(out, JSON.stringify({ traceEvents: events }));
      if (out) fs.writeFileSync(out.replace(/\.json$/, '.cpuprofile'), JSON.stringify(profile));
      top('page CPU profile, self time (ms):', profileSelfTimes(profile));
      top('page main thread, trace events by self time (ms):', traceSelfTimes(events));
    }
  } finally {
    await context.close();
  }
}

const browser = await launchChromium();
try {
  // The first visit of a process is cold (browser, core caches); ROUNDS=3 shows the warm ones too.
  for (let round = 1; round <= Number(process.env.ROUNDS ?? 1); round++) await visit(browser, round);
} finally {
  await browser.close();
  await host.close();
  await seeded.close();
}
