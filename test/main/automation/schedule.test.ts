import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationRun } from '../../../shared/automation.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { leftovers, makeCore, startSite, until, watchPids, type Fixture, type Site } from './helpers.ts';

const HOUR = 3_600_000;
let site: Site;
let f: Fixture;
let clock: FakeClock;

beforeAll(async () => {
  site = await startSite();
  clock = new FakeClock('2025-03-03T09:00:00.000Z');
  f = await makeCore({ clock, scheduler: true, random: () => 0.5 });
});
afterAll(async () => {
  await f.core.close();
  await site.close();
  fs.rmSync(f.dir, { recursive: true, force: true });
});

function finishedRuns(): AutomationRun[] {
  return f.events.filter((e) => e.event === 'automation.run.finished').map((e) => e.data.run);
}

describe('automations on a schedule, through the same scheduler as syncs', { timeout: 120_000 }, () => {
  it('a new automation on an interval runs at once, then an interval after it ended; pausing holds it', async () => {
    const pids = watchPids(f.core);
    await f.core.invoke('novaAct.setApiKey', { apiKey: 'test-key-1234' });
    const a = await f.core.invoke('automations.create', { name: 'Hourly heading', startUrl: site.url('/'), steps: [{ instruction: 'what is the heading?', schema: { type: 'string' } }], schedule: { type: 'interval', minutes: 60 } });
    expect(a.nextRunAt).toBe('2025-03-03T09:00:00.000Z');
    await clock.advance(0);
    await until(() => finishedRuns().length === 1, 'the scheduled run', 60_000);
    const run = finishedRuns()[0];
    expect(run.trigger).toBe('schedule');
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(leftovers(run, pids.get(run.id))).toEqual([]);

    const after = await f.core.invoke('automations.get', { id: a.id });
    expect(after.lastRun).toMatchObject({ id: run.id, status: 'succeeded' });
    expect(after.nextRunAt).toBe(new Date(Date.parse(run.endedAt!) + HOUR).toISOString());

    await f.core.invoke('automations.update', { id: a.id, paused: true });
    expect((await f.core.invoke('automations.get', { id: a.id })).nextRunAt).toBeNull();
    await clock.advance(3 * HOUR);
    await new Promise((r) => setTimeout(r, 300));
    expect(finishedRuns()).toHaveLength(1);
  });

  it('resumed, it runs when due; a run that fails (here: the key was removed) is recorded and the next one backs off', async () => {
    const [a] = await f.core.invoke('automations.list', {});
    await f.core.invoke('novaAct.setApiKey', { apiKey: '' });
    await f.core.invoke('automations.update', { id: a.id, paused: false });
    await clock.advance(0);
    await until(() => finishedRuns().length === 2, 'the second scheduled run');
    const failed = finishedRuns()[1];
    expect(failed).toMatchObject({ trigger: 'schedule', status: 'failed', error: { code: 'auth' } });
    await until(() => f.core.automations.runner.running(a.id) === undefined, 'the session to be released');
    const next = (await f.core.invoke('automations.get', { id: a.id })).nextRunAt!;
    // One failure: the interval again (it doubles from the second failure on), never sooner.
    expect(Date.parse(next) - Date.parse(failed.endedAt!)).toBe(HOUR);
    const tray = await f.core.invoke('automations.runnable', {});
    expect(tray).toEqual([{ id: a.id, name: 'Hourly heading', running: false, runningRunId: null, lastStatus: 'failed' }]);
  });
});
