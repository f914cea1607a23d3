/**
 * "A kill at any moment loses no committed batch and duplicates nothing."
 *
 * The test owns a GitHub emulator with a few thousand items and a data
 * directory. It spawns `node --import tsx test/fixtures/sync-child.ts` (one
 * core, one sync; test/helpers/child-sync.ts) again and again and SIGKILLs
 * it at a random moment, changes the emulator's data a little between kills,
 * and checks the database read-only after every kill. A final child runs to
 * completion, and one more incremental sync must find nothing new.
 *
 * Reproduce a failure with the printed seed: KX_CRASH_SEED=<seed> npx vitest run test/main/sync/crash-safety.test.ts
 * (KX_CRASH_KILLS, KX_CRASH_BUDGET_MS and KX_CRASH_DEBUG=1 tune and trace it). Kill timing also
 * depends on the machine's speed, so a seed replays the same plan, not the same interleaving.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE, openDatabase } from '../../../main/store/database.ts';
import { isoSeconds, startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/server.ts';
import { addIntegration, killSyncChildren, startSyncChild, type KillPlan, type SyncChild, type SyncChildOutcome } from '../../helpers/child-sync.ts';

const TOKEN = 'ghp_crash_0123456789abcdefCRASHTEST';
const REPO = 'acme/api';
const KILLS = Number(process.env.KX_CRASH_KILLS ?? 25);
/**
 * On a loaded machine a child takes many seconds just to load: after this
 * budget the test stops killing, once it has killed at least MIN_KILLS times.
 */
