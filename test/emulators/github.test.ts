import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator, type GitHubRepo } from './github/server.ts';

const NOW = '2025-03-01T12:00:00Z';
const TOKEN = 'ghp_octo_classic';
const OTHER = 'ghp_mallory';
const FINE = 'github_pat_fine_grained';

let gh: GitHubEmulator;
let repo: GitHubRepo;

beforeEach(async () => {
  gh = await startGitHubEmulator({ now: NOW });
  gh.state.addUser({ login: 'octo', name: 'Octo Cat', email: 'octo@example.com', token: TOKEN, scopes: ['repo', 'read:org'] });
  gh.state.addUser({ login: 'mallory', token: OTHER, scopes: ['repo'] });
  gh.state.addToken(FINE, 'octo', { scopes: null });
  repo = gh.state.addRepo({ owner: 'octo', name: 'hello', private: true });
});

afterEach(async () => {
  await gh.close();
});

/** Plain fetch with what a well-behaved client sends. */
function api(path: string, init: { token?: string | null; headers?: Record<string, string>; method?: string } = {}) {
  const headers: Record<string, string> = {
    'user-agent': 'kinexus-emulator-test',
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    ...init.headers,
  };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(path.startsWith('http') ? path : `${gh.url}${path}`, { method: init.method ?? 'GET', headers });
}

function links(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get('link') ?? '').split(',').filter(Boolean)) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

describe('pagination', () => {
  it('250 issues with per_page=100 → 3 pages with correct Link rels, following next gets all of them once', async () => {
    gh.state.addIssues(repo, 250);
    const first = await api('/repos/octo/hello/issues?per_page=100');
    expect(first.status).toBe(200);
    const l1 = links(first);
    expect(Object.keys(l1).sort()).toEqual(['last', 'next']);
    expect(l1.next).toBe(`${gh.url}/repos/octo/hello/issues?per_page=100&page=2`);
    expect(l1.last).toBe(`${gh.url}/repos/octo/hello/issues?per_page=100&page=3`);
    const p1 = (await first.json()) as Array<{ number: number }>;
    expect(p1).toHaveLength(100);
    expect(p1[0]!.number).toBe(250); // created desc by default

    const second = await api(l1.next!);
    const l2 = links(second);
    expect(Object.keys(l2).sort()).toEqual(['first', 'last', 'next', 'prev']);
    expect(l2.prev).toBe(`${gh.url}/repos/octo/hello/issues?per_page=100&page=1`);
    expect(l2.first).toBe(`${gh.url}/repos/octo/hello/issues?per_page=100&page=1`);
    const p2 = (await second.json()) as Array<{ number: number }>;

    const third = await api(l2.next!);
    const l3 = links(third);
    expect(Object.keys(l3).sort()).toEqual(['first', 'prev']);
    const p3 = (await third.json()) as Array<{ number: number }>;
    expect([p1.length, p2.length, p3.length]).toEqual([100, 100, 50]);
    const all = new Set([...p1, ...p2, ...p3].map((i) => i.number));
    expect(all.size).toBe(250);

    expect(gh.requests.find({ path: '/repos/octo/hello/issues' }).map((e) => e.url)).toEqual([
      '/repos/octo/hello/issues?per_page=100',
      '/repos/octo/hello/issues?per_page=100&page=2',
      '/repos/octo/hello/issues?per_page=100&page=3',
    ]);
  });

  it('keeps the other query parameters in Link URLs, clamps per_page to 100, defaults to 30', async () => {
    gh.state.addIssues(repo, 250, { state: 'closed' });
    const res = await api('/repos/octo/hello/issues?state=closed&per_page=500&sort=updated');
    expect(((await res.json()) as unknown[]).length).toBe(100);
    expect(links(res).last).toBe(`${gh.url}/repos/octo/hello/issues?state=closed&per_page=500&sort=updated&page=3`);
    const dflt = await api('/repos/octo/hello/issues?state=closed');
    expect(((await dflt.json()) as unknown[]).length).toBe(30);
    expect(links(dflt).last).toContain('page=9');
  });

  it('has no Link header when one page holds everything, and answers [] past the last page', async () => {
    gh.state.addIssues(repo, 5);
    const res = await api('/repos/octo/hello/issues');
    expect(res.headers.get('link')).toBeNull();
    const past = await api('/repos/octo/hello/issues?page=4');
    expect(await past.json()).toEqual([]);
    expect(Object.keys(links(past)).sort()).toEqual(['first', 'last', 'prev']);
  });

  it('can point Link at /repositories/{id} like github.com, and those URLs work', async () => {
    gh.state.settings.linkStyle = 'repository-id';
    gh.state.addIssues(repo, 120);
    const res = await api('/repos/octo/hello/issues?per_page=100');
    const next = links(res).next!;
    expect(next).toBe(`${gh.url}/repositories/${repo.id}/issues?per_page=100&page=2`);
    const page2 = await api(next);
    expect(page2.status).toBe(200);
    expect(((await page2.json()) as unknown[]).length).toBe(20);
  });
});

