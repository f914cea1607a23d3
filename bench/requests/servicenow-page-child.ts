/**
 * Child of servicenow-page-size.ts, in one of two roles (BENCH_SN_PAGE JSON):
 *   {"role":"emulator","rows":N,"profile":"short"|"long"}  the ServiceNow emulator with N incidents
 *   {"role":"sync","url":U,"pageSize":P|null}              a core that fully syncs them, measuring its memory (null: the connector sizes pages)
 *   {"role":"live","url":U,"pageSize":P}                   one page as the connector asks for it: what it keeps alive
 * "long" rows carry descriptions and close notes of the lengths real
 * incidents have (a few hundred to a couple of thousand characters).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../../main/core/core.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { parent } from '../lib/child.ts';
import { watchMemory } from '../lib/memory-watch.ts';

const USER = 'kx.bench';
const PASSWORD = 'bench-password';
const spec = JSON.parse(process.env.BENCH_SN_PAGE ?? '{}') as { role: 'emulator' | 'sync' | 'live'; rows?: number; profile?: 'short' | 'long'; url?: string; pageSize?: number | null };

/** Deterministic filler text of `n` characters. */
function prose(n: number, seed: number): string {
  const words = ['printer', 'outlook', 'cannot', 'connect', 'VPN', 'token', 'expired', 'after', 'the', 'update', 'user', 'reports', 'error', 'code', '0x80070005', 'when', 'opening', 'shared', 'drive', 'on', 'floor', 'three'];
  let out = '';
  for (let i = seed; out.length < n; i++) out += `${words[(i * 7) % words.length]} `;
  return out.slice(0, n);
}

async function emulator(): Promise<void> {
  const { startServiceNowEmulator } = await import('../../test/emulators/servicenow/server.ts');
  const sn = await startServiceNowEmulator({ now: '2025-03-03T09:00:00Z' });
  sn.state.addUser({ user_name: USER, password: PASSWORD, name: 'Bench User', time_zone: 'Europe/Berlin', roles: ['itil'] });
  const caller = sn.state.addUser({ user_name: 'beth.anglin', password: 'x', name: 'Beth Anglin' });
  const agent = sn.state.addUser({ user_name: 'david.loo', password: 'x', name: 'David Loo' });
  const group = sn.state.addGroup('Service Desk');
  const long = spec.profile === 'long';
  sn.state.addMany('incident', spec.rows!, {
    end: '2025-03-03T08:00:00Z',
    stepSeconds: 20,
    values: (i) => ({
      short_description: long ? prose(40 + (i % 60), i) : `Email outage ${i + 1}`,
      description: long ? prose(200 + ((i * 37) % 1800), i + 3) : `Users on floor ${i % 5} cannot send mail`,
      close_notes: long && i % 3 === 0 ? prose(100 + ((i * 13) % 500), i + 5) : '',
      state: String([1, 2, 6, 7][i % 4]),
      priority: String((i % 5) + 1),
      category: 'software',
      caller_id: caller.sys_id,
      assigned_to: agent.sys_id,
      assignment_group: group,
      opened_at: '2025-02-01 08:00:00',
      active: 'true',
    }),
  });
  parent.serve(
    {
      requests: () => ({ total: sn.requests.total, bytes: sn.requests.bytesOut, largest: Math.max(0, ...sn.requests.entries.map((e) => e.bytesOut)) }),
      clear: () => (sn.requests.clear(), {}),
    },
    () => sn.close(),
  );
  parent.ready({ url: sn.url });
}

async function sync(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-sn-'));
  try {
    const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
    const i = await core.invoke('integrations.add', { connector: 'servicenow', name: 'Bench ServiceNow', settings: { instanceUrl: spec.url, username: USER, tables: ['incident'], ...(spec.pageSize ? { pageSize: spec.pageSize } : {}) }, secrets: { password: PASSWORD } });
    const w = await watchMemory(() => core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true }), 10);
    const run = w.value.run!;
    await core.close();
    parent.finish({ status: run.status, error: run.error?.message ?? null, added: run.counts.added, requests: run.requests, ms: w.ms, rssBefore: w.rssBefore, heapBefore: w.heapBefore, syncPeakRss: w.peakRss, peakHeap: w.peakHeap });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Live memory (JS heap + buffers) after a full GC. */
function live(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * What one page keeps alive while the engine stores it: the response text,
 * the parsed rows and the mapped records (the connector holds all three until
 * it asks for the next page), measured after a full GC at each step.
 */
async function livePage(): Promise<void> {
  const { HttpClient } = await import('../../main/http/client.ts');
  const { fieldsOf } = await import('../../main/connectors/servicenow/table-stream.ts');
  const { mapRow } = await import('../../main/connectors/servicenow/map.ts');
  const http = new HttpClient({ title: 'ServiceNow', baseUrl: spec.url!, auth: { type: 'basic', username: USER, password: PASSWORD }, headers: { accept: 'application/json' } });
  const query = { sysparm_query: 'ORDERBYsys_updated_on^ORDERBYsys_id', sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true', sysparm_fields: fieldsOf('incident'), sysparm_limit: spec.pageSize! };
  await http.request({ path: '/api/now/table/incident', query: { ...query, sysparm_limit: 1 } });
  const base = live();
  const res = await http.request({ path: '/api/now/table/incident', query });
  const withText = live();
  // Already parsed by the HTTP client (it checks JSON bodies as they arrive), so this adds next to nothing.
  const rows = res.json<{ result: Record<string, never>[] }>().result;
  const withRows = live();
  const records = rows.map((r) => mapRow(spec.url!, 'incident', 'incident', r));
  const withRecords = live();
  parent.finish({ rows: rows.length, records: records.length, bytes: Buffer.byteLength(res.text), text: withText - base, parsed: withRows - withText, mapped: withRecords - withRows, total: withRecords - base });
}

try {
  if (spec.role === 'emulator') await emulator();
  else if (spec.role === 'live') await livePage();
  else await sync();
} catch (err) {
  parent.fail(err);
}
