/**
 * The data the UI benchmark shows: a real core on a fresh data directory with
 * integrations (each with a few finished runs) and one run with many log
 * lines, written through the store repositories as the engine writes them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../main/core/core.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';

export interface Seeded {
  core: Core;
  names: string[];
  /** The run with `lines` log lines. */
  bigRunId: string;
  close(): Promise<void>;
}

/** Integration k's display name (zero-padded, so none is a prefix of another). */
export const integrationName = (k: number) => `Bench integration ${String(k).padStart(3, '0')}`;

/** The message of log line `seq`; "page=<seq> " marks it uniquely. */
export const logMessage = (seq: number) => `GET /repos/acme/api/issues?page=${seq} → 200 (${seq % 90} ms)`;

export async function seedCore(integrations: number, lines: number): Promise<Seeded> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-bench-ui-'));
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() });
  const names: string[] = [];
  const ids: string[] = [];
  const t0 = Date.now() - 3 * 3600_000;
  for (let k = 1; k <= integrations; k++) {
    const name = integrationName(k);
    const i = await core.invoke('integrations.add', { connector: 'github', name, settings: { baseUrl: 'http://127.0.0.1:9', repositories: [`acme/repo-${k}`] }, secrets: { token: `ghp_ui_bench_${k}_0123456789abcdef` } });
    names.push(name);
    ids.push(i.id);
    for (let r = 0; r < 3; r++) {
      const id = `ui-${k}-${r}`;
      const at = t0 + r * 3600_000 + k * 1000;
      core.sync.runs.create(id, i.id, 'schedule', new Date(at).toISOString());
      core.sync.runs.finish(id, 'succeeded', new Date(at + 4000).toISOString(), 12, 48_000, null);
    }
  }
  const bigRunId = 'ui-big-run';
  const start = Date.now() - 3600_000;
  core.sync.runs.create(bigRunId, ids[0], 'cli', new Date(start).toISOString());
  const levels = ['debug', 'info', 'info', 'info', 'warn'] as const;
  core.db.transaction(() => {
    for (let seq = 1; seq <= lines; seq++) {
      core.sync.runs.appendLog({ runId: bigRunId, seq, at: new Date(start + seq * 10).toISOString(), level: seq % 499 === 0 ? 'error' : levels[seq % levels.length], stream: 'issues', message: logMessage(seq), fields: null });
    }
  })();
  core.sync.runs.finish(bigRunId, 'succeeded', new Date(start + lines * 10).toISOString(), lines, lines * 1000, null);
  return {
    core,
    names,
    bigRunId,
    async close() {
      await core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
