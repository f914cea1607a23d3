import { afterEach, describe, expect, it } from 'vitest';
import { countByKind, jiraFixture, JIRA_TOKEN, syncNow, type JiraFixture } from '../../../helpers/atlassian-fixture.ts';

let fx: JiraFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const DAY = 24 * 60 * 60_000;

function record(fx: JiraFixture, externalId: string) {
  return fx.core.db.prepare('SELECT title, status, url, text, container, author FROM records WHERE external_id = ?').get(externalId) as { title: string; status: string; url: string; text: string; container: string; author: string } | undefined;
}

describe('Jira sync end to end against the emulator', () => {
  it('mirrors every issue of the configured projects, with description and all comments searchable', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 249);
    fx.jira.state.addIssues('OPS', 20);
    const special = fx.jira.state.addIssue('ENG', { summary: 'Checkout times out', description: 'The payment gateway answers after 31 seconds on Fridays' });
    for (let k = 0; k < 25; k++) fx.jira.state.addComment(special.id, k === 24 ? 'Root cause: exhausted connection pool' : `Comment ${k}`);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ issue: 250 });
    expect(run.counts.added).toBe(250);
    // 3 pages of 100 + the 5 comments the search result did not embed (one comment page).
    expect(fx.jira.requests.countsByRoute()).toEqual({ 'POST /rest/api/3/search/jql': 3, [`GET /rest/api/3/issue/${special.id}/comment`]: 1 });
    expect(run.requests).toBe(4);
    const hit = await fx.core.invoke('records.search', { q: 'payment gateway fridays' });
    expect(hit.hits.map((h) => h.externalId)).toEqual([String(special.id)]);
    expect((await fx.core.invoke('records.search', { q: 'exhausted connection pool' })).total).toBe(1);
    const r = record(fx, String(special.id))!;
    expect(r.title).toBe(`${special.key} Checkout times out`);
    expect(r.url).toBe(`${fx.jira.url}/browse/${special.key}`);
    expect(r.container).toBe('ENG');
    expect(r.author).toBe('Ana Lima');
    // Never the removed /search, always explicit fields and an ORDER BY on updated then id.
    expect(fx.jira.requests.count({ path: '/rest/api/3/search' })).toBe(0);
    for (const body of fx.jira.searches) {
      expect(body.fields).toContain('description');
      expect(String(body.jql)).toMatch(/ORDER BY updated ASC, id ASC$/);
    }
  });

  it('an incremental sync with no changes adds and updates nothing, in one request', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 320);
    await syncNow(fx.core, fx.id);
    fx.jira.requests.clear();
    fx.jira.searches.length = 0;
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(0);
    expect(run.counts.updated).toBe(0);
    expect(run.requests).toBe(1);
    // The lower bound is epoch milliseconds (a minute-format date would be read in the user's zone).
    expect(String(fx.jira.searches[0]!.jql)).toMatch(/^project = "ENG" AND updated >= \d{13} ORDER BY updated ASC, id ASC$/);
  });

  it('picks up edited, commented and new issues and nothing else', async () => {
    fx = await jiraFixture({ timeZone: 'America/Los_Angeles' });
    const issues = fx.jira.state.addIssues('ENG', 60);
    await syncNow(fx.core, fx.id);
    fx.jira.state.advance(1500);
    fx.jira.state.updateIssue(issues[3]!.id, { summary: 'Renamed', status: 'Done' });
    fx.jira.state.addComment(issues[7]!.id, 'a late remark about caching');
    fx.jira.state.addIssue('ENG', { summary: 'Brand new' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(1);
    expect(run.counts.updated).toBe(2);
    expect(record(fx, String(issues[3]!.id))).toMatchObject({ title: `${issues[3]!.key} Renamed`, status: 'Done' });
    expect((await fx.core.invoke('records.search', { q: 'late remark caching' })).total).toBe(1);
  });

  it('loses no issue when more than a page share one updated millisecond, even if some change while it pages', async () => {
    fx = await jiraFixture();
    const t = Date.now() - 3_600_000;
    fx.jira.state.addIssues('ENG', 30, { start: t - 100 * 60_000 });
    const tied = Array.from({ length: 230 }, (_, k) => fx!.jira.state.addIssue('ENG', { summary: `same moment ${k}`, created: t, updated: t }));
    fx.jira.state.addIssues('ENG', 15, { start: t + 60_000 });
    let searches = 0;
    fx.jira.onRequest = (req) => {
      if (req.path !== '/rest/api/3/search/jql') return;
      searches++;
      // Requests: page 1, the page that is all one millisecond, then the tie block's pages.
      // After the tie block's first page was served, two issues already read move out of it;
      // with offset tokens that shifts two unread ones across the page boundary.
      if (searches === 4) {
        fx!.jira.state.updateIssue(tied[0]!.id, { summary: 'moved on A' });
        fx!.jira.state.updateIssue(tied[1]!.id, { summary: 'moved on B' });
      }
    };
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core).issue).toBe(275);
    expect(record(fx, String(tied[1]!.id))!.title).toMatch(/moved on B$/);
    const logs = await fx.core.invoke('logs.list', { runId: run.id, q: 'reading them again' });
    expect(logs.total).toBe(1);
    // And nothing is read twice on the next, idle sync.
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts.added + idle.counts.updated).toBe(0);
  });

  it('reads a full listing in exactly one search per page, and still catches an issue edited or deleted at a page boundary', async () => {
    fx = await jiraFixture();
    const issues = fx.jira.state.addIssues('ENG', 300);
    const first = await syncNow(fx.core, fx.id);
    expect(first.status).toBe('succeeded');
    expect(first.counts.added).toBe(300);
    // Pages do not repeat the issue they ended on: 300 issues, 3 pages of 100.
    expect(fx.jira.requests.countsByRoute()).toEqual({ 'POST /rest/api/3/search/jql': 3 });

    // Again from scratch, while the listing runs: the last issue of page 1 is edited,
    // and the last issue of page 2 (the next bound) is deleted.
    fx.core.db.prepare('DELETE FROM records').run();
    fx.core.db.prepare('DELETE FROM stream_state').run();
    fx.jira.requests.clear();
    fx.jira.searches.length = 0;
    let searches = 0;
    fx.jira.onRequest = (req) => {
      if (req.path !== '/rest/api/3/search/jql') return;
      searches++;
      if (searches === 2) fx!.jira.state.updateIssue(issues[99]!.id, { summary: 'edited at the boundary' });
      if (searches === 3) fx!.jira.state.deleteIssue(issues[199]!.id);
    };
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(record(fx, String(issues[99]!.id))!.title).toMatch(/edited at the boundary$/);
    expect(record(fx, String(issues[299]!.id))).toBeDefined();
    expect(countByKind(fx.core).issue).toBe(300);
    // Jira refused the exclusion naming the deleted issue; the same bound was asked again without it.
    const jqls = fx.jira.searches.map((b) => String(b.jql));
    const refused = jqls.findIndex((q) => q.includes(`id IN (${issues[199]!.id})`));
    expect(refused).toBeGreaterThan(0);
    expect(jqls[refused + 1]).not.toContain('NOT (');
  });

  it('marks deleted issues and issues moved out of scope as deleted, at a cheap daily census', async () => {
    fx = await jiraFixture();
    const issues = fx.jira.state.addIssues('ENG', 40);
    await syncNow(fx.core, fx.id);
    fx.jira.state.deleteIssue(issues[0]!.id);
    fx.jira.state.deleteIssue(issues[1]!.id);
    fx.jira.state.moveIssue(issues[2]!.id, 'OPS');
    const sameDay = await syncNow(fx.core, fx.id);
    expect(sameDay.counts.deleted).toBe(0);
    expect(sameDay.requests).toBe(1);
    fx.clock.advance(DAY + 60_000);
    fx.jira.searches.length = 0;
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.deleted).toBe(3);
    expect(countByKind(fx.core).issue).toBe(37);
    // The census is one id-only request of up to 5000 issues.
    expect(run.requests).toBe(2);
    expect(fx.jira.searches[1]).toMatchObject({ fields: ['id'], maxResults: 5000 });
    // Not again until a day has passed.
    expect((await syncNow(fx.core, fx.id)).requests).toBe(1);
  });

  it('keeps no id list in the stream state; the census still finds deletions, also from a state an older version wrote', async () => {
    fx = await jiraFixture();
    const issues = fx.jira.state.addIssues('ENG', 450);
    await syncNow(fx.core, fx.id);
    const state = () => (fx!.core.db.prepare("SELECT state FROM stream_state WHERE stream = 'issues'").get() as { state: string }).state;
    // The census compares against the mirror itself: the state stays small however many issues there are.
    expect(state().length).toBeLessThan(1000);
    expect(JSON.parse(state())).not.toHaveProperty('known');
    fx.core.db.prepare("UPDATE stream_state SET state = ? WHERE stream = 'issues'").run(JSON.stringify({ ...JSON.parse(state()), known: '1.2.3' }));
    fx.jira.state.deleteIssue(issues[7]!.id);
    fx.jira.state.deleteIssue(issues[420]!.id);
    fx.clock.advance(DAY + 60_000);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 0, deleted: 2 });
    expect(countByKind(fx.core).issue).toBe(448);
    expect(JSON.parse(state())).not.toHaveProperty('known');
  });

  it('deletes nothing when Jira refuses the census listing, and takes the census again next time', async () => {
    fx = await jiraFixture();
    const issues = fx.jira.state.addIssues('ENG', 20);
    await syncNow(fx.core, fx.id);
    fx.jira.state.deleteIssue(issues[3]!.id);
    fx.clock.advance(DAY + 60_000);
    // The account loses access to ENG between the incremental search and the census listing.
    const eng = fx.jira.state.projects.get('ENG')!;
    const members = [...eng.members];
    let searches = 0;
    fx.jira.onRequest = (req) => {
      if (req.path === '/rest/api/3/search/jql' && ++searches === 2) eng.members = [];
    };
    const run = await syncNow(fx.core, fx.id);
    expect(run.counts.deleted).toBe(0);
    expect(countByKind(fx.core).issue).toBe(20);
    fx.jira.onRequest = undefined;
    eng.members = members;
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts.deleted).toBe(1);
    expect(countByKind(fx.core).issue).toBe(19);
  });

  it('an expired token fails as auth with the next step, and deletes nothing', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 12);
    await syncNow(fx.core, fx.id);
    fx.jira.state.revokeToken(JIRA_TOKEN);
    fx.clock.advance(DAY * 2); // a census would be due: an anonymous answer must not empty the mirror
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('auth');
    expect(run.error?.message).toMatch(/Jira rejected the email and API token/);
    expect(run.error?.action).toMatch(/^Reconnect Jira/);
    expect(countByKind(fx.core).issue).toBe(12);
    const health = (await fx.core.invoke('health.list', {})).find((h) => h.integrationId === fx!.id)!;
    expect(health.state).toBe('needs_credentials');
  });

  it('waits out 429 and 503 answers with Retry-After and finishes', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 150);
    fx.jira.faults.atlassianRateLimit({ times: 2, retryAfter: 7, reason: 'jira-burst-based' });
    fx.jira.faults.atlassianRateLimit({ status: 503, retryAfter: 3 });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core).issue).toBe(150);
    expect(fx.waits.filter((w) => w >= 7000 && w < 7500)).toHaveLength(2);
    expect(fx.waits.filter((w) => w >= 3000 && w < 3500)).toHaveLength(1);
    expect(fx.jira.requests.count({ status: 429 })).toBe(2);
    const logs = await fx.core.invoke('logs.list', { runId: run.id, q: 'jira-burst-based' });
    expect(logs.total).toBe(2);
  });

  it('a rate limit longer than the client waits ends the run as rate_limited with the reset time', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 5);
    fx.jira.faults.atlassianRateLimit({ retryAfter: 900, reason: 'jira-quota-tenant-based' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('rate_limited');
    expect(Date.parse(run.error!.retryAt!)).toBeGreaterThan(Date.now() + 800_000);
    expect(run.error?.message).toMatch(/jira-quota-tenant-based/);
  });

  it('names a missing project while the others still sync', async () => {
    fx = await jiraFixture({ projects: ['ENG', 'NOPE'] });
    fx.jira.state.addIssues('ENG', 8);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config' });
    expect(run.error?.message).toBe('Jira project NOPE does not exist, or this account cannot browse it.');
    expect(run.error?.action).toMatch(/fix or remove NOPE/);
    expect(countByKind(fx.core).issue).toBe(8);
  });

  it('explains a site URL that is not a Jira site', async () => {
    fx = await jiraFixture();
    const other = await fx.core.invoke('integrations.add', { connector: 'jira', name: 'Wrong site', settings: { siteUrl: `${fx.jira.url}/not-jira`, email: 'ana@acme.example', projects: ['ENG'] }, secrets: { apiToken: JIRA_TOKEN } });
    const run = await syncNow(fx.core, other.id);
    expect(run.error?.code).toBe('config');
    expect(run.error?.message).toMatch(/does not look like a Jira Cloud site: POST \/not-jira\/rest\/api\/3\/search\/jql answered 404 \(text\/html\)|does not look like a Jira Cloud site/);
    const test = await fx.core.invoke('integrations.test', { id: other.id });
    expect(test.ok).toBe(false);
    expect(test.error?.message).toMatch(/does not look like a Jira Cloud site/);
  });

  it('reports who the token belongs to and which projects it can browse', async () => {
    fx = await jiraFixture({ projects: ['ENG', 'OPS', 'NOPE'] });
    const test = await fx.core.invoke('integrations.test', { id: fx.id });
    expect(test.identity).toBe('Ana Lima <ana@acme.example>');
    expect(test.reachable).toEqual([
      { name: 'ENG', ok: true, detail: expect.stringContaining('Engineering') },
      { name: 'OPS', ok: true, detail: expect.stringContaining('Operations') },
      { name: 'NOPE', ok: false, detail: 'no such project, or this account cannot browse it' },
    ]);
    fx.jira.state.revokeToken(JIRA_TOKEN);
    const bad = await fx.core.invoke('integrations.test', { id: fx.id });
    expect(bad.error?.code).toBe('auth');
  });

  it('syncs through a gateway base like https://api.atlassian.com/ex/jira/<cloudId> (scoped tokens)', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 120);
    const gw = await fx.core.invoke('integrations.add', { connector: 'jira', name: 'Gateway', settings: { siteUrl: `${fx.jira.url}/ex/jira/${fx.jira.state.settings.cloudId}`, email: 'ana@acme.example', projects: ['ENG'] }, secrets: { apiToken: JIRA_TOKEN } });
    const run = await syncNow(fx.core, gw.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(120);
    expect(fx.jira.requests.find({ path: /^\/ex\/jira\/[^/]+\/rest\/api\/3\/search\/jql/ })).toHaveLength(2);
  });

  it('keeps the API token out of the database, run logs and replies', async () => {
    fx = await jiraFixture();
    fx.jira.state.addIssues('ENG', 5);
    const run = await syncNow(fx.core, fx.id);
    const logs = await fx.core.invoke('logs.list', { runId: run.id });
    const encoded = Buffer.from(`ana@acme.example:${JIRA_TOKEN}`).toString('base64');
    for (const text of [JSON.stringify(logs), JSON.stringify(fx.core.db.prepare('SELECT * FROM run_logs').all()), JSON.stringify(fx.core.db.prepare('SELECT * FROM records').all()), JSON.stringify(fx.core.db.prepare('SELECT * FROM stream_state').all()), JSON.stringify(await fx.core.invoke('integrations.list', {}))]) {
      expect(text).not.toContain(JIRA_TOKEN);
      expect(text).not.toContain(encoded);
    }
    expect(fx.jira.requests.entries[0]!.headers.authorization).toBe(`Basic ${encoded}`);
  });
});
