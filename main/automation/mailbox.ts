import type { WorkerMessage } from './protocol.ts';

/** Whatever can end a wait on the worker. */
export type Outcome =
  | { kind: 'message'; msg: WorkerMessage }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'cancel' }
  | { kind: 'timeout' }
  | { kind: 'silent' }
  | { kind: 'protocol'; why: string };

/**
 * The session's inbox from its worker: it waits for the next message of the
 * kinds expected, or for whatever comes first of the worker's exit, a
 * cancel, silence (no message at all, heartbeats included, for `silenceMs`)
 * and the timeout. What arrives while nobody waits is kept for the next wait.
 */
export class Mailbox {
  private waiter: ((o: Outcome) => void) | null = null;
  private readonly backlog: Outcome[] = [];
  private lastHeard = Date.now();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private cancelled = false;

  constructor(private readonly silenceMs: number) {}

  /** Any sign of life from the worker (heartbeats too). */
  heard(): void {
    this.lastHeard = Date.now();
  }

  deliver(o: Outcome): void {
    if (o.kind === 'exit') this.exitInfo = { code: o.code, signal: o.signal };
    if (o.kind === 'cancel') {
      if (this.cancelled) return;
      this.cancelled = true;
    }
    const w = this.waiter;
    this.waiter = null;
    if (w) w(o);
    else this.backlog.push(o);
  }

  /** Stops waiting for good (the session is ending). */
  close(): void {
    this.waiter = null;
  }

  next(types: WorkerMessage['type'][], timeoutMs: number): Promise<Outcome> {
    const relevant = (o: Outcome) => o.kind !== 'message' || types.includes(o.msg.type) || o.msg.type === 'error' || o.msg.type === 'cancelled';
    // The worker acknowledges a cancel with "cancelled" and exits: both mean the same here.
    const normalize = (o: Outcome): Outcome => (o.kind === 'message' && o.msg.type === 'cancelled' ? { kind: 'cancel' } : o);
    while (this.backlog.length > 0) {
      const o = this.backlog.shift()!;
      if (relevant(o)) return Promise.resolve(normalize(o));
    }
    if (this.cancelled) return Promise.resolve({ kind: 'cancel' });
    if (this.exitInfo) return Promise.resolve({ kind: 'exit', ...this.exitInfo });
    return new Promise<Outcome>((resolve) => {
      this.lastHeard = Date.now();
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        clearInterval(watch);
        if (this.waiter === listener) this.waiter = null;
        resolve(normalize(o));
      };
      const listener = (o: Outcome) => {
        if (relevant(o)) finish(o);
        else this.waiter = listener;
      };
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      const watch = setInterval(() => {
        if (Date.now() - this.lastHeard > this.silenceMs) finish({ kind: 'silent' });
      }, Math.min(1000, this.silenceMs));
      this.waiter = listener;
    });
  }
}
