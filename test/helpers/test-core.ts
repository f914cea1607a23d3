/**
 * The parts every connector fixture repeats: a real core on a fresh data
 * directory whose HTTP client never really waits, and the calls tests make on
 * it (see github-fixture.ts, atlassian-fixture.ts and the fixtures under
 * test/main/connectors/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../main/core/core.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';

type Sleep = NonNullable<NonNullable<CoreOptions['httpOverrides']>['sleep']>;

/** A sleep for the HTTP client that records each wait it was asked for (ms) in `waits` and really waits only `realMs`. */
export function recordingSleep(waits: number[], realMs: number): Sleep {
  return async (ms, signal) => {
    waits.push(ms);
    if (signal?.aborted) throw new Error('aborted');
    await new Promise((r) => setTimeout(r, realMs));
  };
}

export interface TestCore {
  core: Core;
  dir: string;
  store: MemorySecretStore;
  /** Waits the HTTP client asked for (ms); tests never really wait. */
  waits: number[];
}

export interface TestCoreOptions {
  /** Start of the data directory's name in the OS temp folder, e.g. 'kx-gh-'. */
  tmpPrefix: string;
  /** How long each of the HTTP client's waits really takes (ms). */
  realSleepMs: number;
  clock?: CoreOptions['clock'];
  core?: Partial<CoreOptions>;
}

/** A core on a new temporary data directory with an in-memory keychain and a recording sleep. */
export async function startTestCore(opts: TestCoreOptions): Promise<TestCore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.tmpPrefix));
  const store = new MemorySecretStore();
  const waits: number[] = [];
  const core = await createCore({
    dataDir: dir,
    secretStore: store,
    clock: opts.clock,
    httpOverrides: { sleep: recordingSleep(waits, opts.realSleepMs) },
    ...opts.core,
  });
  return { core, dir, store, waits };
}

/** Runs one sync through the API and returns the finished run. */
export async function syncNow(core: Core, id: string) {
  const r = await core.invoke('sync.run', { id, trigger: 'cli', wait: true });
  return r.run!;
}

/** Stored records per kind. */
export function countByKind(core: Core): Record<string, number> {
  return Object.fromEntries((core.db.prepare('SELECT kind, count(*) AS n FROM records GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));
}

/** Everything a secret could leak into, as one string: every table that holds sync data, the runs' logs and the replies about the integration. */
export async function everythingStoredAndShown(core: Core, id: string, runIds: string[]): Promise<string> {
  const parts: unknown[] = ['records', 'run_logs', 'sync_runs', 'stream_state', 'integrations'].map((table) => core.db.prepare(`SELECT * FROM ${table}`).all());
  for (const runId of runIds) parts.push(await core.invoke('logs.list', { runId }));
  parts.push(await core.invoke('status.get', {}));
  parts.push(await core.invoke('integrations.test', { id }));
  return JSON.stringify(parts);
}
