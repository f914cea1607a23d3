import fs from 'node:fs';
import type { Dispatcher } from 'undici';
import { isMethodName, methods, type MethodName } from '../../shared/contract.ts';
import { invalidInput, toErrorBody, KinexusError } from '../../shared/errors.ts';
import type { CallReply } from '../../shared/protocol.ts';
import type { KeychainStatus } from '../../shared/schemas.ts';
import type { z } from 'zod';
import { connectors as defaultConnectors, getConnector } from '../connectors/registry.ts';
import type { ConnectorContext, ConnectorSpec } from '../connectors/types.ts';
import { HttpClient, type HttpProfile, type RequestLogEntry } from '../http/client.ts';
import { KeytarSecretStore } from '../secrets/keytar-store.ts';
import { secretAccount, type SecretStore } from '../secrets/secret-store.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { IntegrationsRepo, type IntegrationRow } from '../store/integrations-repo.ts';
import { SettingsRepo } from '../store/settings-repo.ts';
import { systemClock, type Clock } from '../sync/clock.ts';
import type { CoreApi } from './api.ts';
import { AppLog } from './app-log.ts';
import { EventBus } from './events.ts';
import { buildHandlers } from './handlers.ts';
import { IntegrationService } from './integrations.ts';
import { Redactor } from './redactor.ts';
import { SettingsService, type LoginItem } from './settings.ts';
import { SyncService } from './sync-service.ts';
import { createAutomations, type AutomationOptions, type Automations } from '../automation/automations.ts';
import { startAppEndpoint, type AppEndpoint } from '../mcp/app-endpoint.ts';

export interface CoreOptions {
  dataDir: string;
  /** Defaults to the OS keychain through keytar. */
  secretStore?: SecretStore;
  /** HTTP dispatcher for every connector (tests inject one; default honours proxy env). */
  dispatcher?: Dispatcher;
  clock?: Clock;
  random?: () => number;
  connectors?: ConnectorSpec<any>[];
  /** Per-request timeout for connection tests and syncs, ms. */
  httpTimeoutMs?: number;
  /** Extra HTTP client options for syncs (tests shorten backoff). */
  httpOverrides?: { baseDelayMs?: number; maxDelayMs?: number; maxWaitMs?: number; maxAttempts?: number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> };
  /** Run scheduled syncs (the app and `serve` do; one-shot CLI commands do not). */
  scheduler?: boolean;
  /** Serve the mirror to AI assistants over Streamable HTTP on 127.0.0.1 (the app and `serve` do); port 0 picks a free one. */
  mcp?: { port?: number };
  /** The OS login item (Electron shell); without it launchAtLogin is only stored. */
  loginItem?: LoginItem;
  /** Opens a URL in the system browser (Electron: shell.openExternal); links.open checks the URL first. */
  openExternal?: (url: string) => Promise<void>;
  /** Nova Act automations: browser, Python environment, timing (tests tune these). */
  automation?: AutomationOptions;
}

export interface Core extends CoreApi {
  readonly dataDir: string;
  readonly db: Db;
  readonly keychain: KeychainStatus;
  readonly log: AppLog;
  readonly sync: SyncService;
  readonly automations: Automations;
  /** Calls a method and throws its error: for in-process callers such as the CLI. */
  invoke<M extends MethodName>(method: M, params: unknown): Promise<z.output<(typeof methods)[M]['output']>>;
  /** The shell calls these on power and network events. */
  suspend(): void;
  resume(): void;
  setOnline(online: boolean): void;
  /** Stops the scheduler, lets running syncs commit their current batch (bounded), closes the database. */
  close(timeoutMs?: number): Promise<void>;
}


