import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../main/automation/processes.ts';
import { leftovers, makeCore, processesMentioning, REPO, shopAutomation, standInEnv, startSite, until, watchPids, type Site } from './helpers.ts';

let site: Site;
const dirs: string[] = [];

beforeAll(async () => {
  site = await startSite();
});

afterAll(async () => {
  await site.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});


/** Starts the app in a child process on `dir` and resolves once its run's first step has started. */
async function appChild(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/main/automation/app-child.ts')], {
    cwd: REPO,
    env: standInEnv({ KX_DATA_DIR: dir, KX_START_URL: site.url('/') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  await until(() => out.includes('\n') || child.exitCode !== null, 'the child to start a run', 90_000);
  expect(child.exitCode, err).toBeNull();
  const info = JSON.parse(out.split('\n')[0]) as { runId: string; worker: number; browser: number; artifactsDir: string };
  expect(isAlive(info.worker) && isAlive(info.browser)).toBe(true);
  return { child, info };
}

describe('quitting, and the app itself crashing, during a run', { timeout: 120_000 }, () => {
  it('Quit ends the worker and the browser before the database closes; the run is kept as interrupted', async () => {
    const f = await makeCore();
    dirs.push(f.dir);
    const pids = watchPids(f.core);
    await f.core.invoke('novaAct.setApiKey', { apiKey: 'test-key-1234' });
    const a = await f.core.invoke('automations.create', { ...shopAutomation(site), steps: [{ instruction: 'wait 60 seconds' }] });
    const { run } = await f.core.invoke('automations.run', { id: a.id });
    await until(() => f.events.some((e) => e.event === 'automation.step' && e.data.phase === 'started'), 'the step to start', 60_000);
    const t0 = Date.now();
    await f.core.close();
    const took = Date.now() - t0;
    expect(took).toBeLessThan(8000);
    const stored = run!;
    expect(leftovers(stored, pids.get(stored.id))).toEqual([]);
    expect(pids.get(stored.id)?.browser).toBeGreaterThan(0);

    const again = await makeCore({ dir: f.dir, secrets: f.secrets });
    try {
      const r = await again.core.invoke('automations.getRun', { runId: stored.id });
      expect(r.status).toBe('interrupted');
      expect(r.error).toMatchObject({ code: 'cancelled', message: 'Kinexus was closing while "Laptop prices" ran step 1.' });
      expect(r.steps[0].status).toBe('cancelled');
    } finally {
      await again.core.close();
    }
  });

  it('a CLI command beside the running app leaves its session alone; when the app is killed, the worker ends the browser; the next start marks the run interrupted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-crash-'));
    dirs.push(dir);
    const { child, info } = await appChild(dir);

    // A second process opening the same data directory (as "kinexus automations runs" would).
    const beside = await makeCore({ dir });
    try {
      expect((await beside.core.invoke('automations.getRun', { runId: info.runId })).status).toBe('running');
    } finally {
      await beside.core.close();
    }
    expect(isAlive(info.worker) && isAlive(info.browser)).toBe(true);

    const t0 = Date.now();
    child.kill('SIGKILL');
    await until(() => !isAlive(info.worker) && !isAlive(info.browser) && processesMentioning(info.artifactsDir).length === 0, 'the worker and browser to end', 10_000);
    console.log(`app killed → worker and browser gone in ${Date.now() - t0} ms`);

    const f = await makeCore({ dir });
    try {
      const r = await f.core.invoke('automations.getRun', { runId: info.runId });
      expect(r.status).toBe('interrupted');
      expect(r.error).toMatchObject({ code: 'cancelled', message: 'Kinexus stopped while this automation was running.' });
      expect(r.steps[0].status).toBe('skipped');
    } finally {
      await f.core.close();
    }
  });

  it('when the app and its worker die together, the next start ends the browser they left behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-crash-'));
    dirs.push(dir);
    const { child, info } = await appChild(dir);
    process.kill(info.worker, 'SIGKILL');
    child.kill('SIGKILL');
    await until(() => !isAlive(info.worker) && (child.exitCode !== null || child.signalCode !== null), 'both to die');
    await new Promise((r) => setTimeout(r, 500));
    expect(isAlive(info.browser)).toBe(true);

    const f = await makeCore({ dir });
    try {
      await until(() => !isAlive(info.browser) && processesMentioning(info.artifactsDir).length === 0, 'the orphaned browser to be ended', 5000);
      expect((await f.core.invoke('automations.getRun', { runId: info.runId })).status).toBe('interrupted');
    } finally {
      await f.core.close();
    }
  });
});
