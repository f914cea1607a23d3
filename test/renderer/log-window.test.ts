import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../shared/sync.ts';
import { BLOCK_SIZE, LogWindow, type LogPage, type LogPageRequest } from '../../renderer/api/log-window.ts';

function line(seq: number): LogLine {
  return { runId: 'r', seq, at: '2025-01-01T00:00:00Z', level: 'info', stream: null, message: `page=${seq} `, fields: null };
}

/** The core's side of logs.list over a growing run log; answers wait until `answer()` unless `auto`. */
function fakeCore(count: number, auto = true) {
  const log: LogLine[] = [];
  for (let seq = 1; seq <= count; seq++) log.push(line(seq));
  const asked: LogPageRequest[] = [];
  const waiting: (() => void)[] = [];
  let served = 0;
  let fail = false;
  const fetchPage = (req: LogPageRequest): Promise<LogPage> => {
    asked.push(req);
    return new Promise((resolve, reject) => {
      const go = () => {
        if (fail) return reject(new Error('The connection to Kinexus was lost before it answered'));
        // The same snapshot for both, as the core reads them in one synchronous call.
        const from = req.afterSeq === undefined ? 0 : log.findIndex((l) => l.seq > req.afterSeq!);
        const lines = from < 0 ? [] : log.slice(from + req.offset, from + req.offset + req.limit);
        served += lines.length;
        resolve({ lines, total: log.length });
      };
      if (auto) queueMicrotask(go);
      else waiting.push(go);
    });
  };
  return {
    log,
    asked,
    fetchPage,
    served: () => served,
    /** Answers the oldest waiting request. */
    answer: () => waiting.shift()?.(),
    waiting: () => waiting.length,
    /** The engine writes a line: stored first, then pushed. */
    write(): LogLine {
      const l = line(log.length + 1);
      log.push(l);
      return l;
    },
    failNext(on: boolean) {
      fail = on;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const seqs = (w: LogWindow, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => w.lineAt(from + k)?.seq);

describe('the log window: a 100,000-line run log fetched only where the view looks', () => {
  it('knows the total from the first block and fetches the last lines when the view jumps there, never the whole log', async () => {
    const core = fakeCore(100_000);
    const w = new LogWindow(core.fetchPage, () => undefined);
    w.start();
    await settle();
    expect(w.ready).toBe(true);
    expect(w.total).toBe(100_000);
    expect(core.asked).toEqual([{ offset: 0, limit: BLOCK_SIZE }]);
    expect(w.lineAt(0)?.seq).toBe(1);

    w.show(0, 40);
    await settle();
    w.show(99_960, 99_999);
    await settle();
    expect(seqs(w, 99_960, 99_999)).toEqual(Array.from({ length: 40 }, (_, k) => 99_961 + k));
    expect(w.hasRange(99_960, 99_999)).toBe(true);
    // The block in view, and the one before it for scrolling up: a few hundred lines, not 100,000.
    expect(core.served()).toBeLessThanOrEqual(3 * BLOCK_SIZE);
    expect(w.lineAt(50_000)).toBeUndefined();
  });

  it('skips the places a fast scroll passed by: at most two requests in flight, the newest view first', async () => {
    const core = fakeCore(100_000, false);
    const w = new LogWindow(core.fetchPage, () => undefined);
    w.start();
    core.answer();
    await settle();
    for (let top = 0; top < 100_000; top += 2_000) w.show(top, top + 40);
    expect(core.waiting()).toBe(2);
    core.answer();
    core.answer();
    await settle();
    // Two requests wait (line 2,000 in view, and the block just above it); next comes where the view is now, not the 46 places passed by.
    expect(core.asked.map((a) => a.offset)).toEqual([0, 2_000, 1_500, 98_000, 97_500]);
    while (core.waiting() > 0) (core.answer(), await settle());
    expect(core.asked.length).toBe(5);
    expect(seqs(w, 98_000, 98_040)).toEqual(Array.from({ length: 41 }, (_, k) => 98_001 + k));
  });

  it('asks for the next block after a loaded line by seq, so the core seeks instead of counting', async () => {
    const core = fakeCore(2_000);
    const w = new LogWindow(core.fetchPage, () => undefined);
    w.start();
    await settle();
    w.show(480, 520);
    await settle();
    expect(core.asked[1]).toEqual({ afterSeq: BLOCK_SIZE, offset: 0, limit: BLOCK_SIZE });
    expect(seqs(w, 480, 520)).toEqual(Array.from({ length: 41 }, (_, k) => 481 + k));
  });

  it('appends pushed lines of a running run once the tail is known, dropping those the answers already held', async () => {
    const core = fakeCore(5_000, false);
    const changes: boolean[] = [];
    const w = new LogWindow(core.fetchPage, (soon) => changes.push(soon));
    w.start();
    // Lines written (and pushed) before and after the first answer was read.
    const early = [core.write(), core.write()];
    for (const l of early) w.push(l);
    core.answer();
    await settle();
    expect(w.total).toBe(5_002);
    const late = [core.write(), core.write()];
    for (const l of late) w.push(l);
    // The tail (with the late lines in it) is fetched before any pushed line is placed.
    expect(core.asked.at(-1)).toEqual({ offset: 5_002 - BLOCK_SIZE, limit: 2 * BLOCK_SIZE });
    core.answer();
    await settle();
    expect(w.total).toBe(5_004);
    const next = core.write();
    w.push(next);
    w.push(late[1]);
    expect(w.total).toBe(5_005);
    expect(seqs(w, 5_000, 5_005)).toEqual([5_001, 5_002, 5_003, 5_004, 5_005, undefined]);
    // Pushed lines may be batched by the view; fetched ones are not.
    expect(changes.at(-1)).toBe(false);
  });

  it('trusts the core\'s count over pushes when a push went missing, and fetches that part again', async () => {
    const core = fakeCore(3_000);
    const w = new LogWindow(core.fetchPage, () => undefined);
    w.start();
    await settle();
    w.show(2_960, 2_999);
    await settle();
    core.write(); // pushed, but lost on the way
    w.push(core.write());
    expect(w.total).toBe(3_001);
    expect(w.lineAt(3_000)?.seq).toBe(3_002); // misplaced until the core says otherwise
    // The next answer counts 3,002: the pushed line is dropped, and fetched again where it is seen.
    w.show(1_000, 1_040);
    await settle();
    expect(w.total).toBe(3_002);
    expect(w.lineAt(3_000)).toBeUndefined();
    w.show(2_960, 3_001);
    await settle();
    expect(seqs(w, 2_999, 3_001)).toEqual([3_000, 3_001, 3_002]);
    w.push(core.write());
    expect(w.lineAt(3_002)?.seq).toBe(3_003);
  });

  it('shows a failed fetch as an error and fetches again on retry', async () => {
    const core = fakeCore(10_000);
    const w = new LogWindow(core.fetchPage, () => undefined);
    w.start();
    await settle();
    core.failNext(true);
    w.show(5_000, 5_040);
    await settle();
    expect(w.error?.message).toMatch(/connection/);
    expect(w.lineAt(5_000)).toBeUndefined();
    core.failNext(false);
    w.retry();
    await settle();
    expect(w.error).toBeNull();
    expect(w.lineAt(5_000)?.seq).toBe(5_001);
  });

  it('says an empty log is empty, and drops answers that come after it was closed', async () => {
    const empty = new LogWindow(fakeCore(0).fetchPage, () => undefined);
    empty.start();
    await settle();
    expect([empty.ready, empty.total]).toEqual([true, 0]);

    const core = fakeCore(10, false);
    const w = new LogWindow(core.fetchPage, () => undefined);
    w.start();
    w.close();
    core.answer();
    await settle();
    expect(w.ready).toBe(false);
  });
});
