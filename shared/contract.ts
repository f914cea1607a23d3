import { z } from 'zod';
import { ConnectorInfo, Integration, StatusReport, TestResult } from './schemas.ts';

/** One API method: a zod schema for what goes in and one for what comes out. */
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) {
  return { input, output, doc };
}

const Empty = z.object({}).strict();
const ById = z.object({ id: z.string().min(1, 'an integration id is required') }).strict();
const Settings = z.record(z.string(), z.unknown());
/** Secret values travel only inward (UI/CLI → core → keychain), never back out. */
const SecretValues = z.record(z.string(), z.string());

/**
 * The API contract. Both transports (Electron IPC and the headless host's
 * WebSocket) are generic over this table: adding a method is one entry here
 * and one handler in the core.
 */
export const methods = {
  'status.get': method(Empty, StatusReport, 'Workspace state: data dir, schema version, keychain, integrations.'),
  'connectors.list': method(Empty, z.array(ConnectorInfo), 'Connectors this build offers, with their settings schema.'),
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
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

/** Events pushed from the core to every connected UI. Named after what happened. */
export const events = {
  'integrations.changed': z.object({ ids: z.array(z.string()) }),
  'integration.tested': z.object({ id: z.string(), result: TestResult }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventData<E extends EventName> = z.output<Events[E]>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
