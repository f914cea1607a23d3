/**
 * A SharePoint sync stopped mid-run (cancelled, the app quit, or the process
 * killed) continues on the next run from the nextLink stored with the last
 * committed page: nothing is read twice into the mirror and nothing is lost.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../../main/core/core.ts';
import { secretAccount } from '../../../../main/secrets/secret-store.ts';
import { killSyncChildren, runSyncChild } from '../../../helpers/child-sync.ts';
import { mirrored, sharepointFixture, syncNow, type SharePointFixture } from './fixture.ts';

const FILES = 1000; // five delta pages of 200

let fx: SharePointFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});
afterAll(killSyncChildren);

/** The documents cursor of the library as the store holds it. */
function storedCursor(core: Core, driveId: string): { link?: string; paging?: boolean } {
  const row = core.db.prepare("SELECT state FROM stream_state WHERE stream = 'documents'").get() as { state: string };
  return JSON.parse(row.state).feeds[driveId];
}

/** Checks the second run picked up at the stored nextLink and that the mirror ends complete, without duplicates. */
async function expectResumed(f: SharePointFixture, core: Core, storedBefore: number): Promise<void> {
  const cursor = storedCursor(core, f.docs.id);
  expect(cursor.paging).toBe(true);
  expect(storedBefore).toBeGreaterThan(0);
  expect(storedBefore).toBeLessThan(FILES);
  f.ms.graph.requests.clear();
  const run = await syncNow(core, f.id);
  expect(run.status).toBe('succeeded');
  const first = f.ms.graph.requests.find({ path: /\/root\/delta/ })[0]!;
  expect(`${f.ms.graph.url}${first.url}`).toBe(cursor.link);
  expect(run.counts).toMatchObject({ added: FILES - storedBefore, updated: 0, unchanged: 0 });
  const ids = core.db.prepare("SELECT external_id FROM records WHERE kind = 'document'").all() as { external_id: string }[];
  expect(new Set(ids.map((r) => r.external_id)).size).toBe(FILES);
  expect(ids).toHaveLength(FILES);
  // And the feed is settled: nothing new next time.
  expect((await syncNow(core, f.id)).counts).toMatchObject({ added: 0, updated: 0 });
}

describe('SharePoint resume after a stop', () => {
  it('a sync cancelled between pages resumes from the stored nextLink', async () => {
    fx = await sharepointFixture({ streams: ['documents'] });
    fx.ms.graph.state.addFiles(fx.docs, FILES);
    let pages = 0;
    fx.core.onEvent((e, d) => {
      if (e === 'run.progress' && ++pages === 2) void fx!.core.invoke('sync.cancel', { runId: (d as { run: { id: string } }).run.id });
    });
    const stopped = await syncNow(fx.core, fx.id);
    expect(stopped.status).toBe('cancelled');
    expect(stopped.counts.added).toBe(400);
    await expectResumed(fx, fx.core, mirrored(fx.core, 'document').size);
  });

  it('an app that quits mid-sync continues after the restart', async () => {
    fx = await sharepointFixture({ streams: ['documents'] });
    fx.ms.graph.state.addFiles(fx.docs, FILES);
    let closing: Promise<void> | undefined;
    fx.core.onEvent((e) => {
      if (e === 'run.progress') closing ??= fx!.core.close();
    });
    const stopped = await syncNow(fx.core, fx.id);
    await closing;
    expect(stopped.status).toBe('cancelled');
    const core = await fx.reopen();
    await expectResumed(fx, core, mirrored(core, 'document').size);
  });

  it('a sync process killed (SIGKILL) mid-run continues in the next process', async () => {
    fx = await sharepointFixture({ streams: ['documents'] });
    fx.ms.graph.state.addFiles(fx.docs, FILES);
    await fx.core.close();
    // Slow pages so that the kill lands between them.
    fx.ms.graph.faults.setLatency(150, /\/root\/delta/);
    const secrets = { 'msal-cache': fx.store.values.get(secretAccount(fx.id, 'msal-cache'))! };
    const o = await runSyncChild({ dataDir: fx.dir, id: fx.id, secrets, testTls: true }, { afterPage: 2 });
    expect(o.killed, `the child ended before its second page: ${JSON.stringify(o.run)}${o.stderr}`).toBe(true);
    expect(o.signal).toBe('SIGKILL');
    fx.ms.graph.faults.reset();
    const core = await fx.reopen();
    // The killed run is marked interrupted when the next core opens the data directory.
    const runs = await core.invoke('runs.list', { integrationId: fx.id });
    expect(runs[0]).toMatchObject({ status: 'interrupted' });
    await expectResumed(fx, core, mirrored(core, 'document').size);
  }, 60_000);
});
