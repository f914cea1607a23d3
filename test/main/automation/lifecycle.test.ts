import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationRun } from '../../../shared/automation.ts';
import { leftovers, makeCore, shopAutomation, startSite, TIMING, until, watchPids, type Fixture, type Site } from './helpers.ts';

let site: Site;
let f: Fixture;
let pids: ReturnType<typeof watchPids>;

beforeAll(async () => {
  site = await startSite();
  f = await makeCore();
  pids = watchPids(f.core);
  await f.core.invoke('novaAct.setApiKey', { apiKey: 'test-key-1234' });
});

afterAll(async () => {
  await f.core.close();
  await site.close();
  fs.rmSync(f.dir, { recursive: true, force: true });
});

/** Starts a run and resolves once its step `index` has started (the worker and browser are up then). */
async function startAt(automationId: string, index: number): Promise<{ runId: string; done: Promise<AutomationRun> }> {
  const seen = f.events.length;
  const r = await f.core.invoke('automations.run', { id: automationId, trigger: 'tray' });
  expect(r.state).toBe('started');
  const runId = r.run!.id;
  await until(() => f.events.slice(seen).some((e) => e.event === 'automation.step' && e.data.runId === runId && e.data.phase === 'started' && e.data.step.index === index), `step ${index} to start`, 60_000);
  const done = new Promise<AutomationRun>((resolve) => {
    const check = () => f.events.find((e) => e.event === 'automation.run.finished' && e.data.run.id === runId)?.data.run;
    const found = check();
    if (found) return resolve(found);
    const off = f.core.onEvent((event, data: any) => {
      if (event === 'automation.run.finished' && data.run.id === runId) {
        off();
        resolve(data.run);
      }
    });
  });
  return { runId, done };
}

describe('no process survives a cancel, a timeout or a crash of the worker', { timeout: 120_000 }, () => {
  it('Cancel stops the worker and the browser within seconds; the run is kept as cancelled', async () => {
    const a = await f.core.invoke('automations.create', { ...shopAutomation(site, { name: 'Slow one' }), steps: [{ instruction: "click the 'Next' link" }, { instruction: 'wait 60 seconds' }, { instruction: 'scroll down' }] });
    const { runId, done } = await startAt(a.id, 2);
    const live = await f.core.invoke('automations.screenshot', { runId });
    expect(Buffer.from(live.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(live.url).toBe(site.url('/search'));
    const t0 = Date.now();
    expect(await f.core.invoke('automations.cancel', { runId })).toEqual({ cancelled: true });
    const run = await done;
    const took = Date.now() - t0;
    expect(took).toBeLessThan(6000);
    expect(run.status).toBe('cancelled');
    expect(run.steps.map((s) => s.status)).toEqual(['succeeded', 'cancelled', 'skipped']);
    expect(run.error).toMatchObject({ code: 'cancelled', message: '"Slow one" was cancelled during step 2.' });
    expect(leftovers(run, pids.get(runId))).toEqual([]);
    expect(await f.core.invoke('automations.cancel', { runId })).toEqual({ cancelled: false });
    console.log(`cancel → everything ended in ${took} ms`);
  });

  it('a step that hangs (a frozen page) is stopped by the core at its timeout plus a grace period', async () => {
    const a = await f.core.invoke('automations.create', { ...shopAutomation(site, { name: 'Freezer' }), startUrl: site.url('/hang'), timeoutSeconds: 5, steps: [{ instruction: "click the 'Freeze' button" }] });
    const { runId, done } = await startAt(a.id, 1);
    const t0 = Date.now();
    const run = await done;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(5000 + TIMING.hardTimeoutGraceMs - 200);
    expect(took).toBeLessThan(5000 + TIMING.hardTimeoutGraceMs + 8000);
    expect(run.status).toBe('failed');
    expect(run.steps[0].error).toMatchObject({ code: 'config', errorClass: null, message: 'Step 1 of "Freezer" did not finish within its 5 s timeout; the browser and the worker were stopped.' });
    expect(leftovers(run, pids.get(runId))).toEqual([]);
    console.log(`hung step → run ended ${took} ms after the step started`);
  });

  it('a worker that dies mid-step fails the run with what happened, and its browser is ended too', async () => {
    const a = await f.core.invoke('automations.create', { ...shopAutomation(site, { name: 'Fragile' }), steps: [{ instruction: 'wait 60 seconds' }] });
    const { runId, done } = await startAt(a.id, 1);
    const { worker, browser } = pids.get(runId)!;
    expect(worker && browser).toBeTruthy();
    process.kill(worker!, 'SIGKILL');
    const run = await done;
    expect(run.status).toBe('failed');
    expect(run.steps[0].status).toBe('failed');
    expect(run.steps[0].error).toMatchObject({ code: 'internal', message: 'The Nova Act worker stopped unexpectedly during step 1 of "Fragile" (killed by SIGKILL).' });
    expect(run.steps[0].error!.action).toMatch(/worker\.log/);
    expect(leftovers(run, pids.get(runId))).toEqual([]);
  });
});
