import { z } from 'zod';
import type { AutomationHandlers } from '../automation/automations.ts';
import type { EventData, methods, MethodName } from '../../shared/contract.ts';
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
import type { SettingsRepo } from '../store/settings-repo.ts';
import type { SyncService } from './sync-service.ts';
import type { AppEndpoint } from '../mcp/app-endpoint.ts';
import { stdioClientConfig } from '../mcp/client-config.ts';

export type Handlers = { [M in MethodName]: (input: z.output<(typeof methods)[M]['input']>) => Promise<z.input<(typeof methods)[M]['output']>> };

export interface HandlerDeps {
  db: Db;
  dataDir: string;
  keychain: () => KeychainStatus;
  connectors: ConnectorSpec<any>[];
  connector: (id: string) => ConnectorSpec<any>;
  integrations: IntegrationService;
  settings: SettingsService;
  settingsRepo: SettingsRepo;
  sync: SyncService;
  bus: EventBus;
  redactor: Redactor;
  log: AppLog;
  now: () => Date;
  /** Aborted when the core closes (stops interactive sign-ins still waiting for the user). */
  closing?: AbortSignal;
  loadSecrets(row: IntegrationRow): Promise<Record<string, string>>;
  context(row: IntegrationRow, secrets: Record<string, string>, signal: AbortSignal, purpose: 'test' | 'sync'): ConnectorContext<any>;
  /** The app's MCP endpoint, when the core runs one. */
  mcp?: () => AppEndpoint | null;
  /** Opens an approved URL in the system browser; absent where there is none (the headless host). */
  openExternal?: (url: string) => Promise<void>;
  /** The automations.* and novaAct.* methods (main/automation). */
  automationHandlers: AutomationHandlers;
}

