import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { AutomationRun, AutomationStepResult } from '../../shared/automation.ts';
import type { Health, SyncRun } from '../../shared/sync.ts';
import type { ApiClient } from './client.ts';
import { useApi, useConnectionState } from './api-context.tsx';
import { queryKeys } from './queries.ts';

/** Puts a run into every cached runs list that already shows it (progress without refetching). */
function patchRunInLists(queryClient: QueryClient, run: SyncRun): void {
  queryClient.setQueriesData<SyncRun[]>({ queryKey: queryKeys.runsAll }, (old) => (old?.some((r) => r.id === run.id) ? old.map((r) => (r.id === run.id ? run : r)) : old));
}

/** Replaces one integration's health in the cached list, keeping the list's order. */
function patchHealth(queryClient: QueryClient, health: Health): void {
  queryClient.setQueryData<Health[]>(queryKeys.health, (old) => {
    if (!old) return old;
    return old.some((h) => h.integrationId === health.integrationId) ? old.map((h) => (h.integrationId === health.integrationId ? health : h)) : [...old, health];
  });
}

/** Puts a step's new state into the cached run and every cached runs list that shows the run. */
function patchAutomationStep(queryClient: QueryClient, runId: string, step: AutomationStepResult): void {
  const patch = (run: AutomationRun): AutomationRun => ({ ...run, steps: run.steps.map((s) => (s.index === step.index ? step : s)) });
  queryClient.setQueryData<AutomationRun>(queryKeys.automationRun(runId), (old) => (old ? patch(old) : old));
  queryClient.setQueriesData<AutomationRun[]>({ queryKey: queryKeys.automationRunsAll }, (old) => (old?.some((r) => r.id === runId) ? old.map((r) => (r.id === runId ? patch(r) : r)) : old));
}

/**
 * Wires pushed events into the query cache: what an event carries is written
 * in place (health, run progress), what it only announces is invalidated.
 * Returns the unsubscribe function.
 */
export function subscribeLiveUpdates(api: ApiClient, queryClient: QueryClient): () => void {
  const invalidate = (...keys: (readonly unknown[])[]) => {
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
  const offs = [
    api.on('integrations.changed', () => invalidate(queryKeys.integrations, queryKeys.status, queryKeys.health)),
    api.on('integration.tested', () => invalidate(queryKeys.integrations, queryKeys.health)),
    api.on('health.changed', ({ health }) => patchHealth(queryClient, health)),
    api.on('run.started', ({ run }) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      invalidate(queryKeys.runsAll, queryKeys.health);
    }),
    api.on('run.progress', ({ run }) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      patchRunInLists(queryClient, run);
    }),
    api.on('run.finished', ({ run }) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      patchRunInLists(queryClient, run);
      // Last success, record counts and search results moved; health.changed only fires when the state did.
      invalidate(queryKeys.runsAll, queryKeys.health, queryKeys.recordsAll);
    }),
    api.on('automations.changed', () => invalidate(queryKeys.automations, queryKeys.automationRunsAll)),
    api.on('automation.run.started', ({ run }) => {
      queryClient.setQueryData(queryKeys.automationRun(run.id), run);
      invalidate(queryKeys.automations, queryKeys.automationRunsAll);
    }),
    // Each step as it starts, extracts and ends: the run detail streams from here.
    api.on('automation.step', ({ runId, step }) => patchAutomationStep(queryClient, runId, step)),
    api.on('automation.run.finished', ({ run }) => {
      queryClient.setQueryData(queryKeys.automationRun(run.id), run);
      invalidate(queryKeys.automations, queryKeys.automationRunsAll, queryKeys.recordsAll);
    }),
    api.on('novaAct.setup.progress', ({ phase }) => {
      if (phase === 'done' || phase === 'failed') invalidate(queryKeys.novaAct);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/**
 * Keeps server state current: pushed events update the cache, and after a
 * reconnect everything is refetched (events may have been missed).
 */
export function useLiveUpdates(): void {
  const api = useApi();
  const queryClient = useQueryClient();
  const connection = useConnectionState();

  useEffect(() => subscribeLiveUpdates(api, queryClient), [api, queryClient]);

  const wasDown = useRef(false);
  useEffect(() => {
    if (connection === 'reconnecting') wasDown.current = true;
    if (connection === 'open' && wasDown.current) {
      wasDown.current = false;
      void queryClient.invalidateQueries();
    }
  }, [connection, queryClient]);
}
