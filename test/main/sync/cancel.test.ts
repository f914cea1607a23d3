/**
 * Cancelling a running sync: it stops within a second even while the HTTP
 * client waits on a slow response or sleeps through a Retry-After or a
 * backoff, keeps what was committed, ends `cancelled`, and the next sync
 * resumes where it stopped and completes without duplicates.
 *
 * These use the real sleep (no fake one from the fixture): a cancel must
 * interrupt a real wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../../shared/sync.ts';
import { githubFixture, syncNow, type GitHubFixture } from '../../helpers/github-fixture.ts';
import type { LoggedRequest } from '../../emulators/common/log.ts';

let fx: GitHubFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const DATA = { commits: 250, issues: 120, pulls: 20, runs: 5 };
const TOTAL = DATA.commits + DATA.issues + DATA.pulls + DATA.runs;

/** A fixture whose HTTP client really sleeps (the fixture's default sleep only records waits). */
async function realSleepFixture(overrides: { baseDelayMs?: number; maxDelayMs?: number } = {}): Promise<GitHubFixture> {
  return githubFixture({ ...DATA, core: { httpOverrides: { ...overrides } } });
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Starts a sync without waiting and returns its run id and a promise of the finished run. */
async function startSync(f: GitHubFixture): Promise<{ runId: string; done: Promise<SyncRun> }> {
  const r = await f.core.invoke('sync.run', { id: f.id, trigger: 'ui', wait: false });
  expect(r.state).toBe('started');
  const runId = r.run!.id;
  // Joining a running sync returns the same run once it ends.
  const done = f.core.invoke('sync.run', { id: f.id, trigger: 'ui', wait: true }).then((x) => x.run!);
  return { runId, done };
}

function storedCount(f: GitHubFixture): number {
  return (f.core.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
}

function expectNoDuplicates(f: GitHubFixture): void {
  expect(f.core.db.prepare('SELECT stream, external_id, count(*) AS n FROM records GROUP BY integration_id, stream, external_id HAVING n > 1').all()).toEqual([]);
}

/** Cancels, and measures how long the run takes to end. */
async function cancelAndTime(f: GitHubFixture, runId: string, done: Promise<SyncRun>): Promise<{ run: SyncRun; ms: number }> {
  const t0 = performance.now();
  const r = await f.core.invoke('sync.cancel', { runId });
  expect(r.cancelled).toBe(true);
  const run = await done;
  return { run, ms: performance.now() - t0 };
}

function expectCancelled(run: SyncRun): void {
  expect(run.status).toBe('cancelled');
  expect(run.error).toMatchObject({ code: 'cancelled', action: 'Start the sync again when you are ready' });
  expect(run.endedAt).not.toBeNull();
}

/** The next sync completes: everything stored once, nothing updated, only the missing part added. */
async function expectResumesAndCompletes(f: GitHubFixture, keptBefore: number): Promise<SyncRun> {
  f.gh.requests.clear();
  const next = await syncNow(f.core, f.id);
  expect(next.status).toBe('succeeded');
  expect(next.counts.added).toBe(TOTAL - keptBefore);
  expect(next.counts.updated).toBe(0);
  expect(storedCount(f)).toBe(TOTAL);
  expectNoDuplicates(f);
  return next;
}

describe('cancelling a running sync', () => {
  it('stops within a second while the client waits on a slow response, and keeps the committed pages', async () => {
    fx = await realSleepFixture();
    // Commit pages 1 and 2 answer at once; page 3 takes 15 s.
    fx.gh.faults.delayNext(1, 15_000, /\/repos\/acme\/api\/commits\?.*page=3/);
    const { runId, done } = await startSync(fx);
    await until('the slow request', () => fx!.gh.requests.entries.some((e) => e.query.page === '3'));
    const { run, ms } = await cancelAndTime(fx, runId, done);
    expect(ms).toBeLessThan(1000);
    expectCancelled(run);
    // Two commit pages were committed before the cancel, and are kept.
    expect(run.pages).toBe(2);
    expect(run.counts.added).toBe(200);
    expect(storedCount(fx)).toBe(200);
    const logs = await fx.core.invoke('logs.list', { runId });
    expect(logs.lines.map((l) => l.message).join('\n')).toMatch(/→ no response .* — cancelled/);

    const next = await expectResumesAndCompletes(fx, 200);
    // It resumed at the page it had not stored (pages 1 and 2 are not asked for again), then
    // read once more from the top, from the new watermark, for what was pushed meanwhile.
    const commits = fx.gh.requests.entries.filter((e: LoggedRequest) => e.path === '/repos/acme/api/commits');
    expect(commits.map((e) => e.query.page ?? null)).toEqual(['3', null]);
    expect(commits[1].query.since).toBeDefined();
    expect(next.counts.unchanged).toBeGreaterThan(0);
  });

  it('stops within a second while the client sleeps through a Retry-After', async () => {
    fx = await realSleepFixture();
    fx.gh.faults.rateLimitNext(1, { retryAfter: 30, match: '/repos/acme/api/issues' });
    const { runId, done } = await startSync(fx);
    await until('the 429', () => fx!.gh.requests.entries.some((e) => e.status === 429));
    // Let the client log the wait and go to sleep.
    await until('the client to sleep', () => fx!.core.db.prepare("SELECT 1 FROM run_logs WHERE run_id = ? AND message LIKE '%→ 429%retrying in 30%'").get(runId));
    const { run, ms } = await cancelAndTime(fx, runId, done);
    expect(ms).toBeLessThan(1000);
    expectCancelled(run);
    // Commits were done before the issues stream hit the limit.
    expect(run.counts.added).toBe(DATA.commits);
    expect(storedCount(fx)).toBe(DATA.commits);
    await expectResumesAndCompletes(fx, DATA.commits);
  });

  it('stops within a second during a GitHub secondary-limit wait (60 s)', async () => {
    fx = await realSleepFixture();
    fx.gh.faults.secondaryRateLimit({ status: 403, match: /\/repos\/acme\/api\/issues\?.*since=/ });
    const { runId, done } = await startSync(fx);
    await until('the secondary limit', () => fx!.gh.requests.entries.some((e) => e.status === 403));
    await until('the client to sleep', () => fx!.core.db.prepare("SELECT 1 FROM run_logs WHERE run_id = ? AND message LIKE '%secondary rate limit%'").get(runId));
    const { run, ms } = await cancelAndTime(fx, runId, done);
    expect(ms).toBeLessThan(1000);
    expectCancelled(run);
    // Commits, and the first issues page, were committed.
    const kept = storedCount(fx);
    expect(kept).toBeGreaterThan(DATA.commits);
    expect(run.counts.added).toBe(kept);
    await expectResumesAndCompletes(fx, kept);
  });

  it('stops within a second during the backoff after a server error', async () => {
    fx = await realSleepFixture({ baseDelayMs: 20_000, maxDelayMs: 20_000 });
    fx.gh.faults.failNext(1, { status: 503, match: '/repos/acme/api/pulls' });
    const { runId, done } = await startSync(fx);
    await until('the client to back off', () => fx!.core.db.prepare("SELECT 1 FROM run_logs WHERE run_id = ? AND message LIKE '%→ 503%retrying in%'").get(runId));
    const { run, ms } = await cancelAndTime(fx, runId, done);
    expect(ms).toBeLessThan(1000);
    expectCancelled(run);
    expect(storedCount(fx)).toBe(DATA.commits + DATA.issues);
    await expectResumesAndCompletes(fx, DATA.commits + DATA.issues);
  });

  it('a cancel of a run that is not running says so', async () => {
    fx = await realSleepFixture();
    const run = await syncNow(fx.core, fx.id);
    expect(run.status).toBe('succeeded');
    expect(await fx.core.invoke('sync.cancel', { runId: run.id })).toEqual({ cancelled: false });
    expect((await fx.core.invoke('runs.get', { runId: run.id })).status).toBe('succeeded');
  });
});
