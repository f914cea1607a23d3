import type { Clock } from '../../main/sync/clock.ts';

interface FakeTimer {
  id: number;
  /** Monotonic time at which it fires. */
  at: number;
  fn: () => void;
}

/**
 * A Clock for tests: nothing really waits.
 *
 * It keeps two times, like a real machine: wall time (what `now()` returns)
 * and monotonic time (what timers count). `advance(ms)` moves both and fires
 * due timers in order; `jump(ms)` moves only wall time — a clock change or a
 * sleep, during which real timers do not run either.
 */
export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private nextId = 0;
  private readonly timers = new Map<number, FakeTimer>();
  /** How many timers have fired so far. */
  fired = 0;
  /** How many timers have been armed so far. */
  armedTotal = 0;

  constructor(start: number | string | Date = '2025-03-03T09:00:00.000Z') {
    this.wall = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.wall;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.nextId;
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    this.timers.set(id, { id, at: this.mono + delay, fn });
    this.armedTotal++;
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers armed and not yet fired or cleared. */
  get armed(): number {
    return this.timers.size;
  }

  /** Milliseconds until the next armed timer fires, or null when none is armed. */
  nextTimerIn(): number | null {
    const t = this.earliest();
    return t ? t.at - this.mono : null;
  }

  /** Wall time at which the next armed timer fires, or null. */
  nextTimerAt(): number | null {
    const t = this.earliest();
    return t ? this.wall + (t.at - this.mono) : null;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way
   * in order (ties in arming order), with `now()` equal to each timer's due
   * time while it runs. Pending promise callbacks settle after every timer.
   */
  async advance(ms: number): Promise<void> {
    if (ms < 0) throw new Error('FakeClock.advance: time does not go backwards; use jump()');
    const target = this.mono + ms;
    let guard = 0;
    for (;;) {
      await settle();
      const t = this.earliest();
      if (!t || t.at > target) break;
      if (++guard > 100_000) throw new Error('FakeClock.advance: more than 100000 timers fired; is something re-arming a zero-delay timer?');
      this.wall += t.at - this.mono;
      this.mono = t.at;
      this.timers.delete(t.id);
      this.fired++;
      t.fn();
    }
    this.wall += target - this.mono;
    this.mono = target;
    await settle();
  }

  /** Advances until the next armed timer has fired (and no further); returns how far it went. */
  async advanceToNext(): Promise<number | null> {
    const ms = this.nextTimerIn();
    if (ms === null) return null;
    await this.advance(ms);
    return ms;
  }

  /** Moves wall time only (sleep, NTP step, manual change); no timer fires. */
  jump(ms: number): void {
    this.wall += ms;
  }

  /** Sets wall time to an absolute instant without firing timers. */
  set(to: number | string | Date): void {
    this.wall = typeof to === 'number' ? to : new Date(to).getTime();
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers.values()) if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }
}

/** Lets pending promise callbacks (and anything they chain) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let k = 0; k < rounds; k++) await new Promise<void>((r) => setImmediate(r));
}