/** One handler per contract method; inputs arrive parsed, outputs are parsed on the way out. */
export function buildHandlers(d: HandlerDeps): Handlers {
  const { integrations, sync } = d;

  async function testIntegration(id: string): Promise<TestResult> {
    const row = integrations.find(id);
    const result = await runTest(row, () => d.loadSecrets(row));
    integrations.saveTest(row, result);
    d.log.write(result.ok ? 'info' : 'warn', 'connection test', { integration: row.id, ok: result.ok, code: result.error?.code });
    d.bus.emit('integration.tested', { id: row.id, result });
    d.bus.emit('integrations.changed', { ids: [row.id] });
    sync.refreshHealth([row.id]);
    return result;
  }

  /** Runs the connector's test for a row (stored or draft); failures become a result, never a throw. */
  async function runTest(row: IntegrationRow, secretsOf: () => Promise<Record<string, string>>): Promise<TestResult> {
    const spec = d.connector(row.connector);
    const at = d.now().toISOString();
    const started = performance.now();
    let result: TestResult;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 60_000);
    try {
      const secrets = await secretsOf();
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
    return result;
  }

  /**
   * Tests unsaved settings. The draft's secrets are used for this one test and
   * only remembered by the redactor (so an echo in an error is scrubbed); with
   * an id, stored secrets fill in the fields the form left empty.
   */
  async function testDraft(input: { connector: string; settings: Record<string, unknown>; secrets: Record<string, string>; id?: string }): Promise<TestResult> {
    const spec = d.connector(input.connector);
    const settings = integrations.parseSettings(spec, input.settings);
    const known = spec.secretFields.map((f) => f.name);
    const given = Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => v !== ''));
    for (const k of Object.keys(given)) {
      if (!known.includes(k)) throw new KinexusError('invalid_input', `"${k}" is not a secret of ${spec.title}.`, { field: `secrets.${k}` });
    }
    const stored = input.id ? integrations.find(input.id) : undefined;
    if (stored && stored.connector !== spec.id) throw new KinexusError('invalid_input', `${stored.name} is a ${d.connector(stored.connector).title} integration, not ${spec.title}.`, { field: 'connector' });
    const now = d.now().toISOString();
    const row: IntegrationRow = stored ? { ...stored, settings } : { id: 'draft', connector: spec.id, name: `New ${spec.title} integration`, enabled: true, settings, secretsSet: [], createdAt: now, updatedAt: now, schedule: null, paused: false };
    for (const v of Object.values(given)) d.redactor.add(v);
    const missing = spec.secretFields.filter((f) => f.required && !given[f.name] && !stored?.secretsSet.includes(f.name));
    if (missing.length > 0) throw new KinexusError('invalid_input', `Enter the ${missing[0].label} to test the connection.`, { field: `secrets.${missing[0].name}`, action: `Enter the ${missing[0].label}` });
    const needStored = stored ? stored.secretsSet.filter((f) => !given[f]) : [];
    return runTest(row, async () => ({ ...(needStored.length > 0 ? await integrations.readSecrets(stored!) : {}), ...given }));
  }

  /** Every host a configured integration links to, from its connector's hosts(settings). */
  function configuredHosts(): Set<string> {
    const hosts = new Set<string>();
    for (const i of integrations.list()) {
      try {
        const spec = d.connector(i.connector);
        for (const h of spec.hosts(spec.settings.parse(i.settings))) hosts.add(h.toLowerCase());
      } catch {
        // An integration whose settings no longer parse links nowhere.
      }
    }
    return hosts;
  }

  /** The URL, normalized, when it is http(s) without user info on exactly a configured host; else a permission error. */
  function approvedLink(raw: string): string {
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
      throw new KinexusError('invalid_input', 'Only http and https links can be opened.', { field: 'url' });
    }
    const host = url.hostname.replace(/\.$/, '').toLowerCase();
    if (!configuredHosts().has(host)) {
      throw new KinexusError('permission', `Kinexus opens links only to the hosts of your integrations, and ${host} is not one of them.`, { field: 'url', action: 'Copy the link and open it yourself if you trust it' });
    }
    return url.href;
  }

  type DeviceCode = EventData<'auth.deviceCode'>;
  type SignedIn = { identity: string; runId: string | null };
  const signIns = new Map<string, { prompt: Promise<DeviceCode | null>; done: Promise<SignedIn> }>();

  /** Starts (or joins) an integration's interactive sign-in; its device code goes out as `auth.deviceCode`. */
  function signIn(id: string): { prompt: Promise<DeviceCode | null>; done: Promise<SignedIn> } {
    const row = integrations.find(id);
    const spec = d.connector(row.connector);
    if (!spec.signIn) throw new KinexusError('invalid_input', `${spec.title} does not sign in interactively; it uses ${spec.secretFields.map((f) => f.label).join(', ') || 'no credentials'}.`, { field: 'id', action: `Enter them with "kinexus integrations update ${row.id} --secrets-stdin"` });
    const running = signIns.get(row.id);
    if (running) return running;
    const ac = new AbortController();
    const stop = () => ac.abort();
    d.closing?.addEventListener('abort', stop, { once: true });
    let show: (code: DeviceCode | null) => void = () => undefined;
    const prompt = new Promise<DeviceCode | null>((resolve) => (show = resolve));
    const ctx: ConnectorContext<any> = {
      ...d.context(row, {}, ac.signal, 'test'),
      onDeviceCode: (p) => {
        const code = { integrationId: row.id, ...p };
        show(code);
        d.bus.emit('auth.deviceCode', code);
      },
    };
    const done = spec.signIn
      .run(ctx)
      .then(
        ({ identity }) => {
          d.log.write('info', 'signed in', { integration: row.id });
          d.bus.emit('auth.signedIn', { integrationId: row.id, identity });
          // Sync right away: the mirror fills, and health stops reporting an earlier sign-in failure.
          let runId: string | null = null;
          try {
            runId = sync.trigger(row.id, 'ui').runId;
          } catch {
            // Disabled or offline: the schedule syncs it later.
          }
          return { identity, runId };
        },
        (err: unknown) => {
          const error = d.redactor.redactDeep(toErrorBody(err));
          d.log.write('warn', 'sign-in failed', { integration: row.id, code: error.code });
          d.bus.emit('auth.signInFailed', { integrationId: row.id, error });
          throw err;
        },
      )
      .finally(() => {
        signIns.delete(row.id);
        d.closing?.removeEventListener('abort', stop);
        show(null);
      });
    done.catch(() => undefined); // nobody may be waiting: the failure went out as an event
    const entry = { prompt, done };
    signIns.set(row.id, entry);
    return entry;
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
        signIn: c.signIn !== undefined,
      })),
    'connectors.validateSettings': async ({ connector: id, settings: raw }) => ({ settings: integrations.parseSettings(d.connector(id), raw) }),
    'connectors.checkSettings': async ({ connector: id, settings: raw }) => {
      const parsed = d.connector(id).settings.safeParse(raw);
      if (parsed.success) return { ok: true, settings: parsed.data as Record<string, unknown>, issues: [] };
      return { ok: false, settings: null, issues: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })) };
    },
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
    'integrations.signIn': async ({ id, wait }) => {
      const s = signIn(id);
      if (wait) return { state: 'signed_in', ...(await s.done), deviceCode: await s.prompt };
      const deviceCode = await Promise.race([s.prompt, s.done.then(() => null)]);
      return deviceCode ? { state: 'pending', identity: null, runId: null, deviceCode } : { state: 'signed_in', ...(await s.done), deviceCode: null };
    },
    'integrations.testDraft': async (input) => testDraft(input),
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
      else {
        sync.scheduler.setPausedAll(true);
        d.settingsRepo.set('scheduler.pausedAll', true);
      }
      sync.scheduler.rearm();
      return pausedState();
    },
    'scheduler.resume': async ({ id }) => {
      if (id) integrations.setPaused(id, false);
      else {
        sync.scheduler.setPausedAll(false);
        d.settingsRepo.set('scheduler.pausedAll', false);
      }
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
    'logs.list': async ({ runId, levels, q, afterSeq, offset, limit }) => {
      if (!sync.runs.get(runId)) throw new KinexusError('not_found', `No sync run "${runId}".`, { field: 'runId', action: 'Run "kinexus runs" to see recent runs' });
      return sync.runs.logs(runId, { levels, q, afterSeq, offset, limit });
    },
    'records.search': async ({ q, ...f }) => sync.records.search(q, f),
    'records.list': async (f) => sync.records.list(f),
    'records.get': async ({ id }) => {
      const r = sync.records.get(id);
      if (!r) throw new KinexusError('not_found', `No record ${id} in the mirror.`, { field: 'id' });
      return r;
    },
    'links.open': async ({ url }) => {
      const approved = approvedLink(url);
      if (!d.openExternal) return { url: approved, opened: false };
      await d.openExternal(approved);
      return { url: approved, opened: true };
    },
    'settings.get': async () => d.settings.get(),
    'settings.update': async (patch) => d.settings.update(patch),
    'mcp.info': async () => d.mcp?.()?.info() ?? { enabled: false, endpoint: null, error: 'This process does not serve MCP over HTTP; "kinexus mcp" serves it over stdio.', tokenHint: null, tokenPersistent: false, clientConfig: { http: null, stdio: stdioClientConfig(d.dataDir) } },
    'mcp.token': async () => {
      const t = d.mcp?.()?.token();
      if (!t) throw new KinexusError('config', 'The MCP endpoint is not running, so it has no token.', { action: 'Start Kinexus Desktop (or "kinexus serve"); if it says the port is taken, close the program using it' });
      return t;
    },
    ...d.automationHandlers,
  };
}
