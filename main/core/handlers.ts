import { z } from 'zod';
import type { methods, MethodName } from '../../shared/contract.ts';
import { KinexusError, toErrorBody } from '../../shared/errors.ts';
import type { ConnectorInfo, KeychainStatus, StatusReport, TestResult } from '../../shared/schemas.ts';
import type { ConnectorContext, ConnectorSpec } from '../connectors/types.ts';
import type { Db } from '../store/database.ts';
import { schemaVersion } from '../store/database.ts';
import type { IntegrationRow } from '../store/integrations-repo.ts';
import type { AppLog } from './app-log.ts';
import { VERSION } from './version.ts';
import type { EventBus } from './events.ts';
import type { IntegrationService } from './integrations.ts';
import type { Redactor } from './redactor.ts';
import type { SettingsService } from './settings.ts';
import type { SyncService } from './sync-service.ts';

export type Handlers = { [M in MethodName]: (input: z.output<(typeof methods)[M]['input']>) => Promise<z.input<(typeof methods)[M]['output']>> };

export interface HandlerDeps {
  db: Db;
  dataDir: string;
  keychain: () => KeychainStatus;
  connectors: ConnectorSpec<any>[];
  connector: (id: string) => ConnectorSpec<any>;
  integrations: IntegrationService;
  settings: SettingsService;
  sync: SyncService;
  bus: EventBus;
  redactor: Redactor;
  log: AppLog;
  now: () => Date;
  loadSecrets(row: IntegrationRow): Promise<Record<string, string>>;
  context(row: IntegrationRow, secrets: Record<string, string>, signal: AbortSignal, purpose: 'test' | 'sync'): ConnectorContext<any>;
}

/** One handler per contract method; inputs arrive parsed, outputs are parsed on the way out. */
export function buildHandlers(d: HandlerDeps): Handlers {
  const { integrations, sync } = d;

  async function testIntegration(id: string): Promise<TestResult> {
    const row = integrations.find(id);
    const spec = d.connector(row.connector);
    const at = d.now().toISOString();
    const started = performance.now();
    let result: TestResult;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 60_000);
    try {
      const secrets = await d.loadSecrets(row);
      const report = await spec.testConnection(d.context(row, secrets, ac.signal, 'test'));
      const failing = report.reachable.filter((r) => !r.ok);
      result = {
        ok: failing.length === 0,
        at,
        latencyMs: report.latencyMs ?? Math.round(performance.now() - started),
        identity: report.identity,
        scopes: report.scopes ?? null,
        reachable: report.reachable,
        error:
          failing.length === 0
            ? null
            : { code: 'config', message: `${spec.title} cannot reach ${failing.map((f) => f.name).join(', ')}.`, action: `Open the ${spec.title} settings and fix or remove ${failing.length === 1 ? 'it' : 'them'}` },
      };
    } catch (err) {
      result = { ok: false, at, latencyMs: null, identity: null, scopes: null, reachable: [], error: d.redactor.redactDeep(toErrorBody(err)) };
    } finally {
      clearTimeout(timer);
    }
    integrations.saveTest(row, result);
    d.log.write(result.ok ? 'info' : 'warn', 'connection test', { integration: row.id, ok: result.ok, code: result.error?.code });
    d.bus.emit('integration.tested', { id: row.id, result });
    d.bus.emit('integrations.changed', { ids: [row.id] });
    sync.refreshHealth([row.id]);
    return result;
  }

  const pausedState = () => ({ pausedAll: sync.scheduler.isPausedAll, paused: integrations.list().filter((i) => i.paused).map((i) => i.id) });

  return {
    'status.get': async (): Promise<StatusReport> => ({
      version: VERSION,
      dataDir: d.dataDir,
      schemaVersion: schemaVersion(d.db),
      keychain: d.keychain(),
      integrations: integrations.list(),
      health: sync.healthAll(),
      scheduler: { pausedAll: sync.scheduler.isPausedAll, online: sync.scheduler.isOnline, suspended: sync.scheduler.isSuspended },
      settings: d.settings.get(),
    }),
    'connectors.list': async (): Promise<ConnectorInfo[]> =>
      d.connectors.map((c) => ({
        id: c.id,
        title: c.title,
        description: c.description,
        settingsSchema: z.toJSONSchema(c.settings, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
        secretFields: c.secretFields,
        streams: c.streams.map((s) => ({ name: s.name, title: s.title, kind: s.kind })),
      })),
    'connectors.validateSettings': async ({ connector: id, settings: raw }) => ({ settings: integrations.parseSettings(d.connector(id), raw) }),
    'integrations.list': async () => integrations.list(),
    'integrations.get': async ({ id }) => integrations.get(id),
    'integrations.add': async (input) => integrations.add(input),
    'integrations.update': async (input) => integrations.update(input),
    'integrations.remove': async ({ id }) => {
      const row = integrations.find(id);
      const running = sync.engine.running(row.id);
      if (running) {
        sync.engine.cancel(running.runId);
        await running.done.catch(() => undefined);
      }
      return integrations.remove(row.id);
    },
    'integrations.setEnabled': async ({ id, enabled }) => integrations.setEnabled(id, enabled),
    'integrations.test': async ({ id }) => testIntegration(id),
    'integrations.setSchedule': async ({ id, schedule }) => integrations.setSchedule(id, schedule),
    'sync.run': async ({ id, trigger, wait }) => {
      const r = sync.trigger(id, trigger);
      if (wait) return { state: r.state, run: await r.done };
      return { state: r.state, run: r.runId ? (sync.runs.get(r.runId) ?? null) : null };
    },
    'sync.runAll': async ({ trigger }) => sync.runAll(trigger),
    'sync.cancel': async ({ runId }) => ({ cancelled: sync.engine.cancel(runId) }),
    'scheduler.pause': async ({ id }) => {
      if (id) integrations.setPaused(id, true);
      else sync.scheduler.setPausedAll(true);
      sync.scheduler.rearm();
      return pausedState();
    },
    'scheduler.resume': async ({ id }) => {
      if (id) integrations.setPaused(id, false);
      else sync.scheduler.setPausedAll(false);
      sync.scheduler.rearm();
      return pausedState();
    },
    'health.list': async () => sync.healthAll(),
    'runs.list': async (f) => sync.runs.list(f),
    'runs.get': async ({ runId }) => {
      const run = sync.runs.get(runId);
      if (!run) throw new KinexusError('not_found', `No sync run "${runId}".`, { field: 'runId', action: 'Run "kinexus runs" to see recent runs' });
      return run;
    },
    'logs.list': async ({ runId, levels, q, afterSeq, limit }) => {
      if (!sync.runs.get(runId)) throw new KinexusError('not_found', `No sync run "${runId}".`, { field: 'runId', action: 'Run "kinexus runs" to see recent runs' });
      return sync.runs.logs(runId, { levels, q, afterSeq, limit });
    },
    'records.search': async ({ q, ...f }) => sync.records.search(q, f),
    'records.list': async (f) => sync.records.list(f),
    'records.get': async ({ id }) => {
      const r = sync.records.get(id);
      if (!r) throw new KinexusError('not_found', `No record ${id} in the mirror.`, { field: 'id' });
      return r;
    },
    'settings.get': async () => d.settings.get(),
    'settings.update': async (patch) => d.settings.update(patch),
  };
}
