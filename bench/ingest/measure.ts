/**
 * One full sync of `count` lean GitHub issues, with the emulator and the sync
 * each in their own process, and the raw-upsert baseline in a third.
 */
import { randomBytes } from 'node:crypto';
import { here, startChild } from '../lib/child.ts';
import { runSync, type SyncMeasure } from '../sync/run-sync.ts';

export type { SyncMeasure };

export interface BaselineMeasure {
  ms: number;
  cpuMs: number;
  stored: number;
  maxRss: number;
}

/** Runs a sync child against a fresh lean emulator child; both are stopped after. */
export async function measureSync(count: number): Promise<SyncMeasure> {
  const token = `ghp_bench_${randomBytes(12).toString('hex')}`;
  const emu = startChild(here(import.meta.url, '../emulators/emulator-child.ts'), { env: { BENCH_EMULATOR: JSON.stringify({ kind: 'lean', count, token }) } });
  try {
    const { url } = await emu.ready;
    return await runSync({ connector: 'github', url, token }, count);
  } finally {
    await emu.close();
  }
}

/** The raw upsert of the same rows, in its own process. */
export async function measureBaseline(count: number): Promise<BaselineMeasure> {
  const child = startChild(here(import.meta.url, './baseline-child.ts'), { env: { BENCH_BASELINE: JSON.stringify({ count }) } });
  try {
    const r = await child.result;
    return { ms: r.ms, cpuMs: r.cpuMs, stored: r.stored, maxRss: r.maxRss };
  } finally {
    await child.close();
  }
}
