import { keepPreviousData, QueryClient, useQuery } from '@tanstack/react-query';
import type { MethodInput } from '../../shared/contract.ts';
import { ApiError } from './client.ts';
import { useApi } from './api-context.tsx';

export type RunsFilter = { integrationId?: string; status?: MethodInput<'runs.list'>['status']; limit?: number };
export type RecordsFilter = { q: string; source?: string; kind?: string; limit: number };

/** Query keys of the server state the views read; pushed events update or invalidate them. */
export const queryKeys = {
  status: ['status'] as const,
  integrations: ['integrations'] as const,
  connectors: ['connectors'] as const,
  health: ['health'] as const,
  settings: ['settings'] as const,
  mcp: ['mcp'] as const,
  /** Every runs list, whatever its filter. */
  runsAll: ['runs'] as const,
  runs: (f: RunsFilter) => ['runs', f] as const,
  run: (id: string) => ['run', id] as const,
  recordsAll: ['records'] as const,
  records: (f: RecordsFilter) => ['records', f] as const,
  automations: ['automations'] as const,
  /** Every list of automation runs, whatever automation it is for. */
  automationRunsAll: ['automation-runs'] as const,
  automationRuns: (automationId: string) => ['automation-runs', automationId] as const,
  automationRun: (runId: string) => ['automation-run', runId] as const,
  novaAct: ['nova-act'] as const,
};

/** Retrying cannot fix these; the user has to act first. */
const FINAL_CODES = new Set(['invalid_input', 'not_found', 'auth', 'permission', 'config', 'secrets_unavailable']);

/** The app's QueryClient: events keep data fresh, so refetching is rare and errors that need the user are not retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, err) => !(err instanceof ApiError && FINAL_CODES.has(err.code)) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** Workspace state: version, data dir, keychain, scheduler. */
export function useStatus() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.status, queryFn: () => api.call('status.get', {}) });
}

/** Every configured integration (settings and which secrets are set, never their values). */
export function useIntegrations() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.integrations, queryFn: () => api.call('integrations.list', {}) });
}

/** Connectors of this build with their settings schema; they never change while the app runs. */
export function useConnectors() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.connectors, queryFn: () => api.call('connectors.list', {}), staleTime: Infinity });
}

/** Health of every integration, kept current by health.changed and run events. */
export function useHealth() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.health, queryFn: () => api.call('health.list', {}) });
}

/** Sync runs, newest first; run events refresh them. */
export function useRuns(filter: RunsFilter) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.runs(filter),
    queryFn: () => api.call('runs.list', { integrationId: filter.integrationId, status: filter.status, limit: filter.limit ?? 50 }),
    placeholderData: keepPreviousData,
  });
}

/** One run; run.progress and run.finished write into this cache entry, so it is live without polling. */
export function useRun(runId: string | null) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.run(runId ?? ''), queryFn: () => api.call('runs.get', { runId: runId! }), enabled: Boolean(runId) });
}

/** App settings: schedule, concurrency, log retention, launch at login. */
export function useAppSettings() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => api.call('settings.get', {}) });
}

/** The MCP endpoint: address, whether it runs (and why not), token hint, client configurations. Never the token. */
export function useMcpInfo() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.mcp, queryFn: () => api.call('mcp.info', {}) });
}

/** Full-text search over the mirror; with no words, the most recently updated records. */
export function useRecords(filter: RecordsFilter) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.records(filter),
    queryFn: () => {
      const common = { source: filter.source || undefined, kind: filter.kind || undefined, limit: filter.limit };
      return filter.q.trim() ? api.call('records.search', { q: filter.q, ...common }) : api.call('records.list', common);
    },
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

/** Every automation with its last run and the run in progress; automation events refresh it. */
export function useAutomations() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.automations, queryFn: () => api.call('automations.list', {}) });
}

/** The recent runs of one automation, newest first; run events refresh them. */
export function useAutomationRuns(automationId: string, limit = 20) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.automationRuns(automationId), queryFn: () => api.call('automations.runs', { automationId, limit }), placeholderData: keepPreviousData });
}

/** One automation run; automation.step and run events write into this entry, so it is live without polling. */
export function useAutomationRun(runId: string | null) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.automationRun(runId ?? ''), queryFn: () => api.call('automations.getRun', { runId: runId! }), enabled: Boolean(runId) });
}

/** Whether Nova Act can run here, and exactly what is missing when it cannot. */
export function useNovaActStatus() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.novaAct, queryFn: () => api.call('novaAct.status', {}) });
}
