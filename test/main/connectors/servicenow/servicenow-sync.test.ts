import { afterEach, describe, expect, it } from 'vitest';
import { countByKind, seedDefault, snFixture, syncNow, type SnFixture } from './fixture.ts';

let fx: SnFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function record(fx: SnFixture, externalId: string) {
  return fx.core.db.prepare('SELECT kind, title, status, author, url, updated_at AS updatedAt, text, container FROM records WHERE external_id = ?').get(externalId) as Record<string, string> | undefined;
}

describe('ServiceNow sync end to end against the emulator', () => {
  it('mirrors every record of each configured table, readable, in one stream per table', async () => {
    fx = await snFixture({ seed: (sn) => seedDefault(sn) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 40, change_request: 12, kb_article: 8 });
    expect(run.counts).toMatchObject({ added: 60, updated: 0, deleted: 0, failed: 0 });
    const inc = fx.sn.state.list('incident')[2]!;
    expect(record(fx, inc.sys_id)).toMatchObject({
      kind: 'incident',
      title: `${inc.values.number} Email outage 3`,
      status: 'Resolved',
      author: 'Beth Anglin',
      url: `${fx.sn.url}/incident.do?sys_id=${inc.sys_id}`,
      updatedAt: `${inc.values.sys_updated_on.replace(' ', 'T')}Z`,
      container: 'incident',
    });
    expect(record(fx, inc.sys_id)!.text).toMatch(/priority: 3 - Moderate/);
    expect(record(fx, inc.sys_id)!.text).toMatch(/assignment_group: Service Desk/);
    const kb = fx.sn.state.list('kb_knowledge')[0]!;
    expect(record(fx, kb.sys_id)!.text).toContain('Open the VPN portal & choose Reset.');
    // The run log has one stream per table, in the configured order.
    const logs = await fx.core.invoke('logs.list', { runId: run.id });
    expect(logs.lines.find((l) => l.message.startsWith('Sync of'))!.message).toContain('incident, change_request, kb_knowledge');
    const search = await fx.core.invoke('records.search', { q: 'vpn token' });
    expect(search.total).toBe(8);
    console.log(`servicenow: full sync of 60 records in 3 tables used ${run.requests} requests`);
  });

  it('a full sync asks each table once when it fits a page, and asks nothing about deletions', async () => {
    fx = await snFixture({ seed: (sn) => seedDefault(sn) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.sn.requests.countsByRoute()).toEqual({ 'GET /api/now/table/incident': 1, 'GET /api/now/table/change_request': 1, 'GET /api/now/table/kb_knowledge': 1 });
  });

  it('an incremental sync with no changes adds and updates nothing: one request per table, plus one deletion check', async () => {
    fx = await snFixture({ seed: (sn) => seedDefault(sn) });
    await syncNow(fx.core, fx.id);
    fx.sn.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    // One sys_audit_delete question for all three tables: this user may not read it (403)…
    expect(fx.sn.requests.total).toBe(4);
    expect(fx.sn.requests.find({ path: '/api/now/table/sys_audit_delete' }).map((e) => [e.status, e.query.sysparm_query?.split('^')[0]])).toEqual([[403, 'tablenameINincident,change_request,kb_knowledge']]);
    // …and the listings left out what was already stored: they answered nothing.
    for (const e of fx.sn.requests.find({ path: /^\/api\/now\/table\/(incident|change_request|kb_knowledge)\?/ })) expect(e.query.sysparm_query).toMatch(/\^sys_idNOT IN[0-9a-f]{32}/);
    // …so the next idle sync asks only the three listings (sys_audit_delete is asked again in a day).
    fx.sn.requests.clear();
    const again = await syncNow(fx.core, fx.id);
    expect(again.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(fx.sn.requests.total).toBe(3);
    expect(again.requests).toBe(3);
    console.log(`servicenow: idle incremental sync used ${run.requests}, then ${again.requests} requests (3 tables, no audit access)`);
  });

  it('stops paging at X-Total-Count: no empty last page, no page for the overlap', async () => {
    // 60 records at 20 a page: three pages, the last one full.
    fx = await snFixture({ tables: ['incident'], pageSize: 20, seed: (sn) => sn.state.addMany('incident', 60) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 60 });
    expect(fx.sn.requests.find({ path: '/api/now/table/incident' }).map((e) => e.status)).toEqual([200, 200, 200]);
  });

  it('reads everything from an instance that serves fewer rows than asked for, and deletes nothing for it', async () => {
    fx = await snFixture({ tables: ['incident'], pageSize: 100, seed: (sn) => sn.state.addMany('incident', 60) });
    // An instance whose administrator capped the page at 25 rows: a short page is not the end.
    fx.sn.state.settings.maxLimit = 25;
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 60 });
    expect(fx.sn.requests.count({ path: '/api/now/table/incident' })).toBe(3);
    // The hourly sys_id check pages the same way: nothing looks deleted.
    fx.clock.offsetMs = 61 * 60_000;
    const later = await syncNow(fx.core, fx.id);
    expect(later.status).toBe('succeeded');
    expect(later.counts.deleted).toBe(0);
    expect(countByKind(fx.core)).toEqual({ incident: 60 });
  });

  it('without a page size setting, sizes pages by bytes: larger pages for small rows, all records once', async () => {
    fx = await snFixture({ tables: ['incident'], seed: (sn) => seedDefault(sn, { incident: 3000, change_request: 0, kb_knowledge: 0 }) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 3000, updated: 0 });
    const limits = fx.sn.requests.find({ path: '/api/now/table/incident' }).map((e) => Number(e.query.sysparm_limit));
    // A first guess of 1,000, then a page of about 4 MB (these rows are ~1.2 kB): two requests, not three.
    expect(limits).toHaveLength(2);
    expect(limits[0]).toBe(1000);
    expect(limits[1]).toBeGreaterThan(2000);
    expect(limits[1]).toBeLessThanOrEqual(10_000);
  });

  it('picks up a change made right after the last sync, whatever the user time zone', async () => {
    // Tokyo is 9 hours ahead: a cursor taken from display values would skip this edit.
    fx = await snFixture({ timeZone: 'Asia/Tokyo', tables: ['incident'], seed: (sn) => seedDefault(sn) });
    await syncNow(fx.core, fx.id);
    const [a, b] = fx.sn.state.list('incident');
    fx.sn.state.advance(60_000);
    fx.sn.state.update('incident', a!.sys_id, { short_description: 'Email outage: fixed', state: '6' });
    fx.sn.state.update('incident', b!.sys_id, { state: '7' });
    fx.sn.state.add('incident', { short_description: 'Printer on fire', state: '1' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.counts).toMatchObject({ added: 1, updated: 2, deleted: 0 });
    expect(record(fx, a!.sys_id)).toMatchObject({ title: `${a!.values.number} Email outage: fixed`, status: 'Resolved' });
    // Every listing asked with UTC literals, never display values or ISO strings.
    for (const e of fx.sn.requests.find({ path: '/api/now/table/incident' })) {
      const q = e.query.sysparm_query ?? '';
      if (q.includes('sys_updated_on>')) expect(q).toMatch(/sys_updated_on>=?\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\^/);
    }
  });

  it('loses nothing when more than a page of records share one update second', async () => {
    fx = await snFixture({ tables: ['incident'], pageSize: 25, seed: (sn) => {
      sn.state.addMany('incident', 10, { end: '2025-03-01T10:00:00Z' });
      for (let i = 0; i < 70; i++) sn.state.add('incident', { short_description: `Bulk update ${i}` }, '2025-03-01T11:00:00Z');
      sn.state.addMany('incident', 5, { end: '2025-03-01T12:00:00Z' });
    } });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 85 });
    const again = await syncNow(fx.core, fx.id);
    expect(again.counts).toMatchObject({ added: 0, updated: 0 });
  });

  it('keeps a record that was updated while the listing was paging (offset paging would skip one)', async () => {
    fx = await snFixture({ tables: ['incident'], pageSize: 20, seed: (sn) => sn.state.addMany('incident', 60, { end: '2025-03-01T10:00:00Z' }) });
    const all = fx.sn.state.list('incident');
    let listings = 0;
    fx.sn.state.beforeRequest = (p) => {
      if (p !== '/api/now/table/incident') return;
      listings++;
      // After the first page was read, an early record changes: it moves to the end of the order.
      if (listings === 2) fx!.sn.state.update('incident', all[3]!.sys_id, { short_description: 'edited mid-listing' });
    };
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 60 });
    expect(record(fx, all[3]!.sys_id)!.title).toContain('edited mid-listing');
  });

  it('removes records deleted on ServiceNow, from sys_audit_delete when the user may read it', async () => {
    fx = await snFixture({ roles: ['itil', 'admin'], seed: (sn) => seedDefault(sn) });
    await syncNow(fx.core, fx.id);
    const [x, y] = fx.sn.state.list('incident');
    const chg = fx.sn.state.list('change_request')[0]!;
    fx.sn.state.advance(30_000);
    fx.sn.state.delete('incident', x!.sys_id);
    fx.sn.state.delete('incident', y!.sys_id);
    fx.sn.state.delete('change_request', chg.sys_id);
    const run = await syncNow(fx.core, fx.id);
    expect(run.counts).toMatchObject({ added: 0, updated: 0, deleted: 3 });
    expect(countByKind(fx.core)).toEqual({ incident: 38, change_request: 11, kb_article: 8 });
    // One question to sys_audit_delete for the three tables.
    expect(fx.sn.requests.count({ path: '/api/now/table/sys_audit_delete' })).toBe(1);
    fx.sn.requests.clear();
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    console.log(`servicenow: idle incremental sync with audit access used ${idle.requests} requests (3 tables)`);
    expect(idle.requests).toBe(4);
    // A deletion made after that is still found by the next sync.
    const kb = fx.sn.state.list('kb_knowledge')[0]!;
    fx.sn.state.advance(30_000);
    fx.sn.state.delete('kb_knowledge', kb.sys_id);
    const next = await syncNow(fx.core, fx.id);
    expect(next.counts).toMatchObject({ deleted: 1 });
    expect(countByKind(fx.core)).toEqual({ incident: 38, change_request: 11, kb_article: 7 });
  });

  it('a table whose stream failed catches up on deletions it missed, then shares the one deletion check again', async () => {
    fx = await snFixture({ roles: ['itil', 'admin'], tables: ['incident', 'change_request'], seed: (sn) => seedDefault(sn) });
    await syncNow(fx.core, fx.id);
    const [chg1, chg2] = fx.sn.state.list('change_request');
    const inc = fx.sn.state.list('incident')[0]!;
    fx.sn.state.advance(30_000);
    fx.sn.state.delete('change_request', chg1!.sys_id);
    fx.sn.state.advance(30_000);
    fx.sn.state.delete('incident', inc.sys_id);
    // The change request listing fails this time: its deletion check does not run.
    fx.sn.faults.failNext(1, { status: 403, match: '/api/now/table/change_request' });
    const failed = await syncNow(fx.core, fx.id);
    expect(failed.status).toBe('failed');
    expect(failed.counts.deleted).toBe(1);
    fx.sn.state.advance(30_000);
    fx.sn.state.delete('change_request', chg2!.sys_id);
    fx.sn.requests.clear();
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    // Both deletions of change requests are found, the older one by the table's own catch-up question.
    expect(next.counts.deleted).toBe(2);
    expect(countByKind(fx.core)).toEqual({ incident: 39, change_request: 10 });
    expect(fx.sn.requests.count({ path: '/api/now/table/sys_audit_delete' })).toBe(2);
    fx.sn.requests.clear();
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(fx.sn.requests.count({ path: '/api/now/table/sys_audit_delete' })).toBe(1);
  });

  it('without access to sys_audit_delete, finds deletions with an hourly sys_id check', async () => {
    fx = await snFixture({ tables: ['incident'], seed: (sn) => sn.state.addMany('incident', 30) });
    await syncNow(fx.core, fx.id);
    const victim = fx.sn.state.list('incident')[7]!;
    fx.sn.state.delete('incident', victim.sys_id);
    const soon = await syncNow(fx.core, fx.id);
    expect(soon.counts.deleted).toBe(0);
    fx.clock.offsetMs = 61 * 60_000;
    const later = await syncNow(fx.core, fx.id);
    expect(later.counts).toMatchObject({ deleted: 1, added: 0, updated: 0 });
    expect(record(fx, victim.sys_id)).toBeUndefined();
    expect(countByKind(fx.core)).toEqual({ incident: 29 });
  });

  it('a table that does not exist fails with a config error naming it; the others still sync', async () => {
    fx = await snFixture({ tables: ['incident', 'incidnet', 'kb_knowledge'], seed: (sn) => seedDefault(sn) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config' });
    expect(run.error!.message).toContain('ServiceNow has no table "incidnet"');
    expect(run.error!.message).toContain('Invalid table incidnet');
    expect(run.error!.action).toContain('fix or remove "incidnet"');
    expect(countByKind(fx.core)).toEqual({ incident: 40, kb_article: 8 });
  });

  it('a table the user may not read fails with a permission error naming user and table', async () => {
    fx = await snFixture({ roles: [], seed: (sn) => seedDefault(sn) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'permission' });
    expect(run.error!.message).toMatch(/kx\.sync may not read the incident table \(403 User Not Authorized\)/);
    expect(run.error!.action).toMatch(/Give kx\.sync a role that can read incident/);
    // Knowledge is readable without itil.
    expect(countByKind(fx.core)).toEqual({ kb_article: 8 });
  });
});
