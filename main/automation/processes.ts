import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Ending the processes an automation starts, for certain. Every worker and
 * browser is spawned detached, so it leads its own process group and one
 * signal to the group reaches everything it forked (Chromium's zygotes,
 * renderers, GPU and network services).
 */

/** Whether a process is still running (a zombie awaiting its reaper counts as ended). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Sends a signal to a whole process group; false when there is none left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Waits `ms`. The timer is NOT unref'd: when this wait is the only thing a
 * command is waiting for (the worker has exited, members of its group are
 * still ending), an unref'd timer lets Node exit under it, with code 13
 * ("unsettled top-level await") instead of the command's own.
 */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True when `p` settles within `ms`, else false; the timer is cleared either way, so it never holds the process. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ends a process group: SIGTERM, then SIGKILL after `graceMs`. Resolves once
 * the leader has exited and no member of the group is left.
 */
export async function endGroup(child: ChildProcess, graceMs = 2000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const done = exited(child);
  signalGroup(pid, 'SIGTERM');
  const ended = await settlesWithin(done, graceMs);
  // Members may outlive the leader (a renderer mid-exit): the group gets a SIGKILL either way.
  signalGroup(pid, 'SIGKILL');
  if (!ended) await done;
  for (let k = 0; k < 50 && groupAlive(pid); k++) await delay(20);
}

/** Whether any process of the group is left (Linux: /proc; elsewhere: a signal probe). */
export function groupAlive(pgid: number): boolean {
  if (!fs.existsSync('/proc/self/stat')) return signalGroupProbe(pgid);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

function signalGroupProbe(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Registered {
  pid: number;
  kind: 'worker' | 'browser';
  runId: string;
  /** A string the process's command line contains, so a reused PID is never killed. */
  marker: string;
}

/**
 * Remembers, in a file in the data directory, every process group this
 * process started, so that after a crash the next start can end what was
 * left behind. Each owner (the app, a CLI command beside it) keeps its own
 * file, processes-<owner pid>.json, and a sweep only touches the files of
 * owners that are gone, and only processes whose command line still carries
 * the marker (a reused PID is never killed).
 */
export class ProcessRegistry {
  private readonly file: string;
  private entries: Registered[] = [];

  constructor(private readonly dir: string) {
    this.file = path.join(dir, `processes-${process.pid}.json`);
  }

  add(entry: Registered): void {
    this.entries.push(entry);
    this.save();
  }

  remove(pid: number): void {
    this.entries = this.entries.filter((e) => e.pid !== pid);
    if (this.entries.length > 0) this.save();
    else fs.rmSync(this.file, { force: true });
  }

  /** Kills the groups that owners which have since died left behind; returns how many. */
  sweep(): number {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir).filter((n) => /^processes-\d+\.json$/.test(n));
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) {
      const owner = Number(name.slice('processes-'.length, -'.json'.length));
      if (owner === process.pid || isAlive(owner)) continue;
      const file = path.join(this.dir, name);
      let stale: Registered[] = [];
      try {
        stale = JSON.parse(fs.readFileSync(file, 'utf8')) as Registered[];
      } catch {
        // A torn file: nothing to learn from it.
      }
      for (const e of stale) {
        if (typeof e.pid === 'number' && isAlive(e.pid) && commandLine(e.pid).includes(e.marker) && signalGroup(e.pid, 'SIGKILL')) n++;
      }
      fs.rmSync(file, { force: true });
    }
    return n;
  }

  private save(): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(this.file, JSON.stringify(this.entries), { mode: 0o600 });
    } catch {
      // Best effort: the registry only helps after a crash.
    }
  }
}

/** A process's command line, '' when it cannot be read. */
export function commandLine(pid: number): string {
  try {
    if (fs.existsSync('/proc/self/cmdline')) return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return '';
  }
}
