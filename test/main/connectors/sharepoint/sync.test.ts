/**
 * SharePoint sync end to end through the real core against the Microsoft
 * emulator: full enumeration through delta, idle incremental syncs, changes
 * and deletions, 410 resyncs, throttling, and configuration mistakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MicrosoftEmulator, SpDrive, SpSite } from '../../../emulators/microsoft/server.ts';
import { addTasks, mirrored, sharepointFixture, syncNow, type SharePointFixture } from './fixture.ts';

let fx: SharePointFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** 230 files in Finance, 20 at the top, a Policies library with 15 nested files, 120 tasks and a hidden list. */
function seedContent(ms: MicrosoftEmulator, site: SpSite, docs: SpDrive): void {
  const g = ms.graph.state;
  const finance = g.addFolder(docs, 'Finance');
  g.addFiles(docs, 230, { parentId: finance.id });
  g.addFiles(docs, 20, { prefix: 'Memo' });
  const policies = g.addLibrary(site, 'Policies');
  const hr = g.addFolder(policies, 'HR');
  const leave = g.addFolder(policies, 'Leave', hr.id);
  for (let k = 1; k <= 15; k++) g.addFile(policies, { name: `Policy ${k}.pdf`, parentId: k % 2 ? leave.id : hr.id, by: { displayName: 'Megan Bowen' } });
  addTasks(ms, site, 120);
  const hidden = g.addList(site, { displayName: 'Workflow History', hidden: true });
  g.addListItem(hidden, { Title: 'internal' });
}

const deltaRequests = (f: SharePointFixture) => f.ms.graph.requests.find({ path: /\/delta(\?|$)/ });

