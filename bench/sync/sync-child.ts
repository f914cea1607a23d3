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
import { watchMemory } from '../lib/memory-watch.ts';

const spec = JSON.parse(process.env.BENCH_SYNC ?? '{}') as { connector?: 'github' | 'jira'; url: string; token: string; email?: string };
const integration =
  spec.connector === 'jira'
    ? { connector: 'jira', name: 'Bench Jira', settings: { siteUrl: spec.url, email: spec.email, projects: ['ENG'] }, secrets: { apiToken: spec.token } }
    : { connector: 'github', name: 'Bench GitHub', settings: { baseUrl: spec.url, repositories: ['acme/api'], streams: ['issues'] }, secrets: { token: spec.token } };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-sync-'));
try {
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
  const i = await core.invoke('integrations.add', integration);
  const w = await watchMemory(() => core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true }));
  const run = w.value.run!;
  const stored = core.sync.records.count(i.id);
  (globalThis as { gc?: () => void }).gc?.();
  const retainedHeap = process.memoryUsage().heapUsed;
  await core.close();
  parent.finish({ ms: w.ms, cpuMs: w.cpuMs, stored, status: run.status, error: run.error?.message ?? null, requests: run.requests, added: run.counts.added, rssBefore: w.rssBefore, maxRssBefore: w.maxRssBefore, maxRss: w.maxRss, syncPeakRss: w.peakRss, peakHeap: w.peakHeap, retainedHeap });
} catch (err) {
  parent.fail(err);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
