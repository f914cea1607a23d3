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

  it('an incremental sync with no changes adds and updates nothing, one request per table', async () => {
    fx = await snFixture({ seed: (sn) => seedDefault(sn) });
    await syncNow(fx.core, fx.id);
    fx.sn.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    // The user may not read sys_audit_delete (checked once a day), so only the three listings.
    expect(fx.sn.requests.total).toBe(3);
    expect(run.requests).toBe(3);
    console.log(`servicenow: idle incremental sync used ${run.requests} requests (3 tables, no audit access)`);
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
    expect(fx.sn.requests.count({ path: '/api/now/table/sys_audit_delete' })).toBeGreaterThan(0);
    fx.sn.requests.clear();
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    console.log(`servicenow: idle incremental sync with audit access used ${idle.requests} requests (3 tables)`);
    expect(idle.requests).toBe(6);
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
