import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venvPython } from '../../../main/automation/python-env.ts';
import { buildStandInWheel, makeCore, startSite, type Site } from './helpers.ts';

let site: Site;
const dirs: string[] = [];
function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** The user's environment without the stand-in on PYTHONPATH: only a real install makes nova_act importable. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { PYTHONPATH: _drop, ...env } = process.env;
  return env;
}

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('setting Nova Act up once', { timeout: 120_000 }, () => {
  it('says exactly what is missing when there is no Python and no key, and the setup says what to install', async () => {
    const f = await makeCore({ automation: { env: { ...cleanEnv(), PATH: tmp('kx-nopath-') } } });
    dirs.push(f.dir);
    try {
      const s = await f.core.invoke('novaAct.status', {});
      expect(s.ready).toBe(false);
      expect(s.missing.map((m) => m.part)).toEqual(['python', 'api_key']);
      expect(s.summary).toBe('Nova Act is not ready: No Python 3.10 or newer was found; No Nova Act API key is stored.');
      expect(s.missing[0].action).toMatch(/Install Python 3\.10\+/);
      await expect(f.core.invoke('novaAct.setup', {})).rejects.toMatchObject({ code: 'config', message: 'No Python interpreter was found on PATH.' });
      await expect(f.core.invoke('novaAct.setup', { python: '/bin/false' })).rejects.toMatchObject({ code: 'config', field: 'python', message: '"/bin/false" does not run as Python.' });
    } finally {
      await f.core.close();
    }
  });

  describe('the one-click setup', () => {
    let f: Awaited<ReturnType<typeof makeCore>>;
    beforeAll(async () => {
      f = await makeCore({ automation: { env: cleanEnv() } });
      dirs.push(f.dir);
    });
    afterAll(async () => {
      await f.core.close();
    });

    it('fails with the cause and what to do when the folder has no nova-act, and nothing is marked ready', async () => {
      const before = await f.core.invoke('novaAct.status', {});
      expect(before.missing.map((m) => m.part)).toEqual(['package', 'api_key']);
      expect(before.python?.source).toBe('system');
      expect(before.venvExists).toBe(false);

      const empty = tmp('kx-nowheel-');
      const failed = f.core.invoke('novaAct.setup', { packageSource: empty });
      await expect(failed).rejects.toMatchObject({ code: 'config', field: 'packageSource' });
      await expect(failed).rejects.toThrow(/has no installable nova-act/);
      const last = f.events.filter((e) => e.event === 'novaAct.setup.progress').at(-1)!.data;
      expect(last.phase).toBe('failed');
      expect(last.error.action).toContain(empty);
      expect((await f.core.invoke('novaAct.status', {})).missing.map((m) => m.part)).toEqual(['package', 'api_key']);
    });

    it('run again with the wheel, installs nova-act into the private venv with progress, and runs with it', async () => {
      const wheels = tmp('kx-wheels-');
      expect(path.basename(buildStandInWheel(wheels))).toBe('nova_act-0.1.0-py3-none-any.whl');
      const seen = f.events.length;
      const t0 = Date.now();
      const after = await f.core.invoke('novaAct.setup', { packageSource: wheels });
      const took = Date.now() - t0;
      expect(after.venvDir).toBe(path.join(f.dir, 'nova-act', 'venv'));
      expect(after.venvExists).toBe(true);
      expect(after.python).toMatchObject({ source: 'venv', path: venvPython(after.venvDir) });
      expect(after.package).toEqual({ installed: true, version: '0.1.0', standIn: true });
      expect(after.missing.map((m) => m.part)).toEqual(['api_key']);
      const progress = f.events.slice(seen).filter((e) => e.event === 'novaAct.setup.progress').map((e) => e.data);
      const phases = progress.map((p) => p.phase).filter((p, i, all) => all[i - 1] !== p);
      expect(phases).toEqual(['checking', 'creating_venv', 'installing', 'verifying', 'done']);
      expect(progress.some((p) => /Successfully installed nova-act-0\.1\.0/.test(p.message))).toBe(true);
      console.log(`setup (pip from a local folder into the venv) took ${took} ms`);

      expect((await f.core.invoke('novaAct.setApiKey', { apiKey: 'test-key-1234' })).summary).toBe('Nova Act ready');
      const a = await f.core.invoke('automations.create', { name: 'Heading', startUrl: site.url('/'), steps: [{ instruction: 'what is the heading?', schema: { type: 'string' } }] });
      const { run } = await f.core.invoke('automations.run', { id: a.id, wait: true });
      expect(run!.status, JSON.stringify(run!.error)).toBe('succeeded');
      expect(run!.sdkVersion).toBe('0.1.0 (stand-in)');
      expect(run!.steps[0].extracted).toBe('Welcome to the shop');
      expect(run!.steps[0].recordsSaved).toBe(1);
    });
  });
});
