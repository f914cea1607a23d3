import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServiceNowEmulator, type ServiceNowEmulator } from '../../../emulators/servicenow/server.ts';
import { addIntegration, expectIdleAfterKills, killSyncChildren, reopenCore, runSyncChild, storedRecords } from '../../../helpers/child-sync.ts';
import { PASSWORD, USER } from './fixture.ts';

afterAll(killSyncChildren);

const TABLES = ['incident', 'change_request'];

function upstream(sn: ServiceNowEmulator): Map<string, { title: string; stream: string }> {
  const out = new Map<string, { title: string; stream: string }>();
  for (const t of TABLES) for (const r of sn.state.list(t)) out.set(r.sys_id, { title: `${r.values.number} ${r.values.short_description}`, stream: t });
  return out;
}

describe('ServiceNow sync killed mid-run', () => {
  it('resumes from the last committed page: nothing lost, nothing duplicated, then idle', { timeout: 90_000 }, async () => {
    const sn = await startServiceNowEmulator({ now: '2025-03-03T09:00:00Z' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-sn-kill-'));
    try {
      sn.state.addUser({ user_name: USER, password: PASSWORD, roles: ['itil', 'admin'], time_zone: 'America/Los_Angeles' });
      sn.state.addMany('incident', 240, { end: '2025-03-03T08:00:00Z', stepSeconds: 60 });
      sn.state.addMany('change_request', 90, { end: '2025-03-03T08:30:00Z', stepSeconds: 120 });
      // Every request takes a little while, so a kill lands inside requests as well as between them.
      sn.faults.setLatency(20);
      const id = await addIntegration(dir, { connector: 'servicenow', name: 'SN', settings: { instanceUrl: sn.url, username: USER, tables: TABLES, pageSize: 20 }, secrets: { password: PASSWORD } });

      const plans = [
        { afterPage: 3, jitter: 5 },
        { afterPage: 4, jitter: 12 },
      ];
      let round = 0;
      for (const plan of plans) {
        const o = await runSyncChild({ dataDir: dir, id, secrets: { password: PASSWORD } }, plan);
        expect(o.killed, `child ${round} finished before the kill: ${JSON.stringify(o.run)}`).toBe(true);
        // Whatever was committed exists upstream (or was deleted upstream after it was stored).
        const have = storedRecords(dir);
        expect(have.size).toBeGreaterThan(0);
        // Upstream keeps changing between kills.
        round++;
        sn.state.advance(10_000);
        const inc = sn.state.list('incident');
        sn.state.update('incident', inc[round]!.sys_id, { short_description: `edited in round ${round}` });
        sn.state.update('incident', inc[200 - round]!.sys_id, { short_description: `late edit in round ${round}` });
        sn.state.add('change_request', { short_description: `new change of round ${round}` });
        sn.state.delete('incident', inc[50 + round]!.sys_id);
      }

      // The next start (here in this process, as the app would after a crash) finishes the job.
      const core = await reopenCore(dir, id, { password: PASSWORD });
      try {
        const final = (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
        expect(final.status).toBe('succeeded');
        const want = upstream(sn);
        const have = storedRecords(dir);
        expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [k, v] of want) expect(have.get(k), k).toEqual(v);
        // The killed runs were marked interrupted when this core started.
        await expectIdleAfterKills(core, id, plans.length);
      } finally {
        await core.close();
      }
    } finally {
      await sn.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
