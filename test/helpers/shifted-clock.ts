import { systemClock, type Clock } from '../../main/sync/clock.ts';

/** The real clock plus a movable offset: the core's "now" jumps, timers stay real. */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setTimer(fn: () => void, ms: number): unknown {
    return systemClock.setTimer(fn, ms);
  }
  clearTimer(h: unknown): void {
    systemClock.clearTimer(h);
  }
}
