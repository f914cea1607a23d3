/**
 * The idle benchmark's processes, by BENCH_IDLE.mode:
 *  - setup: fills BENCH_IDLE.dir with N integrations scheduled hourly, each
 *    with a succeeded run a moment ago, then exits (so nothing it leaves
 *    behind runs in the measured process);
 *  - core: opens a core on that directory as the app does (scheduler on, MCP
 *    endpoint on), settles for a second, then watches for BENCH_IDLE.seconds:
 *    scheduler wake-ups, every timer callback of the process, CPU time;
 *  - bare: the baseline, a Node process (same loader) that only waits as long.
 */
import { timerCensus, uncountedSleep } from './timer-census.ts';
import { parent } from '../lib/child.ts';

const spec = JSON.parse(process.env.BENCH_IDLE ?? '{}') as { mode: 'setup' | 'core' | 'bare'; dir?: string; seconds?: number; integrations?: number };

/** CPU and timers over the window, after a settling second. */
async function watch(seconds: number): Promise<{ cpuMs: number; timers: number; by: Record<string, number>; ms: number }> {
  await uncountedSleep(1000);
  const c0 = process.cpuUsage();
  const t0 = timerCensus();
  const w0 = performance.now();
  await uncountedSleep(seconds * 1000);
  const c = process.cpuUsage(c0);
  const t = timerCensus();
  const by: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.by)) if (v - (t0.by[k] ?? 0) > 0) by[k] = v - (t0.by[k] ?? 0);
  return { cpuMs: (c.user + c.system) / 1000, timers: t.fired - t0.fired, by, ms: performance.now() - w0 };
}

async function setup(dir: string, n: number): Promise<void> {
  const { createCore } = await import('../../main/core/core.ts');
  const { MemorySecretStore } = await import('../../main/secrets/memory-store.ts');
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
  for (let k = 1; k <= n; k++) {
    // The token stays in this process's memory store; nothing is due, so the measured core never asks for it.
    const i = await core.invoke('integrations.add', { connector: 'github', name: `Idle ${k}`, settings: { baseUrl: 'http://127.0.0.1:9', repositories: [`acme/repo-${k}`] }, secrets: { token: `ghp_idle_${k}_0123456789abcdef` } });
    await core.invoke('integrations.setSchedule', { id: i.id, schedule: { type: 'interval', minutes: 60 } });
    const at = new Date().toISOString();
    core.sync.runs.create(`idle-run-${k}`, i.id, 'schedule', at);
    core.sync.runs.finish(`idle-run-${k}`, 'succeeded', at, 1, 100, null);
  }
  await core.close();
}

async function withCore(dir: string, seconds: number) {
  const { createCore } = await import('../../main/core/core.ts');
  const { MemorySecretStore } = await import('../../main/secrets/memory-store.ts');
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore(), scheduler: true, mcp: { port: 0 } });
  const due = core.sync.healthAll().map((h) => (h.nextRunAt ? Date.parse(String(h.nextRunAt)) : Infinity));
  const count = () => (core.db.prepare('SELECT count(*) AS n FROM sync_runs').get() as { n: number }).n;
  const w0 = core.sync.scheduler.wakeups;
  const runs0 = count();
  const r = await watch(seconds);
  const wakeups = core.sync.scheduler.wakeups - w0;
  const runs = count() - runs0;
  await core.close();
  return { ...r, wakeups, runs, firstDueInS: (Math.min(...due) - Date.now()) / 1000 };
}

try {
  if (spec.mode === 'setup') {
    await setup(spec.dir!, spec.integrations!);
    parent.finish({});
  } else if (spec.mode === 'core') parent.finish(await withCore(spec.dir!, spec.seconds!));
  else parent.finish(await watch(spec.seconds!));
} catch (err) {
  parent.fail(err);
}
