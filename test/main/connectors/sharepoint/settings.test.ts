/** SharePoint settings as the UI and CLI send them: defaults, pasted URLs, and errors that name the field. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../../main/core/core.ts';
import { MemorySecretStore } from '../../../../main/secrets/memory-store.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
let core: Core;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-sp-settings-'));
  core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
});
afterAll(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const validate = (settings: Record<string, unknown>) => core.invoke('connectors.validateSettings', { connector: 'sharepoint', settings });

describe('SharePoint settings', () => {
  it('fills in the public cloud hosts and turns pasted site URLs into host:/path', async () => {
    const { settings } = await validate({ tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT, sites: ['https://Contoso.sharepoint.com/sites/Docs/Shared%20Documents/Forms/AllItems.aspx', 'contoso.sharepoint.com:/teams/eng/', 'contoso.sharepoint.com'] });
    expect(settings).toEqual({
      tenantId: 'contoso.onmicrosoft.com',
      clientId: CLIENT,
      sites: ['contoso.sharepoint.com:/sites/Docs', 'contoso.sharepoint.com:/teams/eng', 'contoso.sharepoint.com'],
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
    });
  });

  it.each([
    [{ clientId: 'my-app' }, 'settings.clientId', /Application \(client\) ID/],
    [{ tenantId: 'contoso' }, 'settings.tenantId', /Directory \(tenant\) ID/],
    [{ sites: [] }, 'settings.sites', /at least one site/],
    [{ sites: ['docs'] }, 'settings.sites.0', /host:\/path such as contoso\.sharepoint\.com:\/sites\/docs/],
    [{ authorityHost: 'http://login.microsoftonline.com' }, 'settings.authorityHost', /must be an https URL/],
    [{ libraries: [''] }, 'settings.libraries.0', /cannot be empty/],
    [{ drive: 'x' }, 'settings', /drive/],
  ])('rejects %j naming %s', async (patch, field, message) => {
    const err = await validate({ tenantId: TENANT, clientId: CLIENT, sites: ['contoso.sharepoint.com:/sites/docs'], ...patch }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_input', field, message: expect.stringMatching(message) });
  });

  it('offers no secret field to type and two streams', async () => {
    const sp = (await core.invoke('connectors.list', {})).find((c) => c.id === 'sharepoint')!;
    expect(sp.secretFields).toEqual([]);
    expect(sp.streams.map((s) => s.name)).toEqual(['documents', 'list_items']);
    expect(Object.keys((sp.settingsSchema as { properties: object }).properties)).toEqual(['tenantId', 'clientId', 'sites', 'libraries', 'lists', 'streams', 'authorityHost', 'graphBaseUrl']);
  });
});
