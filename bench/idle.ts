/**
 * Idle: a core as the app runs it (scheduler and MCP endpoint on) with N
 * integrations scheduled hourly and none due, watched for BENCH_IDLE_SECONDS
 * (60 by default) of real time: scheduler wake-ups, every timer callback in
 * the process, and CPU, against a bare Node process waiting as long, side by
 * side in the same minute.
 *
 *   npm run bench:idle        (BENCH_IDLE_SECONDS=10 for a quick look)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { progress, runMain } from './lib/cli.ts';
import { here, startChild } from './lib/child.ts';
import { ratio, type BenchResult } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';

export async function idleBench(): Promise<BenchResult> {
  const z = sizes();
  progress(`idle: ${z.idleIntegrations} integrations, watching ${z.idleSeconds} s`);
  const script = here(import.meta.url, './idle/idle-child.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-idle-'));
  let c: Record<string, any>;
  let b: Record<string, any>;
  try {
    const setup = startChild(script, { env: { BENCH_IDLE: JSON.stringify({ mode: 'setup', dir, integrations: z.idleIntegrations }) } });
    await setup.result;
    await setup.close();
    const core = startChild(script, { env: { BENCH_IDLE: JSON.stringify({ mode: 'core', dir, seconds: z.idleSeconds }) } });
    const bare = startChild(script, { env: { BENCH_IDLE: JSON.stringify({ mode: 'bare', seconds: z.idleSeconds }) } });
    [c, b] = await Promise.all([core.result, bare.result]);
    await Promise.all([core.close(), bare.close()]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const perMin = (n: number, ms: number) => (n / ms) * 60_000;
  const cpu = (c.cpuMs / c.ms) * 100;
  const cpuBase = (b.cpuMs / b.ms) * 100;
  // Nothing is due in the window, so the only right number of scheduler wake-ups is zero.
  const dueInWindow = c.firstDueInS <= z.idleSeconds + 1 ? 1 : 0;
  const sources = Object.entries(c.by as Record<string, number>)
    .sort((x, y) => y[1] - x[1])
    .map(([where, n]) => `${where} ×${n}`)
    .join('; ');
  return {
    id: 'idle',
    title: 'Idle',
    params: { integrations: z.idleIntegrations, seconds: z.idleSeconds },
    metrics: [
      { name: 'scheduler wake-ups', value: perMin(c.wakeups, c.ms), unit: '/min', baseline: dueInWindow, target: 'only at due times', met: c.wakeups <= dueInWindow, note: `first sync due in ${Math.round(c.firstDueInS / 60)} min; ${c.runs} syncs started` },
      { name: 'timer callbacks, whole process', value: perMin(c.timers, c.ms), unit: '/min', baseline: perMin(b.timers, b.ms), note: sources || 'none' },
      { name: 'CPU', value: cpu, unit: '% of a core', baseline: cpuBase, ratio: ratio(cpu, cpuBase), note: `${c.cpuMs.toFixed(0)} ms CPU in ${(c.ms / 1000).toFixed(0)} s; bare Node ${b.cpuMs.toFixed(0)} ms` },
    ],
    notes: [
      'Measured side: a child process with a real core (scheduler on, MCP endpoint on, as the app starts it) on a data directory another child filled first with the integrations, each with a succeeded run a moment ago and an hourly schedule. Baseline: a second child (same Node and loader) that only waits, in the same window. Timer callbacks are counted by wrapping the global setTimeout/setInterval before the core loads (bench/idle/timer-census.ts).',
    ],
  };
}

await runMain(import.meta, () => idleBench());
