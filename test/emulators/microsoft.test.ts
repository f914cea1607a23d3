/**
 * The Microsoft emulator holds what the vendor documents: Entra's device code
 * and refresh grants with their AADSTS errors, Graph's auth checks, site and
 * drive lookups, and delta semantics (paging, tombstones, 410 resync).
 */
import { request, type Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMicrosoftEmulator, testDispatcher, type MicrosoftEmulator, type MsApp, type MsTenant, type SpDrive, type SpSite } from './microsoft/server.ts';

const UPN = 'adele@contoso.onmicrosoft.com';
let ms: MicrosoftEmulator;
let d: Agent;
let tenant: MsTenant;
let app: MsApp;
let site: SpSite;
let docs: SpDrive;

beforeAll(() => {
  d = testDispatcher();
});
afterAll(async () => {
  await d.close();
});
beforeEach(async () => {
  ms = await startMicrosoftEmulator({ identity: { pollIntervalSeconds: 1 } });
  ({ tenant, app } = ms.seedDirectory());
  site = ms.graph.state.addSite({ hostname: 'contoso.sharepoint.com', path: '/sites/docs', displayName: 'Docs' });
  docs = ms.graph.state.drive(site);
});
afterEach(async () => {
  await ms.close();
});

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
}

async function call(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; token?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.form) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await request(url, { method: (init.method ?? (init.form ? 'POST' : 'GET')) as 'GET', headers, body: init.form ? new URLSearchParams(init.form).toString() : undefined, dispatcher: d });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, headers: res.headers as Record<string, string>, body };
}

const login = (p: string, init?: Parameters<typeof call>[1]) => call(`${ms.login.url}/${tenant.id}${p}`, init);
const graph = (p: string, token: string, init: Parameters<typeof call>[1] = {}) => call(p.startsWith('https://') ? p : `${ms.graph.url}/v1.0${p}`, { ...init, token });

/** Device code → approve → tokens, the way a client and a user do it. */
async function tokens(scope = 'Sites.Read.All openid profile offline_access'): Promise<{ access_token: string; refresh_token: string; id_token: string; scope: string }> {
  const dc = await login('/oauth2/v2.0/devicecode', { form: { client_id: app.clientId, scope } });
  ms.identity.approve(dc.body.user_code, UPN);
  const t = await login('/oauth2/v2.0/token', { form: { client_id: app.clientId, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dc.body.device_code } });
  expect(t.status).toBe(200);
  return t.body;
}

