import { Cron } from 'croner';
import { KinexusError } from '../../shared/errors.ts';
import type { Schedule } from '../../shared/sync.ts';

/** Longest wait between failed attempts, whatever the interval. */
export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;

/** Validates a cron expression, with an error that says what to fix. */
export function checkCron(expression: string): void {
  try {
    new Cron(expression, { paused: true });
  } catch (err) {
    throw new KinexusError('invalid_input', `"${expression}" is not a valid cron expression: ${(err as Error).message}.`, { field: 'schedule.expression', action: 'Use five fields: minute hour day-of-month month day-of-week, e.g. "*/30 * * * *"' });
  }
}

export interface DueInput {
  schedule: Schedule;
  /** When the last attempt ended (epoch ms), or null if never run. */
  lastEndedAt: number | null;
  consecutiveFailures: number;
  /** A rate-limit reset the vendor announced (epoch ms). */
  retryAt: number | null;
  /** Fraction in [-1, 1] that spreads runs of many integrations apart. */
  jitter: number;
  now: number;
}

/**
 * When an integration is next due, from wall-clock times: a missed due time
 * (sleep, clock jump) yields one due time in the past, so it runs once.
 */
export function nextDue(i: DueInput): number | null {
  if (i.schedule.type === 'manual') return null;
  if (i.lastEndedAt === null) return i.now;
  let due: number;
  if (i.schedule.type === 'interval') {
    const interval = i.schedule.minutes * 60_000;
    const jitterMs = Math.round(i.jitter * Math.min(interval * 0.1, 120_000));
    const wait = i.consecutiveFailures > 0 ? Math.min(interval * 2 ** Math.min(i.consecutiveFailures - 1, 20), Math.max(interval, MAX_BACKOFF_MS)) : interval;
    due = i.lastEndedAt + wait + jitterMs;
  } else {
    const cron = new Cron(i.schedule.expression, { paused: true });
    let next = cron.nextRun(new Date(i.lastEndedAt));
    // After failures, skip occurrences: 1, 3, 7, … of them, never beyond the backoff cap.
    const skips = i.consecutiveFailures > 0 ? 2 ** Math.min(i.consecutiveFailures - 1, 6) - 1 : 0;
    for (let k = 0; k < skips && next; k++) {
      const later = cron.nextRun(next);
      if (!later || later.getTime() - i.lastEndedAt > MAX_BACKOFF_MS) break;
      next = later;
    }
    if (!next) return null;
    due = next.getTime();
  }
  if (i.retryAt !== null && i.retryAt > due) due = i.retryAt;
  return due;
}
