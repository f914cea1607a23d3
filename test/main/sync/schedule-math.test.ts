import { describe, expect, it } from 'vitest';
import { KinexusError } from '../../../shared/errors.ts';
import { checkCron, MAX_BACKOFF_MS, nextDue, type DueInput } from '../../../main/sync/schedule-math.ts';

const MIN = 60_000;
const T0 = Date.parse('2025-03-03T09:00:00.000Z');

function due(over: Partial<DueInput>): number | null {
  return nextDue({ schedule: { type: 'interval', minutes: 15 }, lastEndedAt: T0, consecutiveFailures: 0, retryAt: null, jitter: 0, now: T0, ...over });
}

/** Local wall-clock instant (cron expressions are read in the machine's time zone). */
function local(y: number, mo: number, d: number, h: number, mi: number): number {
  return new Date(y, mo - 1, d, h, mi, 0, 0).getTime();
}

function cronError(expression: string): KinexusError {
  try {
    checkCron(expression);
  } catch (err) {
    return err as KinexusError;
  }
  throw new Error(`checkCron accepted "${expression}"`);
}

describe('nextDue', () => {
  it('is now for an integration that never ran, and null for a manual schedule', () => {
    expect(due({ lastEndedAt: null, now: T0 + 123 })).toBe(T0 + 123);
    expect(due({ schedule: { type: 'cron', expression: '0 9 * * *' }, lastEndedAt: null, now: T0 + 5 })).toBe(T0 + 5);
    expect(due({ schedule: { type: 'manual' } })).toBeNull();
    expect(due({ schedule: { type: 'manual' }, lastEndedAt: null })).toBeNull();
  });

  it('spaces runs one interval after the last one ended', () => {
    expect(due({})).toBe(T0 + 15 * MIN);
    expect(due({ schedule: { type: 'interval', minutes: 60 } })).toBe(T0 + 60 * MIN);
  });

  it('bounds jitter by 10% of the interval and by two minutes', () => {
    expect(due({ jitter: 1 })).toBe(T0 + 15 * MIN + 90_000);
    expect(due({ jitter: -1 })).toBe(T0 + 15 * MIN - 90_000);
    expect(due({ jitter: 0.5 })).toBe(T0 + 15 * MIN + 45_000);
    // A long interval: 10% would be 6 minutes, capped at 2.
    expect(due({ schedule: { type: 'interval', minutes: 60 }, jitter: 1 })).toBe(T0 + 62 * MIN);
    expect(due({ schedule: { type: 'interval', minutes: 60 }, jitter: -1 })).toBe(T0 + 58 * MIN);
  });

  it('backs off exponentially after consecutive failures, capped at MAX_BACKOFF_MS', () => {
    const waits = [0, 1, 2, 3, 4, 5, 6, 10, 40].map((f) => due({ consecutiveFailures: f })! - T0);
    expect(waits.slice(0, 6)).toEqual([15, 15, 30, 60, 120, 240].map((m) => m * MIN));
    expect(waits[6]).toBe(MAX_BACKOFF_MS); // 480 min would exceed six hours
    expect(waits[7]).toBe(MAX_BACKOFF_MS);
    expect(waits[8]).toBe(MAX_BACKOFF_MS);
  });

  it('never shortens an interval longer than the backoff cap', () => {
    const week = 7 * 24 * 60;
    expect(due({ schedule: { type: 'interval', minutes: week }, consecutiveFailures: 5 })).toBe(T0 + week * MIN);
  });

  it('waits for an announced rate-limit reset, but a reset in the past changes nothing', () => {
    expect(due({ retryAt: T0 + 40 * MIN })).toBe(T0 + 40 * MIN);
    expect(due({ retryAt: T0 + 5 * MIN })).toBe(T0 + 15 * MIN);
    expect(due({ retryAt: T0 - 5 * MIN })).toBe(T0 + 15 * MIN);
  });

  it('yields one due time in the past after a long gap, not one per missed interval', () => {
    const now = T0 + 10 * 60 * MIN;
    expect(due({ now })).toBe(T0 + 15 * MIN);
    expect(due({ now, schedule: { type: 'cron', expression: '*/15 * * * *' } })).toBe(T0 + 15 * MIN);
  });

  it('follows a cron expression in local time from when the last run ended', () => {
    const expr = '0 9 * * 1-5'; // 09:00 on weekdays
    const monday = local(2025, 3, 3, 9, 5);
    expect(due({ schedule: { type: 'cron', expression: expr }, lastEndedAt: monday })).toBe(local(2025, 3, 4, 9, 0));
    const friday = local(2025, 3, 7, 9, 1);
    expect(due({ schedule: { type: 'cron', expression: expr }, lastEndedAt: friday })).toBe(local(2025, 3, 10, 9, 0));
    // A run that ended exactly on an occurrence waits for the next one.
    expect(due({ schedule: { type: 'cron', expression: '*/30 * * * *' }, lastEndedAt: local(2025, 3, 3, 10, 30) })).toBe(local(2025, 3, 3, 11, 0));
  });

  it('skips 1, 3, 7 … cron occurrences after failures, never beyond the backoff cap', () => {
    const expr = '*/10 * * * *';
    const end = local(2025, 3, 3, 10, 1);
    const at = (f: number) => due({ schedule: { type: 'cron', expression: expr }, lastEndedAt: end, consecutiveFailures: f });
    expect(at(0)).toBe(local(2025, 3, 3, 10, 10));
    expect(at(1)).toBe(local(2025, 3, 3, 10, 10));
    expect(at(2)).toBe(local(2025, 3, 3, 10, 20));
    expect(at(3)).toBe(local(2025, 3, 3, 10, 40));
    expect(at(4)).toBe(local(2025, 3, 3, 11, 20));
    for (const f of [7, 12, 30]) expect(at(f)! - end).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    // A daily cron cannot be skipped within the cap: it stays on the next occurrence.
    expect(due({ schedule: { type: 'cron', expression: '0 9 * * *' }, lastEndedAt: local(2025, 3, 3, 9, 1), consecutiveFailures: 5 })).toBe(local(2025, 3, 4, 9, 0));
  });

  it('a rate-limit reset later than the cron occurrence wins', () => {
    const end = local(2025, 3, 3, 10, 1);
    expect(due({ schedule: { type: 'cron', expression: '*/10 * * * *' }, lastEndedAt: end, retryAt: local(2025, 3, 3, 10, 17) })).toBe(local(2025, 3, 3, 10, 17));
  });

  it('an expression stored before it was validated never fires instead of throwing', () => {
    expect(due({ schedule: { type: 'cron', expression: 'not a cron' } })).toBeNull();
    expect(due({ schedule: { type: 'cron', expression: '0 0 31 2 *' } })).toBeNull();
  });
});