const BUDGET_MS = Number(process.env.KX_CRASH_BUDGET_MS ?? 45_000);
const MIN_KILLS = Math.min(KILLS, 12);
const SEED = Number(process.env.KX_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: small, seedable, good enough to place kills. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

afterAll(killSyncChildren);

/** Spawns a sync child for the crash test's integration (see test/helpers/child-sync.ts). */
function spawnChild(dir: string, id: string): Promise<SyncChild> {
  return startSyncChild({ dataDir: dir, id, secrets: { token: TOKEN } });
}

// ------------------------------------------------------------------ emulator truth

interface Truth {
  /** externalId → the time the cursor of its stream is keyed on. */
  commits: Map<string, string>;
  issues: Map<string, string>;
  pulls: Map<string, string>;
  runs: Map<string, string>;
  /** Everything the issues listing returns (issues and pull requests): its cursor runs over both. */
  issueListingMax: string;
}

function truth(gh: GitHubEmulator): Truth {
  const r = gh.state.repo(REPO);
  const commits = new Map((r.branches.get(r.default_branch) ?? []).map((c) => [`${REPO}@${c.sha}`, c.committer.date] as const));
  const issues = new Map(r.issues.filter((i) => !i.pull).map((i) => [`${REPO}#${i.number}`, i.updated_at] as const));
  const pulls = new Map(r.issues.filter((i) => i.pull).map((i) => [`${REPO}#${i.number}`, i.updated_at] as const));
  const runs = new Map(r.runs.map((x) => [`${REPO}/runs/${x.id}`, x.created_at] as const));
  const issueListingMax = r.issues.map((i) => i.updated_at).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
  return { commits, issues, pulls, runs, issueListingMax };
}

const STREAM_OF = { commits: 'commit', issues: 'issue', pull_requests: 'pull_request', workflow_runs: 'workflow_run' } as const;
type StreamName = keyof typeof STREAM_OF;

interface Cursor {
  watermark?: string | null;
  next?: string | null;
  pendingMax?: string | null;
  since?: string | null;
  page?: number;
  tie?: unknown;
  open?: number[];
}

function cursors(db: Database.Database, id: string): Partial<Record<StreamName, Cursor>> {
  const rows = db.prepare('SELECT stream, state FROM stream_state WHERE integration_id = ?').all(id) as { stream: StreamName; state: string }[];
  return Object.fromEntries(rows.map((r) => [r.stream, (JSON.parse(r.state) as { repos?: Record<string, Cursor> }).repos?.[REPO] ?? {}]));
}

/**
 * The invariants that must hold whenever no child runs: a sound database, no
 * duplicate, nothing that does not exist upstream, every cursor backed by the
 * records it claims are stored, and run counters that match the records
 * (they are committed in the same transaction as the batch).
 */
function checkInvariants(dir: string, id: string, t: Truth, label: string, mustBeInterrupted: string[] = []): { running: string[]; records: number } {
  const db = openDatabase(dir, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true }), `${label}: integrity_check`).toBe('ok');
    const dups = db.prepare('SELECT stream, external_id, count(*) AS n FROM records GROUP BY integration_id, stream, external_id HAVING n > 1').all();
    expect(dups, `${label}: duplicate records`).toEqual([]);

    const rows = db.prepare('SELECT stream, kind, external_id, updated_at FROM records WHERE integration_id = ?').all(id) as { stream: StreamName; kind: string; external_id: string; updated_at: string }[];
    const stored: Record<StreamName, Map<string, string>> = { commits: new Map(), issues: new Map(), pull_requests: new Map(), workflow_runs: new Map() };
    const upstream: Record<StreamName, Map<string, string>> = { commits: t.commits, issues: t.issues, pull_requests: t.pulls, workflow_runs: t.runs };
    for (const r of rows) {
      expect(r.kind, `${label}: kind of ${r.external_id}`).toBe(STREAM_OF[r.stream]);
      expect(upstream[r.stream].has(r.external_id), `${label}: ${r.stream} ${r.external_id} does not exist upstream`).toBe(true);
      stored[r.stream].set(r.external_id, r.updated_at);
    }

    const cur = cursors(db, id);
    const missingBefore = (stream: StreamName, bound: string | null | undefined, exact: boolean) => {
      if (!bound) return [];
      const b = Date.parse(bound);
      const missing: string[] = [];
      for (const [ext, at] of upstream[stream]) {
        // Strictly before the cursor: an item changed in the cursor's own second after it was read is the overlap's job.
        if (Date.parse(at) >= b) continue;
        if (!stored[stream].has(ext)) missing.push(`${ext} (${at}) not stored`);
        else if (exact && stored[stream].get(ext) !== at) missing.push(`${ext} stored at ${stored[stream].get(ext)}, upstream ${at}`);
      }
      return missing;
    };
    // Commits: everything committed before the watermark of the last complete listing is stored.
    expect(missingBefore('commits', cur.commits?.watermark, false), `${label}: commits behind the watermark`).toEqual([]);
    // Issues: keyset cursor; everything updated before `since` is stored, in that version.
    expect(missingBefore('issues', cur.issues?.since, true), `${label}: issues behind since`).toEqual([]);
    // Pull requests: everything updated before the watermark is stored, in that version.
    expect(missingBefore('pull_requests', cur.pull_requests?.watermark, true), `${label}: pull requests behind the watermark`).toEqual([]);
    // Actions runs: everything created before the watermark is stored.
    expect(missingBefore('workflow_runs', cur.workflow_runs?.watermark, false), `${label}: runs behind the watermark`).toEqual([]);

    // Run counters move in the batch's transaction: what the runs say they added is exactly what is stored.
    const sums = db.prepare('SELECT coalesce(sum(added), 0) AS added, coalesce(sum(deleted), 0) AS deleted FROM sync_runs WHERE integration_id = ?').get(id) as { added: number; deleted: number };
    expect(sums.added - sums.deleted, `${label}: runs' added counters vs stored records`).toBe(rows.length);
    const running = (db.prepare("SELECT id FROM sync_runs WHERE status = 'running'").all() as { id: string }[]).map((r) => r.id);
    for (const runId of mustBeInterrupted) {
      expect(db.prepare('SELECT status FROM sync_runs WHERE id = ?').get(runId), `${label}: run ${runId} after a new core started`).toEqual({ status: 'interrupted' });
    }
    return { running, records: rows.length };
  } finally {
    db.close();
  }
}

