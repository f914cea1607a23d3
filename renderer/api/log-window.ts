import type { LogLine } from '../../shared/sync.ts';

/** One request for matching lines: skip `offset` of those after `afterSeq`, take up to `limit`. */
export interface LogPageRequest {
  offset: number;
  afterSeq?: number;
  limit: number;
}

/** What the core answers: the lines asked for, and how many lines match in all (same snapshot). */
export interface LogPage {
  lines: readonly LogLine[];
  total: number;
}

/** Lines fetched per request: about twenty screens, ~90 KB of JSON. */
export const BLOCK_SIZE = 500;
/** Lines beyond the visible ones that are fetched too, so ordinary scrolling finds them loaded. */
const PREFETCH = 200;
/** Requests in flight at once; the rest wait, and those scrolled past are never made. */
const MAX_IN_FLIGHT = 2;
/** Pushed lines kept while the tail is being fetched; older ones are in the core's answer anyway. */
const MAX_PENDING = 4 * BLOCK_SIZE;

/**
 * The lines of one filtered run log, fetched only where the view looks.
 *
 * Line i is the i-th matching line in seq order; matching lines are only ever
 * added at the end, so an index always names the same line. Lines are fetched
 * in blocks of BLOCK_SIZE around the visible range; pushed lines grow the end.
 * A pushed line is placed at `total` only once the tail is known — the seq of
 * line total-1 taken from the same answer as `total` — so one that the last
 * answer already counted (seq at or below the tail) is a duplicate.
 *
 * Mutable on purpose (a view re-renders on `onChange`, reading `lineAt`):
 * 100,000 lines must not be copied per pushed line.
 */
export class LogWindow {
  /** Matching lines, including those not fetched. */
  total = 0;
  /** True once the first answer came: `total` means something. */
  ready = false;
  error: Error | null = null;

  private readonly lines: LogLine[] = [];
  /** Per block: in flight, failed, or answered — then with the total of that answer. */
  private readonly blocks = new Map<number, 'loading' | 'failed' | number>();
  /** The largest total the core ever answered. */
  private serverTotal = 0;
  /** Seq of line total-1 when it is known to belong to `total`; null until then. */
  private tailSeq: number | null = null;
  /** Lines below this index came from the core; those above it (while the tail is known) from pushes. */
  private confirmed = 0;
  private tailLoading = false;
  /** Pushed lines that came before the tail was known. */
  private pending: LogLine[] = [];
  private wantFrom = 0;
  private wantTo = -1;
  private visibleFrom = 0;
  private visibleTo = -1;
  private inFlight = 0;
  private closed = false;

  /**
   * @param fetchPage asks the core for lines (logs.list with the view's filter).
   * @param onChange called after every change; `soon` is false for pushed lines, which a view may batch.
   */
  constructor(
    private readonly fetchPage: (req: LogPageRequest) => Promise<LogPage>,
    private readonly onChange: (soon: boolean) => void,
    readonly blockSize = BLOCK_SIZE,
  ) {}

  /** Asks for the first block; its answer also brings the total. */
  start(): void {
    this.fetchBlock(0);
  }

  /** Stops: answers that come later are dropped. */
  close(): void {
    this.closed = true;
  }

  /** Line `index`, or undefined while it is being fetched. */
  lineAt(index: number): LogLine | undefined {
    return this.lines[index];
  }

  /** True when every line of [from, to] is here. */
  hasRange(from: number, to: number): boolean {
    for (let i = Math.max(0, from); i <= Math.min(to, this.total - 1); i++) if (!this.lines[i]) return false;
    return true;
  }

  /** The view shows lines [from, to]: fetch what is missing there first, then a little around it. */
  show(from: number, to: number): void {
    this.visibleFrom = Math.max(0, from);
    this.visibleTo = to;
    this.wantFrom = Math.max(0, from - PREFETCH);
    this.wantTo = to + PREFETCH;
    this.pump();
  }

  /** Fetches again what failed (the user pressed retry). */
  retry(): void {
    for (const [b, state] of this.blocks) if (state === 'failed') this.blocks.delete(b);
    this.error = null;
    if (!this.ready) this.fetchBlock(0);
    else if (this.pending.length > 0) this.fetchTail();
    this.onChange(true);
    this.pump();
  }

