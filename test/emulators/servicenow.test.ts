import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basicAuth } from '../helpers/http-reply.ts';
import { startServiceNowEmulator, type ServiceNowEmulator } from './servicenow/server.ts';

const NOW = '2025-03-03T09:00:00Z';
let sn: ServiceNowEmulator;

beforeEach(async () => {
  sn = await startServiceNowEmulator({ now: NOW });
  sn.state.addUser({ user_name: 'tokyo', password: 'pw', time_zone: 'Asia/Tokyo', roles: ['itil'] });
  sn.state.addUser({ user_name: 'admin', password: 'pw', time_zone: 'UTC', roles: ['admin'] });
  sn.state.addUser({ user_name: 'nobody', password: 'pw', roles: [] });
});
afterEach(async () => {
  await sn.close();
});

async function get(path: string, user = 'tokyo', headers: Record<string, string> = {}) {
  const res = await fetch(path.startsWith('http') ? path : `${sn.url}${path}`, { headers: { accept: 'application/json', authorization: basicAuth(user, 'pw'), ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

function q(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

describe('authentication and errors', () => {
  it('answers 401 with the ServiceNow error body for missing or wrong credentials', async () => {
    const none = await fetch(`${sn.url}/api/now/table/incident`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
    const wrong = await fetch(`${sn.url}/api/now/table/incident`, { headers: { authorization: basicAuth('tokyo', 'nope') } });
    expect(wrong.status).toBe(401);
  });

  it('invalid table → 400, unknown path → 400, missing record → 404, no read role → 403, negative offset → 400', async () => {
    expect(await get('/api/now/table/incidnet')).toMatchObject({ status: 400, body: { error: { message: 'Invalid table incidnet' }, status: 'failure' } });
    expect(await get('/api/now/tables/incident')).toMatchObject({ status: 400, body: { error: { message: 'Requested URI does not represent any resource' } } });
    expect(await get('/api/now/table/incident/0123')).toMatchObject({ status: 404, body: { error: { message: 'No Record found' } } });
    expect(await get('/api/now/table/incident', 'nobody')).toMatchObject({ status: 403, body: { error: { message: 'User Not Authorized' } } });
    expect(await get('/api/now/table/sys_audit_delete')).toMatchObject({ status: 403 });
    expect(await get(`/api/now/table/incident?${q({ sysparm_offset: -1 })}`)).toMatchObject({ status: 400, body: { error: { detail: 'Negative offset is not supported' } } });
  });

  it('injected faults speak the ServiceNow error format', async () => {
    sn.faults.failNext(1, { status: 503 });
    expect(await get('/api/now/table/incident')).toMatchObject({ status: 503, body: { error: { message: 'Service Unavailable' }, status: 'failure' } });
  });
});

describe('listing', () => {
  it('pages with sysparm_limit/offset, X-Total-Count and Link rel first/prev/next/last', async () => {
    sn.state.addMany('incident', 45);
    const first = await get(`/api/now/table/incident?${q({ sysparm_limit: 20, sysparm_query: 'ORDERBYnumber' })}`);
    expect(first.headers.get('x-total-count')).toBe('45');
    const link = first.headers.get('link')!;
    expect(link).toContain('rel="first"');
    expect(link).toContain('rel="last"');
    expect(link).not.toContain('rel="prev"');
    const next = /<([^>]+)>;rel="next"/.exec(link)![1]!;
    expect(new URL(next).searchParams.get('sysparm_offset')).toBe('20');
    const seen = new Set<string>(first.body.result.map((r: any) => r.number));
    let url: string | undefined = next;
    while (url) {
      const page = await get(url);
      for (const r of page.body.result) seen.add(r.number);
      url = /<([^>]+)>;rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(seen.size).toBe(45);
  });

  it('display_value=all answers {display_value, value}; date/times display in the user time zone', async () => {
    const caller = sn.state.addUser({ user_name: 'beth', password: 'x', name: 'Beth Anglin' });
    const r = sn.state.add('incident', { short_description: 'VPN down', state: '2', caller_id: caller.sys_id }, '2025-03-01T23:30:00Z');
    const res = await get(`/api/now/table/incident/${r.sys_id}?${q({ sysparm_display_value: 'all', sysparm_fields: 'state,caller_id,sys_updated_on,nope' })}`);
    expect(res.body.result).toEqual({
      state: { display_value: 'In Progress', value: '2' },
      caller_id: { display_value: 'Beth Anglin', link: `${sn.url}/api/now/table/sys_user/${caller.sys_id}`, value: caller.sys_id },
      sys_updated_on: { display_value: '2025-03-02 08:30:00', value: '2025-03-01 23:30:00' },
    });
    const plain = await get(`/api/now/table/incident/${r.sys_id}?${q({ sysparm_fields: 'caller_id', sysparm_exclude_reference_link: 'true' })}`);
    expect(plain.body.result).toEqual({ caller_id: caller.sys_id });
  });

  it('a date/time literal in sysparm_query is UTC; gs.dateGenerate is the user time zone', async () => {
    sn.state.add('incident', { short_description: 'early' }, '2025-03-01T10:00:00Z');
    sn.state.add('incident', { short_description: 'late' }, '2025-03-01T20:00:00Z');
    const names = async (query: string) => (await get(`/api/now/table/incident?${q({ sysparm_query: query, sysparm_fields: 'short_description' })}`)).body.result.map((r: any) => r.short_description);
    expect(await names('sys_updated_on>=2025-03-01 15:00:00')).toEqual(['late']);
    // 15:00 in Tokyo is 06:00 UTC.
    expect(await names("sys_updated_on>=javascript:gs.dateGenerate('2025-03-01','15:00:00')")).toEqual(['early', 'late']);
  });

  it('a client that keeps display values as its cursor misses changes (the trap the connector avoids)', async () => {
    const a = sn.state.add('incident', { short_description: 'a' }, '2025-03-01T10:00:00Z');
    const last = await get(`/api/now/table/incident/${a.sys_id}?${q({ sysparm_display_value: 'all', sysparm_fields: 'sys_updated_on' })}`);
    sn.state.add('incident', { short_description: 'changed an hour later' }, '2025-03-01T11:00:00Z');
    const naive = await get(`/api/now/table/incident?${q({ sysparm_query: `sys_updated_on>${last.body.result.sys_updated_on.display_value}`, sysparm_fields: 'short_description' })}`);
    expect(naive.body.result).toEqual([]);
    const right = await get(`/api/now/table/incident?${q({ sysparm_query: `sys_updated_on>${last.body.result.sys_updated_on.value}`, sysparm_fields: 'short_description' })}`);
    expect(right.body.result).toEqual([{ short_description: 'changed an hour later' }]);
  });

  it('drops conditions on unknown fields or with invalid dates, like the default instance does', async () => {
    sn.state.addMany('incident', 3);
    expect((await get(`/api/now/table/incident?${q({ sysparm_query: 'sys_updatd_on>2099-01-01 00:00:00' })}`)).body.result).toHaveLength(3);
    expect((await get(`/api/now/table/incident?${q({ sysparm_query: 'sys_updated_on>2099-01-01T00:00:00Z' })}`)).body.result).toHaveLength(3);
    sn.state.settings.invalidQueryReturnsNoRows = true;
    expect((await get(`/api/now/table/incident?${q({ sysparm_query: 'sys_updatd_on>2099-01-01 00:00:00' })}`)).body.result).toHaveLength(0);
  });

  it('supports ^OR, ^NQ, IN and ORDERBYDESC', async () => {
    for (const [d, p] of [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']] as const) sn.state.add('incident', { short_description: d, priority: p });
    const names = async (query: string) => (await get(`/api/now/table/incident?${q({ sysparm_query: query, sysparm_fields: 'short_description' })}`)).body.result.map((r: any) => r.short_description);
    expect(await names('priority=1^ORpriority=3^ORDERBYDESCshort_description')).toEqual(['c', 'a']);
    expect(await names('priorityIN2,4^ORDERBYshort_description')).toEqual(['b', 'd']);
    expect(await names('short_description=a^NQshort_description=d^ORDERBYshort_description')).toEqual(['a', 'd']);
  });

  it('NOT IN leaves rows out, and X-Total-Count counts every row the query matches', async () => {
    const rs = sn.state.addMany('incident', 5);
    const res = await get(`/api/now/table/incident?${q({ sysparm_query: `sys_idNOT IN${rs[0]!.sys_id},${rs[1]!.sys_id}^ORDERBYsys_updated_on`, sysparm_fields: 'sys_id', sysparm_limit: 2 })}`);
    expect(res.body.result.map((r: any) => r.sys_id)).toEqual([rs[2]!.sys_id, rs[3]!.sys_id]);
    expect(res.headers.get('x-total-count')).toBe('3');
  });

  it('cuts sysparm_limit to the instance maximum (10,000 unless set lower) and says how many rows match', async () => {
    sn.state.addMany('incident', 12);
    sn.state.settings.maxLimit = 5;
    const res = await get(`/api/now/table/incident?${q({ sysparm_limit: 50, sysparm_fields: 'sys_id' })}`);
    expect(res.body.result).toHaveLength(5);
    expect(res.headers.get('x-total-count')).toBe('12');
    const next = new URL(/<([^>]+)>;rel="next"/.exec(res.headers.get('link')!)![1]!);
    expect([next.searchParams.get('sysparm_limit'), next.searchParams.get('sysparm_offset')]).toEqual(['5', '5']);
  });
});

describe('deletions, rate limits and OAuth', () => {
  it('a delete writes sys_audit_delete, which only admins may read', async () => {
    const r = sn.state.add('incident', { short_description: 'gone soon' });
    sn.state.advance(5000);
    sn.state.delete('incident', r.sys_id);
    const audit = await get(`/api/now/table/sys_audit_delete?${q({ sysparm_query: 'tablename=incident', sysparm_fields: 'documentkey,tablename,sys_created_on' })}`, 'admin');
    expect(audit.body.result).toEqual([{ documentkey: r.sys_id, tablename: 'incident', sys_created_on: '2025-03-03 09:00:05' }]);
    expect((await get('/api/now/table/sys_audit_delete', 'tokyo')).status).toBe(403);
  });

  it('rate limit rules send X-RateLimit-* on every response and 429 with Retry-After when used up', async () => {
    const rule = sn.state.addRateLimit(2);
    const ok = await get('/api/now/table/kb_knowledge');
    expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
    expect(ok.headers.get('x-ratelimit-rule')).toBe(rule.sys_id);
    await get('/api/now/table/kb_knowledge');
    const limited = await get('/api/now/table/kb_knowledge');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(rule.resetAt - Date.parse(NOW) / 1000);
    expect(limited.body).toMatchObject({ error: { message: 'Rate limit exceeded' }, status: 'failure' });
  });

  it('OAuth: password grant, bearer access, expiry answers 401, refresh grant gives a new token', async () => {
    sn.state.addOAuthClient('cid', 'csecret');
    const token = async (form: Record<string, string>) => {
      const res = await fetch(`${sn.url}/oauth_token.do`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
      return { status: res.status, body: (await res.json()) as any };
    };
    expect(await token({ grant_type: 'password', client_id: 'cid', client_secret: 'wrong', username: 'tokyo', password: 'pw' })).toEqual({ status: 401, body: { error_description: 'access_denied', error: 'server_error' } });
    const t = await token({ grant_type: 'password', client_id: 'cid', client_secret: 'csecret', username: 'tokyo', password: 'pw' });
    expect(t.body).toMatchObject({ token_type: 'Bearer', scope: 'useraccount', expires_in: 1799 });
    const bearer = { authorization: `Bearer ${t.body.access_token}` };
    expect((await fetch(`${sn.url}/api/now/table/kb_knowledge`, { headers: bearer })).status).toBe(200);
    sn.state.advance(1800_000);
    expect((await fetch(`${sn.url}/api/now/table/kb_knowledge`, { headers: bearer })).status).toBe(401);
    const r = await token({ grant_type: 'refresh_token', client_id: 'cid', client_secret: 'csecret', refresh_token: t.body.refresh_token });
    expect((await fetch(`${sn.url}/api/now/table/kb_knowledge`, { headers: { authorization: `Bearer ${r.body.access_token}` } })).status).toBe(200);
  });
});