function streamCursorsWithoutEtags(dir: string, id: string): Record<string, unknown> {
  const db = openDatabase(dir, { readonly: true });
  try {
    const c = cursors(db, id);
    // ETags settle on the second incremental request; stopAt only matters while a listing is in progress.
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, { ...v, etag: undefined, etagUrl: undefined, stopAt: undefined }]));
  } finally {
    db.close();
  }
}

/** Small, realistic upstream changes between kills: new and edited items, all stamped "now". */
function mutate(gh: GitHubEmulator, rnd: () => number, round: number): void {
  const r = gh.state.repo(REPO);
  const pick = <T,>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  for (let k = Math.floor(rnd() * 12); k > 0; k--) gh.state.addIssue(REPO, { title: `New in round ${round}` });
  const issues = r.issues.filter((i) => !i.pull);
  for (let k = Math.floor(rnd() * 4); k > 0; k--) gh.state.updateIssue(REPO, pick(issues).number, { title: `Edited in round ${round}` });
  for (let k = Math.floor(rnd() * 8); k > 0; k--) gh.state.addCommit(REPO, { message: `Round ${round} commit` });
  for (let k = Math.floor(rnd() * 3); k > 0; k--) gh.state.addPull(REPO, { title: `PR of round ${round}` });
  const pulls = r.issues.filter((i) => i.pull);
  for (let k = Math.floor(rnd() * 3); k > 0; k--) gh.state.updatePull(REPO, pick(pulls).number, { title: `PR edited in round ${round}` });
  for (let k = Math.floor(rnd() * 4); k > 0; k--) gh.state.addRun(REPO, { status: 'completed', conclusion: rnd() < 0.8 ? 'success' : 'failure' });
  // Runs that start now and finish some rounds later (the stream polls them until they complete).
  if (rnd() < 0.3) gh.state.addRun(REPO, { status: 'in_progress' });
  for (const run of r.runs.filter((x) => x.status !== 'completed')) if (rnd() < 0.3) gh.state.updateRun(REPO, run.id, { status: 'completed', conclusion: 'success' });
}

