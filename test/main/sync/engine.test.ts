/**
 * The engine reads one batch ahead: a stream's next page is already being
 * fetched while the engine stores the current one, so on a slow network the
 * wait for page k+1 overlaps the write of page k. What a user keeps:
 * batches are still stored in order with their own state, a deletion census
 * that runs ahead still sees the batch not yet stored, and a failed write or
 * a cancel ends the run promptly even while a prefetch is stuck waiting.
 * And the streams of one run can share a value (one server session, one
 * lookup) that is cleaned up when the run ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../../shared/sync.ts';
import { createCore, type Core } from '../../../main/core/core.ts';
import type { Batch, ConnectorContext, SourceRecord } from '../../../main/connectors/types.ts';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';
import { stubConnector, type StubSettings } from '../../helpers/stub-connector.ts';

type Read = (ctx: ConnectorContext<StubSettings>, state: unknown) => AsyncIterable<Batch>;

function record(id: string, title: string | null = `Item ${id}`): SourceRecord {
  return { externalId: id, kind: 'item', title: title as string, url: null, status: null, author: null, updatedAt: null, text: `text of ${id}`, container: null, raw: { id } };
}

const open: { core: Core; dir: string }[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) {
    await f.core.close(1000);
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});

/** A core with one connector whose streams are the given generators; returns it with the integration id. */
async function coreWith(reads: Record<string, Read>): Promise<{ core: Core; id: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-ahead-'));
  const spec = stubConnector(Object.entries(reads).map(([name, read]) => ({ name, title: name, kind: 'item', read })));
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore(), connectors: [spec] });
  open.push({ core, dir });
  const { id } = await core.invoke('integrations.add', { connector: 'stub', name: 'Stub', settings: {} });
  return { core, id };
}

async function sync(core: Core, id: string): Promise<SyncRun> {
  return (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
}

function stored(core: Core, stream?: string): string[] {
  const rows = stream
    ? core.db.prepare('SELECT external_id FROM records WHERE stream = ? ORDER BY id').all(stream)
    : core.db.prepare('SELECT external_id FROM records ORDER BY id').all();
  return (rows as { external_id: string }[]).map((r) => r.external_id);
}

/** A promise that settles only when the signal aborts (a request that never answers). */
function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
}

