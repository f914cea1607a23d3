import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { RunsRepo } from '../../../main/store/runs-repo.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('run log pages', () => {
  it('skips `offset` matching lines (after afterSeq when given) and counts every matching line, so a view can read any part of a long log', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-logs-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.prepare("INSERT INTO integrations (id, connector, name, settings, created_at, updated_at) VALUES ('i1','github','n','{}','t','t')").run();
    const runs = new RunsRepo(db);
    runs.create('r', 'i1', 'ui', '2026-03-01T00:00:00Z');
    for (let seq = 1; seq <= 1000; seq++) runs.appendLog({ runId: 'r', seq, at: '2026-03-01T00:00:00Z', level: seq % 10 === 0 ? 'warn' : 'info', stream: null, message: `line ${seq}`, fields: null });
    const seqs = (opts: Parameters<RunsRepo['logs']>[1]) => {
      const page = runs.logs('r', opts);
      return { total: page.total, seqs: page.lines.map((l) => l.seq) };
    };
    expect(seqs({ offset: 997, limit: 10 })).toEqual({ total: 1000, seqs: [998, 999, 1000] });
    expect(seqs({ afterSeq: 500, offset: 2, limit: 2 })).toEqual({ total: 1000, seqs: [503, 504] });
    // Offsets count matching lines only: the 50th warning is line 500.
    expect(seqs({ levels: ['warn'], offset: 49, limit: 2 })).toEqual({ total: 100, seqs: [500, 510] });
    expect(seqs({ limit: 3 })).toEqual({ total: 1000, seqs: [1, 2, 3] });
    db.close();
  });
});
