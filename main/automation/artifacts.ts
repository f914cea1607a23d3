import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../../shared/automation.ts';
import { KinexusError } from '../../shared/errors.ts';

/**
 * A run's folder, <dataDir>/automations/<runId>/: screenshots after each
 * step, the SDK's trace files (sdk-logs/), worker.log and browser.log. The
 * throwaway browser profile (profile/) is removed when the run ends.
 */

export const PROFILE_DIR = 'profile';
export const SDK_LOGS_DIR = 'sdk-logs';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.html': 'text/html',
  '.json': 'application/json',
  '.log': 'text/plain',
  '.txt': 'text/plain',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};

function kindOf(rel: string): Artifact['kind'] {
  const ext = path.extname(rel).toLowerCase();
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') return rel.startsWith(SDK_LOGS_DIR) ? 'trace' : 'screenshot';
  if (ext === '.webm' || ext === '.mp4') return 'video';
  if (ext === '.log') return 'log';
  if (rel.startsWith(SDK_LOGS_DIR)) return 'trace';
  return 'other';
}

/** Every file of a run folder (the browser profile excepted), sorted. */
export function listArtifacts(runDir: string): Artifact[] {
  const out: Artifact[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const rel = path.relative(runDir, full).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (rel !== PROFILE_DIR) walk(full);
      } else if (e.isFile()) {
        out.push({ path: rel, kind: kindOf(rel), bytes: fs.statSync(full).size });
      }
    }
  };
  walk(runDir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Reads one artifact; the path must stay inside the run folder. */
export function readArtifact(runDir: string, rel: string, maxBytes = 25 * 1024 * 1024): { path: string; mime: string; bytes: number; base64: string } {
  const root = path.resolve(runDir);
  const full = path.resolve(root, rel);
  if (!full.startsWith(root + path.sep) || path.relative(root, full).split(path.sep)[0] === PROFILE_DIR) {
    throw new KinexusError('invalid_input', `"${rel}" is not a file of this run.`, { field: 'path', action: 'Use a path from the run\'s artifacts list' });
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new KinexusError('not_found', `The run has no file "${rel}".`, { field: 'path', action: 'Use a path from the run\'s artifacts list' });
  }
  if (!stat.isFile()) throw new KinexusError('invalid_input', `"${rel}" is a folder, not a file.`, { field: 'path' });
  if (stat.size > maxBytes) throw new KinexusError('invalid_input', `"${rel}" is ${Math.round(stat.size / 1048576)} MB, too large to send; open it from ${full}.`, { field: 'path' });
  return { path: rel, mime: MIME[path.extname(full).toLowerCase()] ?? 'application/octet-stream', bytes: stat.size, base64: fs.readFileSync(full).toString('base64') };
}
