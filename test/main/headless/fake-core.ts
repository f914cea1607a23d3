import { invalidInput, toErrorBody, KinexusError } from '../../../shared/errors.ts';
import { isMethodName, methods, type MethodName } from '../../../shared/contract.ts';
import type { CallReply } from '../../../shared/protocol.ts';
import type { Integration, StatusReport, TestResult } from '../../../shared/schemas.ts';
import { AppSettings } from '../../../shared/sync.ts';
import type { CoreApi } from '../../../main/core/api.ts';

type Listener = (event: string, data: unknown) => void;

export interface FakeCore extends CoreApi {
  /** Every call the fake received, in order. */
  calls: { method: string; params: unknown }[];
  integrations: Integration[];
  /** Pushes an event to all listeners, as the real core would. */
  emit(event: string, data: unknown): void;
  listenerCount(): number;
  /** Result the next integrations.test returns for an integration id (default: ok). */
  testResults: Map<string, TestResult>;
  /** Delay of integrations.test, so a UI can show its pending state. */
  testDelayMs: number;
}

const NOW = '2025-01-02T03:04:05.000Z';

/** A GitHub-like integration for fixtures. */
export function sampleIntegration(over: Partial<Integration> = {}): Integration {
  return {
    id: 'int_1',
    connector: 'github',
    name: 'Acme GitHub',
    enabled: true,
    settings: { repositories: ['acme/api'] },
    secrets: { token: true },
    createdAt: NOW,
    updatedAt: NOW,
    lastTest: null,
    schedule: null,
    paused: false,
    ...over,
  };
}

export function okResult(over: Partial<TestResult> = {}): TestResult {
  return { ok: true, at: NOW, latencyMs: 42, identity: 'octocat', scopes: ['repo'], reachable: [{ name: 'acme/api', ok: true }], error: null, ...over };
}

/**
 * An in-memory CoreApi that parses input with the real contract, like the
 * core does, so transports and the UI can be tested without SQLite or a
 * keychain.
 */
export function createFakeCore(initial: Integration[] = []): FakeCore {
  const listeners = new Set<Listener>();
  const integrations = [...initial];
  let nextId = initial.length + 1;

  const find = (id: string) => {
    const found = integrations.find((i) => i.id === id || i.name === id);
    if (!found) throw new KinexusError('not_found', `No integration "${id}"`, { action: 'Run kinexus integrations list' });
    return found;
  };

  const handlers: { [M in MethodName]?: (input: any) => unknown | Promise<unknown> } = {
    'status.get': (): StatusReport => ({
      version: '0.1.0',
      dataDir: '/tmp/kinexus-fake',
      schemaVersion: 3,
      keychain: { state: 'unavailable', backend: 'memory', reason: 'No Secret Service on this machine', fix: 'Install gnome-keyring and log in again' },
      integrations,
      health: [],
      scheduler: { pausedAll: false, online: true, suspended: false },
      settings: AppSettings.parse({}),
    }),
    'connectors.list': () => [{ id: 'github', title: 'GitHub', description: 'Repositories', settingsSchema: {}, secretFields: [{ name: 'token', label: 'Token', required: true }], streams: [], signIn: false }],
    'integrations.list': () => integrations,
    'integrations.get': ({ id }: { id: string }) => find(id),
    'integrations.add': (input: { connector: string; name: string; settings: Record<string, unknown>; secrets: Record<string, string>; enabled: boolean }) => {
      const added = sampleIntegration({
        id: `int_${nextId++}`,
        connector: input.connector,
        name: input.name,
        enabled: input.enabled,
        settings: input.settings,
        secrets: Object.fromEntries(Object.keys(input.secrets).map((k) => [k, true])),
      });
      integrations.push(added);
      fake.emit('integrations.changed', { ids: [added.id] });
      return added;
    },
    'integrations.test': async ({ id }: { id: string }) => {
      const target = find(id);
      if (fake.testDelayMs > 0) await new Promise((r) => setTimeout(r, fake.testDelayMs));
      const result = fake.testResults.get(target.id) ?? okResult({ at: new Date().toISOString() });
      target.lastTest = result;
      fake.emit('integration.tested', { id: target.id, result });
      return result;
    },
  };

  const fake: FakeCore = {
    calls: [],
    integrations,
    testResults: new Map(),
    testDelayMs: 0,
    async call(method: string, params: unknown): Promise<CallReply> {
      fake.calls.push({ method, params });
      try {
        if (!isMethodName(method)) throw new KinexusError('invalid_input', `Unknown method "${method}"`);
        const handler = handlers[method];
        if (!handler) throw new KinexusError('internal', `The fake core does not implement ${method}`);
        const parsed = methods[method].input.safeParse(params ?? {});
        if (!parsed.success) throw invalidInput(parsed.error.issues, `input of ${method}`);
        return { ok: true, result: await handler(parsed.data) };
      } catch (err) {
        return { ok: false, error: toErrorBody(err) };
      }
    },
    onEvent(listener: Listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event, data) {
      for (const l of listeners) l(event, data);
    },
    listenerCount: () => listeners.size,
  };
  return fake;
}
