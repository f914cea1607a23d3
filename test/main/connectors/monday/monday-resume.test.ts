import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMondayEmulator, type MondayEmulator } from '../../../emulators/monday/server.ts';
import { addIntegration, expectIdleAfterKills, killSyncChildren, reopenCore, runSyncChild, storedRecords } from '../../../helpers/child-sync.ts';
import { ShiftedClock } from '../../../helpers/shifted-clock.ts';
import { TOKEN } from './fixture.ts';

afterAll(killSyncChildren);

function upstream(m: MondayEmulator, boards: string[]): Map<string, string> {
  return new Map([...m.state.items.values()].filter((i) => i.state === 'active' && boards.includes(i.boardId)).map((i) => [i.id, i.name]));
}

describe('monday.com sync killed mid-run', () => {
  it('resumes from the last committed page: nothing lost, nothing duplicated, then idle', { timeout: 90_000 }, async () => {
    const m = await startMondayEmulator({ now: '2025-03-03T09:00:00Z' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-mon-kill-'));
    try {
      m.state.addUser({ name: 'Ann Lee', token: TOKEN });
      const boards = ['Roadmap', 'Support', 'Hiring'].map((name, b) => {
        const board = m.state.addBoard({ name });
        m.state.addItems(board.id, 1100, { end: Date.parse('2025-02-20T00:00:00Z') - b * 86_400_000, stepSeconds: 60, values: (i) => ({ name: `${name} item ${i + 1}` }) });
        return board.id;
      });
      m.faults.setLatency(30);
      const id = await addIntegration(dir, { connector: 'monday', name: 'M', settings: { apiUrl: m.apiUrl, boardIds: boards }, secrets: { apiToken: TOKEN } });

      const plans = [
        { afterPage: 2, jitter: 10 },
        { afterPage: 3, jitter: 0 },
      ];
      let round = 0;
      for (const plan of plans) {
        const o = await runSyncChild({ dataDir: dir, id, secrets: { apiToken: TOKEN } }, plan);
        expect(o.killed, `child ${round} finished before the kill`).toBe(true);
        expect(storedRecords(dir).size).toBeGreaterThan(0);
        round++;
        m.state.advance(60_000);
        const items = m.state.boardItems(boards[0]!);
        m.state.updateItem(items[round]!.id, { name: `edited in round ${round}` });
        m.state.updateItem(items[1000 + round]!.id, { name: `late edit in round ${round}` });
        m.state.addItem(boards[2]!, { name: `new in round ${round}` });
        m.state.archiveItem(items[500 + round]!.id);
      }

      // The next start (in this process, as the app after a crash) finishes; an hour later the census runs.
      const clock = new ShiftedClock();
      const core = await reopenCore(dir, id, { apiToken: TOKEN }, { clock });
      try {
        const final = (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
        expect(final.status).toBe('succeeded');
        clock.offsetMs = 61 * 60_000;
        const census = (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
        expect(census.counts).toMatchObject({ added: 0, updated: 0, deleted: plans.length });
        const want = upstream(m, boards);
        const have = storedRecords(dir);
        expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [k, v] of want) expect(have.get(k)?.title, k).toBe(v);
        await expectIdleAfterKills(core, id, plans.length);
      } finally {
        await core.close();
      }
    } finally {
      await m.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