describe('issues and pull requests', () => {
  it('the issues list includes pull requests with a pull_request key; /pulls only pull requests', async () => {
    gh.state.addIssues(repo, 3);
    gh.state.addPulls(repo, 2);
    const issues = (await (await api('/repos/octo/hello/issues')).json()) as Array<Record<string, any>>;
    expect(issues).toHaveLength(5);
    const prs = issues.filter((i) => 'pull_request' in i);
    expect(prs.map((p) => p.number)).toEqual([5, 4]);
    expect(prs[0]!.pull_request).toMatchObject({ url: `${gh.url}/repos/octo/hello/pulls/5`, html_url: 'https://github.com/octo/hello/pull/5', merged_at: null });
    expect(issues.find((i) => i.number === 1)).not.toHaveProperty('pull_request');

    const pulls = (await (await api('/repos/octo/hello/pulls')).json()) as Array<Record<string, any>>;
    expect(pulls.map((p) => p.number)).toEqual([5, 4]);
    expect(pulls[0]).toMatchObject({ state: 'open', draft: false, head: { ref: 'feature/5' }, base: { ref: 'main' } });
  });

  it('filters by state (default open) and rejects unknown values with 422 Validation Failed', async () => {
    gh.state.addIssues(repo, 2);
    gh.state.addIssues(repo, 3, { state: 'closed' });
    expect(((await (await api('/repos/octo/hello/issues')).json()) as unknown[]).length).toBe(2);
    expect(((await (await api('/repos/octo/hello/issues?state=closed')).json()) as unknown[]).length).toBe(3);
    expect(((await (await api('/repos/octo/hello/issues?state=all')).json()) as unknown[]).length).toBe(5);
    for (const q of ['state=bogus', 'sort=name', 'direction=up', 'since=yesterday']) {
      const bad = await api(`/repos/octo/hello/issues?${q}`);
      expect(bad.status).toBe(422);
      const body = (await bad.json()) as Record<string, any>;
      expect(body).toMatchObject({ message: 'Validation Failed', status: '422', errors: [{ resource: 'Issue', code: 'invalid', field: q.split('=')[0] }] });
      expect(body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
    }
    expect((await api('/repos/octo/hello/pulls?state=bogus')).status).toBe(422);
    expect((await api('/repos/octo/hello/pulls?sort=comments')).status).toBe(422);
  });

  it('since returns only issues updated at or after it; update bumps updated_at to the emulator clock', async () => {
    gh.state.addIssues(repo, 10, { start: '2025-02-01T00:00:00Z', stepSeconds: 3600 });
    gh.state.now = '2025-03-02T00:00:00Z';
    gh.state.updateIssue(repo, 3, { title: 'renamed' });
    gh.state.advance(60_000);
    gh.state.updateIssue(repo, 7, { state: 'closed' });

    const res = await api('/repos/octo/hello/issues?state=all&sort=updated&direction=asc&since=2025-03-02T00:00:00Z');
    const body = (await res.json()) as Array<Record<string, any>>;
    expect(body.map((i) => [i.number, i.updated_at])).toEqual([
      [3, '2025-03-02T00:00:00Z'],
      [7, '2025-03-02T00:01:00Z'],
    ]);
    expect(body[1]).toMatchObject({ state: 'closed', closed_at: '2025-03-02T00:01:00Z', state_reason: 'completed' });
    // `since` is inclusive at the second.
    const exact = (await (await api('/repos/octo/hello/issues?state=all&since=2025-03-02T00:01:00Z')).json()) as unknown[];
    expect(exact).toHaveLength(1);
    // Deleted issues disappear.
    gh.state.deleteIssue(repo, 3);
    expect(((await (await api('/repos/octo/hello/issues?state=all')).json()) as unknown[]).length).toBe(9);
  });

  it('/pulls ignores since and sorts by popularity ascending by default', async () => {
    gh.state.addPulls(repo, 3, { start: '2025-01-01T00:00:00Z' });
    gh.state.updatePull(repo, 1, { comments: 9 });
    gh.state.updatePull(repo, 2, { comments: 0 });
    gh.state.updatePull(repo, 3, { comments: 4, merged: true });
    const since = (await (await api('/repos/octo/hello/pulls?state=all&since=2030-01-01T00:00:00Z')).json()) as unknown[];
    expect(since).toHaveLength(3);
    const pop = (await (await api('/repos/octo/hello/pulls?state=all&sort=popularity')).json()) as Array<Record<string, any>>;
    expect(pop.map((p) => p.number)).toEqual([2, 3, 1]);
    expect(pop[1]).toMatchObject({ state: 'closed', merged_at: NOW });
    expect(((await (await api('/repos/octo/hello/pulls')).json()) as unknown[]).length).toBe(2);
  });
});

describe('commits', () => {
  it('lists newest first by committer date, filters since/until inclusively, and follows sha=branch', async () => {
    const commits = gh.state.addCommits(repo, 5, { start: '2025-02-01T00:00:00Z', stepSeconds: 86400 });
    gh.state.createBranch(repo, 'dev');
    gh.state.addCommit(repo, { branch: 'dev', message: 'dev only', date: '2025-02-10T00:00:00Z' });

    const all = (await (await api('/repos/octo/hello/commits')).json()) as Array<Record<string, any>>;
    expect(all.map((c) => c.sha)).toEqual([...commits].reverse().map((c) => c.sha));
    expect(all[0]).toMatchObject({
      sha: commits[4]!.sha,
      html_url: `https://github.com/octo/hello/commit/${commits[4]!.sha}`,
      commit: { message: commits[4]!.message, committer: { date: '2025-02-05T00:00:00Z' } },
      parents: [{ sha: commits[3]!.sha }],
    });

    const window = (await (await api('/repos/octo/hello/commits?since=2025-02-02T00:00:00Z&until=2025-02-04T00:00:00Z')).json()) as Array<Record<string, any>>;
    expect(window.map((c) => c.commit.committer.date)).toEqual(['2025-02-04T00:00:00Z', '2025-02-03T00:00:00Z', '2025-02-02T00:00:00Z']);

    const dev = (await (await api('/repos/octo/hello/commits?sha=dev&per_page=2')).json()) as Array<Record<string, any>>;
    expect(dev.map((c) => c.commit.message)).toEqual(['dev only', commits[4]!.message]);

    const missing = await api('/repos/octo/hello/commits?sha=nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'No commit found for SHA: nope', status: '404' });
  });

  it('answers 409 "Git Repository is empty." for a repository without commits', async () => {
    const res = await api('/repos/octo/hello/commits');
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      message: 'Git Repository is empty.',
      documentation_url: 'https://docs.github.com/rest/commits/commits#list-commits',
      status: '409',
    });
  });

  it('clamps per_page above 100', async () => {
    gh.state.addCommits(repo, 130);
    const res = await api('/repos/octo/hello/commits?per_page=1000');
    expect(((await res.json()) as unknown[]).length).toBe(100);
    expect(links(res).last).toContain('page=2');
  });
});

