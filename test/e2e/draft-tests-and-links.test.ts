import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../main/core/core.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { secretAccount } from '../../main/secrets/secret-store.ts';
import { githubFixture, TOKEN, type GitHubFixture } from '../helpers/github-fixture.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The contract methods the dashboard's forms and search rely on, on the real
 * core against the GitHub emulator: testing unsaved settings, per-field
 * checks, and opening links only to configured hosts.
 */
describe('testing a draft integration without saving it', () => {
  let f: GitHubFixture;
  const events: string[] = [];
  beforeAll(async () => {
    f = await githubFixture({ issues: 3 });
    f.core.onEvent((e) => events.push(e));
  });
  afterAll(() => f.close());

  it('tests unsaved settings and a typed token, and stores, pushes and echoes nothing', async () => {
    const draftToken = 'ghp_draft_only_0123456789abcdef';
    f.gh.state.addToken(draftToken, 'octo', { scopes: ['repo'] });
    const before = { integrations: await f.core.invoke('integrations.list', {}), secrets: [...f.store.values.keys()] };
    events.length = 0;
    const reply = await f.core.call('integrations.testDraft', { connector: 'github', settings: { baseUrl: f.gh.url, repositories: ['acme/api', 'acme/missing'] }, secrets: { token: draftToken } });
    expect(reply.ok).toBe(true);
    const result = (reply as { result: { ok: boolean; identity: string; reachable: { name: string; ok: boolean }[] } }).result;
    expect(result.identity).toContain('octo');
    expect(result.reachable.map((r) => `${r.name}:${r.ok}`)).toEqual(['acme/api:true', 'acme/missing:false']);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(reply)).not.toContain(draftToken);
    expect(await f.core.invoke('integrations.list', {})).toEqual(before.integrations);
    expect([...f.store.values.keys()]).toEqual(before.secrets);
    expect(events).toEqual([]);
  });

  it('uses the stored token of an existing integration when none is typed, and a typed one instead of it', async () => {
    const stored = await f.core.invoke('integrations.testDraft', { connector: 'github', id: f.id, settings: { baseUrl: f.gh.url, repositories: ['acme/api'] } });
    expect(stored.ok).toBe(true);
    const typed = await f.core.invoke('integrations.testDraft', { connector: 'github', id: f.id, settings: { baseUrl: f.gh.url, repositories: ['acme/api'] }, secrets: { token: 'ghp_wrong_0123456789' } });
    expect(typed.ok).toBe(false);
    expect(typed.error?.code).toBe('auth');
    // The stored token was not replaced by the one typed for the test.
    expect(await f.store.get(secretAccount(f.id, 'token'))).toBe(TOKEN);
  });

  it('names the missing secret field of a new draft', async () => {
    const reply = await f.core.call('integrations.testDraft', { connector: 'github', settings: { baseUrl: f.gh.url, repositories: ['acme/api'] } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'secrets.token' } });
  });

  it('lists every settings problem by field, with the connector\'s own words', async () => {
    const bad = await f.core.invoke('connectors.checkSettings', { connector: 'github', settings: { baseUrl: 'ftp://x', repositories: ['ok/one', 'not a repo'] } });
    expect(bad.ok).toBe(false);
    expect(bad.issues).toEqual([
      { field: 'baseUrl', message: 'must be an http(s) URL such as https://api.github.com' },
      { field: 'repositories.1', message: 'use owner/name, e.g. octocat/hello-world' },
    ]);
    const good = await f.core.invoke('connectors.checkSettings', { connector: 'github', settings: { repositories: ['a/b'] } });
    expect(good).toEqual({ ok: true, settings: { baseUrl: 'https://api.github.com', repositories: ['a/b'] }, issues: [] });
  });
});

describe('opening a link from the mirror', () => {
  let dir: string;
  const opened: string[] = [];
  let core: Awaited<ReturnType<typeof createCore>>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-links-'));
    core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore(), openExternal: async (url) => void opened.push(url) });
    await core.invoke('integrations.add', { connector: 'github', name: 'Enterprise', settings: { baseUrl: 'https://ghe.acme.example/api/v3', repositories: ['a/b'] }, secrets: { token: 'ghp_xxxxxxxxxxxx' } });
  });
  afterAll(async () => {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens an http(s) URL on a configured host through the injected opener', async () => {
    expect(await core.invoke('links.open', { url: 'https://GHE.acme.example/a/b/issues/1' })).toEqual({ url: 'https://ghe.acme.example/a/b/issues/1', opened: true });
    expect(opened).toEqual(['https://ghe.acme.example/a/b/issues/1']);
  });

  it('refuses other hosts, look-alikes, other schemes and URLs with credentials, and opens nothing', async () => {
    opened.length = 0;
    for (const url of ['https://evil.example/x', 'https://ghe.acme.example.evil.example/', 'https://sub.ghe.acme.example/', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@ghe.acme.example/']) {
      const reply = await core.call('links.open', { url });
      expect(reply.ok, url).toBe(false);
    }
    expect((await core.call('links.open', { url: 'https://evil.example/x' })) as unknown).toMatchObject({ error: { code: 'permission', field: 'url' } });
    expect(opened).toEqual([]);
  });

  it('approves without opening where the core has no browser (the headless host), so the page opens it', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-links-'));
    const headless = await createCore({ dataDir: d, secretStore: new MemorySecretStore() });
    try {
      await headless.invoke('integrations.add', { connector: 'github', name: 'Cloud', settings: { repositories: ['a/b'] }, secrets: { token: 'ghp_xxxxxxxxxxxx' } });
      expect(await headless.invoke('links.open', { url: 'https://github.com/a/b/pull/2' })).toEqual({ url: 'https://github.com/a/b/pull/2', opened: false });
    } finally {
      await headless.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