/**
 * Builds the whole product from injected parts. It runs the same in Electron,
 * the headless host, the CLI and tests; it never imports electron.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const list = options.connectors ?? defaultConnectors;
  const connector = (id: string) => getConnector(id, list);
  const redactor = new Redactor();
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const log = new AppLog(options.dataDir, redactor);
  const db = openDatabase(options.dataDir);
  const secretStore = options.secretStore ?? new KeytarSecretStore();
  const keychain = await secretStore.probe();
  if (keychain.state !== 'available') log.write('warn', 'keychain not usable', { state: keychain.state, reason: keychain.reason });

  const bus = new EventBus();
  const repo = new IntegrationsRepo(db);
  let sync: SyncService | undefined;
  const settingsRepo = new SettingsRepo(db);
  const settings = new SettingsService(settingsRepo, () => sync?.scheduler.rearm(), options.loginItem);
  const integrations = new IntegrationService({
    repo,
    secrets: secretStore,
    keychain: () => keychain,
    redactor,
    connector,
    now,
    onChanged: (ids) => {
      bus.emit('integrations.changed', { ids });
      sync?.scheduler.rearm();
    },
  });

  /** Builds what a connector may use for one integration. */
  function context(row: IntegrationRow, secrets: Record<string, string>, signal: AbortSignal, purpose: 'test' | 'sync', onRequest?: (e: RequestLogEntry) => void): ConnectorContext<any> {
    const spec = connector(row.connector);
    const parsed = spec.settings.parse(row.settings);
    const client = (profile: HttpProfile, report?: (e: RequestLogEntry) => void) =>
      new HttpClient({
        ...profile,
        dispatcher: options.dispatcher,
        signal,
        timeoutMs: options.httpTimeoutMs,
        ...(purpose === 'sync' ? options.httpOverrides : { maxAttempts: 2 }),
        onRequest: report,
        redact: (t) => redactor.redact(t),
      });
    const http = client(spec.http(parsed, secrets), onRequest);
    return {
      integrationId: row.id,
      integrationName: row.name,
      settings: parsed,
      secrets,
      http,
      signal,
      now,
      log: (level, message, fields) => log.write(level, message, { integration: row.id, ...fields }),
      // The vendor's login host shares the dispatcher, redaction and this run's request accounting.
      httpFor: (profile: HttpProfile) =>
        client(profile, (e) => {
          http.stats.requests++;
          http.stats.bytes += e.bytes;
          onRequest?.(e);
        }),
      addSecret: (value) => redactor.add(value),
      ...(spec.signIn ? { tokenCache: tokenCacheFor(row, spec.signIn.cacheField) } : {}),
    };
  }

  /** An interactive sign-in's token cache, kept in the keychain; SQLite only records that one is stored. */
  function tokenCacheFor(row: IntegrationRow, field: string) {
    const account = secretAccount(row.id, field);
    const usable = () => {
      if (keychain.state !== 'available') throw new KinexusError('secrets_unavailable', `The ${connector(row.connector).title} sign-in cannot be kept: the OS keychain is ${keychain.state}.`, { action: keychain.fix ?? 'Unlock the OS keychain' });
    };
    return {
      async load(): Promise<string | null> {
        usable();
        return secretStore.get(account);
      },
      async save(data: string): Promise<void> {
        usable();
        await secretStore.set(account, data);
        const current = repo.get(row.id);
        if (current && !current.secretsSet.includes(field)) {
          repo.update({ ...current, secretsSet: [...current.secretsSet, field], updatedAt: now().toISOString() });
          bus.emit('integrations.changed', { ids: [row.id] });
          sync?.refreshHealth([row.id]);
        }
      },
    };
  }

  async function loadSecrets(row: IntegrationRow): Promise<Record<string, string>> {
    const spec = connector(row.connector);
    if (row.secretsSet.length > 0 && keychain.state !== 'available') {
      throw new KinexusError('secrets_unavailable', `The ${spec.title} secrets cannot be read: the OS keychain is ${keychain.state}.`, { action: keychain.fix ?? 'Unlock the OS keychain' });
    }
    const secrets = await integrations.readSecrets(row);
    if (spec.signIn && !row.secretsSet.includes(spec.signIn.cacheField)) {
      throw new KinexusError('auth', `${row.name} is not signed in yet.`, { action: `${spec.signIn.action}: kinexus integrations sign-in ${row.id}` });
    }
    const missing = spec.secretFields.filter((f) => f.required && !secrets[f.name]);
    if (missing.length > 0) {
      throw new KinexusError('auth', `No ${missing.map((f) => f.label).join(', ')} is stored for ${row.name}.`, { action: `Reconnect ${spec.title}: enter the ${missing[0].label}` });
    }
    return secrets;
  }

  sync = new SyncService({
    db,
    repo,
    integrations,
    settings,
    connector,
    bus,
    redactor,
    clock,
    random: options.random ?? Math.random,
    isKeychainUsable: () => keychain.state === 'available',
    onSchedulerError: (integrationId, err) => log.write('error', 'a scheduled sync could not start', { integration: integrationId, message: (err as Error)?.message }),
    async prepare(id, signal, onRequest) {
      const row = integrations.find(id);
      const spec = connector(row.connector);
      const secrets = await loadSecrets(row);
      return { spec, ctx: context(row, secrets, signal, 'sync', onRequest) };
    },
  });
  // Pausing all syncs is a choice the user expects to survive a restart.
  const pausedAll = settingsRepo.get<boolean>('scheduler.pausedAll') ?? false;
  sync.start({ scheduler: options.scheduler ?? false, pausedAll });
  const automations = createAutomations({ db, dataDir: options.dataDir, secrets: secretStore, keychain: () => keychain, redactor, bus, clock, random: options.random ?? Math.random, log, options: options.automation });
  automations.start({ scheduler: options.scheduler ?? false });

  // Aborted on close: an interactive sign-in still waiting for the user stops polling.
  const closing = new AbortController();
  // Started once the core is complete (below); handlers read it through this reference.
  let mcpEndpoint: AppEndpoint | null = null;
  const handlers = buildHandlers({ mcp: () => mcpEndpoint, closing: closing.signal, db, dataDir: options.dataDir, keychain: () => keychain, connectors: list, connector, integrations, settings, settingsRepo, sync, bus, redactor, log, now, loadSecrets, context, openExternal: options.openExternal, automationHandlers: automations.handlers });

  async function call(method: string, params: unknown): Promise<CallReply> {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'invalid_input', message: `Unknown method "${method}".`, action: 'Update the app: the UI and the core disagree' } };
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(params ?? {});
    if (!parsed.success) return { ok: false, error: invalidInput(parsed.error.issues, `input to ${method}`).toBody() };
    try {
      const result = await (handlers[method] as (i: unknown) => Promise<unknown>)(parsed.data);
      return { ok: true, result: redactor.redactDeep(spec.output.parse(result)) };
    } catch (err) {
      const body = redactor.redactDeep(toErrorBody(err));
      if (body.code === 'internal') log.write('error', 'internal error', { method, message: body.message, stack: redactor.redact(String((err as Error)?.stack)) });
      return { ok: false, error: body };
    }
  }

  let closed = false;
  const s = sync;
  const core: Core = {
    dataDir: options.dataDir,
    db,
    get keychain() {
      return keychain;
    },
    log,
    sync: s,
    automations,
    call,
    onEvent: (listener) => bus.on(listener),
    async invoke(method, params) {
      const reply = await call(method, params);
      if (!reply.ok) throw new KinexusError(reply.error.code, reply.error.message, { action: reply.error.action, field: reply.error.field, retryAt: reply.error.retryAt });
      return reply.result as never;
    },
    suspend: () => (s.scheduler.suspend(), automations.runner.scheduler.suspend()),
    resume: () => (s.scheduler.resume(), automations.runner.scheduler.resume()),
    setOnline: (online) => (s.scheduler.setOnline(online), automations.runner.scheduler.setOnline(online)),
    async close(timeoutMs = 5000) {
      if (closed) return;
      closed = true;
      closing.abort();
      await mcpEndpoint?.close();
      // Every automation's worker and browser end here, before the database closes under them.
      await automations.stop();
      await s.stop(timeoutMs);
      db.close();
    },
  };
  if (options.mcp) mcpEndpoint = await startAppEndpoint({ core, dataDir: options.dataDir, secretStore, keychainUsable: keychain.state === 'available', port: options.mcp.port, now });
  return core;
}
