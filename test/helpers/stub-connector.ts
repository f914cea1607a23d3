/**
 * A connector for engine and scheduler tests: id "stub", no settings, no
 * secrets, no vendor; its streams are whatever the test gives it.
 */
import { z } from 'zod';
import { defineConnector, type ConnectorSpec, type StreamSpec } from '../../main/connectors/types.ts';

export type StubSettings = Record<string, never>;

export function stubConnector(streams: StreamSpec<StubSettings>[]): ConnectorSpec<StubSettings> {
  return defineConnector<StubSettings>({
    id: 'stub',
    title: 'Stub',
    description: 'A test connector',
    settings: z.object({}).strict() as z.ZodType<StubSettings>,
    secretFields: [],
    http: () => ({ title: 'Stub', baseUrl: 'http://127.0.0.1:9', auth: { type: 'none' } }),
    hosts: () => [],
    testConnection: async () => ({ identity: 'tester', reachable: [] }),
    streams,
  });
}
