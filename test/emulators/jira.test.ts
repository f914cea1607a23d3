import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, readReply } from '../helpers/http-reply.ts';
import { startJiraEmulator, type JiraEmulator } from './jira/server.ts';

let jira: JiraEmulator;
const TOKEN = 'emu-token';
let auth = '';

beforeAll(async () => {
  jira = await startJiraEmulator();
  const u = jira.state.addUser({ email: 'ana@x.example', displayName: 'Ana', token: TOKEN, timeZone: 'Europe/Berlin' });
  jira.state.addProject({ key: 'ENG', members: [u.accountId] });
  jira.state.addProject({ key: 'SEC', members: [] });
  jira.state.addIssues('ENG', 130);
  auth = basicAuth('ana@x.example', TOKEN);
});
afterAll(async () => jira.close());

async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const res = await fetch(`${jira.url}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers: { authorization: auth, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  return readReply(res);
}

describe('Jira emulator', () => {
  it('answers the removed /rest/api/3/search with 410 and the migration notice', async () => {
    const r = await call('/rest/api/3/search?jql=project%3DENG');
    expect(r.status).toBe(410);
    expect(r.json.errorMessages[0]).toMatch(/The requested API has been removed\. Please migrate to the \/rest\/api\/3\/search\/jql API/);
    expect((await call('/rest/api/2/search', { body: { jql: 'project = ENG' } })).status).toBe(410);
  });

  it('answers unknown endpoints and methods like Jira does', async () => {
    const r = await call('/rest/api/3/nope');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.json.detail).toBe('No endpoint GET /rest/api/3/nope.');
    const m = await call('/rest/api/3/search/jql', { method: 'DELETE' });
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('GET, POST');
    const page = await call('/secure/Dashboard.jspa');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('is strict about the search/jql body', async () => {
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG', startAt: 0 } })).json.errorMessages[0]).toMatch(/Invalid request payload/);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG', maxResults: 5001 } })).status).toBe(400);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG', maxResults: 0 } })).status).toBe(400);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'ORDER BY updated' } })).json.errorMessages[0]).toMatch(/Unbounded JQL/);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG', nextPageToken: 'garbage' } })).status).toBe(400);
    expect((await call('/rest/api/3/search/jql', { raw: 'jql=project', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await call('/rest/api/3/search/jql', { raw: '{"jql":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('checks JQL like Jira: unknown fields, bad dates, projects the caller cannot browse', async () => {
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'colour = red' } })).json.errorMessages).toEqual(["Field 'colour' does not exist or you do not have permission to view it."]);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG AND updated >= "yesterday"' } })).json.errorMessages[0]).toMatch(/^Date value 'yesterday' for field 'updated' is invalid/);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = SEC' } })).json.errorMessages).toEqual(["The value 'SEC' does not exist for the field 'project'."]);
    expect((await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG ORDER BY colour' } })).status).toBe(400);
  });

  it('returns only the id by default, explicit fields when asked, and pages with nextPageToken until isLast', async () => {
    const ids = await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG ORDER BY id ASC' } });
    expect(ids.json.issues).toHaveLength(50);
    expect(Object.keys(ids.json.issues[0])).toEqual(['id']);
    const first = await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG ORDER BY id ASC', fields: ['summary', 'updated'], maxResults: 1000 } });
    expect(first.json.issues).toHaveLength(100);
    expect(first.json.isLast).toBe(false);
    expect(first.json.issues[0].fields.updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
    const second = await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG ORDER BY id ASC', fields: ['summary', 'updated'], maxResults: 1000, nextPageToken: first.json.nextPageToken } });
    expect(second.json.issues).toHaveLength(30);
    expect(second.json.isLast).toBe(true);
    expect(second.json.nextPageToken).toBeUndefined();
    const all = await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG', fields: ['id'], maxResults: 5000 } });
    expect(all.json.issues).toHaveLength(130);
  });

  it('reads epoch-millisecond bounds exactly and minute dates in the caller\'s time zone', async () => {
    const issue = jira.state.addIssue('ENG', { summary: 'timed', updated: Date.UTC(2024, 5, 10, 12, 34, 56, 789), created: Date.UTC(2024, 5, 10, 12, 0) });
    const q = (bound: string) => call('/rest/api/3/search/jql', { body: { jql: `project = ENG AND updated >= ${bound} AND updated <= ${Date.UTC(2024, 5, 10, 23)}`, fields: ['id'] } });
    expect((await q(String(Date.UTC(2024, 5, 10, 12, 34, 56, 789)))).json.issues.map((i: any) => i.id)).toEqual([String(issue.id)]);
    expect((await q(String(Date.UTC(2024, 5, 10, 12, 34, 56, 790)))).json.issues).toEqual([]);
    // 14:34 in Berlin (UTC+2 in June) is 12:34 UTC: the issue, updated at 12:34:56, matches.
    expect((await q('"2024-06-10 14:34"')).json.issues).toHaveLength(1);
    expect((await q('"2024-06-10 14:35"')).json.issues).toHaveLength(0);
  });

  it('answers a rejected token anonymously with X-Seraph-LoginReason, and /myself with 401', async () => {
    const bad = basicAuth('ana@x.example', 'wrong');
    const s = await call('/rest/api/3/search/jql', { body: { jql: 'project = ENG' }, headers: { authorization: bad } });
    expect(s.status).toBe(400);
    expect(s.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect(s.json.errorMessages).toEqual(["The value 'ENG' does not exist for the field 'project'."]);
    const me = await call('/rest/api/3/myself', { headers: { authorization: bad } });
    expect(me.status).toBe(401);
    expect(me.text).toBe('Client must be authenticated to access this resource.');
    const ok = await call('/rest/api/3/myself');
    expect(ok.json).toMatchObject({ displayName: 'Ana', emailAddress: 'ana@x.example', timeZone: 'Europe/Berlin' });
    expect(ok.headers.get('x-seraph-loginreason')).toBe('OK');
  });

  it('embeds a few comments with their total and pages the rest', async () => {
    const i = jira.state.addIssue('ENG');
    for (let k = 0; k < 130; k++) jira.state.addComment(i.id, `c${k}`);
    const s = await call('/rest/api/3/search/jql', { body: { jql: `id = ${i.id}`, fields: ['comment'] } });
    expect(s.json.issues[0].fields.comment).toMatchObject({ total: 130, maxResults: 20 });
    const p = await call(`/rest/api/3/issue/${i.key}/comment?startAt=100&maxResults=500`);
    expect(p.json).toMatchObject({ startAt: 100, maxResults: 100, total: 130 });
    expect(p.json.comments).toHaveLength(30);
    expect((await call('/rest/api/3/project/NOPE')).json.errorMessages).toEqual(["No project could be found with key 'NOPE'."]);
  });

  it('injects Atlassian-shaped rate limits', async () => {
    jira.faults.atlassianRateLimit({ retryAfter: 9, reason: 'jira-quota-tenant-based' });
    const r = await call('/rest/api/3/myself');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('9');
    expect(r.headers.get('ratelimit-reason')).toBe('jira-quota-tenant-based');
    expect(r.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    expect((await call('/rest/api/3/myself')).status).toBe(200);
  });
});
