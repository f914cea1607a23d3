/**
 * One row of the requests benchmark: a connector, the emulator it runs
 * against, and what a minimal client would have to ask for.
 */
import type { Core } from '../../main/core/core.ts';
import type { SyncRun } from '../../shared/sync.ts';

/** One listing a stream reads (a repository, a board, a library…). */
export interface Feed {
  stream: string;
  /** Items the vendor's listing must return (what the records come from, e.g. issues AND pull requests on GitHub's issues listing). */
  listed: number;
  /** The largest page the vendor serves for this listing. */
  maxPage: number;
}

export interface Started {
  core: Core;
  id: string;
  feeds: Feed[];
  /** Calls a run cannot avoid besides the listings (e.g. resolving space keys to ids), per run. */
  setup: { full: number; incremental: number; why?: string };
  /** Requests the emulator(s) have seen so far. */
  requests(): number;
  /** Requests per route and per status since the last clear (for the notes). */
  routes(): Record<string, number>;
  statuses(): Record<number, number>;
  clear(): void;
  /** The first full sync, when starting already ran it (an interactive sign-in does). */
  firstRun?: { run: SyncRun; requests: number; routes: Record<string, number> };
  close(): Promise<void>;
}

export interface RequestsCase {
  connector: string;
  title: string;
  /** Folder under test/emulators/ the case needs; the row says "no emulator" while it does not exist. */
  emulator: string;
  /** A real reference server (a package under node_modules) the case runs against instead of an emulator. */
  reference?: string;
  /** Starts the emulator and a core with one integration; `scale` shrinks the data. */
  start(scale: number): Promise<Started>;
}

/** At least `min` items, scaled. */
export function scaled(n: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(n * scale));
}

/** The fewest requests a full sync can take: every feed paged at the vendor's largest page, plus setup. */
export function minimumFull(s: Pick<Started, 'feeds' | 'setup'>): number {
  return s.feeds.reduce((n, f) => n + Math.max(1, Math.ceil(f.listed / f.maxPage)), 0) + s.setup.full;
}

/** The fewest requests an incremental sync with no changes can take: one per feed, plus setup. */
export function minimumIncremental(s: Pick<Started, 'feeds' | 'setup'>): number {
  return s.feeds.length + s.setup.incremental;
}

/** Runs one sync through the API and returns the finished run. */
export async function syncOnce(core: Core, id: string): Promise<SyncRun> {
  return (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;
}
