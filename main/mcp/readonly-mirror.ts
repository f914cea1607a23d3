import { KinexusError } from '../../shared/errors.ts';
import type { Health } from '../../shared/sync.ts';
import { getConnector } from '../connectors/registry.ts';
import { SettingsService } from '../core/settings.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Db } from '../store/database.ts';
import { IntegrationsRepo } from '../store/integrations-repo.ts';
import { RecordsRepo } from '../store/records-repo.ts';
import { RunsRepo } from '../store/runs-repo.ts';
import { SettingsRepo } from '../store/settings-repo.ts';
import { computeHealth } from '../sync/health.ts';
import { relaySyncNow } from './app-relay.ts';
import type { Mirror } from './mirror.ts';

export interface ReadonlyMirrorOptions {
  /** A database opened with `{ readonly: true }` (query_only). */
  db: Db;
  dataDir: string;
  /** Where the app's MCP token is read from when sync_now is handed to the app. */
  secrets: () => SecretStore;
  now?: () => Date;
}

/**
 * The mirror as `kinexus mcp` sees it: a read-only database beside a running
 * app (WAL lets it read while the app writes). Health is computed from the
 * stored runs; the scheduler's next-run time is the app's to know, so it is
 * left empty. sync_now is handed to the running app (see app-relay.ts).
 */
export function readonlyMirror(o: ReadonlyMirrorOptions): Mirror {
  const records = new RecordsRepo(o.db);
  const integrations = new IntegrationsRepo(o.db);
  const runs = new RunsRepo(o.db);
  const settings = new SettingsService(new SettingsRepo(o.db));
  const now = o.now ?? (() => new Date());
  return {
    search: async (q, f) => records.search(q, f),
    list: async (f) => records.list(f),
    get: async (id) => records.get(id),
    findByExternal: async (source, kind, externalId) => records.findByExternal(source, kind, externalId),
    settings: async () => settings.get(),
    async health(): Promise<Health[]> {
      return integrations.list().map((row) => {
        let title = row.connector;
        let required: string[] = [];
        try {
          const spec = getConnector(row.connector);
          title = spec.title;
          required = spec.secretFields.filter((f) => f.required).map((f) => f.name);
        } catch {
          // A connector this build does not ship: still listed, by its id.
        }
        const recentRuns = runs.recent(row.id, 20);
        const running = recentRuns.find((r) => r.status === 'running');
        return computeHealth({
          integrationId: row.id,
          name: row.name,
          connector: row.connector,
          connectorTitle: title,
          enabled: row.enabled,
          paused: row.paused,
          pausedAll: false,
          online: true,
          missingSecrets: required.filter((f) => !row.secretsSet.includes(f)),
          recentRuns,
          lastSuccess: runs.lastSuccess(row.id),
          lastTest: integrations.lastTest(row.id),
          runningRunId: running?.id ?? null,
          nextRunAt: null,
          recordCount: records.count(row.id),
          now: now().getTime(),
        });
      });
    },
    async syncNow(integration) {
      const row = integrations.get(integration) ?? integrations.getByName(integration);
      if (!row) throw new KinexusError('not_found', `No integration "${integration}".`, { action: 'Use an id or name from list_integrations' });
      return relaySyncNow(o.dataDir, row.id, o.secrets);
    },
  };
}