  /** A line the core pushed that matches the view's filter. */
  push(line: LogLine): void {
    if (this.closed) return;
    if (this.tailSeq === null) {
      this.pending.push(line);
      // Only lines written after the tail's answer are needed from here; a stalled fetch must not hoard a busy sync's lines.
      if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
      if (this.ready) this.fetchTail();
      return;
    }
    if (this.append(line)) this.onChange(false);
  }

  private append(line: LogLine): boolean {
    if (this.tailSeq === null || line.seq <= this.tailSeq) return false;
    this.lines[this.total] = line;
    this.total++;
    this.tailSeq = line.seq;
    return true;
  }

  /** The next block to fetch: one with a missing line in view, else one with a missing line nearby. */
  private nextBlock(): number | null {
    const last = this.total - 1;
    for (const [from, to] of [
      [this.visibleFrom, Math.min(this.visibleTo, last)],
      [this.wantFrom, Math.min(this.wantTo, last)],
    ]) {
      for (let i = from; i <= to; i++) {
        if (this.lines[i]) continue;
        const b = Math.floor(i / this.blockSize);
        const state = this.blocks.get(b);
        // Asked again only when the line came after that answer and the core has since told of it.
        if (state === undefined || (typeof state === 'number' && i >= state && i < this.serverTotal)) return b;
        // Skip the rest of a block already asked for.
        i = (b + 1) * this.blockSize - 1;
      }
    }
    return null;
  }

  private pump(): void {
    if (!this.ready || this.closed) return;
    while (this.inFlight < MAX_IN_FLIGHT) {
      const b = this.nextBlock();
      if (b === null) return;
      this.fetchBlock(b);
    }
  }

  private fetchBlock(b: number): void {
    this.blocks.set(b, 'loading');
    const offset = b * this.blockSize;
    // After a loaded line the core seeks by seq instead of counting its way to the offset.
    const before = offset > 0 && (this.tailSeq === null || offset <= this.confirmed) ? this.lines[offset - 1] : undefined;
    const req: LogPageRequest = before ? { afterSeq: before.seq, offset: 0, limit: this.blockSize } : { offset, limit: this.blockSize };
    this.inFlight++;
    this.fetchPage(req).then(
      (page) => {
        this.inFlight--;
        if (this.closed) return;
        this.blocks.set(b, page.total);
        this.received(offset, page);
        this.pump();
      },
      (err: unknown) => {
        this.inFlight--;
        if (this.closed) return;
        this.blocks.set(b, 'failed');
        this.failed(err);
      },
    );
  }

  /** Fetches the last lines, to learn the tail's seq (pushed lines wait for it). */
  private fetchTail(): void {
    if (this.tailLoading || this.closed || this.error) return;
    this.tailLoading = true;
    const offset = Math.max(0, this.total - this.blockSize);
    // Twice a block, so lines written meanwhile are in the answer too.
    this.fetchPage({ offset, limit: 2 * this.blockSize }).then(
      (page) => {
        this.tailLoading = false;
        if (this.closed) return;
        this.received(offset, page);
        this.pump();
      },
      (err: unknown) => {
        this.tailLoading = false;
        if (!this.closed) this.failed(err);
      },
    );
  }

  private received(offset: number, page: LogPage): void {
    // More lines than pushes told of: some push was missed (or is still on its way). The core's count wins.
    if (this.tailSeq !== null && page.total > this.total) this.forgetPushed();
    page.lines.forEach((line, k) => {
      this.lines[offset + k] = line;
    });
    this.ready = true;
    this.serverTotal = Math.max(this.serverTotal, page.total);
    if (this.tailSeq === null) {
      this.total = Math.max(this.total, page.total);
      const last = this.total === 0 ? undefined : this.lines[this.total - 1];
      if (page.total === this.total && (this.total === 0 || last)) {
        this.tailSeq = last ? last.seq : 0;
        this.confirmed = this.total;
        const waiting = this.pending;
        this.pending = [];
        for (const line of waiting) this.append(line);
      } else if (this.pending.length > 0) {
        this.fetchTail();
      }
    }
    this.onChange(true);
  }

  /** Drops the lines placed by pushes since the core last confirmed the tail; they are fetched again where seen. */
  private forgetPushed(): void {
    this.lines.length = Math.min(this.lines.length, this.confirmed);
    for (const b of [...this.blocks.keys()]) if ((b + 1) * this.blockSize > this.confirmed) this.blocks.delete(b);
    this.tailSeq = null;
  }

  private failed(err: unknown): void {
    this.error = err instanceof Error ? err : new Error(String(err));
    this.onChange(true);
  }
}
