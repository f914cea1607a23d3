/**
 * Requests: for every connector with an emulator, the requests a full sync
 * and an incremental sync with no changes use, divided by the minimum
 * (ceil(listed / largest page) per listing plus unavoidable setup calls; one
 * request per listing when nothing changed). Requests are counted by the
 * emulators' own logs. Connectors are listed in requests/cases.ts.
 *
 *   npm run bench:requests
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { progress, runMain } from './lib/cli.ts';
import { atMost, ratio, type BenchResult, type Metric } from './lib/result.ts';
import { sizes } from './lib/sizes.ts';
import { minimumFull, minimumIncremental, syncOnce, type RequestsCase } from './requests/case.ts';
import { cases as allCases } from './requests/cases.ts';

const EMULATORS = fileURLToPath(new URL('../test/emulators/', import.meta.url));
const MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** Every route, busiest first, as "GET /path ×n" (long ids shortened), for the notes. */
function topRoutes(routes: Record<string, number>): string {
  return Object.entries(routes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.replace(/\/[^/]{20,}/g, '/…')} ×${v}`)
    .join(', ');
}

async function measure(c: RequestsCase, scale: number): Promise<{ metrics: Metric[]; notes: string[] }> {
  // A case runs against its emulator, or against a real reference server it names (a package in node_modules).
  const reference = c.reference;
  const runnable = reference ? fs.existsSync(`${MODULES}${reference}`) : fs.existsSync(`${EMULATORS}${c.emulator}`);
  if (!runnable) {
    const note = reference ? `reference server ${reference} is not installed` : `no emulator under test/emulators/${c.emulator}`;
    return { metrics: [{ name: `${c.title}: full sync`, value: null, unit: 'requests', note }], notes: [] };
  }
  const s = await c.start(scale);
  try {
    let full = s.firstRun;
    if (!full) {
      s.clear();
      const run = await syncOnce(s.core, s.id);
      full = { run, requests: s.requests(), routes: s.routes() };
    }
    if (full.run.status !== 'succeeded') throw new Error(`${c.title}: the full sync ${full.run.status}: ${full.run.error?.message}`);
    s.clear();
    const inc = await syncOnce(s.core, s.id);
    const incRequests = s.requests();
    const incRoutes = s.routes();
    const statusText = () => Object.entries(s.statuses()).map(([k, v]) => `${v}× ${k}`).join(', ');
    const incStatuses = statusText();
    // A second idle sync shows what conditional requests settle to (a first one may still read an overlap).
    s.clear();
    const again = await syncOnce(s.core, s.id);
    const againText = `${s.requests()} requests: ${statusText()}`;
    for (const r of [inc, again]) if (r.status !== 'succeeded') throw new Error(`${c.title}: an incremental sync ${r.status}: ${r.error?.message}`);
    const minFull = minimumFull(s);
    const minInc = minimumIncremental(s);
    const rf = ratio(full.requests, minFull);
    const ri = ratio(incRequests, minInc);
    const records = full.run.counts.added;
    const fed = s.feeds.map((f) => `${f.stream} ${f.listed.toLocaleString('en-US')}/${f.maxPage}`).join(', ');
    const stored = inc.counts.added + inc.counts.updated + inc.counts.deleted;
    return {
      metrics: [
        { name: `${c.title}: full sync`, value: full.requests, unit: 'requests', baseline: minFull, ratio: rf, target: 'ratio 1.0', met: atMost(rf, 1), note: `${records.toLocaleString('en-US')} records` },
        { name: `${c.title}: incremental, no changes`, value: incRequests, unit: 'requests', baseline: minInc, ratio: ri, target: 'ratio 1.0', met: atMost(ri, 1), note: stored ? `${stored} records changed?` : '' },
      ],
      notes: [
        `${c.title}: listings (items/largest page) ${fed}${s.setup.why ? `; setup: ${s.setup.why}` : ''}. Full: ${topRoutes(full.routes)}. Incremental (${incStatuses}): ${topRoutes(incRoutes)}${inc.requests !== incRequests ? ` (the run counted ${inc.requests})` : ''}; the next one ${againText}.`,
      ],
    };
  } finally {
    await s.close();
  }
}

/** Runs every case (or those named in BENCH_CONNECTORS, comma-separated). */
export async function requestsBench(opts: { cases?: RequestsCase[] } = {}): Promise<BenchResult> {
  const scale = sizes().requestsScale;
  const only = process.env.BENCH_CONNECTORS?.split(',').map((s) => s.trim());
  const list = (opts.cases ?? allCases).filter((c) => !only || only.includes(c.connector));
  const metrics: Metric[] = [];
  const notes: string[] = [];
  for (const c of list) {
    progress(`requests: ${c.title}`);
    const r = await measure(c, scale);
    metrics.push(...r.metrics);
    notes.push(...r.notes);
  }
  notes.push('Minimum of a full sync: Σ ceil(items listed / largest page) over the listings, plus the setup calls named above; of an incremental sync with no changes: one request per listing plus the same setup. Requests are counted by the emulators, or for MCP by a counting proxy in front of the reference server (every request, retries included).');
  return { id: 'requests', title: 'Requests', params: { scale }, metrics, notes };
}

await runMain(import.meta, () => requestsBench());
