import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSiteUrl } from '../../../../main/connectors/atlassian-site.ts';
import { createCore, type Core } from '../../../../main/core/core.ts';
import { MemorySecretStore } from '../../../../main/secrets/memory-store.ts';

let core: Core;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-atl-settings-'));
  core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
});
afterAll(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function validate(connector: string, settings: Record<string, unknown>) {
  try {
    return { ok: true as const, settings: (await core.invoke('connectors.validateSettings', { connector, settings })).settings };
  } catch (err) {
    return { ok: false as const, error: err as { code: string; field?: string; message: string } };
  }
}

describe('Atlassian settings', () => {
  it('normalizes what people paste as a site address', () => {
    expect(normalizeSiteUrl('https://acme.atlassian.net/jira/software/projects/ENG/boards/1', 'jira')).toEqual({ url: 'https://acme.atlassian.net' });
    expect(normalizeSiteUrl('https://acme.atlassian.net/wiki/spaces/ENG/overview', 'confluence')).toEqual({ url: 'https://acme.atlassian.net' });
    expect(normalizeSiteUrl('https://api.atlassian.com/ex/jira/3F6C2A1E-8B7D-4C5E-9A0B-1C2D3E4F5A6B/rest/api/3', 'jira')).toEqual({ url: 'https://api.atlassian.com/ex/jira/3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b' });
    expect(normalizeSiteUrl('http://acme.atlassian.net', 'jira')).toMatchObject({ error: expect.stringContaining('https://') });
    expect(normalizeSiteUrl('https://api.atlassian.com/jira', 'jira')).toMatchObject({ error: expect.stringContaining('/ex/jira/<cloudId>') });
  });

  it('accepts good Jira settings, upper-casing project keys', async () => {
    const r = await validate('jira', { siteUrl: 'https://acme.atlassian.net/browse/ENG-1', email: 'ana@acme.example', projects: ['eng', 'ops', 'ENG'], jql: ' statusCategory != Done ' });
    expect(r).toEqual({ ok: true, settings: { siteUrl: 'https://acme.atlassian.net', email: 'ana@acme.example', projects: ['ENG', 'OPS'], jql: 'statusCategory != Done' } });
  });

  it('names the bad field and what to fix', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ siteUrl: 'acme', email: 'ana@acme.example', projects: ['ENG'] }, 'siteUrl', /not a web address/],
      [{ siteUrl: 'https://acme.atlassian.net', email: 'ana', projects: ['ENG'] }, 'email', /email address/],
      [{ siteUrl: 'https://acme.atlassian.net', email: 'ana@acme.example', projects: ['1X'] }, 'projects.0', /project keys such as ENG/],
      [{ siteUrl: 'https://acme.atlassian.net', email: 'ana@acme.example', projects: [] }, 'projects', /at least one/],
      [{ siteUrl: 'https://acme.atlassian.net', email: 'ana@acme.example', projects: ['ENG'], jql: 'status = Open ORDER BY created' }, 'jql', /leave out ORDER BY/],
    ];
    for (const [settings, field, message] of cases) {
      const r = await validate('jira', settings);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.field).toBe(`settings.${field}`);
        expect(r.error.message).toContain(field);
        expect(r.error.message).toMatch(message);
      }
    }
    const c = await validate('confluence', { siteUrl: 'https://acme.atlassian.net/wiki', email: 'ana@acme.example', spaces: ['ENG', 'bad key'] });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error.message).toMatch(/spaces\.1: use space keys/);
  });

  it('lists both connectors with their streams and a JSON schema for the forms', async () => {
    const list = await core.invoke('connectors.list', {});
    const jira = list.find((c) => c.id === 'jira')!;
    const conf = list.find((c) => c.id === 'confluence')!;
    expect(jira.streams).toEqual([{ name: 'issues', title: 'Issues', kind: 'issue' }]);
    expect(conf.streams.map((s) => s.name)).toEqual(['pages', 'blogposts']);
    expect(Object.keys((jira.settingsSchema as { properties: object }).properties)).toEqual(['siteUrl', 'email', 'projects', 'jql']);
    expect(jira.secretFields.map((f) => f.name)).toEqual(['apiToken']);
  });
});