describe('identity platform', () => {
  it('publishes OpenID configuration whose issuer and endpoints sit on the login origin and tenant', async () => {
    const r = await login('/v2.0/.well-known/openid-configuration');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ issuer: `${ms.login.url}/${tenant.id}/v2.0`, token_endpoint: `${ms.login.url}/${tenant.id}/oauth2/v2.0/token`, device_authorization_endpoint: `${ms.login.url}/${tenant.id}/oauth2/v2.0/devicecode` });
    const byDomain = await call(`${ms.login.url}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(byDomain.body.issuer).toBe(`${ms.login.url}/${tenant.id}/v2.0`);
    const unknown = await call(`${ms.login.url}/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    expect(unknown.body.error_description).toMatch(/^AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found/);
  });

  it('runs the device code flow: pending until the user approves, then tokens once', async () => {
    const dc = await login('/oauth2/v2.0/devicecode', { form: { client_id: app.clientId, scope: 'Sites.Read.All openid profile offline_access' } });
    expect(dc.status).toBe(200);
    expect(dc.body).toMatchObject({ verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 1 });
    expect(dc.body.message).toContain(dc.body.user_code);
    const poll = () => login('/oauth2/v2.0/token', { form: { client_id: app.clientId, grant_type: 'device_code', device_code: dc.body.device_code } });
    const pending = await poll();
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });
    ms.identity.approve(dc.body.user_code, UPN);
    const ok = await poll();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: 'Sites.Read.All profile openid email', expires_in: 3599 });
    const claims = JSON.parse(Buffer.from(ok.body.id_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: app.clientId, iss: `${ms.login.url}/${tenant.id}/v2.0`, tid: tenant.id, preferred_username: UPN, name: 'Adele Vance' });
    expect(JSON.parse(Buffer.from(ok.body.client_info, 'base64url').toString())).toEqual({ uid: claims.oid, utid: tenant.id });
    const again = await poll();
    expect(again.body.error).toBe('invalid_grant');
  });

  it('answers declined, expired and unknown device codes with their documented errors', async () => {
    const start = () => login('/oauth2/v2.0/devicecode', { form: { client_id: app.clientId, scope: 'Sites.Read.All offline_access' } });
    const poll = (code: string) => login('/oauth2/v2.0/token', { form: { client_id: app.clientId, grant_type: 'device_code', device_code: code } });
    const a = await start();
    ms.identity.decline(a.body.user_code);
    expect((await poll(a.body.device_code)).body.error).toBe('authorization_declined');
    const b = await start();
    ms.identity.deviceGrants.get(b.body.device_code)!.expiresAt = Date.now() - 1;
    expect((await poll(b.body.device_code)).body).toMatchObject({ error: 'expired_token', error_codes: [70020] });
    expect((await poll('not-a-code')).body.error).toBe('bad_verification_code');
  });

  it('rejects unknown clients, clients without public client flows, bad scopes and non-form bodies', async () => {
    const unknown = await login('/oauth2/v2.0/devicecode', { form: { client_id: '11111111-2222-3333-4444-555555555555', scope: 'Sites.Read.All' } });
    expect(unknown.body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    const confidential = ms.identity.addApp({ tenantId: tenant.id, publicClient: false });
    const dc = await login('/oauth2/v2.0/devicecode', { form: { client_id: confidential.clientId, scope: 'Sites.Read.All' } });
    ms.identity.approve(dc.body.user_code, UPN);
    const t = await login('/oauth2/v2.0/token', { form: { client_id: confidential.clientId, grant_type: 'device_code', device_code: dc.body.device_code } });
    expect(t.status).toBe(401);
    expect(t.body).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
    expect((await login('/oauth2/v2.0/devicecode', { form: { client_id: app.clientId, scope: 'Mail.Send' } })).body.error).toBe('invalid_scope');
    expect((await login('/oauth2/v2.0/devicecode', { form: { client_id: app.clientId } })).body.error_codes).toEqual([900144]);
    const json = await login('/oauth2/v2.0/token', { method: 'POST', headers: { 'content-type': 'application/json' }, form: undefined });
    expect(json.status).toBe(400);
    expect(await login('/oauth2/v2.0/token')).toMatchObject({ status: 400, body: { error_codes: [900561] } });
  });

  it('refreshes with a refresh token until it is revoked or expires', async () => {
    const t = await tokens();
    const refresh = () => login('/oauth2/v2.0/token', { form: { client_id: app.clientId, grant_type: 'refresh_token', refresh_token: t.refresh_token, scope: 'Sites.Read.All offline_access' } });
    const r1 = await refresh();
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(t.refresh_token);
    expect(r1.body.id_token).toBeUndefined();
    ms.identity.expireRefreshTokens(UPN);
    expect((await refresh()).body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
    const t2 = await tokens();
    ms.identity.revokeSessions(UPN);
    const r3 = await login('/oauth2/v2.0/token', { form: { client_id: app.clientId, grant_type: 'refresh_token', refresh_token: t2.refresh_token, scope: 'Sites.Read.All' } });
    expect(r3.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('refuses a token for scopes the tenant has not consented to (AADSTS65001)', async () => {
    const dc = await login('/oauth2/v2.0/devicecode', { form: { client_id: app.clientId, scope: 'Sites.ReadWrite.All' } });
    ms.identity.approve(dc.body.user_code, UPN);
    const t = await login('/oauth2/v2.0/token', { form: { client_id: app.clientId, grant_type: 'device_code', device_code: dc.body.device_code } });
    expect(t.body).toMatchObject({ error: 'invalid_grant', error_codes: [65001] });
  });
});

describe('Microsoft Graph', () => {
  it('rejects missing, forged, revoked and under-scoped tokens the way Graph does', async () => {
    const empty = await call(`${ms.graph.url}/v1.0/sites/contoso.sharepoint.com:/sites/docs`);
    expect(empty.status).toBe(401);
    expect(empty.headers['www-authenticate']).toMatch(/^Bearer realm=""/);
    expect(empty.body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    const t = await tokens();
    const [h, p] = t.access_token.split('.');
    const forged = `${h}.${p}.${Buffer.from('nope').toString('base64url')}`;
    expect((await graph('/sites/contoso.sharepoint.com:/sites/docs', forged)).status).toBe(401);
    const userOnly = await tokens('User.Read');
    const denied = await graph('/sites/contoso.sharepoint.com:/sites/docs', userOnly.access_token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('accessDenied');
    ms.identity.revokeSessions(UPN);
    const revoked = await graph('/sites/contoso.sharepoint.com:/sites/docs', t.access_token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/Continuous access evaluation/);
  });

  it('finds a site by host and path, lists its drives and lists, and 404s an unknown site', async () => {
    const { access_token: tok } = await tokens();
    const s = await graph('/sites/contoso.sharepoint.com:/sites/docs', tok);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^application\/json;odata.metadata=minimal/);
    expect(s.headers['request-id']).toBeTruthy();
    expect(s.body).toMatchObject({ id: site.id, displayName: 'Docs', webUrl: 'https://contoso.sharepoint.com/sites/docs' });
    expect((await graph(`/sites/${site.id}`, tok)).body.id).toBe(site.id);
    expect((await graph('/sites/contoso.sharepoint.com:/sites/docs:/drives', tok)).body.value.map((x: { name: string }) => x.name)).toEqual(['Documents']);
    const drives = await graph(`/sites/${site.id}/drives`, tok);
    expect(drives.body.value[0]).toMatchObject({ id: docs.id, driveType: 'documentLibrary', webUrl: 'https://contoso.sharepoint.com/sites/docs/Shared%20Documents' });
    const lists = await graph(`/sites/${site.id}/lists`, tok);
    expect(lists.body.value[0]).toMatchObject({ displayName: 'Documents', list: { template: 'documentLibrary', hidden: false } });
    const missing = await graph('/sites/contoso.sharepoint.com:/sites/nope', tok);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'itemNotFound', message: 'Requested site could not be found' });
    expect(missing.body.error.innerError['request-id']).toBeTruthy();
    expect((await graph(`/sites/${site.id}/nonsense`, tok)).body.error.message).toBe("Resource not found for the segment 'nonsense'.");
    expect((await graph(`/sites/${site.id}/drives?$filter=name eq 'x'`, tok)).status).toBe(400);
    expect((await graph(`/sites/${site.id}`, tok, { method: 'DELETE' })).status).toBe(405);
  });

  it('pages a drive delta to a deltaLink, then reports only changes, tombstones included', async () => {
    const { access_token: tok } = await tokens();
    const g = ms.graph.state;
    const folder = g.addFolder(docs, 'Finance');
    const files = g.addFiles(docs, 450, { parentId: folder.id });
    const oldGone = g.addFile(docs, { name: 'old.txt' });
    g.deleteItem(docs, oldGone.id);
    const seen = new Map<string, any>();
    let url = `/drives/${docs.id}/root/delta`;
    let pages = 0;
    let deltaLink = '';
    for (;;) {
      const r = await graph(url, tok);
      expect(r.status).toBe(200);
      pages++;
      for (const it of r.body.value) seen.set(it.id, it);
      if (r.body['@odata.nextLink']) url = r.body['@odata.nextLink'];
      else {
        deltaLink = r.body['@odata.deltaLink'];
        break;
      }
    }
    expect(pages).toBe(3);
    expect(seen.size).toBe(450 + 2); // files, the folder, the root
    expect(seen.has(oldGone.id)).toBe(false); // the initial enumeration has no old tombstones
    const file = seen.get(files[7]!.id);
    expect(file).toMatchObject({ name: 'Report 8.docx', webUrl: 'https://contoso.sharepoint.com/sites/docs/Shared%20Documents/Finance/Report%208.docx', parentReference: { driveId: docs.id, id: folder.id }, file: { mimeType: expect.stringContaining('wordprocessingml') } });
    expect(deltaLink).toMatch(new RegExp(`^${ms.graph.url}/v1.0/drives/.+/root/delta\\?token=`));

    const idle = await graph(deltaLink, tok);
    expect(idle.body.value).toEqual([]);
    g.updateItem(docs, files[0]!.id, { name: 'Renamed.docx' });
    g.deleteItem(docs, files[1]!.id);
    const changes = await graph(idle.body['@odata.deltaLink'], tok);
    const byId = new Map(changes.body.value.map((x: { id: string }) => [x.id, x]));
    expect((byId.get(files[0]!.id) as { name: string }).name).toBe('Renamed.docx');
    expect(byId.get(files[1]!.id)).toEqual(expect.objectContaining({ deleted: { state: 'deleted' } }));
    expect(byId.get(files[1]!.id)).not.toHaveProperty('name');
    expect(byId.has(folder.id)).toBe(true); // parents of changed items come along
    expect(byId.size).toBe(4); // renamed, deleted, their folder, the root
  });

  it('answers 410 Gone with a fresh nextLink in Location once a delta token is stale', async () => {
    const { access_token: tok } = await tokens();
    ms.graph.state.addFiles(docs, 3);
    const first = await graph(`/drives/${docs.id}/root/delta`, tok);
    ms.graph.state.invalidateDeltaTokens(docs);
    const gone = await graph(first.body['@odata.deltaLink'], tok);
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({ code: 'resyncRequired', innerError: { code: 'resyncChangesApplyDifferences' } });
    const fresh = await graph(gone.headers.location!, tok);
    expect(fresh.status).toBe(200);
    expect(fresh.body.value).toHaveLength(4);
    expect((await graph(`/drives/${docs.id}/root/delta?token=garbage`, tok)).status).toBe(400);
    const latest = await graph(`/drives/${docs.id}/root/delta?token=latest`, tok);
    expect(latest.body).toMatchObject({ value: [], '@odata.deltaLink': expect.any(String) });
  });

  it('pages list item delta with $top and $expand=fields kept in the links', async () => {
    const { access_token: tok } = await tokens();
    const list = ms.graph.state.addList(site, { displayName: 'Tasks' });
    for (let k = 1; k <= 5; k++) ms.graph.state.addListItem(list, { Title: `Task ${k}`, Status: 'Open' });
    const p1 = await graph(`/sites/${site.id}/lists/${list.id}/items/delta?$expand=fields&$top=3`, tok);
    expect(p1.body.value).toHaveLength(3);
    expect(p1.body.value[0].fields).toMatchObject({ Title: 'Task 1', Status: 'Open', id: '1' });
    const next = new URL(p1.body['@odata.nextLink']);
    expect(next.searchParams.get('$expand')).toBe('fields');
    expect(next.searchParams.get('$top')).toBe('3');
    const p2 = await graph(p1.body['@odata.nextLink'], tok);
    expect(p2.body.value.map((x: { id: string }) => x.id)).toEqual(['4', '5']);
    ms.graph.state.deleteListItem(list, '2');
    const p3 = await graph(p2.body['@odata.deltaLink'], tok);
    expect(p3.body.value).toEqual([expect.objectContaining({ id: '2', deleted: { state: 'deleted' } })]);
    const bare = await graph(`/sites/${site.id}/lists/${list.id}/items/delta`, tok);
    expect(bare.body.value[0]).not.toHaveProperty('fields');
  });

  it('injects throttling with Retry-After and Graph-shaped bodies', async () => {
    const { access_token: tok } = await tokens();
    ms.graph.faults.rateLimitNext(1, { retryAfter: 7 });
    ms.graph.faults.rateLimitNext(1, { status: 503, retryAfter: 3 });
    const a = await graph(`/sites/${site.id}`, tok);
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('7');
    expect(a.body.error.code).toBe('TooManyRequests');
    const b = await graph(`/sites/${site.id}`, tok);
    expect(b).toMatchObject({ status: 503, headers: { 'retry-after': '3' } });
    expect((await graph(`/sites/${site.id}`, tok)).status).toBe(200);
    expect(ms.graph.requests.countsByStatus()).toMatchObject({ 429: 1, 503: 1 });
  });
});
