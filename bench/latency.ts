/**
 * Latency-bound sync: with a fixed delay added to every request, the wall
 * time of a full sync (our core, storing everything) against the official
 * client merely listing the same data from the same emulator: GitHub issues
 * vs @octokit/rest + paginate, Jira issues vs jira.js 5. Each side runs in
 * its own fresh process, alternately, `latencyRounds` times; medians compared.
 *
 *   npm run bench:latency
 */
import { randomBytes } from 'node:crypto';
import { progress, runMain } from './lib/cli.ts';
import { here, startChild } from './lib/child.ts';
import { atMost, ratio, type BenchResult, type Metric } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { median } from './lib/stats.ts';
import { runSync } from './sync/run-sync.ts';

const EMAIL = 'ana@acme.example';

interface Pair {
  title: string;
  emulator: 'github' | 'jira';
  client: 'octokit' | 'jira.js';
  clientTitle: string;
}

const PAIRS: Pair[] = [
  { title: 'GitHub issues', emulator: 'github', client: 'octokit', clientTitle: '@octokit/rest paginate' },
  { title: 'Jira issues', emulator: 'jira', client: 'jira.js', clientTitle: 'jira.js 5' },
];

async function official(client: Pair['client'], url: string, token: string): Promise<{ ms: number; items: number }> {
  const child = startChild(here(import.meta.url, './latency/official-child.ts'), { env: { BENCH_OFFICIAL: JSON.stringify({ client, url, token, email: EMAIL }) } });
  try {
    const r = await child.result;
    return { ms: r.ms, items: r.items };
  } finally {
    await child.close();
  }
}

async function measurePair(p: Pair, issues: number, latencyMs: number, rounds: number): Promise<{ metrics: Metric[]; note: string }> {
  const token = p.emulator === 'github' ? `ghp_bench_${randomBytes(12).toString('hex')}` : `ATATT-bench-${randomBytes(12).toString('hex')}`;
  const emu = startChild(here(import.meta.url, './emulators/emulator-child.ts'), { env: { BENCH_EMULATOR: JSON.stringify({ kind: p.emulator, issues, token, email: EMAIL }) } });
  try {
    const { url } = await emu.ready;
    await emu.call('latency', { ms: latencyMs });
    const ours: number[] = [];
    const theirs: number[] = [];
    const ourRequests: number[] = [];
    const theirRequests: number[] = [];
    const ourServer: number[] = [];
    const theirServer: number[] = [];
    let stored = 0;
    let listed = 0;
    for (let k = 0; k < rounds; k++) {
      await emu.call('clear');
      const s = await runSync({ connector: p.emulator, url, token, email: EMAIL }, issues);
      const os = await emu.call('requests');
      ourRequests.push(os.total);
      ourServer.push(os.ms);
      ours.push(s.ms);
      stored = s.stored;
      await emu.call('clear');
      const o = await official(p.client, url, token);
      const ts = await emu.call('requests');
      theirRequests.push(ts.total);
      theirServer.push(ts.ms);
      theirs.push(o.ms);
      listed = o.items;
    }
    const a = median(ours);
    const b = median(theirs);
    const r = ratio(a, b);
    return {
      metrics: [
        { name: `${p.title}: full sync vs ${p.clientTitle}`, value: a / 1000, unit: 's', baseline: b / 1000, ratio: r, target: 'ratio ≤ 1.0', met: atMost(r, 1), note: `ours ${ourRequests[0]} requests and ${stored.toLocaleString('en-US')} stored; theirs ${theirRequests[0]} requests, ${listed.toLocaleString('en-US')} listed` },
      ],
      note: `${p.title}: ours ${ours.map((x) => (x / 1000).toFixed(2)).join(' / ')} s, ${p.clientTitle} ${theirs.map((x) => (x / 1000).toFixed(2)).join(' / ')} s; of which the emulator answering (latency included) ${ourServer.map((x) => (x / 1000).toFixed(2)).join(' / ')} s vs ${theirServer.map((x) => (x / 1000).toFixed(2)).join(' / ')} s.`,
    };
  } finally {
    await emu.close();
  }
}

export async function latencyBench(): Promise<BenchResult> {
  const z = sizes();
  const metrics: Metric[] = [];
  const notes: string[] = [];
  for (const p of PAIRS) {
    progress(`latency: ${p.title}, ${z.latencyIssues} issues, +${z.latencyMs} ms per request`);
    const r = await measurePair(p, z.latencyIssues, z.latencyMs, z.latencyRounds);
    metrics.push(...r.metrics);
    notes.push(r.note);
  }
  notes.unshift(`Every request to the emulator (the full GitHub and Jira emulators of test/emulators, each in its own process) waits ${z.latencyMs} ms first. Ours: a fresh core syncing the issues into SQLite through the API; theirs: the official client listing the same issues (per_page / maxResults 100, same fields) and keeping nothing. Wall time of the listing or sync only, process start excluded; median of the rounds. The engine reads one batch ahead: the next request is in flight while the current page is stored.`);
  return { id: 'latency', title: 'Latency-bound sync', params: { issues: z.latencyIssues, latencyMs: z.latencyMs, rounds: z.latencyRounds }, metrics, notes };
}

await runMain(import.meta, () => latencyBench());
