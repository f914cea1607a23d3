import fs from 'node:fs';
import type { Core, CoreOptions } from '../../../../main/core/core.ts';
import { startServiceNowEmulator, type ServiceNowEmulator } from '../../../emulators/servicenow/server.ts';
import { ShiftedClock } from '../../../helpers/shifted-clock.ts';
import { startTestCore } from '../../../helpers/test-core.ts';

export { countByKind, syncNow } from '../../../helpers/test-core.ts';

/** Canary secrets: they must never show up in the database, logs or replies. */
export const PASSWORD = 'sn-pass-CANARY-7f3a9c1e2b55';
export const CLIENT_SECRET = 'sn-oauth-secret-CANARY-91d0c4e7';
export const USER = 'kx.sync';
export const CLIENT_ID = 'kinexus-desktop-client';

export interface SnFixture {
  sn: ServiceNowEmulator;
  core: Core;
  id: string;
  dir: string;
  clock: ShiftedClock;
  /** Waits the HTTP client asked for (ms); nothing really waits. */
  waits: number[];
  close(): Promise<void>;
}

export interface SnFixtureOptions {
  tables?: string[];
  timeZone?: string;
  roles?: string[];
  pageSize?: number;
  oauth?: boolean;
  core?: Partial<CoreOptions>;
  /** Fills the emulator before the integration is added. */
  seed?: (sn: ServiceNowEmulator) => void;
}

/** A ServiceNow emulator with one integration user, and a core with one integration for it. */
export async function snFixture(opts: SnFixtureOptions = {}): Promise<SnFixture> {
  const sn = await startServiceNowEmulator({ now: '2025-03-03T09:00:00Z' });
  sn.state.addUser({ user_name: USER, password: PASSWORD, name: 'Kinexus Sync', time_zone: opts.timeZone ?? 'Asia/Tokyo', roles: opts.roles ?? ['itil'] });
  sn.state.addOAuthClient(CLIENT_ID, CLIENT_SECRET);
  opts.seed?.(sn);
  const clock = new ShiftedClock();
  const { core, dir, waits } = await startTestCore({ tmpPrefix: 'kx-sn-', realSleepMs: 1, clock, core: opts.core });
  const settings: Record<string, unknown> = { instanceUrl: sn.url, username: USER, ...(opts.tables ? { tables: opts.tables } : {}), ...(opts.pageSize ? { pageSize: opts.pageSize } : {}) };
  if (opts.oauth) Object.assign(settings, { authMode: 'oauth', clientId: CLIENT_ID });
  const i = await core.invoke('integrations.add', {
    connector: 'servicenow',
    name: 'Acme ServiceNow',
    settings,
    secrets: { password: PASSWORD, ...(opts.oauth ? { clientSecret: CLIENT_SECRET } : {}) },
  });
  return {
    sn,
    core,
    id: i.id,
    dir,
    clock,
    waits,
    async close() {
      await core.close();
      await sn.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seeds the three default tables with some realistic records. */
export function seedDefault(sn: ServiceNowEmulator, n = { incident: 40, change_request: 12, kb_knowledge: 8 }): void {
  const s = sn.state;
  const caller = s.addUser({ user_name: 'beth.anglin', password: 'x', name: 'Beth Anglin' });
  const agent = s.addUser({ user_name: 'david.loo', password: 'x', name: 'David Loo' });
  const group = s.addGroup('Service Desk');
  const start = Date.parse('2025-02-01T00:00:00Z');
  s.addMany('incident', n.incident, {
    end: start + n.incident * 300_000,
    stepSeconds: 300,
    values: (i) => ({ short_description: `Email outage ${i + 1}`, description: `Users on floor ${i % 5} cannot send mail`, state: String([1, 2, 6, 7][i % 4]), priority: String((i % 5) + 1), category: 'software', caller_id: caller.sys_id, assigned_to: agent.sys_id, assignment_group: group, opened_at: '2025-02-01 08:00:00', active: 'true' }),
  });
  s.addMany('change_request', n.change_request, { end: start + 3600_000 * n.change_request, stepSeconds: 3600, values: (i) => ({ short_description: `Patch database cluster ${i + 1}`, state: '-2', type: 'normal', risk: '3', requested_by: agent.sys_id, start_date: '2025-03-10 22:00:00' }) });
  s.addMany('kb_knowledge', n.kb_knowledge, { end: start + 86_400_000, stepSeconds: 600, values: (i) => ({ short_description: `How to reset your VPN token ${i + 1}`, text: `<p>Open the <b>VPN</b> portal &amp; choose <i>Reset</i>.</p><p>Article ${i + 1}</p>`, workflow_state: 'published', author: agent.sys_id }) });
}
