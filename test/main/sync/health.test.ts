import { describe, expect, it } from 'vitest';
import type { TestResult } from '../../../shared/schemas.ts';
import { Health, type RunStatus, type SyncRun } from '../../../shared/sync.ts';
import { computeHealth, type HealthInput } from '../../../main/sync/health.ts';

const T0 = Date.parse('2025-03-03T09:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let n = 0;
/** A run that started at `at` (ms) and, unless running, took one minute. */
function run(status: RunStatus, at: number, error: SyncRun['error'] = null): SyncRun {
  return {
    id: `run-${++n}`,
    integrationId: 'gh-1',
    trigger: 'schedule',
    status,
    startedAt: iso(at),
    endedAt: status === 'running' ? null : iso(at + MIN),
    durationMs: status === 'running' ? null : MIN,
    counts: { added: 1, updated: 0, unchanged: 0, deleted: 0, failed: 0 },
    requests: 1,
    bytes: 10,
    pages: 1,
    error,
  };
}
const failed = (at: number, code: NonNullable<SyncRun['error']>['code'] = 'server', extra: Partial<NonNullable<SyncRun['error']>> = {}) =>
  run('failed', at, { code, message: `${code} went wrong`, action: `fix ${code}`, retryAt: null, ...extra });

function test(ok: boolean, at: number, error: TestResult['error'] = null): TestResult {
  return { ok, at: iso(at), latencyMs: 12, identity: ok ? 'octo' : null, scopes: null, reachable: [], error };
}

/** Newest first, as the repository returns them. */
function health(runs: SyncRun[], over: Partial<HealthInput> = {}) {
  const sorted = [...runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const h = computeHealth({
    integrationId: 'gh-1',
    name: 'Acme GitHub',
    connectorTitle: 'GitHub',
    connector: 'github',
    enabled: true,
    paused: false,
    pausedAll: false,
    online: true,
    missingSecrets: [],
    recentRuns: sorted,
    lastSuccess: sorted.find((r) => r.status === 'succeeded'),
    lastTest: null,
    runningRunId: sorted.find((r) => r.status === 'running')?.id ?? null,
    nextRunAt: null,
    recordCount: 0,
    now: T0 + 10 * 60 * MIN,
    ...over,
  });
  // Whatever it returns crosses the API: it must fit the contract.
  expect(Health.safeParse(h).success).toBe(true);
  return h;
}

describe('computeHealth states', () => {
  it('never_synced with no runs', () => {
    const h = health([], { nextRunAt: T0 });
    expect(h).toMatchObject({ state: 'never_synced', lastSuccessAt: null, lastAttemptAt: null, consecutiveFailures: 0, lastError: null, nextRunAt: iso(T0) });
    expect(h.summary).toMatch(/has not synced yet/);
  });

  it('healthy after a success, with record count and next run', () => {
    const h = health([run('succeeded', T0)], { recordCount: 42, nextRunAt: T0 + 16 * MIN });
    expect(h).toMatchObject({ state: 'healthy', lastSuccessAt: iso(T0 + MIN), lastAttemptAt: iso(T0 + MIN), consecutiveFailures: 0, recordCount: 42, nextRunAt: iso(T0 + 16 * MIN), lastError: null, rateLimitedUntil: null, runningRunId: null });
  });

  it('syncing while a run is in progress, keeping the last finished attempt apart', () => {
    const r = run('running', T0 + 30 * MIN);
    const h = health([run('succeeded', T0), r]);
    expect(h).toMatchObject({ state: 'syncing', runningRunId: r.id, lastAttemptAt: iso(T0 + MIN), lastSuccessAt: iso(T0 + MIN) });
  });

  it('failing with the error and its next step', () => {
    const h = health([run('succeeded', T0), failed(T0 + 20 * MIN, 'server')]);
    expect(h).toMatchObject({ state: 'failing', consecutiveFailures: 1, lastError: { code: 'server', message: 'server went wrong', action: 'fix server' } });
    expect(h.summary).toMatch(/Acme GitHub failing: server went wrong/);
  });

  it('needs_credentials when a required secret is missing, or the last run was rejected (auth)', () => {
    expect(health([run('succeeded', T0)], { missingSecrets: ['token'] })).toMatchObject({ state: 'needs_credentials', summary: expect.stringMatching(/Reconnect GitHub: no token is stored/) });
    const h = health([run('succeeded', T0), failed(T0 + 20 * MIN, 'auth', { message: 'the token was rejected (401)', action: 'Reconnect GitHub' })]);
    expect(h).toMatchObject({ state: 'needs_credentials', summary: 'Reconnect GitHub: the token was rejected (401)', lastError: { code: 'auth', action: 'Reconnect GitHub' } });
  });

  it('rate_limited until the announced reset, then failing again', () => {
    const reset = T0 + 60 * MIN;
    const runs = [failed(T0, 'rate_limited', { retryAt: iso(reset) })];
    const during = health(runs, { now: reset - 1 });
    expect(during).toMatchObject({ state: 'rate_limited', rateLimitedUntil: iso(reset), lastError: { code: 'rate_limited', retryAt: iso(reset) } });
    expect(during.summary).toMatch(/GitHub rate limit reached; retrying after/);
    const after = health(runs, { now: reset + 1 });
    expect(after).toMatchObject({ state: 'failing', rateLimitedUntil: null, lastError: { code: 'rate_limited' } });
    // A rate limit without a reset time is plain failing.
    expect(health([failed(T0, 'rate_limited')], { now: T0 })).toMatchObject({ state: 'failing', rateLimitedUntil: null });
  });

  it('healthy once a run succeeds after the rate limit expired', () => {
    const reset = T0 + 60 * MIN;
    expect(health([failed(T0, 'rate_limited', { retryAt: iso(reset) }), run('succeeded', reset + MIN)], { now: reset + 5 * MIN })).toMatchObject({ state: 'healthy', rateLimitedUntil: null, lastError: null, consecutiveFailures: 0 });
  });

  it('disabled wins over everything else', () => {
    expect(health([failed(T0, 'auth'), run('running', T0 + 5 * MIN)], { enabled: false, missingSecrets: ['token'], online: false, paused: true })).toMatchObject({ state: 'disabled', summary: 'Acme GitHub is disabled' });
  });

  it('paused for one integration or for all', () => {
    expect(health([run('succeeded', T0)], { paused: true })).toMatchObject({ state: 'paused', summary: 'Acme GitHub is paused' });
    expect(health([run('succeeded', T0)], { pausedAll: true })).toMatchObject({ state: 'paused', summary: expect.stringMatching(/paused for all/) });
  });

  it('offline says syncing is paused until the network is back', () => {
    const h = health([run('succeeded', T0)], { online: false, paused: true });
    expect(h.state).toBe('offline');
    expect(h.summary).toMatch(/^Offline — .*paused/);
  });

  it('a running sync shows syncing even when offline or paused', () => {
    expect(health([run('running', T0)], { online: false }).state).toBe('syncing');
    expect(health([run('running', T0)], { paused: true }).state).toBe('syncing');
  });
});

describe('computeHealth history', () => {
  it('keeps the last success and the last attempt apart', () => {
    const h = health([run('succeeded', T0), failed(T0 + 30 * MIN), failed(T0 + 60 * MIN)]);
    expect(h.lastSuccessAt).toBe(iso(T0 + MIN));
    expect(h.lastAttemptAt).toBe(iso(T0 + 61 * MIN));
    expect(h.state).toBe('failing');
  });

  it('counts consecutive failures back to the last success', () => {
    expect(health([failed(T0), failed(T0 + 10 * MIN), failed(T0 + 20 * MIN)]).consecutiveFailures).toBe(3);
    expect(health([failed(T0), run('succeeded', T0 + 10 * MIN), failed(T0 + 20 * MIN), failed(T0 + 30 * MIN)]).consecutiveFailures).toBe(2);
    expect(health([failed(T0), failed(T0 + 10 * MIN), run('succeeded', T0 + 20 * MIN)]).consecutiveFailures).toBe(0);
  });

  it('a cancelled run neither counts as a failure nor hides the failure before it', () => {
    const h = health([run('succeeded', T0), failed(T0 + 10 * MIN, 'network'), run('cancelled', T0 + 20 * MIN)]);
    expect(h).toMatchObject({ state: 'failing', consecutiveFailures: 1, lastError: { code: 'network' }, lastAttemptAt: iso(T0 + 21 * MIN) });
  });

  it('a cancelled run after a success stays healthy but does not claim to be up to date', () => {
    expect(health([run('succeeded', T0), run('cancelled', T0 + 20 * MIN)])).toMatchObject({ state: 'healthy', summary: 'Acme GitHub: the last sync was cancelled; what it stored is kept', lastSuccessAt: iso(T0 + MIN) });
    expect(health([run('cancelled', T0), run('succeeded', T0 + 20 * MIN)]).summary).toBe('Acme GitHub is up to date');
  });

  it('an interrupted run (the app quit) is not a failure, and is not a success either', () => {
    const interrupted = run('interrupted', T0 + 20 * MIN, { code: 'internal', message: 'The app stopped while this sync was running', action: 'Nothing to do', retryAt: null });
    expect(health([run('succeeded', T0), interrupted])).toMatchObject({ state: 'healthy', consecutiveFailures: 0, lastError: null, summary: 'Acme GitHub: the last sync was interrupted when the app quit; what it stored is kept' });
    expect(health([interrupted])).toMatchObject({ state: 'never_synced', consecutiveFailures: 0, lastSuccessAt: null, lastAttemptAt: iso(T0 + 21 * MIN) });
    expect(health([run('cancelled', T0)]).state).toBe('never_synced');
  });

  it('a failed connection test after the last run surfaces', () => {
    const runs = [run('succeeded', T0)];
    const h = health(runs, { lastTest: test(false, T0 + 30 * MIN, { code: 'auth', message: 'the token was rejected (401)', action: 'Reconnect GitHub' }) });
    expect(h).toMatchObject({ state: 'needs_credentials', lastError: { code: 'auth', message: 'the token was rejected (401)' } });
    const net = health(runs, { lastTest: test(false, T0 + 30 * MIN, { code: 'network', message: 'api.github.com did not answer' }) });
    expect(net).toMatchObject({ state: 'failing', lastError: { code: 'network' } });
  });

  it('a failed test newer than a failed run replaces the run error; an older one does not', () => {
    const runs = [failed(T0 + 10 * MIN, 'server')];
    expect(health(runs, { lastTest: test(false, T0 + 30 * MIN, { code: 'auth', message: 'revoked' }) })).toMatchObject({ state: 'needs_credentials', lastError: { code: 'auth' } });
    expect(health(runs, { lastTest: test(false, T0, { code: 'auth', message: 'revoked' }) })).toMatchObject({ state: 'failing', lastError: { code: 'server' } });
  });

  it('a failed test before the last run, or a passing one, changes nothing', () => {
    expect(health([run('succeeded', T0 + 30 * MIN)], { lastTest: test(false, T0, { code: 'auth', message: 'old' }) })).toMatchObject({ state: 'healthy', lastError: null });
    expect(health([run('succeeded', T0)], { lastTest: test(true, T0 + 30 * MIN) })).toMatchObject({ state: 'healthy', lastError: null });
  });

  it('a failed test with no run at all surfaces too', () => {
    expect(health([], { lastTest: test(false, T0, { code: 'permission', message: 'cannot read acme/api' }) })).toMatchObject({ state: 'failing', lastError: { code: 'permission' } });
  });
});
