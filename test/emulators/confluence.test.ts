import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, readReply } from '../helpers/http-reply.ts';
import { startConfluenceEmulator, type ConfluenceEmulator } from './confluence/server.ts';

let conf: ConfluenceEmulator;
let auth = '';
let eng = '';

beforeAll(async () => {
  conf = await startConfluenceEmulator();
  const u = conf.state.addUser({ email: 'ana@x.example', displayName: 'Ana', token: 'tok' });
  eng = conf.state.addSpace({ key: 'ENG', name: 'Engineering', members: [u.accountId] }).id;
  conf.state.addSpace({ key: 'SEC', members: [] });
  conf.state.addMany('ENG', 60);
  auth = basicAuth('ana@x.example', 'tok');
});
afterAll(async () => conf.close());

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return readReply(await fetch(`${conf.url}${path}`, { method, headers: { authorization: auth, ...headers } }));
}

describe('Confluence emulator', () => {
  it('refuses a rejected or missing credential with Confluence\'s 403 and an unreadable one with 401', async () => {
    const bad = await get('/wiki/api/v2/spaces', { authorization: basicAuth('ana@x.example', 'nope') });
    expect(bad.status).toBe(403);
    expect(bad.json.message).toMatch(/Request rejected because caller cannot access Confluence/);
    expect((await fetch(`${conf.url}/wiki/api/v2/spaces`)).status).toBe(403);
    expect((await get('/wiki/api/v2/spaces', { authorization: 'Basic !!!' })).status).toBe(401);
  });

  it('answers unknown paths and methods in each API\'s own shape', async () => {
    const v2 = await get('/wiki/api/v2/nope');
    expect(v2.json).toEqual({ errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] });
    const v1 = await get('/wiki/rest/api/nope', { accept: 'application/json' });
    expect(v1.json.message).toMatch(/^null for uri: /);
    expect((await get('/wiki/rest/api/nope')).headers.get('content-type')).toBe('application/xml');
    expect((await get('/jira/whatever')).headers.get('content-type')).toMatch(/text\/html/);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages`, {}, 'DELETE')).status).toBe(405);
  });

  it('validates listing parameters', async () => {
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?sort=newest`)).json.errors[0].code).toBe('INVALID_REQUEST_PARAMETER');
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?status=draft`)).status).toBe(400);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?body-format=html`)).status).toBe(400);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?limit=0`)).status).toBe(400);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?cursor=xyz`)).status).toBe(400);
    expect((await get(`/wiki/api/v2/spaces/${eng}/blogposts?sort=title`)).status).toBe(400);
  });

  it('hides spaces the caller cannot view', async () => {
    const sec = conf.state.spaces.get('SEC')!.id;
    expect((await get(`/wiki/api/v2/spaces/${sec}/pages`)).status).toBe(404);
    expect((await get('/wiki/api/v2/spaces?keys=ENG,SEC')).json.results.map((s: any) => s.key)).toEqual(['ENG']);
  });

  it('pages with a cursor in the Link header and _links.next, 25 by default and at most 250', async () => {
    const first = await get(`/wiki/api/v2/spaces/${eng}/pages?sort=-modified-date&body-format=storage&limit=25`);
    expect(first.json.results).toHaveLength(25);
    expect(first.json.results[0].body.storage.value).toMatch(/^<p>/);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/^<\/wiki\/api\/v2\/spaces\/\d+\/pages\?.*cursor=[^>]+>; rel="next", <http:\/\/127\.0\.0\.1:\d+\/wiki>; rel="base"$/);
    expect(first.json._links.next).toBe(/<([^>]+)>/.exec(link)![1]);
    const seen = new Set<string>(first.json.results.map((r: any) => r.id));
    let next: string | undefined = first.json._links.next;
    while (next) {
      const p = await get(next);
      for (const r of p.json.results) seen.add(r.id);
      next = p.json._links.next;
    }
    expect(seen.size).toBe(60);
    const times = first.json.results.map((r: any) => Date.parse(r.version.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?limit=1000`)).json.results).toHaveLength(60);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages`)).json.results).toHaveLength(25);
  });

  it('keeps the version on trash, lists trashed only when asked, and forgets purged pages', async () => {
    const p = conf.state.addContent('ENG', { title: 'to trash' });
    const before = p.version.createdAt;
    conf.state.trash(p.id);
    expect(p.version.createdAt).toBe(before);
    const current = await get(`/wiki/api/v2/spaces/${eng}/pages?limit=250`);
    expect(current.json.results.some((r: any) => r.id === p.id)).toBe(false);
    const trashed = await get(`/wiki/api/v2/spaces/${eng}/pages?limit=250&status=trashed`);
    expect(trashed.json.results.map((r: any) => r.status)).toEqual(['trashed']);
    conf.state.purge(p.id);
    expect((await get(`/wiki/api/v2/spaces/${eng}/pages?limit=250&status=trashed`)).json.results).toEqual([]);
    expect((await get(`/wiki/api/v2/pages/${p.id}`)).status).toBe(404);
  });

  it('answers the current user through v1', async () => {
    const me = await get('/wiki/rest/api/user/current');
    expect(me.json).toMatchObject({ type: 'known', displayName: 'Ana', email: 'ana@x.example' });
  });
});