describe('checkCron', () => {
  it('accepts five-field expressions and nicknames', () => {
    for (const e of ['*/30 * * * *', '0 9 * * 1-5', '15 8,12,17 * * *', '0 0 1 * *', '  */5 * * * *  ', '@hourly', '@daily']) expect(() => checkCron(e)).not.toThrow();
  });

  it('rejects a bad value naming the input field and the cron field', () => {
    const err = cronError('61 * * * *');
    expect(err).toBeInstanceOf(KinexusError);
    expect(err.code).toBe('invalid_input');
    expect(err.field).toBe('schedule.expression');
    expect(err.message).toMatch(/"61 \* \* \* \*" is not a valid cron expression/);
    expect(err.message).toMatch(/minute: 61/);
    expect(err.message).not.toMatch(/CronPattern/);
    expect(err.action).toMatch(/five fields/);
    expect(cronError('0 25 * * *').message).toMatch(/hour/);
    expect(cronError('0 0 * 13 *').message).toMatch(/month/);
  });

  it('rejects the wrong number of fields, saying how many there are', () => {
    expect(cronError('* * *').message).toMatch(/has 3 fields, five are needed/);
    expect(cronError('hourly').message).toMatch(/has 1 field, five/);
    // croner would read six fields as seconds-first: every second, far below the one-minute floor.
    expect(cronError('* * * * * *')).toMatchObject({ field: 'schedule.expression', message: expect.stringMatching(/has 6 fields/) });
    expect(cronError('')).toMatchObject({ field: 'schedule.expression', message: expect.stringMatching(/empty/) });
  });

  it('rejects an expression that never fires', () => {
    expect(cronError('0 0 31 2 *')).toMatchObject({ field: 'schedule.expression', message: expect.stringMatching(/never matches/) });
  });
});
