import { z } from 'zod';
import { automationEvents, automationMethods } from './automation.ts';
import { ApiErrorBody } from './errors.ts';
import { ConnectorInfo, Integration, StatusReport, TestResult } from './schemas.ts';
import { AppSettings, FullRecord, Health, LogLevel, LogLine, RecordHit, RunStatus, Schedule, SearchPage, SyncRun, Trigger } from './sync.ts';

/** One API method: a zod schema for what goes in and one for what comes out. */
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) {
  return { input, output, doc };
}

const Empty = z.object({}).strict();
const ById = z.object({ id: z.string().min(1, 'an integration id is required') }).strict();
const Settings = z.record(z.string(), z.unknown());
/** A device code the user enters at the verification page (on any device) to finish signing in. */
const DeviceCode = z.object({ integrationId: z.string(), userCode: z.string(), verificationUri: z.string(), message: z.string(), expiresAt: z.string() });
/** Secret values travel only inward (UI/CLI → core → keychain), never back out. */
const SecretValues = z.record(z.string(), z.string());

/** What the dashboard shows about the MCP endpoint; the token itself only comes from 'mcp.token'. */
const McpInfo = z.object({
  enabled: z.boolean(),
  endpoint: z.string().nullable(),
  /** Why the endpoint is off, when it is (e.g. its port is taken). */
  error: z.string().nullable(),
  /** The last characters of the token, to tell tokens apart. */
  tokenHint: z.string().nullable(),
  /** False when the keychain is unusable: the token then changes at every start. */
  tokenPersistent: z.boolean(),
  clientConfig: z.object({ http: z.record(z.string(), z.unknown()).nullable(), stdio: z.record(z.string(), z.unknown()) }),
});

/**
 * The API contract. Both transports (Electron IPC and the headless host's
 * WebSocket) are generic over this table: adding a method is one entry here
 * and one handler in the core.
 */