describe('the sync engine: read-ahead and run scope', () => {
  it('asks for the next page before the current one is stored, and still stores every page in order with its state', async () => {
    const storedWhenFetching: number[] = [];
    let core!: Core;
    const pages = 4;
    const setup = await coreWith({
      items: async function* () {
        for (let k = 1; k <= pages; k++) {
          storedWhenFetching.push(stored(core).length);
          await new Promise((r) => setTimeout(r, 5)); // the request
          yield { records: [record(`p${k}-a`), record(`p${k}-b`)], state: { page: k } };
        }
      },
    });
    core = setup.core;
    const run = await sync(core, setup.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.added).toBe(8);
    // Page k+1 was requested while page k was still waiting to be stored.
    expect(storedWhenFetching).toEqual([0, 0, 2, 4]);
    expect(stored(core)).toEqual(['p1-a', 'p1-b', 'p2-a', 'p2-b', 'p3-a', 'p3-b', 'p4-a', 'p4-b']);
    const state = core.db.prepare("SELECT state FROM stream_state WHERE stream = 'items'").get() as { state: string };
    expect(JSON.parse(state.state)).toEqual({ page: pages });
  });

  it('lets a deletion census that runs ahead see the page not stored yet', async () => {
    let upstream = ['a', 'b'];
    const { core, id } = await coreWith({
      items: async function* (ctx) {
        yield { records: upstream.map((x) => record(x)), state: { listed: true } };
        // Between the listing and the census, "b" was deleted at the source.
        upstream = upstream.filter((x) => x !== 'b');
        const known = ctx.knownIds!();
        yield { records: [], deletedIds: known.filter((x) => !upstream.includes(x)), state: { census: true } };
      },
    });
    const run = await sync(core, id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ added: 2, deleted: 1 });
    expect(stored(core)).toEqual(['a']);
  });

  it('ends the run promptly when storing a page fails while the next page hangs, and goes on with the other streams', async () => {
    const { core, id } = await coreWith({
      broken: async function* (ctx) {
        yield { records: [record('ok-1'), record('bad', null)], state: { page: 1 } };
        await hang(ctx.signal);
        yield { records: [record('never')], state: { page: 2 } };
      },
      fine: async function* () {
        yield { records: [record('fine-1')], state: { page: 1 } };
      },
    });
    const t0 = performance.now();
    const run = await sync(core, id);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/NOT NULL constraint failed: records\.title/);
    // The failed page is stored not at all (one transaction); the other stream is stored.
    expect(stored(core, 'broken')).toEqual([]);
    expect(stored(core, 'fine')).toEqual(['fine-1']);
  });

  it('cancels within a second while the prefetch of the next page is waiting, keeping the pages stored', async () => {
    let waiting = false;
    const { core, id } = await coreWith({
      items: async function* (ctx) {
        yield { records: [record('p1')], state: { page: 1 } };
        yield { records: [record('p2')], state: { page: 2 } };
        waiting = true;
        await hang(ctx.signal);
        yield { records: [record('p3')], state: { page: 3 } };
      },
    });
    const started = await core.invoke('sync.run', { id, trigger: 'ui', wait: false });
    const done = core.invoke('sync.run', { id, trigger: 'ui', wait: true });
    for (let k = 0; k < 500 && !(waiting && stored(core).length === 2); k++) await new Promise((r) => setTimeout(r, 5));
    expect(stored(core)).toEqual(['p1', 'p2']);
    const t0 = performance.now();
    expect((await core.invoke('sync.cancel', { runId: started.run!.id })).cancelled).toBe(true);
    const run = (await done).run!;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(run.status).toBe('cancelled');
    expect(stored(core)).toEqual(['p1', 'p2']);
  });

  it('lets the streams of one run share one value, made once and cleaned up when the run ends, even a failed one', async () => {
    const made: number[] = [];
    const ended: number[] = [];
    let fail = false;
    const session = (ctx: ConnectorContext<StubSettings>) =>
      ctx.run!.shared('session', () => {
        const n = made.length + 1;
        made.push(n);
        ctx.run!.onEnd(() => void ended.push(n));
        return n;
      });
    const { core, id } = await coreWith({
      one: async function* (ctx) {
        const n = session(ctx);
        yield { records: [record(`one-${n}`)], state: null };
      },
      two: async function* (ctx) {
        const n = session(ctx);
        if (fail) throw new Error('the server went away');
        yield { records: [record(`two-${n}`)], state: null };
      },
    });
    expect((await sync(core, id)).status).toBe('succeeded');
    expect(stored(core)).toEqual(['one-1', 'two-1']);
    expect(made).toEqual([1]);
    expect(ended).toEqual([1]);
    fail = true;
    expect((await sync(core, id)).status).toBe('failed');
    expect(made).toEqual([1, 2]);
    expect(ended).toEqual([1, 2]);
  });

  it('maps a page handed over as a function only after the next page was asked for, and stores it like any other', async () => {
    const events: string[] = [];
    const { core, id } = await coreWith({
      items: async function* () {
        for (let k = 1; k <= 3; k++) {
          events.push(`fetch ${k}`);
          await new Promise((r) => setTimeout(r, 2));
          yield {
            records: () => {
              events.push(`map ${k}`);
              return [record(`m${k}`)];
            },
            state: { page: k },
          };
        }
      },
    });
    const run = await sync(core, id);
    expect(run.status).toBe('succeeded');
    expect(stored(core)).toEqual(['m1', 'm2', 'm3']);
    expect(events).toEqual(['fetch 1', 'fetch 2', 'map 1', 'fetch 3', 'map 2', 'map 3']);
  });
});
