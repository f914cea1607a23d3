import { KinexusError } from '../../shared/errors.ts';
import type { Core } from '../core/core.ts';
import type { Mirror } from './mirror.ts';

/**
 * The mirror inside the running app. Every read goes through the API contract
 * (`core.invoke`), so replies are schema-checked and pass the secret redactor
 * like any other API reply.
 */
export function coreMirror(core: Pick<Core, 'invoke' | 'sync'>): Mirror {
  const getRecord = async (id: number) => {
    try {
      return await core.invoke('records.get', { id });
    } catch (err) {
      if (err instanceof KinexusError && err.code === 'not_found') return undefined;
      throw err;
    }
  };
  return {
    search: (q, f) => core.invoke('records.search', { q, ...f }),
    list: (f) => core.invoke('records.list', f),
    get: getRecord,
    async findByExternal(source, kind, externalId) {
      const r = core.sync.records.findByExternal(source, kind, externalId);
      return r ? getRecord(r.id) : undefined;
    },
    health: () => core.invoke('health.list', {}),
    settings: () => core.invoke('settings.get', {}),
    async syncNow(integration) {
      const row = await core.invoke('integrations.get', { id: integration });
      const r = await core.invoke('sync.run', { id: row.id, trigger: 'mcp' });
      return { integrationId: row.id, name: row.name, state: r.state, runId: r.run?.id ?? null };
    },
  };
}
