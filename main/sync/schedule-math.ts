import { Cron } from 'croner';
import { KinexusError } from '../../shared/errors.ts';
import type { Schedule } from '../../shared/sync.ts';

/** Longest wait between failed attempts, whatever the interval. */
export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;

const CRON_ACTION = 'Use five fields: minute hour day-of-month month day-of-week, e.g. "*/30 * * * *"';

/**
 * Validates a cron expression, with an error that says what to fix. Only the
 * five classic fields (or a nickname such as @hourly) are accepted: croner
 * would also take a seconds field, which would allow syncing every second,
 * below the one-minute floor of interval schedules. An expression that never
 * fires (30 February) is rejected too, since it would silently never sync.
 */
export function checkCron(expression: string): void {
  const fail = (why: string): never => {
    throw new KinexusError('invalid_input', `"${expression}" is not a valid cron expression: ${why}.`, { field: 'schedule.expression', action: CRON_ACTION });
  };
  const trimmed = expression.trim();
  if (trimmed === '') fail('it is empty');
  if (!trimmed.startsWith('@')) {
    const n = trimmed.split(/\s+/).length;
    if (n !== 5) fail(`it has ${n} field${n === 1 ? '' : 's'}, five are needed`);
  }
  let cron: Cron;
  try {
    cron = new Cron(trimmed, { paused: true });
  } catch (err) {
    return fail((err as Error).message.replace(/^CronPattern:\s*/, '').replace(/\.$/, ''));
  }
  if (!cron.nextRun()) fail('it never matches a date');
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
    let cron: Cron;
    try {
      cron = new Cron(i.schedule.expression, { paused: true });
    } catch {
      // A stored expression that no longer parses must not take the scheduler down: it just never fires.
      return null;
    }
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
