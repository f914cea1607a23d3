import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationRun } from '../../../shared/automation.ts';
import { leftovers, makeCore, shopAutomation, startSite, watchPids, type Fixture, type Site } from './helpers.ts';

let site: Site;
let f: Fixture;
let pids: ReturnType<typeof watchPids>;

beforeAll(async () => {
  site = await startSite();
  f = await makeCore();
  pids = watchPids(f.core);
});

afterAll(async () => {
  await f.core.close();
  await site.close();
  fs.rmSync(f.dir, { recursive: true, force: true });
});

describe('what a run does when something is not right', { timeout: 120_000 }, () => {
  it('without an API key, a run fails at once with an auth error saying how to add one, and starts nothing', async () => {
    const a = await f.core.invoke('automations.create', shopAutomation(site));
    const { run } = await f.core.invoke('automations.run', { id: a.id, wait: true });
    expect(run!.status).toBe('failed');
    expect(run!.error).toMatchObject({ code: 'auth', message: expect.stringContaining('No Nova Act API key is stored') });
    expect(run!.error!.action).toMatch(/kinexus automations api-key/);
    expect(run!.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(pids.get(run!.id)?.worker).toBeUndefined();
    expect(pids.get(run!.id)?.browser).toBeUndefined();
    const status = await f.core.invoke('novaAct.status', {});
    expect(status.ready).toBe(false);
    expect(status.summary).toBe('Nova Act is not ready: No Nova Act API key is stored.');
    expect(status.missing.map((m) => m.part)).toEqual(['api_key']);
  });

  it('blocks navigation outside the allowed domains with the state guardrail, and stops the run there', async () => {
    await f.core.invoke('novaAct.setApiKey', { apiKey: 'test-key-1234' });
    expect((await f.core.invoke('novaAct.status', {})).summary).toBe('Nova Act ready');
    const a = await f.core.invoke('automations.create', {
      ...shopAutomation(site, { name: 'Wanders off' }),
      steps: [{ instruction: 'go to /results?q=mouse' }, { instruction: "click the 'Leave' link" }, { instruction: 'what is the heading?', schema: { type: 'string' } }],
    });
    expect(a.allowedDomains).toEqual(['127.0.0.1']);
    const { run } = await f.core.invoke('automations.run', { id: a.id, wait: true });
    const r = run as AutomationRun;
    expect(r.status).toBe('failed');
    expect(r.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(r.steps[1].error).toMatchObject({ code: 'permission', errorClass: 'ActStateGuardrailError' });
    expect(r.steps[1].error!.message).toContain(`localhost:${site.port}/elsewhere`);
    expect(r.steps[1].error!.action).toMatch(/allowed domains/);
    expect(r.error).toEqual(r.steps[1].error);
    expect(leftovers(r, pids.get(r.id))).toEqual([]);
  });

  it('reports an instruction that needs more browser actions than allowed as the SDK raised it, with the limit to raise', async () => {
    const a = await f.core.invoke('automations.create', { ...shopAutomation(site, { name: 'Endless' }), maxSteps: 3, steps: [{ instruction: "click 'More' until 'Page 50' appears" }] });
    const { run } = await f.core.invoke('automations.run', { id: a.id, wait: true });
    const r = run as AutomationRun;
    expect(r.status).toBe('failed');
    expect(r.steps[0].error).toMatchObject({ code: 'config', errorClass: 'ActExceededMaxStepsError' });
    expect(r.steps[0].error!.message).toBe('Step 1 of "Endless" needed more than 3 browser actions.');
    expect(r.steps[0].error!.action).toMatch(/max steps \(now 3\)/);
    // Where it got to is kept: three clicks from the home page, on page 3.
    expect(r.steps[0].pageUrl).toBe(site.url('/more?n=3'));
    expect(r.steps[0].screenshot).toBe('step-01.png');
    expect(leftovers(r, pids.get(r.id))).toEqual([]);
  });
});
