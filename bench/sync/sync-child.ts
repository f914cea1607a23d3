/**
 * The measured side of the ingest, memory and latency benchmarks: a real core
 * on a fresh data directory, one integration pointed at the emulator (GitHub:
 * issues stream of acme/api; Jira: project ENG), one full sync through the
 * API. Reports wall and CPU time of the sync, the records stored, the
 * requests used and the peak RSS of this process (the emulator runs elsewhere).
 *
 *   BENCH_SYNC='{"connector":"github","url":"http://127.0.0.1:…","token":"…"}'
 *   BENCH_SYNC='{"connector":"jira","url":"…","token":"…","email":"…"}'
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectors } from '../../main/connectors/registry.ts';
import { createCore } from '../../main/core/core.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { parent } from '../lib/child.ts';

const spec = JSON.parse(process.env.BENCH_SYNC ?? '{}') as { connector?: 'github' | 'jira'; url: string; token: string; email?: string };
const integration =
  spec.connector === 'jira'
    ? { connector: 'jira', name: 'Bench Jira', settings: { siteUrl: spec.url, email: spec.email, projects: ['ENG'] }, secrets: { apiToken: spec.token } }
    : { connector: 'github', name: 'Bench GitHub', settings: { baseUrl: spec.url, repositories: ['acme/api'], streams: ['issues'] }, secrets: { token: spec.token } };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-sync-'));
try {
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
  const i = await core.invoke('integrations.add', integration);
  // Settle what start-up allocated, so the growth below is the sync's.
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  let peakHeap = 0;
  let sampledRss = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    sampledRss = Math.max(sampledRss, m.rss);
  }, 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const run = r.run!;
  const stored = core.sync.records.count(i.id);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  // The process's high-water mark is the sync's own only if the sync raised it above start-up's.
  const syncPeakRss = maxRss > maxRssBefore ? maxRss : Math.max(sampledRss, process.memoryUsage.rss());
  (globalThis as { gc?: () => void }).gc?.();
  const retainedHeap = process.memoryUsage().heapUsed;
  await core.close();
  parent.finish({ ms, cpuMs: (cpu.user + cpu.system) / 1000, stored, status: run.status, error: run.error?.message ?? null, requests: run.requests, added: run.counts.added, rssBefore, maxRssBefore, maxRss, syncPeakRss, peakHeap, retainedHeap });
} catch (err) {
  parent.fail(err);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
