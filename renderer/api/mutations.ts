import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract.ts';
import { useApi } from './api-context.tsx';
import { queryKeys } from './queries.ts';

/**
 * A mutation of one contract method that refreshes what it changes. Most
 * changes also arrive as pushed events; invalidating here covers a UI that
 * missed them (and makes the change visible before the event lands).
 */
export function useApiMutation<M extends MethodName>(method: M, opts: { key?: unknown[]; invalidates?: readonly (readonly unknown[])[] } = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<MethodOutput<M>, Error, MethodInput<M>>({
    mutationKey: [method, ...(opts.key ?? [])],
    mutationFn: (input) => api.call(method, input),
    onSettled: () => {
      for (const key of opts.invalidates ?? []) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

const INTEGRATION_STATE = [queryKeys.integrations, queryKeys.health, queryKeys.status] as const;

/** Starts (or joins) a sync of one integration. */
export const useSyncNow = (id: string) => useApiMutation('sync.run', { key: [id], invalidates: [queryKeys.health, queryKeys.runsAll] });
/** Starts every enabled integration. */
export const useSyncAll = () => useApiMutation('sync.runAll', { invalidates: [queryKeys.health, queryKeys.runsAll] });
/** Cancels a running sync; what was committed is kept. */
export const useCancelRun = () => useApiMutation('sync.cancel', { invalidates: [queryKeys.health, queryKeys.runsAll] });
/** Pauses scheduled syncs of one integration, or of all. */
export const usePause = (id?: string) => useApiMutation('scheduler.pause', { key: [id], invalidates: INTEGRATION_STATE });
/** Resumes scheduled syncs of one integration, or of all. */
export const useResume = (id?: string) => useApiMutation('scheduler.resume', { key: [id], invalidates: INTEGRATION_STATE });
/** Runs an integration's stored connection test. */
export const useTestConnection = (id: string) => useApiMutation('integrations.test', { key: [id], invalidates: INTEGRATION_STATE });
/** Starts (or joins) an interactive sign-in; its code and outcome arrive as auth.* events. */
export const useSignIn = (id: string) => useApiMutation('integrations.signIn', { key: [id], invalidates: INTEGRATION_STATE });
/** Tests settings the form has not saved. */
export const useTestDraft = () => useApiMutation('integrations.testDraft');
/** Every problem of some settings by field, in the connector's own words. */
export const useCheckSettings = () => useApiMutation('connectors.checkSettings');
/** Adds an integration (secrets go to the keychain). */
export const useAddIntegration = () => useApiMutation('integrations.add', { invalidates: INTEGRATION_STATE });
/** Changes name, settings or the secrets given. */
export const useUpdateIntegration = () => useApiMutation('integrations.update', { invalidates: INTEGRATION_STATE });
/** Enables or disables an integration. */
export const useSetEnabled = (id: string) => useApiMutation('integrations.setEnabled', { key: [id], invalidates: INTEGRATION_STATE });
/** Removes an integration with its data and secrets. */
export const useRemoveIntegration = () => useApiMutation('integrations.remove', { invalidates: [...INTEGRATION_STATE, queryKeys.runsAll, queryKeys.recordsAll] });
/** Changes app settings (only the fields given). */
export const useUpdateSettings = () => useApiMutation('settings.update', { invalidates: [queryKeys.settings, queryKeys.status, queryKeys.health] });

const AUTOMATION_STATE = [queryKeys.automations, queryKeys.automationRunsAll] as const;

/** Defines an automation. */
export const useCreateAutomation = () => useApiMutation('automations.create', { invalidates: [queryKeys.automations] });
/** Changes an automation (only the fields given). */
export const useUpdateAutomation = () => useApiMutation('automations.update', { invalidates: [queryKeys.automations] });
/** Removes an automation with its runs, their files and its mirrored records. */
export const useRemoveAutomation = () => useApiMutation('automations.remove', { invalidates: [...AUTOMATION_STATE, queryKeys.recordsAll] });
/** Runs an automation now (or joins the run in progress). */
export const useRunAutomation = (id: string) => useApiMutation('automations.run', { key: [id], invalidates: AUTOMATION_STATE });
/** Cancels a running automation: its worker and browser stop within seconds. */
export const useCancelAutomationRun = (runId: string) => useApiMutation('automations.cancel', { key: [runId], invalidates: AUTOMATION_STATE });
/** Creates the private Python environment and installs nova-act; progress arrives as novaAct.setup.progress events. */
export const useSetUpNovaAct = () => useApiMutation('novaAct.setup', { invalidates: [queryKeys.novaAct] });
/** Stores the Nova Act API key in the keychain ('' removes it); the reply says only whether one is set. */
export const useSetNovaActKey = () => useApiMutation('novaAct.setApiKey', { invalidates: [queryKeys.novaAct] });
