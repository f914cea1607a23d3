import type { ApiErrorBody } from '../../shared/errors.ts';
import type { Health, HealthState, SyncRun } from '../../shared/sync.ts';
import type { TestResult } from '../../shared/schemas.ts';

/** The entry `missingSecrets` holds for a connector that signs in interactively and has not yet. */
export const SIGN_IN_MISSING = 'sign-in';

export interface HealthInput {
  integrationId: string;
  name: string;
  connectorTitle: string;
  connector: string;
  enabled: boolean;
  paused: boolean;
  pausedAll: boolean;
  online: boolean;
  /** Required secrets that are not set. */
  missingSecrets: string[];
  /** Newest first. */
  recentRuns: SyncRun[];
  lastSuccess: SyncRun | undefined;
  lastTest: TestResult | null;
  runningRunId: string | null;
  nextRunAt: number | null;
  recordCount: number;
  now: number;
}

/** Derives an integration's health from its runs, tests and the scheduler: a pure function. */
export function computeHealth(i: HealthInput): Health {
  const finished = i.recentRuns.filter((r) => r.status !== 'running');
  const last = finished[0];
  // Cancelled and interrupted runs (the user stopped it, the app quit) say nothing about the integration:
  // they neither count as failures nor hide an earlier one.
  const outcomes = finished.filter((r) => r.status === 'succeeded' || r.status === 'failed');
  let consecutiveFailures = 0;
  for (const r of outcomes) {
    if (r.status === 'succeeded') break;
    consecutiveFailures++;
  }
  const lastOutcome = outcomes[0];
  const runError: ApiErrorBody | null =
    lastOutcome?.status === 'failed' && lastOutcome.error
      ? { code: lastOutcome.error.code, message: lastOutcome.error.message, ...(lastOutcome.error.action ? { action: lastOutcome.error.action } : {}), ...(lastOutcome.error.retryAt ? { retryAt: lastOutcome.error.retryAt } : {}) }
      : null;
  // A failed connection test after the last run is newer news than any run.
  const lastAttemptMs = last ? Date.parse(last.endedAt ?? last.startedAt) : null;
  const testError = i.lastTest && !i.lastTest.ok && i.lastTest.error && (lastAttemptMs === null || Date.parse(i.lastTest.at) > lastAttemptMs) ? i.lastTest.error : null;
  const lastError: ApiErrorBody | null = testError ?? runError;
  const retryAt = lastError?.code === 'rate_limited' && lastError.retryAt && Date.parse(lastError.retryAt) > i.now ? lastError.retryAt : null;

  let state: HealthState;
  let summary: string;
  const t = i.connectorTitle;
  if (!i.enabled) {
    state = 'disabled';
    summary = `${i.name} is disabled`;
  } else if (i.runningRunId) {
    state = 'syncing';
    summary = `${i.name} is syncing`;
  } else if (i.missingSecrets.length > 0 || lastError?.code === 'auth') {
    state = 'needs_credentials';
    summary = i.missingSecrets.includes(SIGN_IN_MISSING) ? `Sign in to ${t}` : i.missingSecrets.length > 0 ? `Reconnect ${t}: no ${i.missingSecrets.join(', ')} is stored` : `Reconnect ${t}: ${lastError!.message}`;
  } else if (!i.online) {
    state = 'offline';
    summary = 'Offline — syncing paused until the network is back';
  } else if (i.paused || i.pausedAll) {
    state = 'paused';
    summary = i.pausedAll ? 'Syncing is paused for all integrations' : `${i.name} is paused`;
  } else if (retryAt) {
    state = 'rate_limited';
    summary = `${t} rate limit reached; retrying after ${retryAt}`;
  } else if (lastError) {
    state = 'failing';
    summary = `${i.name} failing: ${lastError.message}`;
  } else if (!last || (!i.lastSuccess && !lastOutcome)) {
    // Only cancelled or interrupted attempts so far: nothing was ever synced completely.
    state = 'never_synced';
    summary = `${i.name} has not synced yet`;
  } else if (last.status === 'cancelled' || last.status === 'interrupted') {
    // Healthy (the last complete sync succeeded), but not up to date: the newest one stopped partway.
    state = 'healthy';
    summary = `${i.name}: the last sync was ${last.status === 'cancelled' ? 'cancelled' : 'interrupted when the app quit'}; what it stored is kept`;
  } else {
    state = 'healthy';
    summary = `${i.name} is up to date`;
  }

  return {
    integrationId: i.integrationId,
    name: i.name,
    connector: i.connector,
    state,
    summary,
    lastSuccessAt: i.lastSuccess?.endedAt ?? null,
    lastAttemptAt: last?.endedAt ?? last?.startedAt ?? null,
    consecutiveFailures,
    nextRunAt: i.nextRunAt === null ? null : new Date(i.nextRunAt).toISOString(),
    recordCount: i.recordCount,
    lastError,
    rateLimitedUntil: retryAt,
    runningRunId: i.runningRunId,
  };
}
