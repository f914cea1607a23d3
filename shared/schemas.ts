import { z } from 'zod';
import { ApiErrorBody } from './errors.ts';
import { AppSettings, Health, Schedule } from './sync.ts';

/** ISO-8601 timestamp string (UTC). */
export const IsoTime = z.string();

export const KeychainState = z.enum(['available', 'locked', 'unavailable']);
export type KeychainState = z.infer<typeof KeychainState>;

export const KeychainStatus = z.object({
  state: KeychainState,
  backend: z.string(),
  /** Why it is not available, in words. */
  reason: z.string().nullable(),
  /** What the user can do about it. */
  fix: z.string().nullable(),
});
export type KeychainStatus = z.infer<typeof KeychainStatus>;

export const SecretFieldInfo = z.object({
  name: z.string(),
  label: z.string(),
  help: z.string().optional(),
  required: z.boolean(),
});
export type SecretFieldInfo = z.infer<typeof SecretFieldInfo>;

export const StreamInfo = z.object({ name: z.string(), title: z.string(), kind: z.string() });
export type StreamInfo = z.infer<typeof StreamInfo>;

export const ConnectorInfo = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** JSON Schema of the settings, generated from the connector's zod schema; drives the forms. */
  settingsSchema: z.record(z.string(), z.unknown()),
  secretFields: z.array(SecretFieldInfo),
  streams: z.array(StreamInfo),
  /** True when the connector signs in interactively (device code) instead of, or besides, typed secrets. */
  signIn: z.boolean(),
});
export type ConnectorInfo = z.infer<typeof ConnectorInfo>;

export const ReachableItem = z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() });

export const TestResult = z.object({
  ok: z.boolean(),
  at: IsoTime,
  latencyMs: z.number().nullable(),
  /** Who the credentials belong to (login, email, display name). */
  identity: z.string().nullable(),
  scopes: z.array(z.string()).nullable(),
  /** What the configured settings can reach (repositories, projects, sites). */
  reachable: z.array(ReachableItem),
  error: ApiErrorBody.nullable(),
});
export type TestResult = z.infer<typeof TestResult>;

export const Integration = z.object({
  id: z.string(),
  connector: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  /** Which secret fields are set. Never the values. */
  secrets: z.record(z.string(), z.boolean()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  lastTest: TestResult.nullable(),
  /** Null: the default interval from the settings. */
  schedule: Schedule.nullable(),
  paused: z.boolean(),
});
export type Integration = z.infer<typeof Integration>;

export const StatusReport = z.object({
  version: z.string(),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  keychain: KeychainStatus,
  integrations: z.array(Integration),
  health: z.array(Health),
  scheduler: z.object({ pausedAll: z.boolean(), online: z.boolean(), suspended: z.boolean() }),
  settings: AppSettings,
});
export type StatusReport = z.infer<typeof StatusReport>;
