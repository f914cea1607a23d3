import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core.ts';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';

const open: { core: Core; dir: string }[] = [];
async function makeCore(store = new MemorySecretStore()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-core-'));
  const core = await createCore({ dataDir: dir, secretStore: store });
  open.push({ core, dir });
  return { core, dir, store };
}
afterEach(async () => {
  for (const { core, dir } of open.splice(0)) {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const githubInput = { connector: 'github', name: 'Acme GitHub', settings: { repositories: ['acme/api'] }, secrets: { token: 'ghp_0123456789abcdef' } };

describe('integrations through the core API', () => {
  it('adds an integration with defaults applied, keeps the token in the keychain and shows only that it is set', async () => {
    const { core, store } = await makeCore();
    const reply = await core.call('integrations.add', githubInput);
    expect(reply.ok).toBe(true);
    const i = (reply as { result: any }).result;
    expect(i).toMatchObject({ connector: 'github', name: 'Acme GitHub', enabled: true, secrets: { token: true }, settings: { baseUrl: 'https://api.github.com', repositories: ['acme/api'] } });
    expect(store.values.get(`${i.id}/token`)).toBe('ghp_0123456789abcdef');
    expect(JSON.stringify(reply)).not.toContain('ghp_0123456789abcdef');
  });

  it('names the bad settings field and writes nothing', async () => {
    const { core, store } = await makeCore();
    const reply = await core.call('integrations.add', { ...githubInput, settings: { repositories: ['not-a-repo'] } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'settings.repositories.0' } });
    expect((reply as any).error.message).toMatch(/owner\/name/);
    expect(await core.invoke('integrations.list', {})).toEqual([]);
    expect(store.values.size).toBe(0);
  });

  it('rejects unknown connectors, unknown settings keys, unknown and missing secrets', async () => {
    const { core } = await makeCore();
    expect(await core.call('integrations.add', { ...githubInput, connector: 'gitlab' })).toMatchObject({ ok: false, error: { field: 'connector', message: expect.stringMatching(/Available: github/) } });
    expect(await core.call('integrations.add', { ...githubInput, settings: { repositories: ['a/b'], repos: ['x/y'] } })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/Unrecognized key: "repos"/) } });
    expect(await core.call('integrations.add', { ...githubInput, secrets: { password: 'x' } })).toMatchObject({ ok: false, error: { field: 'secrets.password' } });
    expect(await core.call('integrations.add', { ...githubInput, secrets: {} })).toMatchObject({ ok: false, error: { field: 'secrets.token' } });
    expect(await core.call('integrations.add', { ...githubInput, extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.call('no.such.method', {})).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/Unknown method/) } });
    expect(await core.invoke('integrations.list', {})).toEqual([]);
  });

  it('refuses a duplicate name (case-insensitive)', async () => {
    const { core } = await makeCore();
    await core.invoke('integrations.add', githubInput);
    expect(await core.call('integrations.add', { ...githubInput, name: 'acme github' })).toMatchObject({ ok: false, error: { field: 'name' } });
  });

  it('fails with the keychain fix when the keychain is locked, and stores nothing', async () => {
    const store = new MemorySecretStore();
    store.status = { state: 'locked', backend: 'memory', reason: 'The login keyring is locked.', fix: 'Unlock it in Passwords and Keys.' };
    const { core } = await makeCore(store);
    const reply = await core.call('integrations.add', githubInput);
    expect(reply).toMatchObject({ ok: false, error: { code: 'secrets_unavailable', action: 'Unlock it in Passwords and Keys.' } });
    expect(await core.invoke('integrations.list', {})).toEqual([]);
    expect((await core.invoke('status.get', {})).keychain.state).toBe('locked');
  });

  it('rolls the integration back when the keychain write fails midway', async () => {
    const store = new MemorySecretStore();
    store.set = async () => {
      throw new Error('keychain exploded');
    };
    const { core } = await makeCore(store);
    expect((await core.call('integrations.add', githubInput)).ok).toBe(false);
    expect(await core.invoke('integrations.list', {})).toEqual([]);
  });

  it('updates settings and replaces only the secrets given; finds by name', async () => {
    const { core, store } = await makeCore();
    const i = await core.invoke('integrations.add', githubInput);
    const u = await core.invoke('integrations.update', { id: i.id, name: 'Renamed', settings: { repositories: ['acme/web'] } });
    expect(u).toMatchObject({ name: 'Renamed', settings: { repositories: ['acme/web'] }, secrets: { token: true } });
    await core.invoke('integrations.update', { id: i.id, secrets: { token: 'ghp_new_value_123' } });
    expect(store.values.get(`${i.id}/token`)).toBe('ghp_new_value_123');
    expect((await core.invoke('integrations.get', { id: 'renamed' })).id).toBe(i.id);
    expect(await core.call('integrations.update', { id: i.id, secrets: { token: '' } })).toMatchObject({ ok: false, error: { field: 'secrets.token' } });
  });

  it('disables, enables and removes, deleting the keychain entries', async () => {
    const { core, store } = await makeCore();
    const events: string[] = [];
    core.onEvent((e) => events.push(e));
    const i = await core.invoke('integrations.add', githubInput);
    expect((await core.invoke('integrations.setEnabled', { id: i.id, enabled: false })).enabled).toBe(false);
    expect((await core.invoke('integrations.setEnabled', { id: i.id, enabled: true })).enabled).toBe(true);
    await core.invoke('integrations.remove', { id: i.id });
    expect(store.values.size).toBe(0);
    expect(await core.call('integrations.get', { id: i.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(events.filter((e) => e === 'integrations.changed').length).toBe(4);
  });

  it('reports an empty workspace', async () => {
    const { core, dir } = await makeCore();
    const s = await core.invoke('status.get', {});
    expect(s).toMatchObject({ dataDir: dir, integrations: [], keychain: { state: 'available' } });
    expect(s.schemaVersion).toBeGreaterThanOrEqual(1);
  });

  it('lists connectors with a JSON schema of their settings for forms', async () => {
    const { core } = await makeCore();
    const list = await core.invoke('connectors.list', {});
    const gh = list.find((c) => c.id === 'github')!;
    expect(gh.secretFields.map((f) => f.name)).toEqual(['token']);
    expect((gh.settingsSchema as any).properties.repositories.type).toBe('array');
    expect((gh.settingsSchema as any).required).toEqual(['repositories']);
  });
});