describe('crash safety of the sync engine', () => {
  it('a kill at any moment loses no committed batch and duplicates nothing', { timeout: 300_000 }, async () => {
    console.log(`crash-safety seed: ${SEED} (rerun with KX_CRASH_SEED=${SEED})`);
    const T0 = Date.now();
    const debug = (what: string) => {
      if (process.env.KX_CRASH_DEBUG) console.log(`${Date.now() - T0} ms: ${what}`);
    };
    const rnd = prng(SEED);
    const gh = await startGitHubEmulator({ clock: 'real' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-crash-'));
    try {
      gh.state.addUser({ login: 'octo', name: 'Octo Cat', token: TOKEN, scopes: ['repo'] });
      gh.state.addRepo({ owner: 'acme', name: 'api', private: true, visibleTo: ['octo'] });
      const start = Date.now() - 10 * 86_400_000;
      gh.state.addCommits(REPO, 600, { start });
      gh.state.addIssues(REPO, 1500, { start, stepSeconds: 30 });
      // A bulk edit: 250 issues (created over the days before) all updated in one second.
      const bulk = isoSeconds(start + 5 * 86_400_000);
      for (let k = 0; k < 250; k++) gh.state.addIssue(REPO, { title: `Bulk-edited ${k}`, created_at: start + k * 997_000, updated_at: bulk });
      gh.state.addPulls(REPO, 300, { start, stepSeconds: 45 });
      gh.state.addRuns(REPO, 200, { start, status: 'completed', conclusion: 'success' });
      // 12 ms per request, 25 ms on the long issues listing: kills land between and inside requests.
      gh.faults.setLatency(12);
      gh.faults.setLatency(13, `/repos/${REPO}/issues`);

      // The integration is created once, by a core in this process; the children only sync.
      const id = await addIntegration(dir, {
        connector: 'github',
        name: 'Acme GitHub',
        settings: { baseUrl: gh.url, repositories: [REPO] },
        secrets: { token: TOKEN },
      });
      expect(fs.existsSync(path.join(dir, DB_FILE))).toBe(true);

      debug('integration created');
      const outcomes: (SyncChildOutcome & { plan: string })[] = [];
      // The next child loads its modules while the current one runs.
      let next = spawnChild(dir, id);
      /** Runs a kill left `running` (a kill during the next core's startup may leave two). */
      const leftRunning = new Set<string>();
      for (let k = 1; k <= KILLS; k++) {
        if (k > MIN_KILLS && Date.now() - T0 > BUDGET_MS) {
          console.log(`crash-safety: time budget spent after ${k - 1} kills (the machine is slow); finishing`);
          break;
        }
        // Some kills right after "go" (while the core opens the database and marks interrupted runs),
        // some after the run started, most just after a committed page (inside the next request or the
        // next transaction).
        const p = rnd();
        const plan: KillPlan =
          p < 0.15
            ? { fromGo: Math.round(rnd() * 300) }
            : p < 0.45
              ? { afterStart: Math.round(rnd() * 400) }
              : { afterPage: 1 + Math.floor(rnd() * 4), jitter: Math.round(rnd() * 40) };
        const child = await next;
        const running = child.go(plan);
        next = spawnChild(dir, id);
        const o = await running;
        outcomes.push({ ...o, plan: JSON.stringify(plan) });
        debug(`kill ${k}: ${JSON.stringify(plan)} → ${JSON.stringify({ ...o, stderr: undefined, run: o.run?.status })}`);
        const after = checkInvariants(dir, id, truth(gh), `after kill ${k} (${JSON.stringify(plan)}, ${o.pages} pages committed)`, o.ready ? [...leftRunning] : []);
        if (!o.killed) expect(after.running).toEqual([]);
        for (const r of after.running) leftRunning.add(r);
        mutate(gh, rnd, k);
      }

      debug('kills done');
      const final = await (await next).go();
      debug(`final run done in ${final.ms} ms`);
      expect(final.killed).toBe(false);
      expect(final.run?.status, JSON.stringify(final.run)).toBe('succeeded');
      const t = truth(gh);
      checkInvariants(dir, id, t, 'after the final run');

      const db = openDatabase(dir, { readonly: true });
      try {
        // Exactly the upstream data, in its latest version.
        const have = new Set((db.prepare('SELECT external_id FROM records').all() as { external_id: string }[]).map((x) => x.external_id));
        const upstreamAll = new Map([...t.commits, ...t.issues, ...t.pulls, ...t.runs]);
        const missing = [...upstreamAll].filter(([x]) => !have.has(x)).map(([x, at]) => `${x} (${at})`);
        expect(missing, `missing after the final run; cursors ${JSON.stringify(cursors(db, id))}`).toEqual([]);
        const byKind = Object.fromEntries((db.prepare('SELECT kind, count(*) AS n FROM records GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));
        expect(byKind).toEqual({ commit: t.commits.size, issue: t.issues.size, pull_request: t.pulls.size, workflow_run: t.runs.size });
        const r = gh.state.repo(REPO);
        const issueRows = db.prepare("SELECT external_id, title, updated_at FROM records WHERE kind IN ('issue', 'pull_request')").all() as { external_id: string; title: string; updated_at: string }[];
        const upstreamIssues = new Map(r.issues.map((i) => [`${REPO}#${i.number}`, i]));
        for (const row of issueRows) {
          const i = upstreamIssues.get(row.external_id)!;
          expect({ id: row.external_id, title: row.title, updatedAt: row.updated_at }).toEqual({ id: row.external_id, title: `#${i.number} ${i.title}`, updatedAt: i.updated_at });
        }
        const runRows = db.prepare("SELECT external_id, status FROM records WHERE kind = 'workflow_run'").all() as { external_id: string; status: string }[];
        const upstreamRuns = new Map(r.runs.map((x) => [`${REPO}/runs/${x.id}`, x]));
        for (const row of runRows) {
          const x = upstreamRuns.get(row.external_id)!;
          expect([row.external_id, row.status]).toEqual([row.external_id, x.status === 'completed' ? x.conclusion : x.status]);
        }
        // Runs the kills left `running` became `interrupted` when the next core started; none is left running.
        const statuses = Object.fromEntries((db.prepare('SELECT status, count(*) AS n FROM sync_runs GROUP BY status').all() as { status: string; n: number }[]).map((x) => [x.status, x.n]));
        expect(statuses.running ?? 0).toBe(0);
        const interrupted = db.prepare("SELECT id, ended_at FROM sync_runs WHERE status = 'interrupted'").all() as { id: string; ended_at: string | null }[];
        expect(new Set(interrupted.map((x) => x.id))).toEqual(leftRunning);
        for (const x of interrupted) expect(x.ended_at).not.toBeNull();

        // The cursors describe a finished listing that reached the newest upstream item.
        const c = cursors(db, id);
        const maxOf = (m: Map<string, string>) => [...m.values()].reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
        expect(c.commits).toMatchObject({ next: null, pendingMax: null });
        expect(Date.parse(c.commits!.watermark!)).toBe(Date.parse(maxOf(t.commits)));
        expect(c.issues).toMatchObject({ page: 1 });
        expect(c.issues!.tie ?? null).toBeNull();
        expect(Date.parse(c.issues!.since!)).toBe(Date.parse(t.issueListingMax));
        expect(c.pull_requests).toMatchObject({ next: null, pendingMax: null });
        expect(Date.parse(c.pull_requests!.watermark!)).toBe(Date.parse(maxOf(t.pulls)));
        expect(c.workflow_runs).toMatchObject({ next: null, pendingMax: null });
        expect(new Set(c.workflow_runs!.open)).toEqual(new Set(r.runs.filter((x) => x.status !== 'completed').map((x) => x.id)));
        expect(Date.parse(c.workflow_runs!.watermark!)).toBe(Date.parse(maxOf(t.runs)));
      } finally {
        db.close();
      }

      // FTS index agrees with the records (needs a writable connection; no child runs now).
      const rw = new Database(path.join(dir, DB_FILE));
      try {
        rw.prepare("INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1)").run();
      } finally {
        rw.close();
      }

      // The state of the last committed batch is the state a fresh incremental sync starts from: nothing is new.
      debug('final checks done');
      const before = streamCursorsWithoutEtags(dir, id);
      const again = await (await spawnChild(dir, id)).go();
      expect(again.run?.status).toBe('succeeded');
      expect(again.run?.counts).toMatchObject({ added: 0, updated: 0, deleted: 0, failed: 0 });
      expect(streamCursorsWithoutEtags(dir, id)).toEqual(before);
      checkInvariants(dir, id, truth(gh), 'after the extra incremental run');

      // The kills must really have landed inside syncs, or this test proves little.
      const midRun = outcomes.filter((o) => o.killed && o.started && !o.finished);
      const afterPages = outcomes.filter((o) => o.killed && o.started && !o.finished && o.pages > 0);
      console.log(
        `crash-safety: ${outcomes.filter((o) => o.killed).length}/${outcomes.length} children killed, ${midRun.length} inside a run, ${afterPages.length} after committing pages, ` +
          `${outcomes.filter((o) => !o.started).length} before the run started, ${leftRunning.size} runs left running; ` +
          `child times from go ${outcomes.map((o) => o.ms).join(' ')} ms`,
      );
      expect(midRun.length).toBeGreaterThanOrEqual(Math.floor(outcomes.length / 2));
      expect(afterPages.length).toBeGreaterThanOrEqual(Math.min(3, Math.floor(outcomes.length / 4)));
    } finally {
      await gh.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
