/**
 * Smoke runs of every benchmark at tiny sizes (BENCH_SMOKE=1): they prove the
 * benchmark code works end to end — children, emulators, official clients,
 * Chromium — and that each result is well formed. They never assert timings:
 * this machine is shared, and benchmarks report ratios, not verdicts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/lib/result.ts';
import { ensureDistRenderer } from '../e2e/support.ts';

const saved = { ...process.env };
const results: BenchResult[] = [];

beforeAll(() => {
  process.env.BENCH_SMOKE = '1';
  delete process.env.BENCH_SCALE;
  delete process.env.BENCH_ONLY;
  delete process.env.BENCH_CONNECTORS;
});
afterAll(() => {
  process.env = saved;
});

/** A result every benchmark must produce: named metrics, each with a number or a reason. */
function wellFormed(r: BenchResult, id: string): void {
  expect(r.id).toBe(id);
  expect(r.metrics.length).toBeGreaterThan(0);
  for (const m of r.metrics) {
    expect(m.name).toBeTruthy();
    if (m.value === null) expect(m.note, `${m.name} has no value and no reason`).toBeTruthy();
    else expect(Number.isFinite(m.value), `${m.name} = ${m.value}`).toBe(true);
  }
  results.push(r);
}

describe('benchmarks (smoke sizes, no timing assertions)', () => {
  it('requests: every connector with an emulator syncs fully and incrementally, counted against its minimum', async () => {
    const { requestsBench } = await import('../../bench/requests.ts');
    const r = await requestsBench();
    wellFormed(r, 'requests');
    const full = r.metrics.filter((m) => m.name.endsWith('full sync') && m.value !== null);
    expect(full.map((m) => m.name)).toEqual(expect.arrayContaining(['GitHub: full sync', 'Jira: full sync', 'MCP (server-everything): full sync']));
    for (const m of full) expect(m.baseline).toBeGreaterThan(0);
  }, 240_000);

  it('ingest and memory: a full sync in its own process against the lean emulator, and the raw-upsert baseline', async () => {
    const { ingestBench } = await import('../../bench/ingest.ts');
    const { memoryBench } = await import('../../bench/memory.ts');
    const { measureSync } = await import('../../bench/ingest/measure.ts');
    const { sizes } = await import('../../bench/lib/sizes.ts');
    const large = await measureSync(sizes().ingest);
    expect(large.stored).toBe(sizes().ingest);
    wellFormed(await ingestBench({ sync: large }), 'ingest');
    const mem = await memoryBench({ large });
    wellFormed(mem, 'memory');
    expect(mem.metrics.every((m) => m.value !== null)).toBe(true);
  }, 240_000);

  it('latency: our sync and the official clients (octokit, jira.js) list the same issues through an added latency', async () => {
    const { latencyBench } = await import('../../bench/latency.ts');
    const r = await latencyBench();
    wellFormed(r, 'latency');
    expect(r.metrics.every((m) => m.value !== null && m.baseline !== null)).toBe(true);
  }, 240_000);

  it('search: the API query against the bare FTS5 query; queries with few hits ranked as over all of them, every total right', async () => {
    const { searchBench } = await import('../../bench/search.ts');
    const r = await searchBench();
    wellFormed(r, 'search');
    expect(r.metrics.find((m) => m.name === 'query latency p50')?.note).toMatch(/^ranked as bm25 over all matches: (\d+) of \1 queries/);
    expect(r.metrics.find((m) => m.name === 'query latency p95')?.note).toMatch(/^every total exact/);
  }, 240_000);

  it('idle: a core with scheduled integrations wakes only at due times', async () => {
    const { idleBench } = await import('../../bench/idle.ts');
    const r = await idleBench();
    wellFormed(r, 'idle');
    expect(r.metrics.find((m) => m.name === 'scheduler wake-ups')?.met).toBe(true);
  }, 120_000);

  it('ui: the logs view and the overview are timed in headless Chromium, or reported not available', async () => {
    process.env.BENCH_RENDERER_DIR = ensureDistRenderer();
    const { uiBench } = await import('../../bench/ui.ts');
    wellFormed(await uiBench(), 'ui');
  }, 300_000);

  it('writes results.json and a Markdown table with the machine line', async () => {
    const { writeResults } = await import('../../bench/run-all.ts');
    const { machine } = await import('../../bench/lib/machine.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-results-'));
    try {
      const files = writeResults(dir, results, machine(), 1234);
      const json = JSON.parse(fs.readFileSync(files.json, 'utf8'));
      expect(json.results.map((r: BenchResult) => r.id)).toEqual(results.map((r) => r.id));
      const md = fs.readFileSync(files.md, 'utf8');
      expect(md).toMatch(/^Machine: .+ cores, .+Node v\d+/m);
      expect(md).toContain('| Benchmark | Measure | Value | Baseline (same run) | Ratio | Target | Note |');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
