import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../shared/protocol.ts';
import type { Health, SyncRun } from '../../shared/sync.ts';
import { createApiClient } from '../../renderer/api/client.ts';
import { subscribeLiveUpdates } from '../../renderer/api/live-updates.ts';
import { queryKeys } from '../../renderer/api/queries.ts';

function pushTransport() {
  const listeners = new Set<(event: string, data: unknown) => void>();
  const transport: Transport = {
    call: async () => ({ ok: true, result: null }),
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { transport, push: (event: string, data: unknown) => listeners.forEach((l) => l(event, data)), listeners };
}

const health = (id: string, over: Partial<Health> = {}): Health => ({ integrationId: id, name: id, connector: 'github', state: 'healthy', summary: '', lastSuccessAt: null, lastAttemptAt: null, consecutiveFailures: 0, nextRunAt: null, recordCount: 0, lastError: null, rateLimitedUntil: null, runningRunId: null, ...over });
const run = (over: Partial<SyncRun> = {}): SyncRun => ({ id: 'r1', integrationId: 'a', trigger: 'ui', status: 'running', startedAt: '2025-01-01T00:00:00Z', endedAt: null, durationMs: null, counts: { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 }, requests: 0, bytes: 0, pages: 0, error: null, ...over });

describe('pushed events keep the query cache current without polling', () => {
  it('writes a changed health into the cached list in place, keeping the order', () => {
    const { transport, push } = pushTransport();
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.health, [health('a'), health('b')]);
    subscribeLiveUpdates(createApiClient(transport), qc);
    push('health.changed', { health: health('b', { state: 'failing', summary: 'b failing' }), previous: 'healthy' });
    expect(qc.getQueryData<Health[]>(queryKeys.health)?.map((h) => `${h.integrationId}:${h.state}`)).toEqual(['a:healthy', 'b:failing']);
  });

  it('puts run progress into the run and into every runs list that shows it', () => {
    const { transport, push } = pushTransport();
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.runs({ integrationId: 'a', limit: 20 }), [run(), run({ id: 'r0', status: 'succeeded' })]);
    qc.setQueryData(queryKeys.runs({ status: 'failed' }), [run({ id: 'r9', status: 'failed' })]);
    subscribeLiveUpdates(createApiClient(transport), qc);
    push('run.progress', { run: run({ pages: 3, counts: { added: 120, updated: 0, unchanged: 0, deleted: 0, failed: 0 } }) });
    expect(qc.getQueryData<SyncRun>(queryKeys.run('r1'))?.pages).toBe(3);
    expect(qc.getQueryData<SyncRun[]>(queryKeys.runs({ integrationId: 'a', limit: 20 }))?.[0].counts.added).toBe(120);
    expect(qc.getQueryData<SyncRun[]>(queryKeys.runs({ status: 'failed' }))?.map((r) => r.id)).toEqual(['r9']);
  });

  it('marks runs, health and search results stale when a run finishes, and ignores events that do not match the contract', () => {
    const { transport, push } = pushTransport();
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.health, [health('a')]);
    qc.setQueryData(queryKeys.runs({}), [run()]);
    qc.setQueryData(queryKeys.records({ q: '', limit: 20 }), { hits: [], total: 0 });
    subscribeLiveUpdates(createApiClient(transport), qc);
    push('run.finished', { run: { id: 'broken' } });
    expect(qc.getQueryState(queryKeys.health)?.isInvalidated).toBe(false);
    push('run.finished', { run: run({ status: 'succeeded', endedAt: '2025-01-01T00:00:02Z', durationMs: 2000 }) });
    expect(qc.getQueryState(queryKeys.health)?.isInvalidated).toBe(true);
    expect(qc.getQueryState(queryKeys.runs({}))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(queryKeys.records({ q: '', limit: 20 }))?.isInvalidated).toBe(true);
    expect(qc.getQueryData<SyncRun>(queryKeys.run('r1'))?.status).toBe('succeeded');
  });

  it('stops listening when unsubscribed', () => {
    const { transport, listeners } = pushTransport();
    const off = subscribeLiveUpdates(createApiClient(transport), new QueryClient());
    expect(listeners.size).toBeGreaterThan(0);
    off();
    expect(listeners.size).toBe(0);
  });
});
