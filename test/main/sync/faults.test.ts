/**
 * Every fault the GitHub emulator can inject, and what the user sees of it:
 * the run's status, its error (code, message, next step), its counts, the
 * health of the integration, and that no record was lost or duplicated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../../shared/sync.ts';
import { githubFixture, syncNow, TOKEN, type GitHubFixture } from '../../helpers/github-fixture.ts';
import type { GitHubEmulator } from '../../emulators/github/server.ts';

let fx: GitHubFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const DATA = { commits: 120, issues: 250, pulls: 30, runs: 10 };

/** External ids upstream, by record kind, over the given repositories. */
function upstream(gh: GitHubEmulator, repos = ['acme/api']): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = { commit: new Set(), issue: new Set(), pull_request: new Set(), workflow_run: new Set() };
  for (const name of repos) {
    const r = gh.state.repo(name);
    for (const c of r.branches.get(r.default_branch) ?? []) out.commit.add(`${name}@${c.sha}`);
    for (const i of r.issues) out[i.pull ? 'pull_request' : 'issue'].add(`${name}#${i.number}`);
    for (const x of r.runs) out.workflow_run.add(`${name}/runs/${x.id}`);
  }
  return out;
}

/** What is stored, by kind. */
function stored(f: GitHubFixture): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = { commit: new Set(), issue: new Set(), pull_request: new Set(), workflow_run: new Set() };
  for (const r of f.core.db.prepare('SELECT kind, external_id FROM records WHERE integration_id = ?').all(f.id) as { kind: string; external_id: string }[]) out[r.kind].add(r.external_id);
  return out;
}

function counts(sets: Record<string, Set<string>>): Record<string, number> {
  return Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.size]));
}

/** No duplicate row, and every stored record exists upstream. */
function expectNoDuplicatesNorStrangers(f: GitHubFixture, repos?: string[]): void {
  const dups = f.core.db.prepare('SELECT stream, external_id, count(*) AS n FROM records GROUP BY integration_id, stream, external_id HAVING n > 1').all();
  expect(dups).toEqual([]);
  const up = upstream(f.gh, repos);
  for (const [kind, ids] of Object.entries(stored(f))) for (const x of ids) expect(up[kind].has(x), `${kind} ${x} exists upstream`).toBe(true);
}

/** Everything upstream is stored, once. */
function expectComplete(f: GitHubFixture, repos?: string[]): void {
  expectNoDuplicatesNorStrangers(f, repos);
  expect(counts(stored(f))).toEqual(counts(upstream(f.gh, repos)));
}

const total = (d = DATA) => d.commits + d.issues + d.pulls + d.runs;

async function health(f: GitHubFixture) {
  const all = await f.core.invoke('health.list', {});
  return all.find((h) => h.integrationId === f.id)!;
}

async function logText(f: GitHubFixture, run: SyncRun): Promise<string> {
  const logs = await f.core.invoke('logs.list', { runId: run.id });
  return logs.lines.map((l) => `${l.level} ${l.message}`).join('\n');
}

