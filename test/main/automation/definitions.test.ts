import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';
import { makeCore, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await makeCore();
});
afterAll(async () => {
  await f.core.close();
  fs.rmSync(f.dir, { recursive: true, force: true });
});

const base = { name: 'Invoices', startUrl: 'https://billing.example.com/login', steps: [{ instruction: "click 'Invoices'" }] };

/** The error body a call fails with. */
async function failure(method: string, params: unknown) {
  const r = await f.core.call(method, params);
  if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
  return r.error;
}

describe('defining automations', () => {
  it('fills in safe defaults: headless, 30 actions and 5 minutes per step, only the starting host, manual runs', async () => {
    const a = await f.core.invoke('automations.create', base);
    expect(a).toMatchObject({
      name: 'Invoices',
      headless: true,
      maxSteps: 30,
      timeoutSeconds: 300,
      allowedDomains: ['billing.example.com'],
      profileDir: null,
      schedule: { type: 'manual' },
      enabled: true,
      paused: false,
      lastRun: null,
      runningRunId: null,
      nextRunAt: null,
    });
    expect(a.id).toMatch(/^auto-[0-9a-f]{8}$/);
    expect((await f.core.invoke('automations.get', { id: 'invoices' })).id).toBe(a.id);
    expect((await f.core.invoke('automations.list', {})).map((x) => x.id)).toContain(a.id);
    expect(f.events.some((e) => e.event === 'automations.changed' && e.data.ids[0] === a.id)).toBe(true);
  });

  it.each([
    [{ ...base, name: 'x1', startUrl: 'ftp://files.example.com' }, 'startUrl', /http:\/\/ or https:\/\//],
    [{ ...base, name: 'x2', startUrl: 'not a url' }, 'startUrl', /http:\/\/ or https:\/\//],
    [{ ...base, name: 'x3', steps: [] }, 'steps', /at least one step/],
    [{ ...base, name: 'x4', steps: [{ instruction: '  ' }] }, 'steps.0.instruction', /an instruction is required/],
    [{ ...base, name: 'x5', steps: [{ instruction: 'a' }, { instruction: 'b', schema: { type: 'banana' } }] }, 'steps.1.schema', /JSON Schema/],
    [{ ...base, name: 'x6', steps: [{ instruction: 'a', kind: 'Not A Kind!' }] }, 'steps.0.kind', /lower-case/],
    [{ ...base, name: 'x7', allowedDomains: ['https://billing.example.com'] }, 'allowedDomains.0', /host name/],
    [{ ...base, name: 'x8', allowedDomains: ['other.example.org'] }, 'allowedDomains', /must include the starting page's host "billing\.example\.com"/],
    [{ ...base, name: 'x9', timeoutSeconds: 1 }, 'timeoutSeconds', /at least 5 seconds/],
    [{ ...base, name: 'x10', maxSteps: 0 }, 'maxSteps', /at least 1/],
    [{ ...base, name: 'x11', profileDir: 'relative/profile' }, 'profileDir', /absolute folder path/],
    [{ ...base, name: 'x12', schedule: { type: 'interval', minutes: 0 } }, 'schedule.minutes', /at least every minute/],
    [{ ...base, name: 'x13', headless: 'yes' }, 'headless', /boolean/],
    [{ ...base, name: 'x14', colour: 'red' }, undefined, /colour/],
  ])('rejects bad input with an error naming the field (%#)', async (input, field, message) => {
    const e = await failure('automations.create', input);
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('rejects a cron expression that never fires, a duplicate name and a profile path that is a file', async () => {
    expect(await failure('automations.create', { ...base, name: 'Cron', schedule: { type: 'cron', expression: '0 0 30 2 *' } })).toMatchObject({ code: 'invalid_input', field: 'schedule.expression', message: expect.stringMatching(/never matches/) });
    expect(await failure('automations.create', { ...base, name: 'INVOICES' })).toMatchObject({ code: 'invalid_input', field: 'name', message: 'An automation named "INVOICES" already exists.' });
    const file = path.join(os.tmpdir(), `kx-file-${process.pid}`);
    fs.writeFileSync(file, 'x');
    try {
      expect(await failure('automations.create', { ...base, name: 'Profiled', profileDir: file })).toMatchObject({ code: 'invalid_input', field: 'profileDir' });
    } finally {
      fs.rmSync(file);
    }
  });

  it('an update changes only what is given, and the result must still hold together', async () => {
    const a = await f.core.invoke('automations.create', { ...base, name: 'Reports', allowedDomains: ['example.com'] });
    const u = await f.core.invoke('automations.update', { id: a.id, timeoutSeconds: 60, schedule: { type: 'interval', minutes: 90 }, paused: true });
    expect(u).toMatchObject({ name: 'Reports', timeoutSeconds: 60, maxSteps: 30, steps: base.steps, schedule: { type: 'interval', minutes: 90 }, paused: true, allowedDomains: ['example.com'] });
    // A new starting page outside the allowed domains would be blocked at once: refused, naming the field.
    expect(await failure('automations.update', { id: a.id, startUrl: 'https://reports.other.org/' })).toMatchObject({ code: 'invalid_input', field: 'allowedDomains' });
    expect(await failure('automations.update', { id: a.id, name: 'invoices' })).toMatchObject({ field: 'name' });
    expect(await failure('automations.update', { id: 'auto-nothere', name: 'y' })).toMatchObject({ code: 'not_found', field: 'id' });
    expect((await f.core.invoke('automations.get', { id: a.id })).startUrl).toBe(base.startUrl);
  });

  it('lists enabled automations for the tray, and refuses to run a disabled one', async () => {
    const a = await f.core.invoke('automations.create', { ...base, name: 'Off' });
    await f.core.invoke('automations.update', { id: a.id, enabled: false });
    const tray = await f.core.invoke('automations.runnable', {});
    expect(tray.find((t) => t.id === a.id)).toBeUndefined();
    expect(tray.find((t) => t.name === 'Invoices')).toEqual({ id: expect.any(String), name: 'Invoices', running: false, runningRunId: null, lastStatus: null });
    expect(await failure('automations.run', { id: a.id, trigger: 'tray' })).toMatchObject({ code: 'config', message: '"Off" is disabled.' });
    expect(await failure('automations.run', { id: a.id, trigger: 'mcp' })).toMatchObject({ code: 'invalid_input', field: 'trigger' });
  });

  it('stores the API key only in the keychain: SQLite keeps whether it is set, and an empty key removes it', async () => {
    const key = 'nova-key-abcdef123456';
    expect((await f.core.invoke('novaAct.setApiKey', { apiKey: key })).apiKeySet).toBe(true);
    expect(f.secrets.values.get('nova-act/apiKey')).toBe(key);
    const rows = f.core.db.prepare('SELECT key, value FROM nova_act_config').all();
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(await failure('novaAct.setApiKey', { apiKey: 'two words' })).toMatchObject({ code: 'invalid_input', field: 'apiKey' });
    expect((await f.core.invoke('novaAct.setApiKey', { apiKey: '' })).apiKeySet).toBe(false);
    expect(f.secrets.values.has('nova-act/apiKey')).toBe(false);
  });

  it('a broken installation without worker.py says so in the status, and runs refuse to start', async () => {
    const broken = await makeCore({ automation: { workerScript: path.join(os.tmpdir(), 'no-such-dir', 'worker.py') } });
    try {
      await broken.core.invoke('novaAct.setApiKey', { apiKey: 'abcdef123456' });
      const s = await broken.core.invoke('novaAct.status', {});
      expect(s.missing).toEqual([{ part: 'worker', message: 'The Nova Act worker script (worker.py) is missing from this installation', action: expect.stringMatching(/Reinstall Kinexus Desktop/) }]);
      const a = await broken.core.invoke('automations.create', base);
      const { run } = await broken.core.invoke('automations.run', { id: a.id, wait: true });
      expect(run!.error).toMatchObject({ code: 'config', message: expect.stringMatching(/worker script/) });
    } finally {
      await broken.core.close();
      fs.rmSync(broken.dir, { recursive: true, force: true });
    }
  });

  it('will not store the key when the keychain is locked, and says how to fix it', async () => {
    const secrets = new MemorySecretStore();
    secrets.status = { state: 'locked', backend: 'memory', reason: 'the login keyring is locked', fix: 'Unlock the login keyring' };
    const again = await makeCore({ secrets });
    try {
      const r = await again.core.call('novaAct.setApiKey', { apiKey: 'abcdef123456' });
      expect(r.ok ? null : r.error).toMatchObject({ code: 'secrets_unavailable', action: 'Unlock the login keyring' });
      const s = await again.core.invoke('novaAct.status', {});
      expect(s.missing.find((m) => m.part === 'keychain')).toMatchObject({ message: 'The OS keychain is locked, so the API key cannot be read' });
    } finally {
      await again.core.close();
      fs.rmSync(again.dir, { recursive: true, force: true });
    }
  });
});