describe('workflow runs', () => {
  it('lists runs as {total_count, workflow_runs}, filters status/branch/created, and gets one by id', async () => {
    const runs = gh.state.addRuns(repo, 5, { start: '2025-02-01T00:00:00Z', stepSeconds: 86400 });
    const live = gh.state.addRun(repo, { status: 'in_progress', head_branch: 'dev' });
    gh.state.updateRun(repo, runs[0]!.id, { conclusion: 'failure' });

    const res = await api('/repos/octo/hello/actions/runs?per_page=2');
    const body = (await res.json()) as { total_count: number; workflow_runs: Array<Record<string, any>> };
    expect(body.total_count).toBe(6);
    expect(body.workflow_runs.map((r) => r.id)).toEqual([live.id, runs[4]!.id]);
    expect(links(res).last).toContain('page=3');
    expect(body.workflow_runs[0]).toMatchObject({ status: 'in_progress', conclusion: null, head_branch: 'dev', run_number: 6 });

    const done = (await (await api('/repos/octo/hello/actions/runs?status=completed')).json()) as { total_count: number };
    expect(done.total_count).toBe(5);
    const failed = (await (await api('/repos/octo/hello/actions/runs?status=failure')).json()) as { workflow_runs: Array<{ id: number }> };
    expect(failed.workflow_runs.map((r) => r.id)).toEqual([runs[0]!.id]);
    const dev = (await (await api('/repos/octo/hello/actions/runs?branch=dev')).json()) as { total_count: number };
    expect(dev.total_count).toBe(1);
    const created = (await (await api('/repos/octo/hello/actions/runs?created=2025-02-02..2025-02-03')).json()) as { total_count: number };
    expect(created.total_count).toBe(2);
    expect((await api('/repos/octo/hello/actions/runs?status=exploded')).status).toBe(422);

    const one = await api(`/repos/octo/hello/actions/runs/${runs[0]!.id}`);
    expect(await one.json()).toMatchObject({
      id: runs[0]!.id,
      status: 'completed',
      conclusion: 'failure',
      updated_at: NOW,
      html_url: `https://github.com/octo/hello/actions/runs/${runs[0]!.id}`,
    });
    const gone = await api('/repos/octo/hello/actions/runs/1');
    expect(gone.status).toBe(404);
    gh.state.deleteRun(repo, runs[0]!.id);
    expect((await api(`/repos/octo/hello/actions/runs/${runs[0]!.id}`)).status).toBe(404);
  });
});