describe('SharePoint sync', () => {
  it('mirrors every file of every library and every item of the visible lists, following nextLinks to the deltaLink', async () => {
    fx = await sharepointFixture({ seed: seedContent });
    const run = fx.firstRun!;
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 230 + 20 + 15 + 120, updated: 0, deleted: 0, failed: 0 });
    expect(mirrored(fx.core, 'document').size).toBe(265);
    expect(mirrored(fx.core, 'list_item').size).toBe(120);
    // Every request of the run, to Graph and to the login host, is accounted for in it.
    const loginInRun = fx.ms.login.requests.entries.filter((e) => e.at >= Date.parse(run.startedAt)).length;
    expect(run.requests).toBe(fx.ms.graph.requests.total + loginInRun);
    // Documents: 253 changes (files, folder, root) in pages of 200; every later page came from the previous nextLink.
    const docsDelta = deltaRequests(fx).filter((e) => e.path.includes(fx!.docs.id));
    expect(docsDelta).toHaveLength(2);
    expect(docsDelta[0]!.query.token).toBeUndefined();
    expect(docsDelta[1]!.query.token).toBeTruthy();
    // Lists are read with their column values.
    for (const e of deltaRequests(fx).filter((x) => x.path.includes('/lists/'))) expect(e.query.$expand).toBe('fields');

    const hit = await fx.core.invoke('records.search', { q: 'finance report 8' });
    expect(hit.hits[0]).toMatchObject({ kind: 'document', title: 'Report 8.docx', container: 'Docs / Documents', author: 'Adele Vance', url: 'https://contoso.sharepoint.com/sites/docs/Shared%20Documents/Finance/Report%208.docx' });
    const doc = await fx.core.invoke('records.get', { id: hit.hits[0]!.id });
    expect(doc.text).toContain('Path: Documents/Finance/Report 8.docx');
    expect(doc.text).toContain('Site: Docs');
    const policy = await fx.core.invoke('records.search', { q: 'leave policy 3' });
    expect(policy.hits[0]).toMatchObject({ title: 'Policy 3.pdf', container: 'Docs / Policies', author: 'Megan Bowen' });
    const task = await fx.core.invoke('records.search', { q: 'task 9' });
    expect(task.hits[0]).toMatchObject({ kind: 'list_item', title: 'Task 9', status: 'Done', container: 'Docs / Tasks' });
    expect((await fx.core.invoke('records.get', { id: task.hits[0]!.id })).text).toContain('Priority: High');
    expect((await fx.core.invoke('records.search', { q: 'internal' })).total).toBe(0);
  });

  it('an incremental sync with no changes adds and updates nothing and asks each feed once, from its deltaLink', async () => {
    fx = await sharepointFixture({ seed: seedContent });
    fx.ms.graph.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({ added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 });
    const deltas = deltaRequests(fx);
    expect(deltas).toHaveLength(3); // Documents, Policies, Tasks
    for (const e of deltas) expect(e.query.token).toBeTruthy();
    // Plus one site lookup, its drives and its lists.
    expect(fx.ms.graph.requests.total).toBe(6);
  });

  it('asks the sign-in host nothing while the access token is valid: not in the first sync, not in later ones', async () => {
    fx = await sharepointFixture({ seed: seedContent });
    const run = fx.firstRun!;
    // The sign-in discovered the tenant's endpoints; the sync that followed reused them.
    expect(fx.ms.login.requests.entries.filter((e) => e.at >= Date.parse(run.startedAt))).toEqual([]);
    fx.ms.login.requests.clear();
    fx.ms.graph.requests.clear();
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.status).toBe('succeeded');
    expect(fx.ms.login.requests.total).toBe(0);
    // Site, drives, delta of each library, lists, delta of the list: nothing else.
    expect(idle.requests).toBe(6);
    // After a restart of the app (a new core in the same process) too.
    await fx.core.close();
    const core = await fx.reopen();
    const after = await syncNow(core, fx.id);
    expect(after.status).toBe('succeeded');
    expect(fx.ms.login.requests.total).toBe(0);
  });

  it('picks up a new file, a rename, a deleted folder with its files and list item edits and deletions', async () => {
    let finance = '';
    fx = await sharepointFixture({
      seed: (ms, site, docs) => {
        const f = ms.graph.state.addFolder(docs, 'Finance');
        finance = f.id;
        ms.graph.state.addFiles(docs, 5, { parentId: f.id });
        ms.graph.state.addFiles(docs, 10, { prefix: 'Memo' });
        addTasks(ms, site, 10);
      },
    });
    const g = fx.ms.graph.state;
    const memos = [...fx.docs.items.values()].filter((i) => i.name.startsWith('Memo'));
    g.addFile(fx.docs, { name: 'Budget 2026.xlsx' });
    g.updateItem(fx.docs, memos[0]!.id, { name: 'Memo to all staff.docx' });
    g.deleteItem(fx.docs, finance);
    const tasks = [...g.lists.values()].find((l) => l.displayName === 'Tasks')!;
    g.updateListItem(tasks, '4', { Status: 'Blocked' });
    g.deleteListItem(tasks, '5');
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 1, updated: 2, deleted: 6, failed: 0 });
    const docs = mirrored(fx.core, 'document');
    expect(docs.size).toBe(11);
    expect([...docs.values()].filter((t) => t.startsWith('Report'))).toEqual([]);
    expect(docs.get(`${fx.docs.id}/${memos[0]!.id}`)).toBe('Memo to all staff.docx');
    expect(mirrored(fx.core, 'list_item').size).toBe(9);
    expect((await fx.core.invoke('records.search', { q: 'task 4' })).hits[0]).toMatchObject({ status: 'Blocked' });
  });

  it('on 410 Gone logs why, enumerates the library again and removes what vanished meanwhile', async () => {
    fx = await sharepointFixture({ seed: (ms, _site, docs) => void ms.graph.state.addFiles(docs, 300), streams: ['documents'] });
    const g = fx.ms.graph.state;
    const live = [...fx.docs.items.values()].filter((i) => !i.folder);
    for (const it of live.slice(0, 3)) g.deleteItem(fx.docs, it.id);
    g.addFiles(fx.docs, 2, { prefix: 'Late' });
    g.invalidateDeltaTokens(fx.docs);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 2, deleted: 3, unchanged: 297, updated: 0 });
    const want = [...fx.docs.items.values()].filter((i) => !i.folder && !i.deleted).map((i) => `${fx!.docs.id}/${i.id}`).sort();
    expect([...mirrored(fx.core, 'document').keys()].sort()).toEqual(want);
    const logs = await fx.core.invoke('logs.list', { runId: run.id, levels: ['warn'] });
    expect(logs.lines.map((l) => l.message)).toContainEqual(expect.stringMatching(/Docs \/ Documents: SharePoint cannot continue from the stored delta link \(410 Gone: resyncRequired, resyncChangesApplyDifferences\)/));
    expect(fx.ms.graph.requests.count({ status: 410 })).toBe(1);
    // Back to ordinary incremental syncs afterwards.
    expect((await syncNow(fx.core, fx.id)).counts).toMatchObject({ added: 0, updated: 0, deleted: 0, unchanged: 0 });
  });

  it('waits out 429 and 503 answers as long as Retry-After says, then carries on', async () => {
    fx = await sharepointFixture({ streams: ['documents'] });
    fx.ms.graph.state.addFiles(fx.docs, 450);
    fx.ms.graph.faults.rateLimitNext(2, { retryAfter: 7, match: /\/root\/delta\?token=/ });
    fx.ms.graph.faults.rateLimitNext(1, { status: 503, retryAfter: 2, match: /\/drives$/ });
    fx.waits.length = 0;
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(450);
    expect(fx.waits.filter((w) => w >= 7000 && w <= 7250)).toHaveLength(2);
    expect(fx.waits.filter((w) => w >= 2000 && w <= 2250)).toHaveLength(1);
    const logs = await fx.core.invoke('logs.list', { runId: run.id, levels: ['warn'] });
    expect(logs.lines.map((l) => l.message)).toContainEqual(expect.stringMatching(/→ 429 .*retrying in 7\.\d s — Microsoft Graph throttled the request \(429\), Retry-After 7 s/));
  });

  it('stops with rate_limited and the reset time when Graph asks to wait longer than a sync may, keeping the pages it stored', async () => {
    fx = await sharepointFixture({ streams: ['documents'] });
    fx.ms.graph.state.addFiles(fx.docs, 450);
    // Throttled for an hour right after the first page is stored.
    const off = fx.core.onEvent((e) => {
      if (e !== 'run.progress') return;
      fx!.ms.graph.faults.rateLimitNext(1, { retryAfter: 3600 });
      off();
    });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'rate_limited', action: 'Wait: the sync retries by itself after the limit resets' });
    expect(Date.parse(run.error!.retryAt!) - Date.now()).toBeGreaterThan(3500_000);
    expect(run.counts.added).toBe(200);
    const h = (await fx.core.invoke('health.list', {})).find((x) => x.integrationId === fx!.id)!;
    expect(h).toMatchObject({ state: 'rate_limited', rateLimitedUntil: run.error!.retryAt });
    const after = await syncNow(fx.core, fx.id);
    expect(after.counts).toMatchObject({ added: 250, updated: 0 });
  });

  it('syncs the sites it finds and fails naming the one it cannot find', async () => {
    fx = await sharepointFixture({ settings: { sites: ['https://contoso.sharepoint.com/sites/docs/SitePages/Home.aspx', 'contoso.sharepoint.com:/sites/nope'] }, streams: ['documents'], seed: (ms, _s, docs) => void ms.graph.state.addFiles(docs, 4) });
    const run = fx.firstRun!;
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config', message: 'SharePoint site contoso.sharepoint.com:/sites/nope was not found.', action: 'Open the SharePoint settings and fix or remove contoso.sharepoint.com:/sites/nope' });
    expect(mirrored(fx.core, 'document').size).toBe(4);
    const t = await fx.core.invoke('integrations.test', { id: fx.id });
    expect(t).toMatchObject({ ok: false, identity: 'Adele Vance <adele@contoso.onmicrosoft.com>', error: { code: 'config' } });
    expect(t.scopes).toContain('Sites.Read.All');
    expect(t.reachable).toEqual([
      { name: 'contoso.sharepoint.com:/sites/docs', ok: true, detail: 'Docs: 1 library (Documents)' },
      { name: 'contoso.sharepoint.com:/sites/nope', ok: false, detail: 'SharePoint site contoso.sharepoint.com:/sites/nope was not found.' },
    ]);
  });

  it('mirrors only the libraries and lists named in the settings', async () => {
    fx = await sharepointFixture({ seed: seedContent, settings: { libraries: ['policies'], lists: ['Tasks', 'Announcements'] } });
    const run = fx.firstRun!;
    expect(mirrored(fx.core, 'document').size).toBe(15);
    expect(mirrored(fx.core, 'list_item').size).toBe(120);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config', message: 'No list named "Announcements" on the configured SharePoint sites.' });
  });
});
