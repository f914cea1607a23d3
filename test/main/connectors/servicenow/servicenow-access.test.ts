import { afterEach, describe, expect, it } from 'vitest';
import { forgetTokens } from '../../../../main/connectors/servicenow/auth.ts';
import { everythingStoredAndShown } from '../../../helpers/test-core.ts';
import { CLIENT_SECRET, countByKind, PASSWORD, seedDefault, snFixture, syncNow, USER, type SnFixture } from './fixture.ts';

let fx: SnFixture | undefined;
afterEach(async () => {
  if (fx) forgetTokens(fx.id);
  await fx?.close();
  fx = undefined;
});

describe('ServiceNow credentials, limits and settings', () => {
  it('a changed password fails the sync as auth, and health asks to reconnect', async () => {
    fx = await snFixture({ tables: ['incident'], seed: (sn) => sn.state.addMany('incident', 5) });
    await syncNow(fx.core, fx.id);
    fx.sn.state.users.get(USER)!.password = 'rotated-by-the-admin';
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'auth' });
    expect(run.error!.message).toContain('ServiceNow rejected the credentials (401 User Not Authenticated)');
    expect(run.error!.action).toMatch(/^Reconnect ServiceNow/);
    const health = (await fx.core.invoke('health.list', {})).find((h) => h.integrationId === fx!.id)!;
    expect(health.state).toBe('needs_credentials');
    // Nothing stored before is lost.
    expect(countByKind(fx.core)).toEqual({ incident: 5 });
  });

  it('waits out a 429 with Retry-After and finishes the sync', async () => {
    fx = await snFixture({ tables: ['incident'], pageSize: 10, seed: (sn) => sn.state.addMany('incident', 35) });
    fx.sn.faults.rateLimitNext(2, { retryAfter: 7, headers: { 'x-ratelimit-limit': '500', 'x-ratelimit-rule': 'a1b2', 'x-ratelimit-reset': '1741000000' }, match: '/api/now/table/incident' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 35 });
    expect(fx.waits.filter((w) => w >= 7000 && w < 7500)).toHaveLength(2);
    const logs = await fx.core.invoke('logs.list', { runId: run.id, levels: ['warn'] });
    expect(logs.lines.some((l) => /429.*ServiceNow rate limit \(rule a1b2, 500 requests per hour\)/.test(l.message))).toBe(true);
  });

  it('an hourly rate limit rule that is used up ends the run as rate_limited with the reset time', async () => {
    fx = await snFixture({ tables: ['incident', 'kb_knowledge'], pageSize: 10, seed: (sn) => seedDefault(sn) });
    fx.sn.state.addRateLimit(3);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'rate_limited' });
    expect(run.error!.message).toMatch(/^ServiceNow rate limit reached/);
    const retryAt = Date.parse(run.error!.retryAt!);
    expect(retryAt - Date.now()).toBeGreaterThan(120_000);
    // The three pages it could read are kept (each page leaves out the records already stored)...
    expect(countByKind(fx.core)).toEqual({ incident: 30 });
    const health = (await fx.core.invoke('health.list', {})).find((h) => h.integrationId === fx!.id)!;
    expect(health.state).toBe('rate_limited');
    // ...and once the admin lifts the rule the next run resumes after them: nothing is read twice as new.
    fx.sn.state.rateRules.length = 0;
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts).toMatchObject({ added: 10 + 8, updated: 0 });
    expect(countByKind(fx.core)).toEqual({ incident: 40, kb_article: 8 });
  });

  it('syncs with OAuth (password grant), renews an expired access token once and keeps going', async () => {
    fx = await snFixture({ oauth: true, tables: ['incident'], pageSize: 10, seed: (sn) => sn.state.addMany('incident', 25) });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countByKind(fx.core)).toEqual({ incident: 25 });
    expect(fx.sn.requests.count({ path: '/oauth_token.do' })).toBe(1);
    for (const e of fx.sn.requests.find({ path: '/api/now/table/incident' })) expect(e.headers.authorization).toMatch(/^Bearer at_/);
    // The access token expires between runs: the next run renews it with the refresh token.
    fx.sn.state.advance(31 * 60_000);
    fx.sn.state.add('incident', { short_description: 'after the token expired' });
    fx.clock.offsetMs = 0;
    fx.sn.requests.clear();
    for (const t of fx.sn.state.accessTokens.values()) t.expiresAt = fx.sn.state.now.getTime() - 1;
    const again = await syncNow(fx.core, fx.id);
    expect(again.status).toBe('succeeded');
    expect(again.counts.added).toBe(1);
    expect(fx.sn.requests.find({ path: '/oauth_token.do' }).map((e) => e.status)).toEqual([200]);
    expect(fx.sn.requests.count({ status: 401 })).toBe(1);
  });

  it('a wrong OAuth client secret fails as auth with a message that names the OAuth sign-in', async () => {
    fx = await snFixture({ oauth: true, tables: ['incident'], seed: (sn) => sn.state.addMany('incident', 3) });
    fx.sn.state.oauthClients.set('kinexus-desktop-client', 'rotated');
    const run = await syncNow(fx.core, fx.id);
    expect(run.error).toMatchObject({ code: 'auth' });
    expect(run.error!.message).toContain('ServiceNow refused the OAuth sign-in of kx.sync');
    expect(run.error!.action).toContain('OAuth client ID and secret');
  });

  it('keeps the password and client secret out of the database, the logs and every reply', async () => {
    fx = await snFixture({ oauth: true, seed: (sn) => seedDefault(sn) });
    const run = await syncNow(fx.core, fx.id);
    fx.sn.state.oauthClients.set('kinexus-desktop-client', 'rotated');
    forgetTokens(fx.id);
    const failed = await syncNow(fx.core, fx.id);
    expect(failed.status).toBe('failed');
    const dump = await everythingStoredAndShown(fx.core, fx.id, [run.id, failed.id]);
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(CLIENT_SECRET);
    // Access tokens are credentials too: they never reach the database.
    for (const t of fx.sn.state.accessTokens.keys()) expect(dump).not.toContain(t);
  });

  it('the connection test names the user, what each table allows and how deletions are found', async () => {
    fx = await snFixture({ tables: ['incident', 'kb_knowledge', 'u_custom'], seed: (sn) => seedDefault(sn) });
    const t = await fx.core.invoke('integrations.test', { id: fx.id });
    expect(t.identity).toBe('Kinexus Sync (kx.sync)');
    expect(t.reachable).toEqual([
      { name: 'incident', ok: true, detail: '40 records readable' },
      { name: 'kb_knowledge', ok: true, detail: '8 records readable' },
      { name: 'u_custom', ok: false, detail: 'no such table (400 Invalid table u_custom)' },
      { name: 'sys_audit_delete', ok: true, detail: 'not readable: deletions are found by an hourly sys_id check' },
    ]);
    expect(t.ok).toBe(false);
    expect(t.error).toMatchObject({ code: 'config' });
    expect(fx.sn.requests.find({ path: '/api/now/table/sys_user' })[0]!.query.sysparm_query).toBe('user_name=kx.sync');
  });

  it('rejects bad settings with the field to fix', async () => {
    fx = await snFixture({ tables: ['incident'] });
    const bad = async (settings: Record<string, unknown>) => fx!.core.invoke('connectors.validateSettings', { connector: 'servicenow', settings }).catch((e) => e);
    expect(await bad({ instanceUrl: 'acme.service-now.com', username: 'x' })).toMatchObject({ code: 'invalid_input', field: 'settings.instanceUrl' });
    expect(await bad({ instanceUrl: 'https://acme.service-now.com', username: 'x', tables: ['Incident'] })).toMatchObject({ field: 'settings.tables.0' });
    expect(await bad({ instanceUrl: 'https://acme.service-now.com', username: 'x', authMode: 'oauth' })).toMatchObject({ field: 'settings.clientId' });
    expect(await bad({ instanceUrl: 'https://acme.service-now.com', username: 'x', tables: ['incident', 'incident'] })).toMatchObject({ field: 'settings.tables' });
    const ok = await fx.core.invoke('connectors.validateSettings', { connector: 'servicenow', settings: { instanceUrl: 'https://acme.service-now.com', username: 'x' } });
    expect(ok.settings).toMatchObject({ tables: ['incident', 'change_request', 'kb_knowledge'], authMode: 'basic' });
    // Left out, pages are sized by bytes; a fixed size stays possible.
    expect(ok.settings).not.toHaveProperty('pageSize');
    expect(await bad({ instanceUrl: 'https://acme.service-now.com', username: 'x', pageSize: 20_000 })).toMatchObject({ field: 'settings.pageSize' });
  });
});
