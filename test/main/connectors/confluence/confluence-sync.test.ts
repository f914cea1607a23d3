import { afterEach, describe, expect, it } from 'vitest';
import { confluenceFixture, CONFLUENCE_TOKEN, countByKind, syncNow, type ConfluenceFixture } from '../../../helpers/atlassian-fixture.ts';

let fx: ConfluenceFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const DAY = 24 * 60 * 60_000;

describe('Confluence sync end to end against the emulator', () => {
  it('mirrors pages and blog posts of the configured spaces with their storage bodies as searchable text', async () => {
    fx = await confluenceFixture();
    fx.conf.state.addMany('ENG', 520);
    fx.conf.state.addMany('ENG', 30, { type: 'blogpost' });
    fx.conf.state.addMany('HR', 40);
    const page = fx.conf.state.addContent('ENG', {
      title: 'Deploy runbook',
      body: '<h1>Rollback</h1><p>Run <code>kx rollback</code> &amp; page the on&#8209;call.</p><ac:structured-macro ac:name="code"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[helm rollback payments 42]]></ac:plain-text-body></ac:structured-macro><table><tr><td>Owner</td><td>Platform team</td></tr></table>',
    });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ page: 521, blogpost: 30 });
    // One space lookup for both streams, then 3 pages of 250 pages and 1 of blog posts.
    const eng = fx.conf.state.spaces.get('ENG')!.id;
    expect(fx.conf.requests.countsByRoute()).toEqual({ 'GET /wiki/api/v2/spaces': 1, [`GET /wiki/api/v2/spaces/${eng}/pages`]: 3, [`GET /wiki/api/v2/spaces/${eng}/blogposts`]: 1 });
    expect(run.requests).toBe(5);
    const hits = await fx.core.invoke('records.search', { q: 'helm rollback payments' });
    expect(hits.hits.map((h) => h.externalId)).toEqual([page.id]);
    const full = await fx.core.invoke('records.get', { id: hits.hits[0]!.id });
    expect(full.text).toContain('Run kx rollback & page the on‑call.');
    expect(full.text).toContain('Owner | Platform team');
    expect(full.text).not.toContain('bash');
    expect(full.url).toBe(`${fx.conf.url}/wiki/spaces/ENG/pages/${page.id}/Deploy%2Brunbook`);
    expect(full.container).toBe('ENG');
    for (const e of fx.conf.requests.find({ path: /\/pages\?/ })) expect(e.query).toMatchObject({ sort: '-modified-date', 'body-format': 'storage' });
  });

  it('an incremental sync with no changes adds and updates nothing, one request per space and stream', async () => {
    fx = await confluenceFixture({ spaces: ['ENG', 'HR'] });
    fx.conf.state.addMany('ENG', 300);
    fx.conf.state.addMany('HR', 20);
    fx.conf.state.addMany('ENG', 5, { type: 'blogpost' });
    await syncNow(fx.core, fx.id);
    fx.conf.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(0);
    expect(run.counts.updated).toBe(0);
    expect(run.requests).toBe(4);
    expect(fx.conf.requests.count({ path: '/wiki/api/v2/spaces' })).toBe(0);
  });

  it('picks up edits and new pages, and loses none of many pages sharing one modified time across pages', async () => {
    fx = await confluenceFixture({ streams: ['pages'] });
    const old = fx.conf.state.addMany('ENG', 50, { start: Date.now() - 10 * DAY });
    await syncNow(fx.core, fx.id);
    const t = Date.now() - 1000;
    for (let k = 0; k < 600; k++) fx.conf.state.addContent('ENG', { title: `Imported ${k}`, at: t });
    fx.conf.state.edit(old[4]!.id, { title: 'Edited title', body: '<p>new words: quarterly roadmap</p>' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(600);
    expect(run.counts.updated).toBe(1);
    expect(countByKind(fx.core).page).toBe(650);
    expect((await fx.core.invoke('records.search', { q: 'quarterly roadmap' })).total).toBe(1);
  });

  it('trashed pages in the window are deleted at once; older trashed and purged ones at the daily census', async () => {
    fx = await confluenceFixture({ streams: ['pages'] });
    const pages = fx.conf.state.addMany('ENG', 30);
    await syncNow(fx.core, fx.id);
    // Trashed right after an edit: the edit brings it into the incremental window with status trashed.
    fx.conf.state.edit(pages[29]!.id, { body: '<p>last words</p>' });
    fx.conf.state.trash(pages[29]!.id);
    fx.conf.state.trash(pages[0]!.id); // old: trashing keeps its modified date
    fx.conf.state.purge(pages[1]!.id);
    const sameDay = await syncNow(fx.core, fx.id);
    expect(sameDay.counts.deleted).toBe(1);
    expect(countByKind(fx.core).page).toBe(29);
    fx.clock.advance(DAY + 1);
    fx.conf.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.counts.deleted).toBe(2);
    expect(countByKind(fx.core).page).toBe(27);
    // The census lists ids without bodies.
    const census = fx.conf.requests.find({ path: /\/pages\?/ }).filter((e) => !('body-format' in e.query));
    expect(census).toHaveLength(1);
    expect(census[0]!.query).toMatchObject({ status: 'current,archived', limit: '250' });
  });

  it('an expired token fails as auth with the next step', async () => {
    fx = await confluenceFixture();
    fx.conf.state.addMany('ENG', 3);
    await syncNow(fx.core, fx.id);
    fx.conf.state.revokeToken(CONFLUENCE_TOKEN);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('auth');
    expect(run.error?.message).toMatch(/Confluence refused the account \(403/);
    expect(run.error?.action).toMatch(/^Reconnect Confluence/);
    expect(countByKind(fx.core).page).toBe(3);
  });

  it('waits out a 429 with Retry-After and finishes', async () => {
    fx = await confluenceFixture({ streams: ['pages'] });
    fx.conf.state.addMany('ENG', 260);
    fx.conf.faults.atlassianRateLimit({ retryAfter: 4, match: /\/pages\?/ });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core).page).toBe(260);
    expect(fx.waits.some((w) => w >= 4000 && w < 4500)).toBe(true);
  });

  it('names a missing space while the others still sync, and the test lists space ids', async () => {
    fx = await confluenceFixture({ spaces: ['ENG', 'GONE'], streams: ['pages'] });
    fx.conf.state.addMany('ENG', 4);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config', message: 'Confluence space GONE does not exist, or this account cannot view it.' });
    expect(countByKind(fx.core).page).toBe(4);
    const test = await fx.core.invoke('integrations.test', { id: fx.id });
    expect(test.identity).toBe('Ana Lima <ana@acme.example>');
    expect(test.reachable).toEqual([
      { name: 'ENG', ok: true, detail: `Engineering (space id ${fx.conf.state.spaces.get('ENG')!.id})` },
      { name: 'GONE', ok: false, detail: 'no such space, or this account cannot view it' },
    ]);
  });

  it('follows cursors under a gateway base like https://api.atlassian.com/ex/confluence/<cloudId>', async () => {
    fx = await confluenceFixture({ streams: ['pages'] });
    fx.conf.state.addMany('ENG', 300);
    const gw = await fx.core.invoke('integrations.add', { connector: 'confluence', name: 'Gateway', settings: { siteUrl: `${fx.conf.url}/ex/confluence/${fx.conf.state.settings.cloudId}`, email: 'ana@acme.example', spaces: ['ENG'], streams: ['pages'] }, secrets: { apiToken: CONFLUENCE_TOKEN } });
    const run = await syncNow(fx.core, gw.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(300);
    expect(fx.conf.requests.find({ path: /^\/ex\/confluence\/[^/]+\/wiki\/api\/v2\/spaces\/\d+\/pages/ })).toHaveLength(2);
  });

  it('a space whose id changed is looked up again at once, one lookup for both streams; nothing lost or doubled', async () => {
    fx = await confluenceFixture();
    fx.conf.state.addMany('ENG', 40);
    fx.conf.state.addMany('ENG', 6, { type: 'blogpost' });
    await syncNow(fx.core, fx.id);
    // The space is restored under a new id: the stored id answers 404.
    fx.conf.state.spaces.get('ENG')!.id = '7770001';
    fx.conf.state.addMany('ENG', 2);
    fx.conf.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 2, deleted: 0 });
    expect(countByKind(fx.core)).toEqual({ page: 42, blogpost: 6 });
    expect(fx.conf.requests.count({ path: '/wiki/api/v2/spaces' })).toBe(1);
    // From then on the new id is kept: an idle sync is one request per stream again.
    fx.conf.requests.clear();
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(idle.requests).toBe(2);
  });

  it('keeps no id list in the stream state; the daily census still finds deletions, also from a state an older version wrote', async () => {
    fx = await confluenceFixture({ streams: ['pages'] });
    const pages = fx.conf.state.addMany('ENG', 600);
    await syncNow(fx.core, fx.id);
    const state = () => (fx!.core.db.prepare("SELECT state FROM stream_state WHERE stream = 'pages'").get() as { state: string }).state;
    // The census compares against the mirror itself: the state stays small however many pages there are.
    expect(state().length).toBeLessThan(1000);
    expect(JSON.parse(state())).not.toHaveProperty('known');
    // A state written by an older version, with its id list, is still read (the list is dropped).
    fx.core.db.prepare("UPDATE stream_state SET state = ? WHERE stream = 'pages'").run(JSON.stringify({ ...JSON.parse(state()), known: '1.2.3' }));
    fx.conf.state.purge(pages[10]!.id);
    fx.conf.state.trash(pages[500]!.id);
    fx.clock.advance(DAY + 1);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 0, deleted: 2 });
    expect(countByKind(fx.core).page).toBe(598);
    expect(JSON.parse(state())).not.toHaveProperty('known');
  });

  it('keeps the API token out of the database, run logs and replies', async () => {
    fx = await confluenceFixture();
    fx.conf.state.addMany('ENG', 3);
    const run = await syncNow(fx.core, fx.id);
    const logs = await fx.core.invoke('logs.list', { runId: run.id });
    const dump = [JSON.stringify(logs), JSON.stringify(fx.core.db.prepare('SELECT * FROM run_logs').all()), JSON.stringify(fx.core.db.prepare('SELECT * FROM stream_state').all()), JSON.stringify(await fx.core.invoke('integrations.list', {}))].join('\n');
    expect(dump).not.toContain(CONFLUENCE_TOKEN);
  });
});
