import { afterEach, describe, expect, it } from 'vitest';
import { githubFixture, syncNow, TOKEN, type GitHubFixture } from '../../helpers/github-fixture.ts';

let fx: GitHubFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function countBy(fx: GitHubFixture) {
  return Object.fromEntries((fx.core.db.prepare('SELECT kind, count(*) AS n FROM records GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));
}

describe('GitHub sync end to end against the emulator', () => {
  it('mirrors commits, issues, pull requests and Actions runs completely', async () => {
    fx = await githubFixture({ commits: 230, issues: 250, pulls: 120, runs: 105 });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countBy(fx)).toEqual({ commit: 230, issue: 250, pull_request: 120, workflow_run: 105 });
    expect(run.counts.added).toBe(230 + 250 + 120 + 105);
    expect(run.counts.updated).toBe(0);
    expect(run.requests).toBe(fx.gh.requests.total);
    // Every request asked for full pages.
    for (const e of fx.gh.requests.entries) expect(e.query.per_page ?? '100').toBe('100');
  });

  it('an incremental sync with no changes adds and updates nothing and costs one request per stream', async () => {
    fx = await githubFixture({ commits: 120, issues: 150, pulls: 30, runs: 10 });
    await syncNow(fx.core, fx.id);
    await syncNow(fx.core, fx.id); // settles the ETags on the incremental URLs
    fx.gh.requests.clear();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(0);
    expect(run.counts.updated).toBe(0);
    expect(fx.gh.requests.total).toBe(4);
    expect(fx.gh.requests.count({ status: 304 })).toBe(4);
  });

  it('picks up an edited issue, a new pull request and a finished run, and nothing else', async () => {
    fx = await githubFixture({ issues: 40, pulls: 5 });
    const r = fx.gh.state.addRun('acme/api', { status: 'in_progress', name: 'CI' });
    await syncNow(fx.core, fx.id);
    fx.gh.state.advance(5000);
    fx.gh.state.updateIssue('acme/api', 3, { title: 'Renamed issue', state: 'closed' });
    fx.gh.state.addPull('acme/api', { title: 'Brand new PR' });
    fx.gh.state.updateRun('acme/api', r.id, { status: 'completed', conclusion: 'failure' });
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(1);
    expect(run.counts.updated).toBe(2);
    const issue = fx.core.db.prepare("SELECT title, status FROM records WHERE external_id = 'acme/api#3'").get();
    expect(issue).toEqual({ title: '#3 Renamed issue', status: 'closed (completed)' });
    const wf = fx.core.db.prepare("SELECT status FROM records WHERE kind = 'workflow_run'").get() as { status: string };
    expect(wf.status).toBe('failure');
  });

  it('loses no issue when more than a page share one updated time', async () => {
    fx = await githubFixture({ streams: ['issues'] });
    const t = new Date(Date.now() - 3600_000).toISOString();
    for (let k = 0; k < 230; k++) fx.gh.state.addIssue('acme/api', { title: `same second ${k}`, created_at: t, updated_at: t });
    fx.gh.state.addIssues('acme/api', 20);
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(countBy(fx).issue).toBe(250);
  });

  it('makes search find synced records, with snippets', async () => {
    fx = await githubFixture({ streams: ['issues'] });
    fx.gh.state.addIssue('acme/api', { title: 'Flaky login on Safari', body: 'The OAuth callback times out on Safari 17' });
    fx.gh.state.addIssues('acme/api', 10);
    await syncNow(fx.core, fx.id);
    const res = await fx.core.invoke('records.search', { q: 'oauth safar' });
    expect(res.total).toBe(1);
    expect(res.hits[0]).toMatchObject({ source: 'github', kind: 'issue', title: '#1 Flaky login on Safari' });
    expect(res.hits[0].snippet).toMatch(/\[OAuth\]/);
    expect(res.hits[0].url).toMatch(/^https:\/\/github.com\/acme\/api\/issues\/1$/);
  });

  it('keeps the token out of the database, run logs and replies', async () => {
    fx = await githubFixture({ issues: 5, pulls: 2 });
    const run = await syncNow(fx.core, fx.id);
    const logs = await fx.core.invoke('logs.list', { runId: run.id });
    expect(logs.lines.length).toBeGreaterThan(4);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
    const rows = fx.core.db.prepare("SELECT * FROM run_logs").all();
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
    // Every request of the run is in its log with method, URL and status.
    const requestLines = logs.lines.filter((l) => l.fields && 'status' in l.fields);
    expect(requestLines.length).toBe(run.requests);
  });
});
