/**
 * Evidence for the ServiceNow page size, with short rows (the emulator's
 * usual data) and long ones (real-length descriptions and close notes):
 *  - what one page of 1,000 / 2,500 / 10,000 incidents keeps alive while it
 *    is stored (after a full GC: response text, rows, mapped records);
 *  - a full sync of one incident table at 1,000, at the connector's own
 *    byte-sized pages (no page size set) and at 10,000: requests, the largest
 *    response, and the sync process's peak RSS above its start (noisy: when
 *    V8 collects varies). The emulator runs in its own process, not counted.
 *
 *   node --import tsx bench/requests/servicenow-page-size.ts [rows]
 */
import { here, startChild } from '../lib/child.ts';

const MB = 1024 * 1024;
const rows = Number(process.argv[2] ?? 20_000);
const child = here(import.meta.url, './servicenow-page-child.ts');

async function measure(profile: 'short' | 'long', pageSize: number | null): Promise<string> {
  const emu = startChild(child, { env: { BENCH_SN_PAGE: JSON.stringify({ role: 'emulator', rows, profile }) } });
  try {
    const { url } = await emu.ready;
    const s = startChild(child, { env: { BENCH_SN_PAGE: JSON.stringify({ role: 'sync', url, pageSize }) }, execArgv: ['--expose-gc'] });
    try {
      const r = await s.result;
      if (r.status !== 'succeeded') throw new Error(`sync ${r.status}: ${r.error}`);
      const q = await emu.call('requests');
      return `| ${profile} | ${pageSize ? pageSize.toLocaleString('en-US') : 'by bytes (unset)'} | ${r.added.toLocaleString('en-US')} | ${q.total} | ${(q.largest / MB).toFixed(1)} MB | ${((r.syncPeakRss - r.rssBefore) / MB).toFixed(0)} MB | ${((r.peakHeap - r.heapBefore) / MB).toFixed(0)} MB | ${(r.ms / 1000).toFixed(1)} s |`;
    } finally {
      await s.close();
    }
  } finally {
    await emu.close();
  }
}

/** One page's live memory (see livePage in the child). */
async function livePage(profile: 'short' | 'long', pageSize: number): Promise<string> {
  const emu = startChild(child, { env: { BENCH_SN_PAGE: JSON.stringify({ role: 'emulator', rows: pageSize, profile }) } });
  try {
    const { url } = await emu.ready;
    const s = startChild(child, { env: { BENCH_SN_PAGE: JSON.stringify({ role: 'live', url, pageSize }) }, execArgv: ['--expose-gc'] });
    try {
      const r = await s.result;
      const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
      // The HTTP client parses a JSON body as it arrives: text and rows come together.
      return `| ${profile} | ${pageSize.toLocaleString('en-US')} | ${mb(r.bytes)} | ${mb(r.text + r.parsed)} | ${mb(r.mapped)} | ${mb(r.total)} |`;
    } finally {
      await s.close();
    }
  } finally {
    await emu.close();
  }
}

console.log('One page: what it keeps alive (after a full GC) while the engine stores it\n');
console.log('| rows | sysparm_limit | response | text + parsed rows | mapped records | total |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const profile of ['short', 'long'] as const) for (const pageSize of [1000, 2500, 10_000]) console.log(await livePage(profile, pageSize));
if (process.env.BENCH_SN_LIVE_ONLY) process.exit(0);

console.log(`\n${rows.toLocaleString('en-US')} incidents, fields as the connector asks for them (sysparm_display_value=all)\n`);
console.log('| rows | sysparm_limit | records | requests | largest response | peak RSS above start | peak heap above start | sync time |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const profile of ['short', 'long'] as const) for (const pageSize of [1000, null, 10_000]) console.log(await measure(profile, pageSize));
