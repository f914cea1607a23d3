import { z } from 'zod';
import { ApiErrorBody, ErrorCode } from './errors.ts';

export const Trigger = z.enum(['schedule', 'tray', 'ui', 'cli', 'mcp']);
export type Trigger = z.infer<typeof Trigger>;

export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunCounts = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  deleted: z.number().int(),
  failed: z.number().int(),
});
export type RunCounts = z.infer<typeof RunCounts>;

export const SyncRun = z.object({
  id: z.string(),
  integrationId: z.string(),
  trigger: Trigger,
  status: RunStatus,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  counts: RunCounts,
  requests: z.number().int(),
  bytes: z.number().int(),
  pages: z.number().int(),
  error: z.object({ code: ErrorCode, message: z.string(), action: z.string().nullable(), retryAt: z.string().nullable() }).nullable(),
});
export type SyncRun = z.infer<typeof SyncRun>;

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

export const LogLine = z.object({
  runId: z.string(),
  seq: z.number().int(),
  at: z.string(),
  level: LogLevel,
  stream: z.string().nullable(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
});
export type LogLine = z.infer<typeof LogLine>;

export const HealthState = z.enum(['healthy', 'syncing', 'failing', 'needs_credentials', 'rate_limited', 'disabled', 'paused', 'offline', 'never_synced']);
export type HealthState = z.infer<typeof HealthState>;

export const Health = z.object({
  integrationId: z.string(),
  name: z.string(),
  connector: z.string(),
  state: HealthState,
  /** One line in words, e.g. "Reconnect GitHub: the token was rejected (401)". */
  summary: z.string(),
  lastSuccessAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  nextRunAt: z.string().nullable(),
  recordCount: z.number().int(),
  lastError: ApiErrorBody.nullable(),
  rateLimitedUntil: z.string().nullable(),
  runningRunId: z.string().nullable(),
});
export type Health = z.infer<typeof Health>;

export const Schedule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('interval'), minutes: z.number().int().min(1, 'at least every minute').max(7 * 24 * 60, 'at most once a week') }).strict(),
  z.object({ type: z.literal('cron'), expression: z.string().min(1) }).strict(),
  z.object({ type: z.literal('manual') }).strict(),
]);
export type Schedule = z.infer<typeof Schedule>;

export const AppSettings = z
  .object({
    defaultIntervalMinutes: z.number().int().min(1).max(10080).default(15),
    concurrency: z.number().int().min(1).max(8).default(2),
    logRetentionDays: z.number().int().min(1).max(3650).default(30),
    logMaxMegabytes: z.number().int().min(1).max(10240).default(200),
    notifications: z.boolean().default(true),
    launchAtLogin: z.boolean().default(false),
    mcpSyncAllowed: z.boolean().default(true),
  })
  .strict();
export type AppSettings = z.infer<typeof AppSettings>;

export const RecordHit = z.object({
  id: z.number().int(),
  integrationId: z.string(),
  source: z.string(),
  kind: z.string(),
  externalId: z.string(),
  container: z.string().nullable(),
  title: z.string(),
  url: z.string().nullable(),
  status: z.string().nullable(),
  author: z.string().nullable(),
  updatedAt: z.string().nullable(),
  snippet: z.string().nullable(),
});
export type RecordHit = z.infer<typeof RecordHit>;

/**
 * One page of full-text search hits. `total` counts the matches exactly,
 * unless `totalIsAtLeast`: then there are more than `total` ("500+").
 */
export const SearchPage = z.object({ hits: z.array(RecordHit), total: z.number().int(), totalIsAtLeast: z.boolean() });
export type SearchPage = z.infer<typeof SearchPage>;

export const FullRecord = RecordHit.extend({ stream: z.string(), text: z.string(), raw: z.unknown(), syncedAt: z.string() });
export type FullRecord = z.infer<typeof FullRecord>;