describe('conditional requests', () => {
  it('answers 304 with no body to a matching If-None-Match, without using primary quota', async () => {
    gh.state.addIssues(repo, 3);
    const first = await api('/repos/octo/hello/issues');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');
    await first.arrayBuffer();

    const again = await api('/repos/octo/hello/issues', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(gh.state.rateLimitStatus(TOKEN).used).toBe(1);

    gh.state.updateIssue(repo, 2, { title: 'changed' });
    const changed = await api('/repos/octo/hello/issues', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.headers.get('x-ratelimit-remaining')).toBe('4998');
  });

  it('puts an ETag on single-resource responses too', async () => {
    const res = await api('/repos/octo/hello');
    const etag = res.headers.get('etag')!;
    expect((await api('/repos/octo/hello', { headers: { 'if-none-match': `"${etag.slice(3, -1)}"` } })).status).toBe(304);
  });
});

describe('authentication and visibility', () => {
  it('/user needs a token: 401 Requires authentication / Bad credentials bodies', async () => {
    const none = await api('/user', { token: null });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
      status: '401',
    });
    const bad = await api('/user', { token: 'ghp_wrong' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    // A bad token is rejected even on public data.
    gh.state.addRepo({ owner: 'octo', name: 'public' });
    expect((await api('/repos/octo/public', { token: 'ghp_wrong' })).status).toBe(401);
    gh.state.revokeToken(TOKEN);
    expect((await api('/user')).status).toBe(401);
  });

  it('/user returns the login, X-OAuth-Scopes for classic tokens and none for fine-grained ones; both auth schemes work', async () => {
    const res = await api('/user', { headers: { authorization: `token ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ login: 'octo', name: 'Octo Cat', email: 'octo@example.com', type: 'User' });
    expect(res.headers.get('x-oauth-scopes')).toBe('repo, read:org');
    expect(res.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/);
    expect(res.headers.get('x-github-api-version-selected')).toBe('2022-11-28');
    const fine = await api('/user', { token: FINE });
    expect(fine.status).toBe(200);
    expect(fine.headers.has('x-oauth-scopes')).toBe(false);
  });

  it('hides private repos as 404 with GitHub body; the owner sees them; missing repos look the same', async () => {
    const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository', status: '404' };
    const other = await api('/repos/octo/hello', { token: OTHER });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual(notFound);
    expect(await (await api('/repos/octo/nothing')).json()).toEqual(notFound);
    expect((await api('/repos/octo/hello', { token: null })).status).toBe(404);
    expect((await api('/repos/octo/hello/issues', { token: OTHER })).status).toBe(404);

    const mine = await api('/repos/OCTO/Hello');
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ full_name: 'octo/hello', private: true, visibility: 'private', default_branch: 'main', owner: { login: 'octo' } });

    gh.state.updateRepo(repo, { visibleTo: [OTHER] });
    expect((await api('/repos/octo/hello', { token: OTHER })).status).toBe(200);

    // A classic token without the repo scope cannot see private repos.
    gh.state.addToken('ghp_public_only', 'octo', { scopes: ['read:user'] });
    expect((await api('/repos/octo/hello', { token: 'ghp_public_only' })).status).toBe(404);
  });

  it('lets anonymous clients read public repos on the 60/h IP limit', async () => {
    gh.state.addRepo({ owner: 'octo', name: 'public' });
    const res = await api('/repos/octo/public', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    expect(res.headers.has('x-oauth-scopes')).toBe(false);
  });
});

describe('request validation', () => {
  it('unknown routes and wrong methods are 404 Not Found', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/repos/octo/hello/wat'],
      ['POST', '/repos/octo/hello/issues'],
      ['DELETE', '/user'],
      ['POST', '/rate_limit'],
      ['GET', '/user/'],
    ] as const) {
      const res = await api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ message: 'Not Found', status: '404' });
    }
  });

  it('rejects a request without User-Agent with 403 (fetch always sends one, so use node:http)', async () => {
    const { status, body, headers } = await new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.request(`${gh.url}/user`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: data, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(body).toContain('Request forbidden by administrative rules. Please make sure your request has a User-Agent header');
    expect(headers['content-type']).toContain('text/plain');
    expect(gh.requests.last()!.headers['user-agent']).toBeUndefined();
  });

  it('rejects an unsupported X-GitHub-Api-Version with 400 and an Accept that excludes JSON with 415', async () => {
    const v = await api('/user', { headers: { 'x-github-api-version': '2020-01-01' } });
    expect(v.status).toBe(400);
    expect(((await v.json()) as { message: string }).message).toMatch(/^Unsupported 'X-GitHub-Api-Version' header: 2020-01-01/);
    expect((await api('/user', { headers: { accept: 'text/html' } })).status).toBe(415);
    expect((await api('/user', { headers: { accept: 'application/json' } })).status).toBe(200);
  });
});

describe('primary rate limit', () => {
  it('sends the headers on every response and answers 403 with remaining 0 when exhausted, until the window resets', async () => {
    gh.state.settings.rateLimit = 3;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api('/user');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-resource')).toBe('core');
      expect(r.headers.get('x-ratelimit-limit')).toBe('3');
      seen.push(`${r.headers.get('x-ratelimit-remaining')}/${r.headers.get('x-ratelimit-used')}`);
    }
    expect(seen).toEqual(['2/1', '1/2', '0/3']);
    const limited = await api('/user');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset).toBe(Date.parse(NOW) / 1000 + 3600);
    const body = (await limited.json()) as { message: string; documentation_url: string };
    const userId = gh.state.getUser('octo').id;
    expect(body.message).toMatch(new RegExp(`^API rate limit exceeded for user ID ${userId}\\.`));
    expect(body.documentation_url).toContain('rate-limits');
    // Another token has its own bucket.
    expect((await api('/user', { token: OTHER })).status).toBe(200);
    // The window resets on the emulator clock.
    gh.state.now = reset * 1000;
    const after = await api('/user');
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('can answer 429 instead, and can be exhausted directly', async () => {
    gh.state.settings.rateLimitStatus = 429;
    gh.state.setRateLimitRemaining(TOKEN, 0);
    const res = await api('/repos/octo/hello');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.has('retry-after')).toBe(false);
    // GET /rate_limit is free and still answers.
    const rl = await api('/rate_limit');
    expect(rl.status).toBe(200);
    expect(await rl.json()).toMatchObject({ resources: { core: { remaining: 0, limit: 5000 } } });
  });
});

describe('faults', () => {
  beforeEach(() => {
    gh.state.addIssues(repo, 3);
  });

  it('secondary rate limit: 403 with retry-after, then 429 without', async () => {
    gh.faults.secondaryRateLimit({ status: 403, retryAfter: 30 });
    gh.faults.secondaryRateLimit({ status: 429 });
    const a = await api('/repos/octo/hello/issues');
    expect(a.status).toBe(403);
    expect(a.headers.get('retry-after')).toBe('30');
    expect(Number(a.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(((await a.json()) as { message: string }).message).toMatch(/^You have exceeded a secondary rate limit/);
    const b = await api('/repos/octo/hello/issues');
    expect(b.status).toBe(429);
    expect(b.headers.has('retry-after')).toBe(false);
    expect(((await b.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect((await api('/repos/octo/hello/issues')).status).toBe(200);
  });

  it('next N requests answer 5xx with a GitHub-shaped body', async () => {
    gh.faults.failNext(2, { status: 502 });
    const a = await api('/repos/octo/hello/issues');
    expect(a.status).toBe(502);
    expect(await a.json()).toMatchObject({ message: 'Bad Gateway', status: '502' });
    expect((await api('/repos/octo/hello/issues')).status).toBe(502);
    expect((await api('/repos/octo/hello/issues')).status).toBe(200);
    // Injected failures never reached the API, so they used no quota.
    expect(gh.state.rateLimitStatus(TOKEN).used).toBe(1);
  });

  it('429 with and without Retry-After', async () => {
    gh.faults.rateLimitNext(1, { retryAfter: 2 });
    gh.faults.rateLimitNext(1);
    const a = await api('/user');
    expect([a.status, a.headers.get('retry-after')]).toEqual([429, '2']);
    const b = await api('/user');
    expect([b.status, b.headers.get('retry-after')]).toEqual([429, null]);
  });

  it('dropped connection mid-response', async () => {
    gh.faults.dropNext(1);
    const res = await api('/repos/octo/hello/issues');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    expect(gh.requests.last()!.dropped).toBe(true);
  });

  it('malformed JSON body', async () => {
    gh.faults.malformedNext(1, { match: '/repos/octo/hello/issues' });
    expect((await api('/user')).status).toBe(200);
    const res = await api('/repos/octo/hello/issues');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('one-shot fault on a path pattern, plus latency', async () => {
    gh.faults.once('/repos/*/*/issues', { kind: 'status', status: 500 });
    gh.faults.setLatency(80);
    expect((await api('/repos/octo/hello')).status).toBe(200);
    const t0 = Date.now();
    expect((await api('/repos/octo/hello/issues?page=1')).status).toBe(500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    expect((await api('/repos/octo/hello/issues?page=1')).status).toBe(200);
    expect(gh.requests.find({ path: '/repos/octo/hello/issues' }).map((e) => e.status)).toEqual([500, 200]);
  });
});

describe('clock', () => {
  it('is frozen by default and can follow the wall clock', async () => {
    const before = gh.state.now.getTime();
    await new Promise((r) => setTimeout(r, 20));
    expect(gh.state.now.getTime()).toBe(before);
    expect(gh.state.advance(1500).toISOString()).toBe('2025-03-01T12:00:01.500Z');

    const real = await startGitHubEmulator({ now: '2020-01-01T00:00:00Z', clock: 'real' });
    try {
      const t0 = real.state.now.getTime();
      await new Promise((r) => setTimeout(r, 30));
      expect(real.state.now.getTime() - t0).toBeGreaterThanOrEqual(25);
      expect(real.state.now.getTime()).toBeLessThan(Date.parse('2020-01-01T00:01:00Z'));
      real.state.addUser({ login: 'x', token: 't' });
      const res = await fetch(`${real.url}/user`, { headers: { authorization: 'Bearer t', 'user-agent': 'test' } });
      expect(Date.parse(res.headers.get('date')!)).toBeLessThan(Date.parse('2020-01-01T00:01:00Z'));
    } finally {
      await real.close();
    }
  });
});

describe('request log', () => {
  it('records exactly what the client sent, with counts and bytes', async () => {
    gh.state.addIssues(repo, 2);
    await (await api('/repos/octo/hello/issues?state=all&since=2025-01-01T00:00:00Z')).text();
    await (await api('/user')).text();
    const e = gh.requests.find({ path: '/repos/octo/hello/issues' })[0]!;
    expect(e.method).toBe('GET');
    expect(e.query).toEqual({ state: 'all', since: '2025-01-01T00:00:00Z' });
    expect(e.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(e.headers['x-github-api-version']).toBe('2022-11-28');
    expect(e.status).toBe(200);
    expect(e.bytesOut).toBeGreaterThan(0);
    expect(gh.requests.countsByRoute()).toEqual({ 'GET /repos/octo/hello/issues': 1, 'GET /user': 1 });
    expect(gh.requests.bytesOut).toBe(gh.requests.entries.reduce((n, x) => n + x.bytesOut, 0));
  });

  it('HEAD answers headers only', async () => {
    const res = await api('/repos/octo/hello', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^W\//);
    expect(await res.text()).toBe('');
  });
});
