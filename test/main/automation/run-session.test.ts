import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationRun } from '../../../shared/automation.ts';
import { leftovers, makeCore, productsFor, shopAutomation, startSite, watchPids, type Fixture, type Site } from './helpers.ts';

const CANARY = `nova-CANARY-${Math.random().toString(36).slice(2)}-7f3e`;

let site: Site;
let f: Fixture;
let pids: ReturnType<typeof watchPids>;
const replies: unknown[] = [];

/** Calls the core and keeps every reply, to scan them for the key later. */
async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await f.core.call(method, params);
  replies.push(r);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.result as T;
}

beforeAll(async () => {
  site = await startSite();
  f = await makeCore();
  pids = watchPids(f.core);
  await call('novaAct.setApiKey', { apiKey: CANARY });
});

afterAll(async () => {
  await f.core.close();
  await site.close();
  fs.rmSync(f.dir, { recursive: true, force: true });
});

describe('running an automation with the stand-in SDK in real Chromium', { timeout: 120_000 }, () => {
  let run: AutomationRun;
  let second: AutomationRun;
  let automationId: string;
  const environs: string[] = [];
  const cmdlines: string[] = [];

  it('runs each step, streams step progress in order, and stores the run with the extracted JSON', async () => {
    const a = await call<{ id: string }>('automations.create', shopAutomation(site));
    automationId = a.id;
    const off = f.core.onEvent((event, data) => {
      // While the worker runs, look at how it was started.
      if (event === 'automation.step' && (data as any).phase === 'started' && (data as any).step.index === 1) {
        const pid = f.core.automations.runner.byRun((data as any).runId)?.workerPid;
        if (pid) {
          environs.push(fs.readFileSync(`/proc/${pid}/environ`, 'utf8'));
          cmdlines.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        }
      }
    });
    const started = Date.now();
    const r = await call<{ state: string; run: AutomationRun }>('automations.run', { id: a.id, trigger: 'ui', wait: true });
    off();
    run = r.run;
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.trigger).toBe('ui');
    expect(run.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(run.steps[0].pageUrl).toBe(site.url('/search'));
    expect(run.steps[1].pageUrl).toBe(site.url('/results?q=laptop'));
    expect(run.steps[2].extracted).toEqual({ products: productsFor('laptop') });
    expect(run.steps[2].matchesSchema).toBe(true);
    expect(run.steps.every((s) => (s.stepsExecuted ?? 0) >= 1)).toBe(true);
    expect(run.sdkVersion).toMatch(/stand-in/);
    expect(run.sessionId).toBeTruthy();

    const mine = f.events.filter((e) => (e.event.startsWith('automation.') && (e.data.runId ?? e.data.run?.id) === run.id));
    expect(mine.map((e) => (e.event === 'automation.step' ? `${e.data.phase}:${e.data.step.index}` : e.event))).toEqual([
      'automation.run.started',
      'started:1',
      'finished:1',
      'started:2',
      'finished:2',
      'started:3',
      'extracted:3',
      'finished:3',
      'automation.run.finished',
    ]);
    expect(mine.find((e) => e.data.phase === 'extracted')!.data.step.extracted).toEqual({ products: productsFor('laptop') });

    // The stored run is the same one, read back from SQLite.
    const stored = await call<AutomationRun>('automations.getRun', { runId: run.id });
    expect(stored.steps.map((s) => s.extracted)).toEqual(run.steps.map((s) => s.extracted));
    expect(stored.status).toBe('succeeded');
  });

  it('leaves a screenshot per step, the SDK trace files and the worker log in the run folder, linked from the run', async () => {
    expect(run.artifactsDir).toBe(path.join(f.dir, 'automations', run.id));
    for (const s of run.steps) {
      expect(s.screenshot).toBe(`step-0${s.index}.png`);
      const png = fs.readFileSync(path.join(run.artifactsDir, s.screenshot!));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.readUInt32BE(16)).toBeGreaterThan(400); // a real page, not an empty image
      expect(s.traceFiles.some((t) => t.endsWith('_output.html'))).toBe(true);
      for (const t of s.traceFiles) expect(fs.existsSync(path.join(run.artifactsDir, t))).toBe(true);
    }
    const kinds = new Set(run.artifacts.map((a) => a.kind));
    expect([...kinds].sort()).toEqual(['log', 'screenshot', 'trace']);
    expect(run.artifacts.some((a) => a.path.startsWith('profile/'))).toBe(false);
    expect(fs.existsSync(path.join(run.artifactsDir, 'profile'))).toBe(false);

    // The SDK's console output went to worker.log, not into the protocol.
    const log = fs.readFileSync(path.join(run.artifactsDir, 'worker.log'), 'utf8');
    expect(log).toContain(`act("click the 'Next' link")`);
    expect(log).toContain('** View your act run here:');

    const shot = await call<{ mime: string; base64: string }>('automations.artifact', { runId: run.id, path: 'step-03.png' });
    expect(shot.mime).toBe('image/png');
    expect(Buffer.from(shot.base64, 'base64').equals(fs.readFileSync(path.join(run.artifactsDir, 'step-03.png')))).toBe(true);
    await expect(call('automations.artifact', { runId: run.id, path: '../../kinexus.db' })).rejects.toMatchObject({ code: 'invalid_input', field: 'path' });
  });

  it('puts the extracted rows in the mirror, searchable, and a second run with the same data changes nothing', async () => {
    const listed = await call<{ total: number; hits: any[] }>('records.list', { source: 'nova_act', limit: 50 });
    expect(listed.total).toBe(productsFor('laptop').length);
    expect(listed.hits.every((h) => h.kind === 'product' && h.integrationId === automationId && h.container === 'Laptop prices')).toBe(true);
    const found = await call<{ hits: any[] }>('records.search', { q: 'stand', source: 'nova_act' });
    expect(found.hits.map((h) => h.title)).toEqual(['Laptop stand']);
    const full = await call<any>('records.get', { id: found.hits[0].id });
    expect(full.raw.data).toEqual({ name: 'Laptop stand', price: 49.9 });
    expect(full.url).toBe(site.url('/results?q=laptop'));

    const again = await call<{ run: AutomationRun }>('automations.run', { id: automationId, trigger: 'cli', wait: true });
    second = again.run;
    expect(second.status).toBe('succeeded');
    expect(second.trigger).toBe('cli');
    expect(second.steps[2].recordsSaved).toBe(productsFor('laptop').length);
    const after = await call<{ total: number; hits: any[] }>('records.list', { source: 'nova_act', limit: 50 });
    expect(after.hits.map((h) => h.id).sort()).toEqual(listed.hits.map((h) => h.id).sort());
  });

  it('leaves no worker, browser or helper process behind', () => {
    for (const r of [run, second]) expect(leftovers(r, pids.get(r.id))).toEqual([]);
    expect(pids.get(run.id)?.worker).toBeGreaterThan(0);
    expect(pids.get(run.id)?.browser).toBeGreaterThan(0);
  });

  it('passes the API key only through the worker environment: never in argv, SQLite, logs, run files or API replies', () => {
    expect(environs.length).toBe(1);
    expect(environs[0].split('\0')).toContain(`NOVA_ACT_API_KEY=${CANARY}`);
    expect(cmdlines[0]).not.toContain(CANARY);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(f.dir);
    expect(files.some((p) => p.endsWith('kinexus.db'))).toBe(true);
    expect(files.some((p) => p.endsWith('worker.log'))).toBe(true);
    for (const p of files) expect(fs.readFileSync(p).includes(CANARY), p).toBe(false);
    expect(JSON.stringify(replies)).not.toContain(CANARY);
    expect(JSON.stringify(f.events)).not.toContain(CANARY);
    expect(f.secrets.values.get('nova-act/apiKey')).toBe(CANARY);
  });

  it('removing an automation removes its runs, their folders and its mirrored records', async () => {
    const before = await call<AutomationRun[]>('automations.runs', { automationId });
    expect(before.length).toBe(2);
    await call('automations.remove', { id: automationId });
    for (const r of before) expect(fs.existsSync(r.artifactsDir)).toBe(false);
    expect((await call<{ total: number }>('records.list', { source: 'nova_act', limit: 10 })).total).toBe(0);
    await expect(call('automations.getRun', { runId: before[0].id })).rejects.toMatchObject({ code: 'not_found' });
  });
});
