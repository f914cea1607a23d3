import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { KinexusError } from '../../shared/errors.ts';
import { findPython, hasVenvModule, probePackage, probePython, venvPython, type PythonInfo } from './python-env.ts';

export type SetupPhase = 'checking' | 'creating_venv' | 'installing' | 'verifying' | 'done';

export interface SetupOptions {
  venvDir: string;
  /** An interpreter to build the environment from; found on PATH when absent. */
  python?: string;
  /** A folder of wheels/sdists to install from instead of the package index (pip --no-index --find-links). */
  packageSource?: string;
  env?: NodeJS.ProcessEnv;
  onProgress(phase: SetupPhase, message: string): void;
  /** pip may download a lot (Playwright); the default allows 15 minutes. */
  installTimeoutMs?: number;
}

/**
 * The one-click setup: find Python 3.10+, create a private virtual
 * environment in the data directory, install nova-act into it, and check the
 * result. Each phase reports progress; pip's own lines are passed through.
 */
export async function setUpNovaAct(o: SetupOptions): Promise<{ python: PythonInfo; version: string | null }> {
  const env = o.env ?? process.env;
  o.onProgress('checking', 'Looking for Python 3.10 or newer');
  const base = o.python ? await probePython(o.python, env) : await findPython(env);
  if (!base) {
    throw new KinexusError('config', o.python ? `"${o.python}" does not run as Python.` : 'No Python interpreter was found on PATH.', {
      field: o.python ? 'python' : undefined,
      action: 'Install Python 3.10 or newer (Debian/Ubuntu: sudo apt install python3 python3-venv), then run the setup again',
    });
  }
  if (!base.ok) {
    throw new KinexusError('config', `Python ${base.version} at ${base.path} is too old: nova-act needs 3.10 or newer.`, { action: 'Install Python 3.10 or newer, then run the setup again' });
  }
  if (!(await hasVenvModule(base.path, env))) {
    throw new KinexusError('config', `Python ${base.version} at ${base.path} cannot create virtual environments (the venv/ensurepip modules are missing).`, { action: 'Install them (Debian/Ubuntu: sudo apt install python3-venv), then run the setup again' });
  }
  o.onProgress('checking', `Using Python ${base.version} at ${base.path}`);

  const py = venvPython(o.venvDir);
  if (!fs.existsSync(py)) {
    o.onProgress('creating_venv', `Creating a private environment in ${o.venvDir}`);
    fs.mkdirSync(o.venvDir, { recursive: true, mode: 0o700 });
    await stream(base.path, ['-m', 'venv', o.venvDir], env, 5 * 60_000, (line) => o.onProgress('creating_venv', line));
  } else {
    o.onProgress('creating_venv', `Reusing the private environment in ${o.venvDir}`);
  }

  const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--upgrade'];
  if (o.packageSource) {
    if (!fs.existsSync(o.packageSource)) throw new KinexusError('invalid_input', `The package folder ${o.packageSource} does not exist.`, { field: 'packageSource', action: 'Give a folder that holds the nova-act wheel' });
    pipArgs.push('--no-index', '--find-links', o.packageSource);
  }
  pipArgs.push('nova-act');
  o.onProgress('installing', o.packageSource ? `Installing nova-act from ${o.packageSource}` : 'Installing nova-act from the Python package index');
  await stream(py, pipArgs, env, o.installTimeoutMs ?? 15 * 60_000, (line) => o.onProgress('installing', line), o.packageSource);

  o.onProgress('verifying', 'Checking that nova-act imports');
  const pkg = await probePackage(py, env);
  const info = await probePython(py, env);
  if (!pkg.installed || !info) throw new KinexusError('internal', `nova-act was installed but cannot be found by ${py}.`, { action: 'Delete the folder and run the setup again' });
  o.onProgress('done', `nova-act ${pkg.version ?? ''}${pkg.standIn ? ' (test stand-in)' : ''} is ready in ${o.venvDir}`.replace('  ', ' '));
  return { python: info, version: pkg.version };
}

/** Runs a command, passing each output line on; fails with the last lines when it fails. */
function stream(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, onLine: (line: string) => void, packageSource?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lastLines: string[] = [];
    let buf = '';
    const take = (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        lastLines.push(line);
        if (lastLines.length > 8) lastLines.shift();
        onLine(line.slice(0, 300));
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new KinexusError('config', `${file} could not be started: ${err.message}.`, { action: 'Check the Python path and run the setup again' }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const detail = lastLines.slice(-3).join(' | ') || `exit ${signal ?? code}`;
      const what = args.includes('venv') ? 'Creating the environment' : 'Installing nova-act';
      // pip says "No matching distribution" both offline and for a folder without the wheel: which one it is, the caller knows.
      const notFound = /network|connection|resolve|no matching distribution|could not find a version/i.test(detail);
      if (notFound && packageSource) {
        reject(new KinexusError('config', `${what} failed: ${packageSource} has no installable nova-act (${detail})`, { field: 'packageSource', action: `Put the nova-act wheel in ${packageSource}, or run the setup without a folder to use the package index` }));
      } else if (notFound) {
        reject(new KinexusError('network', `${what} failed: ${detail}`, { action: 'Check the network (pip needs the Python package index), or give a folder with the nova-act wheel, then run the setup again' }));
      } else {
        reject(new KinexusError('internal', `${what} failed: ${detail}`, { action: 'Run the setup again; if it keeps failing, delete the environment folder first' }));
      }
    });
  });
}
