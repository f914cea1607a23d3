import { describe, expect, it } from 'vitest';
import type { Health, LogLine, SyncRun } from '../../shared/sync.ts';
import { LogWindow } from '../../renderer/api/log-window.ts';
import { lineMatches } from '../../renderer/api/run-log.ts';
import { formatDuration, formatRelative } from '../../renderer/components/format.ts';
import { actionForError, overallState } from '../../renderer/components/health-status.ts';
import { stripBars, stripSummary } from '../../renderer/components/run-strip.tsx';
import { parseHash, routeHref } from '../../renderer/router.ts';
import { snippetParts } from '../../renderer/views/search/snippet.tsx';

function health(over: Partial<Health>): Health {
  return { integrationId: 'i', name: 'Acme', connector: 'github', state: 'healthy', summary: '', lastSuccessAt: null, lastAttemptAt: null, consecutiveFailures: 0, nextRunAt: null, recordCount: 0, lastError: null, rateLimitedUntil: null, runningRunId: null, ...over };
}

function run(id: string, status: SyncRun['status'], durationMs: number | null): SyncRun {
  return { id, integrationId: 'i', trigger: 'ui', status, startedAt: '2025-01-01T00:00:00Z', endedAt: null, durationMs, counts: { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 }, requests: 0, bytes: 0, pages: 0, error: null };
}

function line(seq: number, level: LogLine['level'] = 'info', message = `line ${seq}`, fields: LogLine['fields'] = null): LogLine {
  return { runId: 'r', seq, at: '2025-01-01T00:00:00Z', level, stream: null, message, fields };
}

describe('routes in the address hash', () => {
  it('round-trips a view, a path and filters, and sends anything unknown to the overview', () => {
    const href = routeHref('integrations', ['github-1', 'edit'], { focus: 'secrets', from: undefined });
    expect(href).toBe('#/integrations/github-1/edit?focus=secrets');
    expect(parseHash(href)).toEqual({ view: 'integrations', path: ['github-1', 'edit'], params: { focus: 'secrets' } });
    expect(parseHash('#/logs?run=r1&status=failed').params).toEqual({ run: 'r1', status: 'failed' });
    expect(parseHash(routeHref('automations', ['auto-1'], { run: 'ar-9' }))).toEqual({ view: 'automations', path: ['auto-1'], params: { run: 'ar-9' } });
    expect(parseHash('#/nowhere').view).toBe('overview');
    expect(parseHash('').view).toBe('overview');
  });
});

describe('what an error asks the user to do', () => {
  it('picks the button from the error code, naming the system to reconnect', () => {
    expect(actionForError({ code: 'auth' }, 'GitHub')).toEqual({ kind: 'reconnect', label: 'Reconnect GitHub' });
    expect(actionForError({ code: 'auth' }, 'SharePoint', true)).toEqual({ kind: 'reconnect', label: 'Sign in to SharePoint' });
    expect(actionForError({ code: 'permission' }, 'Jira')).toEqual({ kind: 'settings', label: 'Open settings' });
    expect(actionForError({ code: 'secrets_unavailable' }, 'Jira')).toEqual({ kind: 'keychain', label: 'Open settings' });
    expect(actionForError({ code: 'server' }, 'Jira')).toEqual({ kind: 'retry', label: 'Retry now' });
    expect(actionForError({ code: 'rate_limited' }, 'Jira')).toBeNull();
  });
});

describe('the overall state line', () => {
  it('puts integrations that need the user first, then syncing, then waiting', () => {
    expect(overallState([], false).text).toBe('No integrations yet');
    expect(overallState([health({ state: 'healthy' }), health({ state: 'needs_credentials' }), health({ state: 'syncing' })], false)).toMatchObject({ tone: 'error', text: '1 of 3 integrations need attention' });
    expect(overallState([health({ state: 'healthy' }), health({ state: 'syncing' })], false)).toMatchObject({ tone: 'pending', text: 'Syncing 1 of 2' });
    expect(overallState([health({ state: 'rate_limited' })], false).tone).toBe('warn');
    expect(overallState([health({ state: 'healthy' }), health({ state: 'disabled' })], false).text).toBe('Everything active is up to date (1 paused or disabled)');
    expect(overallState([health({ state: 'healthy' })], true).text).toBe('All syncing is paused');
  });
});

describe('the recent-runs strip', () => {
  it('draws oldest first, longer runs taller, and failures full height whatever their duration', () => {
    const bars = stripBars([run('c', 'failed', 10), run('b', 'succeeded', 60_000), run('a', 'succeeded', 100)]);
    expect(bars.map((b) => b.id)).toEqual(['a', 'b', 'c']);
    expect(bars[1].height).toBeGreaterThan(bars[0].height);
    expect(bars[2].height).toBeGreaterThanOrEqual(bars[1].height);
    expect(bars[2].label).toMatch(/^Failed in 10 ms/);
  });

  it('says the same in words', () => {
    expect(stripSummary([run('a', 'succeeded', 1000), run('b', 'failed', 3000), run('c', 'succeeded', 2000)])).toBe('2 succeeded, 1 failed; typical duration 2.0 s');
    expect(stripSummary([])).toBe('No runs yet');
  });
});

describe('the live log buffer', () => {
  it('appends pages and pushed lines in order and drops overlaps', async () => {
    const w = new LogWindow(async () => ({ lines: [line(1), line(2), line(3)], total: 3 }), () => undefined);
    w.start();
    await new Promise((r) => setTimeout(r, 0));
    w.push(line(3));
    w.push(line(4));
    w.push(line(2));
    expect(w.total).toBe(4);
    expect([0, 1, 2, 3, 4].map((i) => w.lineAt(i)?.seq)).toEqual([1, 2, 3, 4, undefined]);
  });

  it('filters pushed lines like the core does: level, and text in the message or fields, any case', () => {
    const filter = { levels: ['warn', 'error'] as const, q: 'RATE' };
    expect(lineMatches(line(1, 'warn', 'GET /x → 429 rate limited'), filter)).toBe(true);
    expect(lineMatches(line(2, 'error', 'failed', { reason: 'rate limit' }), filter)).toBe(true);
    expect(lineMatches(line(3, 'info', 'rate'), filter)).toBe(false);
    expect(lineMatches(line(4, 'warn', 'slow'), filter)).toBe(false);
  });
});

describe('search snippets', () => {
  it('marks the matches the core put in brackets and leaves stray brackets alone', () => {
    expect(snippetParts('fix the [login] page … [login] again [sic')).toEqual([
      { text: 'fix the ', match: false },
      { text: 'login', match: true },
      { text: ' page … ', match: false },
      { text: 'login', match: true },
      { text: ' again [sic', match: false },
    ]);
  });
});

describe('times and durations in words', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('says how long ago or how soon', () => {
    expect(formatRelative('2025-06-01T11:59:50Z', now)).toBe('just now');
    // Seconds ahead are clock skew between core and page.
    expect(formatRelative('2025-06-01T12:00:03Z', now)).toBe('just now');
    expect(formatRelative('2025-06-01T12:00:30Z', now)).toBe('in a moment');
    expect(formatRelative('2025-06-01T11:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2025-06-01T14:00:00Z', now)).toBe('in 2 hours');
    expect(formatRelative('2025-05-31T12:00:00Z', now)).toBe('yesterday');
  });
  it('formats durations at a useful precision', () => {
    expect([850, 12_340, 245_000, 7_800_000].map(formatDuration)).toEqual(['850 ms', '12.3 s', '4 min 5 s', '2 h 10 min']);
  });
});
