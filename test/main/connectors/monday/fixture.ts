import fs from 'node:fs';
import type { Core, CoreOptions } from '../../../../main/core/core.ts';
import { startMondayEmulator, type MondayBoard, type MondayEmulator, type MondaySettings } from '../../../emulators/monday/server.ts';
import { ShiftedClock } from '../../../helpers/shifted-clock.ts';
import { startTestCore } from '../../../helpers/test-core.ts';

export { syncNow } from '../../../helpers/test-core.ts';

/** Canary token: it must never show up in the database, logs or replies. */
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.monday-CANARY-token.c2lnbmF0dXJl';

export interface MondayFixture {
  m: MondayEmulator;
  core: Core;
  id: string;
  boards: MondayBoard[];
  dir: string;
  clock: ShiftedClock;
  waits: number[];
  close(): Promise<void>;
}

export interface MondayFixtureOptions {
  /** Items per board (one board per entry). */
  items?: number[];
  emulator?: Partial<MondaySettings>;
  /** The emulator clock follows the wall clock (for the complexity window). */
  realClock?: boolean;
  core?: Partial<CoreOptions>;
  /** Extra board ids in the settings (e.g. one that does not exist). */
  extraBoardIds?: string[];
}

/** A monday.com emulator with boards of items, and a core with one integration for them. */
export async function mondayFixture(opts: MondayFixtureOptions = {}): Promise<MondayFixture> {
  const m = await startMondayEmulator({ now: '2025-03-03T09:00:00Z', clock: opts.realClock ? 'real' : 'frozen', settings: opts.emulator });
  const ann = m.state.addUser({ name: 'Ann Lee', token: TOKEN });
  const bob = m.state.addUser({ name: 'Bob Stone' });
  const boards = (opts.items ?? [30]).map((n, b) => {
    const board = m.state.addBoard({ name: b === 0 ? 'Product roadmap' : `Board ${b + 1}` });
    m.state.addItems(board.id, n, {
      end: Date.parse('2025-02-20T18:00:00Z') - b * 3600_000,
      stepSeconds: 30,
      values: (i) => ({ name: `${board.name} task ${i + 1}`, groupId: board.groups[i % 3]!.id, values: { status: i % 3, person: [i % 2 ? bob.id : ann.id], text: `Notes for task ${i + 1}`, numbers: i, date4: '2025-03-10' } }),
    });
    return board;
  });
  const clock = new ShiftedClock();
  const { core, dir, waits } = await startTestCore({ tmpPrefix: 'kx-mon-', realSleepMs: 1, clock, core: opts.core });
  const i = await core.invoke('integrations.add', {
    connector: 'monday',
    name: 'Acme monday',
    settings: { apiUrl: m.apiUrl, boardIds: [...boards.map((b) => b.id), ...(opts.extraBoardIds ?? [])] },
    secrets: { apiToken: TOKEN },
  });
  return {
    m,
    core,
    id: i.id,
    boards,
    dir,
    clock,
    waits,
    async close() {
      await core.close();
      await m.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stored items per board name. */
export function countByBoard(core: Core): Record<string, number> {
  return Object.fromEntries((core.db.prepare('SELECT container, count(*) AS n FROM records GROUP BY container').all() as { container: string; n: number }[]).map((r) => [r.container, r.n]));
}
