/**
 * Signing in to SharePoint with the device code flow through the real core:
 * the code reaches the UI as an event, the MSAL token cache lives in the
 * keychain only, later runs reuse it, and a sign-in that stops working turns
 * into "Sign in to SharePoint again".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretAccount } from '../../../../main/secrets/secret-store.ts';
import { sharepointFixture, signIn, syncNow, UPN, type SharePointFixture } from './fixture.ts';

let fx: SharePointFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const health = async (f: SharePointFixture) => (await f.core.invoke('health.list', {})).find((h) => h.integrationId === f.id)!;

/** Everything the data directory holds on disk (database, WAL, logs), as text. */
function dataDirBytes(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p).toString('latin1'));
    }
  };
  walk(dir);
  return out.join('\n');
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SharePoint sign-in', () => {
  it('shows "Sign in to SharePoint" until the device code is approved, then keeps the token cache in the keychain only', async () => {
    fx = await sharepointFixture({ signIn: false });
    fx.ms.graph.state.addFiles(fx.docs, 3);
    expect(await health(fx)).toMatchObject({ state: 'needs_credentials', summary: 'Sign in to SharePoint' });

    const early = await syncNow(fx.core, fx.id);
    expect(early.status).toBe('failed');
    expect(early.error).toMatchObject({ code: 'auth', action: `Sign in to SharePoint: kinexus integrations sign-in ${fx.id}` });
    expect(fx.ms.graph.requests.total).toBe(0);

    const events: [string, any][] = [];
    fx.core.onEvent((e, d) => events.push([e, d]));
    const started = await fx.core.invoke('integrations.signIn', { id: fx.id });
    expect(started.state).toBe('pending');
    const code = started.deviceCode!;
    expect(code).toMatchObject({ integrationId: fx.id, verificationUri: 'https://microsoft.com/devicelogin' });
    expect(code.message).toContain(code.userCode);
    expect(Date.parse(code.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(events.filter(([e]) => e === 'auth.deviceCode').map(([, d]) => d)).toEqual([code]);
    // A second request while the first waits joins it: same code, no second device code.
    expect((await fx.core.invoke('integrations.signIn', { id: fx.id })).deviceCode).toEqual(code);

    const grant = fx.ms.identity.pending()[0]!;
    await until(() => grant.polls >= 1, 'MSAL to poll once');
    expect(fx.ms.login.requests.count({ path: '*/oauth2/v2.0/token', status: 400 })).toBeGreaterThanOrEqual(1);
    fx.ms.identity.approve(code.userCode, UPN);
    await until(() => events.some(([e]) => e === 'auth.signedIn'), 'auth.signedIn');
    expect(events.find(([e]) => e === 'auth.signedIn')![1]).toEqual({ integrationId: fx.id, identity: `Adele Vance <${UPN}>` });
    expect(fx.ms.login.requests.count({ path: '*/oauth2/v2.0/devicecode' })).toBe(1);

    const cache = JSON.parse(fx.store.values.get(secretAccount(fx.id, 'msal-cache'))!);
    expect(Object.keys(cache.RefreshToken)).toHaveLength(1);

    // Signing in starts a sync, after which health no longer remembers the failed attempt.
    const finished = () => events.find(([e, d]) => e === 'run.finished' && d.run.id !== early.id)?.[1].run;
    await until(() => finished() !== undefined, 'the sync after sign-in');
    expect(finished()).toMatchObject({ trigger: 'ui', status: 'succeeded', counts: { added: 3 } });
    expect(await health(fx)).toMatchObject({ state: 'healthy' });
  });

  it('never lets a token reach SQLite, the logs, run records or API replies', async () => {
    fx = await sharepointFixture({ identity: { accessTokenLifetimeSeconds: 60 } });
    fx.ms.graph.state.addFiles(fx.docs, 5);
    const ok = await syncNow(fx.core, fx.id);
    fx.ms.identity.revokeSessions(UPN);
    const failed = await syncNow(fx.core, fx.id);
    expect([ok.status, failed.status]).toEqual(['succeeded', 'failed']);
    const secrets = fx.ms.identity.issuedSecrets;
    expect(secrets.length).toBeGreaterThanOrEqual(5); // device code, two access, two refresh, one id token
    const replies = JSON.stringify([
      await fx.core.invoke('status.get', {}),
      await fx.core.invoke('runs.list', {}),
      await fx.core.invoke('logs.list', { runId: ok.id }),
      await fx.core.invoke('logs.list', { runId: failed.id }),
      await fx.core.invoke('records.list', {}),
    ]);
    const disk = dataDirBytes(fx.dir);
    const cache = fx.store.values.get(secretAccount(fx.id, 'msal-cache'))!;
    const inCache = secrets.filter((s) => cache.includes(s));
    expect(inCache.length).toBeGreaterThan(0); // the keychain does hold them: the check can see a token
    for (const s of secrets) {
      expect(disk.includes(s), 'token on disk').toBe(false);
      expect(replies.includes(s), 'token in a reply').toBe(false);
    }
  });

  it('reuses the keychain cache after a restart and refreshes an expired access token with the refresh token', async () => {
    fx = await sharepointFixture({ identity: { accessTokenLifetimeSeconds: 60 } });
    fx.ms.graph.state.addFiles(fx.docs, 2);
    const before = fx.store.values.get(secretAccount(fx.id, 'msal-cache'))!;
    await fx.core.close();
    const core = await fx.reopen();
    fx.ms.login.requests.clear();
    fx.ms.graph.requests.clear();
    const run = await syncNow(core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.ms.login.requests.count({ path: '*/oauth2/v2.0/devicecode' })).toBe(0);
    // MSAL renews a token that expires within five minutes: one refresh_token grant.
    expect(fx.ms.login.requests.count({ method: 'POST', path: '*/oauth2/v2.0/token', status: 200 })).toBe(1);
    const after = fx.store.values.get(secretAccount(fx.id, 'msal-cache'))!;
    expect(Object.values(JSON.parse(after).RefreshToken)[0]).not.toEqual(Object.values(JSON.parse(before).RefreshToken)[0]);
    // Identity requests count in the run like Graph's.
    expect(run.requests).toBe(fx.ms.login.requests.total + fx.ms.graph.requests.total);
  });

  it('turns a revoked or expired sign-in into "Sign in to SharePoint again", and a new sign-in fixes it', async () => {
    fx = await sharepointFixture({ identity: { accessTokenLifetimeSeconds: 60 } });
    fx.ms.identity.expireRefreshTokens(UPN);
    const expired = await syncNow(fx.core, fx.id);
    expect(expired.status).toBe('failed');
    expect(expired.error).toMatchObject({ code: 'auth', action: `Sign in to SharePoint again: kinexus integrations sign-in ${fx.id}` });
    expect(expired.error!.message).toMatch(/SharePoint sign-in is no longer valid \(AADSTS700082: The refresh token has expired/);
    expect(await health(fx)).toMatchObject({ state: 'needs_credentials', summary: expect.stringMatching(/^Reconnect SharePoint: The SharePoint sign-in is no longer valid/) });

    await signIn(fx.core, fx.ms, fx.id);
    expect((await syncNow(fx.core, fx.id)).status).toBe('succeeded');
    expect(await health(fx)).toMatchObject({ state: 'healthy' });
  });

  it('gets a new token once when Graph rejects a cached one (401), and asks to sign in again when that fails too', async () => {
    fx = await sharepointFixture();
    fx.ms.graph.state.addFiles(fx.docs, 2);
    // Sessions revoked: the cached access token still looks valid to MSAL, Graph says 401 (CAE).
    fx.ms.identity.revokeSessions(UPN);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'auth', action: expect.stringMatching(/^Sign in to SharePoint again/) });
    expect(run.error!.message).toMatch(/AADSTS50173/);
    expect(fx.ms.graph.requests.count({ status: 401 })).toBe(1);
    expect(fx.ms.login.requests.count({ method: 'POST', path: '*/oauth2/v2.0/token', status: 400 })).toBe(1);
  });

  it('sends MSAL through the shared HTTP client: a throttled refresh waits Retry-After, a dead login host is a network error', async () => {
    fx = await sharepointFixture({ identity: { accessTokenLifetimeSeconds: 60 } });
    fx.ms.graph.state.addFiles(fx.docs, 2);
    fx.ms.login.faults.rateLimitNext(1, { retryAfter: 4, match: '*/oauth2/v2.0/token' });
    fx.waits.length = 0;
    const throttled = await syncNow(fx.core, fx.id);
    expect(throttled.status).toBe('succeeded');
    expect(fx.waits.filter((w) => w >= 4000 && w <= 4250)).toHaveLength(1);

    await fx.core.close();
    const core = await fx.reopen();
    fx.ms.login.faults.dropNext(10, { when: 'before-response', match: '*/oauth2/v2.0/token' });
    const down = await syncNow(core, fx.id);
    expect(down.status).toBe('failed');
    expect(down.error).toMatchObject({ code: 'network', message: expect.stringMatching(/^Could not reach Microsoft sign-in at 127\.0\.0\.1:\d+: the connection was dropped \(after 5 attempts\)\.$/) });
    expect(fx.ms.graph.requests.count({ status: 401 })).toBe(0);
  });

  it('reports a declined sign-in as auth.signInFailed and stores nothing', async () => {
    fx = await sharepointFixture({ signIn: false });
    const failures: any[] = [];
    fx.core.onEvent((e, d) => {
      const code = d as { userCode?: string; integrationId?: string };
      if (e === 'auth.deviceCode') fx!.ms.identity.decline(code.userCode!);
      if (e === 'auth.signInFailed') failures.push(d);
    });
    await expect(fx.core.invoke('integrations.signIn', { id: fx.id, wait: true })).rejects.toMatchObject({ code: 'auth', message: 'The SharePoint sign-in was declined on the Microsoft page.' });
    expect(failures).toEqual([{ integrationId: fx.id, error: expect.objectContaining({ code: 'auth', action: expect.stringMatching(/^Sign in to SharePoint again/) }) }]);
    expect(fx.store.values.has(secretAccount(fx.id, 'msal-cache'))).toBe(false);
    expect(await health(fx)).toMatchObject({ state: 'needs_credentials', summary: 'Sign in to SharePoint' });
  });

  it('refuses to sign in when the keychain is locked, instead of keeping tokens elsewhere', async () => {
    fx = await sharepointFixture({ signIn: false });
    await fx.core.close();
    fx.store.status = { state: 'locked', backend: 'memory', reason: 'the login keyring is locked', fix: 'Unlock the login keyring' };
    const core = await fx.reopen();
    const off = core.onEvent((e, d) => e === 'auth.deviceCode' && fx!.ms.identity.approve((d as { userCode: string }).userCode, UPN));
    await expect(core.invoke('integrations.signIn', { id: fx.id, wait: true })).rejects.toMatchObject({ code: 'secrets_unavailable', action: 'Unlock the login keyring' });
    off();
    expect(fx.store.values.size).toBe(0);
    expect(dataDirBytes(fx.dir)).not.toContain('RefreshToken');
  });

  it('refuses interactive sign-in for a connector that takes a typed secret, naming the field', async () => {
    fx = await sharepointFixture({ signIn: false });
    const gh = await fx.core.invoke('integrations.add', { connector: 'github', name: 'Acme GitHub', settings: { repositories: ['acme/api'] }, secrets: { token: 'ghp_x_0123456789' } });
    await expect(fx.core.invoke('integrations.signIn', { id: gh.id })).rejects.toMatchObject({ code: 'invalid_input', field: 'id', message: expect.stringMatching(/^GitHub does not sign in interactively; it uses Personal access token/) });
  });
});