export const methods = {
  'status.get': method(Empty, StatusReport, 'Workspace state: data dir, schema version, keychain, integrations.'),
  'connectors.list': method(Empty, z.array(ConnectorInfo), 'Connectors this build offers, with their settings schema.'),
  'connectors.validateSettings': method(
    z.object({ connector: z.string().min(1), settings: Settings }).strict(),
    z.object({ settings: Settings }),
    'Checks settings against the connector\'s schema; the error names the first bad field.',
  ),
  'connectors.checkSettings': method(
    z.object({ connector: z.string().min(1), settings: Settings }).strict(),
    z.object({ ok: z.boolean(), settings: Settings.nullable(), issues: z.array(z.object({ field: z.string(), message: z.string() })) }),
    'Checks settings against the connector\'s schema and lists every problem by field (for forms); never throws for bad settings.',
  ),
  'integrations.list': method(Empty, z.array(Integration), 'All configured integrations.'),
  'integrations.get': method(ById, Integration, 'One integration by id (or by name).'),
  'integrations.add': method(
    z.object({ connector: z.string().min(1), name: z.string().trim().min(1, 'a name is required').max(80), settings: Settings.default({}), secrets: SecretValues.default({}), enabled: z.boolean().default(true) }).strict(),
    Integration,
    'Add an integration: settings are validated by its connector, secrets go to the keychain.',
  ),
  'integrations.update': method(
    z.object({ id: z.string().min(1), name: z.string().trim().min(1).max(80).optional(), settings: Settings.optional(), secrets: SecretValues.optional() }).strict(),
    Integration,
    'Change name, settings or secrets (only the secrets given are replaced).',
  ),
  'integrations.remove': method(ById, z.object({ id: z.string(), removed: z.literal(true) }), 'Remove an integration, its keychain entries and its data.'),
  'integrations.setEnabled': method(z.object({ id: z.string().min(1), enabled: z.boolean() }).strict(), Integration, 'Enable or disable an integration.'),
  'integrations.test': method(ById, TestResult, 'Run the connector\'s connection test and store the result.'),
  'integrations.signIn': method(
    z.object({ id: z.string().min(1, 'an integration id is required'), wait: z.boolean().default(false) }).strict(),
    z.object({ state: z.enum(['pending', 'signed_in']), identity: z.string().nullable(), runId: z.string().nullable(), deviceCode: DeviceCode.nullable() }),
    'Starts the interactive sign-in (device code) of an integration that has one, or joins the one under way. Without wait, resolves with the code to show; with wait, once signed in. The code also goes out as auth.deviceCode; once signed in, a sync starts (runId).',
  ),
  'integrations.testDraft': method(
    z.object({ connector: z.string().min(1), settings: Settings, secrets: SecretValues.default({}), id: z.string().min(1).optional() }).strict(),
    TestResult,
    'Tests settings that are not saved: nothing is stored or pushed. Secrets given are used once; with id, the stored ones fill in those not given.',
  ),
  'integrations.setSchedule': method(
    z.object({ id: z.string().min(1), schedule: Schedule.nullable() }).strict(),
    Integration,
    'Set an interval, a cron expression or manual-only; null goes back to the default interval.',
  ),
  'sync.run': method(
    z.object({ id: z.string().min(1), trigger: Trigger.default('ui'), wait: z.boolean().default(false) }).strict(),
    z.object({ state: z.enum(['started', 'running', 'queued']), run: SyncRun.nullable() }),
    'Sync one integration now. A sync already running or queued is joined, not repeated. With wait, resolves with the finished run.',
  ),
  'sync.runAll': method(
    z.object({ trigger: Trigger.default('ui') }).strict(),
    z.object({ started: z.array(z.string()), skipped: z.array(z.object({ id: z.string(), reason: z.string() })) }),
    'Sync every enabled integration now (within the concurrency limit).',
  ),
  'sync.cancel': method(z.object({ runId: z.string().min(1) }).strict(), z.object({ cancelled: z.boolean() }), 'Cancel a running sync; what was committed is kept.'),
  'scheduler.pause': method(z.object({ id: z.string().min(1).optional() }).strict(), z.object({ pausedAll: z.boolean(), paused: z.array(z.string()) }), 'Pause scheduled syncs for one integration, or all when no id is given.'),
  'scheduler.resume': method(z.object({ id: z.string().min(1).optional() }).strict(), z.object({ pausedAll: z.boolean(), paused: z.array(z.string()) }), 'Resume scheduled syncs for one integration, or all when no id is given.'),
  'health.list': method(Empty, z.array(Health), 'Health of every integration.'),
  'runs.list': method(
    z.object({ integrationId: z.string().optional(), status: RunStatus.optional(), limit: z.number().int().min(1).max(1000).default(50), before: z.string().optional() }).strict(),
    z.array(SyncRun),
    'Sync runs, newest first.',
  ),
  'runs.get': method(z.object({ runId: z.string().min(1) }).strict(), SyncRun, 'One sync run.'),
  'logs.list': method(
    z.object({ runId: z.string().min(1), levels: z.array(LogLevel).optional(), q: z.string().max(200).optional(), afterSeq: z.number().int().min(0).optional(), offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(100_000).default(1000) }).strict(),
    z.object({ lines: z.array(LogLine), total: z.number().int() }),
    'Log lines of a run, in order; afterSeq pages forward, offset skips that many matching lines (a view reads only the part in sight).',
  ),
  'records.search': method(
    z.object({ q: z.string().trim().min(1, 'type something to search for').max(500), source: z.string().optional(), kind: z.string().optional(), integrationId: z.string().optional(), updatedSince: z.string().optional(), limit: z.number().int().min(1).max(200).default(20), offset: z.number().int().min(0).default(0) }).strict(),
    SearchPage,
    'Full-text search over the mirror, best matches first (bm25 over a window of the newest matches at a time), with snippets; total is a lower bound when totalIsAtLeast.',
  ),
  'records.list': method(
    z.object({ source: z.string().optional(), kind: z.string().optional(), integrationId: z.string().optional(), updatedSince: z.string().optional(), limit: z.number().int().min(1).max(1000).default(50), offset: z.number().int().min(0).default(0) }).strict(),
    z.object({ hits: z.array(RecordHit), total: z.number().int() }),
    'Mirrored records by source and kind, most recently updated first.',
  ),
  'records.get': method(z.object({ id: z.number().int() }).strict(), FullRecord, 'One mirrored record with its text and raw JSON.'),
  'links.open': method(
    z.object({ url: z.string().min(1).max(16_384) }).strict(),
    z.object({ url: z.string(), opened: z.boolean() }),
    'Opens an http(s) URL on a host of a configured integration in the system browser. opened is false where the core has no browser (the headless host): the UI opens the approved url itself.',
  ),
  'settings.get': method(Empty, AppSettings, 'App settings.'),
  'settings.update': method(AppSettings.partial().strict(), AppSettings, 'Change app settings; only the fields given change.'),
  'mcp.info': method(Empty, McpInfo, 'The MCP endpoint for AI assistants: its address, a hint of its token, ready-to-paste client configurations.'),
  'mcp.token': method(Empty, z.object({ token: z.string(), clientConfig: z.record(z.string(), z.unknown()) }), 'The MCP endpoint token and a client configuration with it filled in, for the user to copy. Never logged.'),
  ...automationMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

/** Events pushed from the core to every connected UI. Named after what happened. */
export const events = {
  'integrations.changed': z.object({ ids: z.array(z.string()) }),
  'integration.tested': z.object({ id: z.string(), result: TestResult }),
  'run.started': z.object({ run: SyncRun }),
  'run.progress': z.object({ run: SyncRun }),
  'run.finished': z.object({ run: SyncRun }),
  'run.log': z.object({ line: LogLine }),
  'health.changed': z.object({ health: Health, previous: Health.shape.state.nullable() }),
  'auth.deviceCode': DeviceCode,
  'auth.signedIn': z.object({ integrationId: z.string(), identity: z.string() }),
  'auth.signInFailed': z.object({ integrationId: z.string(), error: ApiErrorBody }),
  /** Sent by the Electron shell (a notification or "Open in Kinexus" in the tray was clicked), not by the core. */
  'shell.openIntegration': z.object({ integrationId: z.string() }),
  ...automationEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventData<E extends EventName> = z.output<Events[E]>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
