/**
 * Sync processes for kill tests. Each child runs test/fixtures/sync-child.ts
 * (one core on a data directory, one sync of one integration, secrets through
 * the environment) and is SIGKILLed at a planned moment, as a crash or a
 * force-quit would stop the app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../main/core/core.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { secretAccount } from '../../main/secrets/secret-store.ts';
import { openDatabase } from '../../main/store/database.ts';
import type { MethodInput } from '../../shared/contract.ts';
import type { SyncRun } from '../../shared/sync.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = 'test/fixtures/sync-child.ts';

export interface SyncChildOptions {
  dataDir: string;
  /** The integration to sync. */
  id: string;
  /** Secret field → value, handed over through the environment (never argv). */
  secrets: Record<string, string>;
  /** Trust the emulators' test CA (the Microsoft emulator speaks https). */
  testTls?: boolean;
}

/** Where the SIGKILL lands. */
export interface KillPlan {
  /** ms after "go" (may land while the core opens the database and marks interrupted runs). */
  fromGo?: number;
  /** ms after the child reported that its run started. */
  afterStart?: number;
  /** after the child reported its `afterPage`-th committed page, plus `jitter` ms. */
  afterPage?: number;
  jitter?: number;
}

export interface SyncChildOutcome {
  /** Whether the child was still running when the kill was sent. */
  killed: boolean;
  /** The child's core was created (it marks runs a crash left running as interrupted). */
  ready: boolean;
  started: boolean;
  finished: boolean;
  /** Pages the run reported committed. */
  pages: number;
  /** The finished run, when the child got that far. */
  run?: SyncRun;
  /** The signal that ended the child, if one did. */
  signal: NodeJS.Signals | null;
  stderr: string;
  /** From "go" to exit. */
  ms: number;
}

export interface SyncChild {
  /** Lets the child open the core and sync; resolves when it exited (by itself or killed). */
  go(kill?: KillPlan): Promise<SyncChildOutcome>;
  /** Kills a child that was never told to go. */
  discard(): void;
}

const live = new Set<ChildProcess>();

/** Kills every sync child still running (for afterAll). */
export function killSyncChildren(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
}

/**
 * Spawns a sync child and waits until it has loaded its modules (about a
 * second of tsx work, which a test may overlap with the previous child's
 * run). It touches the data directory only after `go`.
 */
export async function startSyncChild(opts: SyncChildOptions): Promise<SyncChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      KX_DATA_DIR: opts.dataDir,
      KX_INTEGRATION_ID: opts.id,
      KX_SECRETS: JSON.stringify(opts.secrets),
      KX_WAIT_FOR_GO: '1',
      ...(opts.testTls ? { KX_TEST_TLS: '1' } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const out: SyncChildOutcome = { killed: false, ready: false, started: false, finished: false, pages: 0, signal: null, stderr: '', ms: 0 };
  let plan: KillPlan | undefined;
  let t0 = 0;
  let timer: NodeJS.Timeout | undefined;
  const doKill = () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      out.killed = true;
      process.kill(child.pid, 'SIGKILL');
    }
  };
  let onLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((r) => (onLoaded = r));
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let msg: { event?: string; pages?: number; run?: SyncRun };
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      if (msg.event === 'loaded') onLoaded();
      else if (msg.event === 'ready') out.ready = true;
      else if (msg.event === 'started') {
        out.started = true;
        if (plan?.afterStart !== undefined) timer = setTimeout(doKill, plan.afterStart);
      } else if (msg.event === 'page') {
        out.pages = msg.pages ?? out.pages;
        if (plan?.afterPage !== undefined && out.pages === plan.afterPage) timer = setTimeout(doKill, plan.jitter ?? 0);
      } else if (msg.event === 'finished') (out.finished = true), (out.run = msg.run);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (out.stderr += d));
  const exited = new Promise<SyncChildOutcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      out.ms = Date.now() - t0;
      out.signal = signal;
      if (!out.killed && code !== 0) return reject(new Error(`sync child exited with ${code ?? signal}: ${out.stderr}`));
      resolve(out);
    });
  });
  // A child killed by afterAll after a failure must not turn into an unhandled rejection.
  exited.catch(() => undefined);
  await Promise.race([loaded, exited.then(() => Promise.reject(new Error(`sync child exited before loading: ${out.stderr}`)))]);
  return {
    go(kill) {
      plan = kill;
      t0 = Date.now();
      child.stdin!.end('go\n');
      if (kill?.fromGo !== undefined) timer = setTimeout(doKill, kill.fromGo);
      return exited;
    },
    discard() {
      doKill();
    },
  };
}

/** Runs one sync in a child process, SIGKILLed as `kill` plans (without a plan it runs to the end). */
export async function runSyncChild(opts: SyncChildOptions, kill?: KillPlan): Promise<SyncChildOutcome> {
  return (await startSyncChild(opts)).go(kill);
}

/** Adds an integration with a short-lived core in this process, so that only the children sync. */
export async function addIntegration(dataDir: string, input: MethodInput<'integrations.add'>): Promise<string> {
  const setup = await createCore({ dataDir, secretStore: new MemorySecretStore() });
  try {
    return (await setup.invoke('integrations.add', input)).id;
  } finally {
    await setup.close();
  }
}

/** A core in this process on the children's data directory, as the app after a crash; the secrets seed its store. */
export async function reopenCore(dataDir: string, id: string, secrets: Record<string, string>, extra?: Partial<CoreOptions>): Promise<Core> {
  const store = new MemorySecretStore();
  for (const [field, value] of Object.entries(secrets)) await store.set(secretAccount(id, field), value);
  return createCore({ dataDir, secretStore: store, ...extra });
}

/** The records the children left, by external id, read without a core; fails on a duplicate external id. */
export function storedRecords(dataDir: string): Map<string, { title: string; stream: string }> {
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const dups = db.prepare('SELECT external_id, count(*) AS n FROM records GROUP BY external_id HAVING n > 1').all();
    expect(dups).toEqual([]);
    const rows = db.prepare('SELECT stream, external_id, title FROM records').all() as { stream: string; external_id: string; title: string }[];
    return new Map(rows.map((r) => [r.external_id, { title: r.title, stream: r.stream }]));
  } finally {
    db.close();
  }
}

/** After the kills and a finishing run: one more sync finds nothing to do, and every killed run was marked interrupted. */
export async function expectIdleAfterKills(core: Core, id: string, kills: number): Promise<void> {
  const idle = (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
  expect(idle.counts).toMatchObject({ added: 0, updated: 0, deleted: 0, failed: 0 });
  const statuses = (await core.invoke('runs.list', { integrationId: id })).map((r) => r.status);
  expect(statuses.filter((x) => x === 'interrupted')).toHaveLength(kills);
}
