import { execFile } from 'node:child_process';
import path from 'node:path';

/** The oldest Python the nova-act SDK supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/**
 * Interpreters looked for on PATH: `python3` first (the common case, and
 * version-manager shims make every extra miss cost seconds), then specific
 * versions newest first in case `python3` is too old.
 */
const CANDIDATES = ['python3', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python'];

export interface PythonInfo {
  path: string;
  version: string;
  ok: boolean;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** What `exe` is: its real path and version; null when it does not run as Python. */
export async function probePython(exe: string, env: NodeJS.ProcessEnv = process.env): Promise<PythonInfo | null> {
  const r = await run(exe, ['-c', 'import json, sys; print(json.dumps([sys.executable, list(sys.version_info[:3])]))'], env, 15_000);
  if (r.code !== 0) return null;
  try {
    const [real, v] = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as [string, number[]];
    const ok = v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
    return { path: real || exe, version: v.join('.'), ok };
  } catch {
    return null;
  }
}

/** The first Python 3.10+ on PATH, or (when none is new enough) the newest one found, or null. */
export async function findPython(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CANDIDATES): Promise<PythonInfo | null> {
  let fallback: PythonInfo | null = null;
  for (const c of candidates) {
    const info = await probePython(c, env);
    if (info?.ok) return info;
    if (info && !fallback) fallback = info;
  }
  return fallback;
}

/** The interpreter inside a virtual environment. */
export function venvPython(venvDir: string): string {
  return process.platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

export interface PackageInfo {
  installed: boolean;
  version: string | null;
  /** The test stand-in, not Amazon's SDK. */
  standIn: boolean;
}

const PACKAGE_PROBE = `
import json, importlib.util
from importlib import metadata
out = {"installed": importlib.util.find_spec("nova_act") is not None, "version": None, "summary": ""}
try:
    out["version"] = metadata.version("nova-act")
    out["summary"] = metadata.metadata("nova-act").get("Summary", "") or ""
except metadata.PackageNotFoundError:
    pass
print(json.dumps(out))
`;

/** Whether `python` can import nova_act, and which version (without importing the SDK itself). */
export async function probePackage(python: string, env: NodeJS.ProcessEnv = process.env): Promise<PackageInfo> {
  const r = await run(python, ['-c', PACKAGE_PROBE], env, 20_000);
  if (r.code !== 0) return { installed: false, version: null, standIn: false };
  try {
    const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { installed: boolean; version: string | null; summary: string };
    return { installed: o.installed, version: o.version, standIn: /stand-in/i.test(o.summary) };
  } catch {
    return { installed: false, version: null, standIn: false };
  }
}

/** Whether `python -m venv` can work with this interpreter (Debian splits it into python3-venv). */
export async function hasVenvModule(python: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return (await run(python, ['-c', 'import venv, ensurepip'], env, 15_000)).code === 0;
}