describe('sync outcome under every emulator fault', () => {
  it('a 5xx once is retried and the run succeeds with every record', async () => {
    fx = await githubFixture(DATA);
    fx.gh.faults.failNext(1, { status: 502, match: '/repos/acme/api/issues' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.error).toBeNull();
    expect(run.counts).toMatchObject({ added: total(), updated: 0, failed: 0 });
    expectComplete(fx);
    expect(fx.waits).toHaveLength(1);
    expect(fx.gh.requests.count({ status: 502 })).toBe(1);
    expect(await logText(fx, run)).toMatch(/^warn GET .*\/issues.* → 502 .*retrying in/m);
    expect((await health(fx)).state).toBe('healthy');
  });

  it('a persistent 5xx fails the run with code server and a next step, keeps earlier pages, and the next sync completes without duplicates', async () => {
    fx = await githubFixture(DATA);
    // Page 1 of the issues listing answers; every later page (keyset: it carries `since`) fails.
    const fault = fx.gh.faults.failNext(Infinity, { status: 503, match: /\/repos\/acme\/api\/issues\?.*since=/ });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'server' });
    expect(run.error!.message).toMatch(/GitHub failed with a server error \(503/);
    expect(run.error!.message).toContain('/repos/acme/api/issues');
    expect(run.error!.action).toMatch(/GitHub is having trouble; the sync retries by itself/);
    // Five attempts on the failing page, with backoff between them.
    expect(fault.rule.hits).toBe(5);
    expect(fx.waits).toHaveLength(4);

    // The first issues page is kept, and the other streams (not fatal for the run) completed.
    const firstPage = [...fx.gh.state.repo('acme/api').issues].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.number - b.number).slice(0, 100);
    const s = stored(fx);
    expect(s.issue.size).toBe(firstPage.filter((i) => !i.pull).length);
    for (const i of firstPage.filter((i) => !i.pull)) expect(s.issue.has(`acme/api#${i.number}`)).toBe(true);
    expect({ commit: s.commit.size, pull_request: s.pull_request.size, workflow_run: s.workflow_run.size }).toEqual({ commit: DATA.commits, pull_request: DATA.pulls, workflow_run: DATA.runs });
    expect(run.counts.added).toBe(DATA.commits + s.issue.size + DATA.pulls + DATA.runs);
    const h = await health(fx);
    expect(h.state).toBe('failing');
    expect(h.lastError).toMatchObject({ code: 'server' });
    expect(h.summary).toMatch(/Acme GitHub failing: GitHub failed with a server error/);

    fault.cancel();
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts.added).toBe(DATA.issues - s.issue.size);
    expect(next.counts.updated).toBe(0);
    expectComplete(fx);
    expect((await health(fx)).state).toBe('healthy');
  });

  it('listings a failure cut short resume in the next sync, which also picks up what changed meanwhile', async () => {
    const data = { commits: 150, issues: 20, pulls: 150, runs: 150 };
    fx = await githubFixture(data);
    // Every newest-first listing (commits, pull requests, runs) fails on its second page.
    const fault = fx.gh.faults.failNext(Infinity, { status: 502, match: /[?&]page=2(&|$)/ });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'server' });
    expect(counts(stored(fx))).toEqual({ commit: 100, issue: 20, pull_request: 100, workflow_run: 100 });

    // While it was failing: new commits, pull requests and runs, and an edited pull request it had stored.
    fault.cancel();
    fx.gh.state.addCommit('acme/api', { message: 'Pushed during the outage' });
    fx.gh.state.addCommit('acme/api', { message: 'Pushed during the outage, too' });
    const top = [...fx.gh.state.repo('acme/api').issues].filter((i) => i.pull).sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at))[0];
    fx.gh.state.updatePull('acme/api', top.number, { title: 'Renamed during the outage' });
    fx.gh.state.addPull('acme/api', { title: 'Opened during the outage' });
    fx.gh.state.addRun('acme/api', { status: 'completed' });

    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    // A successful sync leaves nothing for the next one: the rest of each listing, and what is new.
    expectComplete(fx);
    expect(next.counts.added).toBe(50 + 2 + 50 + 1 + 50 + 1);
    // Every pull request in its latest version (the renamed one; the emulator's `base.sha` follows the
    // branch tip, so the few re-read in the overlap count as updated too).
    expect(next.counts.updated).toBeGreaterThanOrEqual(1);
    const rows = fx.core.db.prepare("SELECT external_id, title, updated_at FROM records WHERE kind = 'pull_request'").all() as { external_id: string; title: string; updated_at: string }[];
    const upstreamPulls = new Map(fx.gh.state.repo('acme/api').issues.filter((i) => i.pull).map((i) => [`acme/api#${i.number}`, i]));
    for (const r of rows) expect([r.title, r.updated_at]).toEqual([`#${upstreamPulls.get(r.external_id)!.number} ${upstreamPulls.get(r.external_id)!.title}`, upstreamPulls.get(r.external_id)!.updated_at]);
    expect(fx.core.db.prepare('SELECT title FROM records WHERE external_id = ?').get(`acme/api#${top.number}`)).toEqual({ title: `#${top.number} Renamed during the outage` });
    // And the sync after that finds nothing.
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts).toMatchObject({ added: 0, updated: 0 });
  });

  it('a failure inside a second shared by more than a page of issues loses none, even when one already read changes meanwhile', async () => {
    fx = await githubFixture({ streams: ['issues'] });
    // A bulk edit: 230 issues updated in the same second, then 20 more later.
    const t = new Date(Date.now() - 3600_000).toISOString();
    for (let k = 0; k < 230; k++) fx.gh.state.addIssue('acme/api', { title: `Bulk ${k}`, created_at: new Date(Date.parse(t) - (230 - k) * 60_000).toISOString(), updated_at: t });
    fx.gh.state.addIssues('acme/api', 20);
    // The second page of whatever walks through that second fails.
    const fault = fx.gh.faults.failNext(Infinity, { status: 502, match: /[?&]page=2(&|$)/ });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(counts(stored(fx)).issue).toBe(100);
    // One of the issues already stored is edited: it leaves that second, and the unread ones move up a place.
    fault.cancel();
    fx.gh.state.updateIssue('acme/api', 5, { title: 'Edited while the sync was failing' });
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expectComplete(fx);
    expect(fx.core.db.prepare("SELECT title FROM records WHERE external_id = 'acme/api#5'").get()).toEqual({ title: '#5 Edited while the sync was failing' });
    const idle = await syncNow(fx.core, fx.id);
    expect(idle.counts).toMatchObject({ added: 0, updated: 0 });
  });

  it('a 429 with Retry-After is waited out as asked, then the run succeeds', async () => {
    fx = await githubFixture(DATA);
    fx.gh.faults.rateLimitNext(1, { retryAfter: 7, match: '/repos/acme/api/pulls' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.waits).toHaveLength(1);
    // 7 s as asked, plus at most 250 ms of jitter.
    expect(fx.waits[0]).toBeGreaterThanOrEqual(7000);
    expect(fx.waits[0]).toBeLessThanOrEqual(7250);
    expectComplete(fx);
    expect(await logText(fx, run)).toMatch(/→ 429 .*retrying in 7\.\d s — GitHub asked to retry after 7 s/);
  });

  it('a 429 without Retry-After waits a minute, then the run succeeds', async () => {
    fx = await githubFixture(DATA);
    fx.gh.faults.rateLimitNext(1, { match: '/repos/acme/api/commits' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.waits).toHaveLength(1);
    expect(fx.waits[0]).toBeGreaterThanOrEqual(60_000);
    expect(fx.waits[0]).toBeLessThanOrEqual(60_250);
    expectComplete(fx);
  });

  it('a GitHub secondary rate limit (403 without retry-after) waits at least 60 s, then the run succeeds', async () => {
    fx = await githubFixture(DATA);
    const h = fx.gh.faults.secondaryRateLimit({ status: 403, match: '/repos/acme/api/issues' });
    const run = await syncNow(fx.core, fx.id);
    expect(h.remaining).toBe(0);
    expect(run.status).toBe('succeeded');
    expect(fx.waits).toHaveLength(1);
    expect(fx.waits[0]).toBeGreaterThanOrEqual(60_000);
    expectComplete(fx);
    expect(await logText(fx, run)).toMatch(/→ 403 .*retrying in 60\.\d s — GitHub secondary rate limit/);
  });

  it('a GitHub secondary rate limit with retry-after (429) waits as asked', async () => {
    fx = await githubFixture(DATA);
    fx.gh.faults.secondaryRateLimit({ status: 429, retryAfter: 30, times: 2 });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.waits).toHaveLength(2);
    for (const w of fx.waits) expect(w).toBeGreaterThanOrEqual(30_000), expect(w).toBeLessThanOrEqual(30_250);
    expectComplete(fx);
  });

  it('an exhausted primary rate limit with a reset far away ends the run rate_limited at the reset, keeps what came before, and the next sync completes', async () => {
    fx = await githubFixture(DATA);
    // Two requests left: the first two commit pages go through, then the limit is exhausted for an hour.
    fx.gh.state.setRateLimitRemaining(TOKEN, 2);
    const reset = fx.gh.state.rateLimitStatus(TOKEN).reset * 1000;
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'rate_limited', action: 'Wait: the sync retries by itself after the limit resets' });
    expect(run.error!.message).toMatch(/GitHub rate limit reached \(GitHub primary rate limit exhausted\); it resets at /);
    // retryAt is the reset (the client adds one second of slack and < 250 ms of jitter).
    const retryAt = Date.parse(run.error!.retryAt!);
    expect(retryAt - reset).toBeGreaterThanOrEqual(0);
    expect(retryAt - reset).toBeLessThanOrEqual(1300);
    expect(run.error!.message).toContain(run.error!.retryAt!);
    // It did not sleep for an hour, and stopped at the first refusal (rate limits end the whole run).
    expect(fx.waits).toEqual([]);
    expect(fx.gh.requests.total).toBe(3);
    expect(counts(stored(fx))).toEqual({ commit: 120, issue: 0, pull_request: 0, workflow_run: 0 });

    const h = await health(fx);
    expect(h.state).toBe('rate_limited');
    expect(h.rateLimitedUntil).toBe(run.error!.retryAt);
    expect(h.summary).toContain(run.error!.retryAt!);

    fx.gh.state.resetRateLimits();
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts.updated).toBe(0);
    expect(next.counts.added).toBe(total() - DATA.commits);
    expectComplete(fx);
    expect((await health(fx)).state).toBe('healthy');
  });

  for (const when of ['before-response', 'after-headers', 'mid-body'] as const) {
    it(`a connection dropped ${when} is retried and the run succeeds`, async () => {
      fx = await githubFixture(DATA);
      fx.gh.faults.dropNext(1, { when, match: '/repos/acme/api/issues' });
      const run = await syncNow(fx.core, fx.id);
      expect(run.status).toBe('succeeded');
      expect(fx.waits).toHaveLength(1);
      expect(fx.gh.requests.entries.filter((e) => e.dropped)).toHaveLength(1);
      expectComplete(fx);
      expect(await logText(fx, run)).toMatch(/→ no response .*retrying in .* — the connection was dropped/);
    });
  }

  it('a connection that keeps dropping fails the run with code network and a next step; the next sync completes', async () => {
    fx = await githubFixture(DATA);
    const fault = fx.gh.faults.dropNext(Infinity, { when: 'before-response', match: '/repos/acme/api/pulls' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'network', action: 'Check your network connection or proxy; the sync retries by itself' });
    expect(run.error!.message).toMatch(/Could not reach GitHub at 127\.0\.0\.1:\d+: the connection was dropped \(after 5 attempts\)/);
    // Streams before the failure are kept; a network failure ends the run (the next streams would fail alike).
    expect(counts(stored(fx))).toEqual({ commit: DATA.commits, issue: DATA.issues, pull_request: 0, workflow_run: 0 });
    expect((await health(fx)).state).toBe('failing');
    fault.cancel();
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts.added).toBe(DATA.pulls + DATA.runs);
    expectComplete(fx);
  });

  for (const mode of ['truncate', 'garbage', 'html'] as const) {
    it(`a malformed JSON body (${mode}) is retried and the run succeeds`, async () => {
      fx = await githubFixture(DATA);
      fx.gh.faults.malformedNext(1, { mode, match: '/repos/acme/api/commits' });
      const run = await syncNow(fx.core, fx.id);
      expect(run.status).toBe('succeeded');
      expect(fx.waits).toHaveLength(1);
      expectComplete(fx);
      expect(await logText(fx, run)).toMatch(/→ 200 .*retrying in .* — malformed JSON body/);
    });
  }

  it('a persistently malformed listing fails that stream with code server; the others complete, and the next sync fills the gap', async () => {
    fx = await githubFixture(DATA);
    const fault = fx.gh.faults.malformedNext(Infinity, { match: '/repos/acme/api/actions/runs' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'server', action: 'GitHub is having trouble; the sync retries by itself' });
    expect(run.error!.message).toMatch(/GitHub sent a response that is not valid JSON \(GET \/repos\/acme\/api\/actions\/runs/);
    expect(fault.rule.hits).toBe(5);
    expect(counts(stored(fx))).toEqual({ commit: DATA.commits, issue: DATA.issues, pull_request: DATA.pulls, workflow_run: 0 });
    fault.cancel();
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts).toMatchObject({ added: DATA.runs, updated: 0 });
    expectComplete(fx);
  });

  it('a rejected token (401) fails the run with code auth, health needs_credentials, and says reconnect', async () => {
    fx = await githubFixture(DATA);
    fx.gh.state.revokeToken(TOKEN);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'auth', message: 'GitHub rejected the credentials (401 Bad credentials)' });
    expect(run.error!.action).toMatch(/^Reconnect GitHub/);
    // Auth ends the run at the first request: the other streams would be refused alike.
    expect(fx.gh.requests.total).toBe(1);
    expect(fx.waits).toEqual([]);
    expect(counts(stored(fx))).toEqual({ commit: 0, issue: 0, pull_request: 0, workflow_run: 0 });
    const h = await health(fx);
    expect(h.state).toBe('needs_credentials');
    expect(h.summary).toBe('Reconnect GitHub: GitHub rejected the credentials (401 Bad credentials)');
    expect(h.lastError).toMatchObject({ code: 'auth' });
    // The token is never shown.
    expect(JSON.stringify([run, h, await fx.core.invoke('logs.list', { runId: run.id })])).not.toContain(TOKEN);

    // Reconnecting with a valid token fixes it.
    fx.gh.state.addToken('ghp_fresh_token_0123456789', 'octo', { scopes: ['repo'] });
    await fx.core.invoke('integrations.update', { id: fx.id, secrets: { token: 'ghp_fresh_token_0123456789' } });
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expectComplete(fx);
    expect((await health(fx)).state).toBe('healthy');
  });

  it('a configured repository that does not exist is a config error naming it; the other repositories are still synced', async () => {
    fx = await githubFixture(DATA);
    fx.gh.state.addRepo({ owner: 'acme', name: 'web', private: true, visibleTo: ['octo'] });
    fx.gh.state.addCommits('acme/web', 15);
    fx.gh.state.addIssues('acme/web', 12);
    fx.gh.state.addPulls('acme/web', 4);
    fx.gh.state.addRuns('acme/web', 3);
    const repos = ['acme/api', 'acme/ghost', 'acme/web'];
    await fx.core.invoke('integrations.update', { id: fx.id, settings: { baseUrl: fx.gh.url, repositories: repos } });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'config', message: 'GitHub repository acme/ghost was not found, or the token cannot see it.' });
    expect(run.error!.action).toContain('acme/ghost');
    // Both real repositories are complete, in every stream.
    expectComplete(fx, ['acme/api', 'acme/web']);
    expect(run.counts.added).toBe(total() + 15 + 12 + 4 + 3);
    const h = await health(fx);
    expect(h.state).toBe('failing');
    expect(h.summary).toContain('acme/ghost');
    // Every stream reported it in the log, each once.
    const log = await logText(fx, run);
    expect(log.match(/^error .*acme\/ghost was not found/gm)!.length).toBeGreaterThanOrEqual(4);

    // Removing it from the settings makes the next sync succeed, with nothing new.
    await fx.core.invoke('integrations.update', { id: fx.id, settings: { baseUrl: fx.gh.url, repositories: ['acme/api', 'acme/web'] } });
    const next = await syncNow(fx.core, fx.id);
    expect(next.status).toBe('succeeded');
    expect(next.counts).toMatchObject({ added: 0, updated: 0 });
    expectComplete(fx, ['acme/api', 'acme/web']);
  });

  it('latency on every request still completes', async () => {
    fx = await githubFixture(DATA);
    fx.gh.faults.setLatency(150);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.waits).toEqual([]);
    expectComplete(fx);
    expect(run.durationMs).toBeGreaterThanOrEqual(150 * fx.gh.requests.total);
  });

  it('a response slower than the request timeout is retried', async () => {
    fx = await githubFixture({ ...DATA, core: { httpTimeoutMs: 300 } });
    fx.gh.faults.delayNext(1, 1500, '/repos/acme/api/issues');
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(fx.waits).toHaveLength(1);
    expectComplete(fx);
    expect(await logText(fx, run)).toMatch(/→ no response .*retrying in .* — the request timed out/);
  });
});
