import fs from 'node:fs';
import path from 'node:path';
import type { NovaActStatus } from '../../shared/automation.ts';
import { KinexusError } from '../../shared/errors.ts';
import type { KeychainStatus } from '../../shared/schemas.ts';
import type { Redactor } from '../core/redactor.ts';
import { secretAccount, type SecretStore } from '../secrets/secret-store.ts';
import type { Db } from '../store/database.ts';
import { findChromium } from './browser.ts';
import { findPython, probePackage, probePython, venvPython } from './python-env.ts';
import { findWorkerScript } from './worker-process.ts';

/** Keychain account of the Nova Act API key (service-wide, not per integration). */
export const API_KEY_ACCOUNT = secretAccount('nova-act', 'apiKey');

export interface NovaActEnvDeps {
  db: Db;
  dataDir: string;
  secrets: SecretStore;
  keychain: () => KeychainStatus;
  redactor: Redactor;
  chromiumPath?: string | null;
  /** python/worker.py; found by findWorkerScript() when not given. */
  workerScript?: string;
  env?: NodeJS.ProcessEnv;
}

/** What a run needs from the machine, resolved. */
export interface Prepared {
  python: string;
  pythonVersion: string;
  sdkVersion: string | null;
  apiKey: string;
  chromium: string;
  workerScript: string;
}

type Resolved = { path: string; version: string; source: 'configured' | 'venv' | 'system' };

/**
 * Everything about "can Nova Act run here": which Python, whether nova-act
 * is importable by it, the API key (keychain only; SQLite keeps whether it is
 * set), the browser. Feeds the health line and every run's preflight.
 */
export class NovaActEnv {
  readonly venvDir: string;
  /** Probing interpreters costs seconds on a busy machine (or behind pyenv shims): results are kept briefly. */
  private cached: { at: number; value: Awaited<ReturnType<NovaActEnv['resolvePython']>> } | null = null;
  private system: Promise<Resolved | null> | null = null;

  constructor(private readonly d: NovaActEnvDeps) {
    this.venvDir = path.join(d.dataDir, 'nova-act', 'venv');
  }

  get env(): NodeJS.ProcessEnv {
    return this.d.env ?? process.env;
  }

  configuredPython(): string | null {
    return this.get('python');
  }

  /** Forget what was probed (after a setup, or a change of interpreter). */
  invalidate(): void {
    this.cached = null;
    this.system = null;
  }

  setConfiguredPython(python: string | null): void {
    this.invalidate();
    if (python === null) this.d.db.prepare("DELETE FROM nova_act_config WHERE key = 'python'").run();
    else this.set('python', python);
  }

  apiKeySet(): boolean {
    return this.get('apiKeySet') === '1';
  }

  /** Stores the key in the keychain ('' removes it); SQLite learns only whether one is set. */
  async setApiKey(key: string): Promise<void> {
    const k = this.d.keychain();
    if (k.state !== 'available') {
      throw new KinexusError('secrets_unavailable', `Cannot store the Nova Act API key: the OS keychain is ${k.state}. ${k.reason ?? ''}`.trim(), { action: k.fix ?? 'Install or unlock the OS keychain' });
    }
    const trimmed = key.trim();
    if (trimmed === '') {
      await this.d.secrets.delete(API_KEY_ACCOUNT);
      this.set('apiKeySet', '0');
      return;
    }
    if (/\s/.test(trimmed)) throw new KinexusError('invalid_input', 'The Nova Act API key cannot contain spaces or line breaks.', { field: 'apiKey', action: 'Paste the key exactly as https://nova.amazon.com/act shows it' });
    this.d.redactor.add(trimmed);
    await this.d.secrets.set(API_KEY_ACCOUNT, trimmed);
    this.set('apiKeySet', '1');
  }

  /** The key from the keychain, for one worker's environment; classified errors when it cannot be had. */
  async readApiKey(): Promise<string> {
    if (!this.apiKeySet()) throw new KinexusError('auth', 'No Nova Act API key is stored.', { action: 'Add it: kinexus automations api-key (get one at https://nova.amazon.com/act)' });
    const k = this.d.keychain();
    if (k.state !== 'available') throw new KinexusError('secrets_unavailable', `The Nova Act API key cannot be read: the OS keychain is ${k.state}.`, { action: k.fix ?? 'Unlock the OS keychain' });
    const v = await this.d.secrets.get(API_KEY_ACCOUNT);
    if (!v) throw new KinexusError('auth', 'The Nova Act API key is missing from the keychain.', { action: 'Add it again: kinexus automations api-key' });
    this.d.redactor.add(v);
    return v;
  }

  workerScript(): string | null {
    const p = this.d.workerScript ?? findWorkerScript(this.env);
    return p && fs.existsSync(p) ? p : null;
  }

  chromium(): string | null {
    return findChromium(this.d.chromiumPath, this.env);
  }

  /** The interpreter runs use: the configured one, else the private environment, else a system one that has nova-act. */
  async resolvePython(maxAgeMs = 30_000): Promise<{ runtime: Resolved | null; system: Resolved | null; packageVersion: string | null; standIn: boolean; installed: boolean }> {
    if (this.cached && Date.now() - this.cached.at < maxAgeMs) return this.cached.value;
    const value = await this.probe();
    this.cached = { at: Date.now(), value };
    return value;
  }

  private async probe(): Promise<{ runtime: Resolved | null; system: Resolved | null; packageVersion: string | null; standIn: boolean; installed: boolean }> {
    const configured = this.configuredPython();
    const candidates: { exe: string; source: Resolved['source'] }[] = [];
    if (configured) candidates.push({ exe: configured, source: 'configured' });
    else if (fs.existsSync(venvPython(this.venvDir))) candidates.push({ exe: venvPython(this.venvDir), source: 'venv' });
    this.system ??= configured ? Promise.resolve(null) : findPython(this.env).then((sys) => (sys?.ok ? { path: sys.path, version: sys.version, source: 'system' as const } : null));
    const system = await this.system;
    if (system) candidates.push({ exe: system.path, source: 'system' });
    let first: Resolved | null = null;
    for (const c of candidates) {
      const info = c.source === 'system' ? system : await probePython(c.exe, this.env);
      if (!info || ('ok' in info && !info.ok)) continue;
      const r: Resolved = { path: info.path, version: info.version, source: c.source };
      first ??= r;
      const pkg = await probePackage(info.path, this.env);
      if (pkg.installed) return { runtime: r, system, packageVersion: pkg.version, standIn: pkg.standIn, installed: true };
      if (c.source !== 'system') break; // a configured or private interpreter without the package is what to fix
    }
    return { runtime: first, system, packageVersion: null, standIn: false, installed: false };
  }

  /** "Nova Act ready", or exactly what is missing with what to do about it. */
  async status(): Promise<NovaActStatus> {
    return (await this.inspect()).status;
  }

  private async inspect(): Promise<{ status: NovaActStatus; py: Awaited<ReturnType<NovaActEnv['resolvePython']>> }> {
    const py = await this.resolvePython();
    const chromium = this.chromium();
    const missing: NovaActStatus['missing'] = [];
    const configured = this.configuredPython();
    if (!py.runtime) {
      missing.push(
        configured
          ? { part: 'python', message: `The configured interpreter "${configured}" is not Python 3.10 or newer`, action: 'Point Kinexus at another interpreter, or go back to the private environment: kinexus automations setup --use-private' }
          : { part: 'python', message: 'No Python 3.10 or newer was found', action: 'Install Python 3.10+ (Debian/Ubuntu: sudo apt install python3 python3-venv), then run kinexus automations setup' },
      );
    } else if (!py.installed) {
      missing.push({ part: 'package', message: `The nova-act package is not installed for Python ${py.runtime.version} (${py.runtime.path})`, action: `Set up Nova Act: kinexus automations setup (creates a private environment in ${this.venvDir})` });
    }
    const keychain = this.d.keychain();
    if (keychain.state !== 'available') missing.push({ part: 'keychain', message: `The OS keychain is ${keychain.state}, so the API key cannot be read`, action: keychain.fix ?? 'Unlock or install the OS keychain' });
    else if (!this.apiKeySet()) missing.push({ part: 'api_key', message: 'No Nova Act API key is stored', action: 'Add it: kinexus automations api-key (get one at https://nova.amazon.com/act)' });
    const worker = this.workerScript();
    if (!worker) missing.push({ part: 'worker', message: 'The Nova Act worker script (worker.py) is missing from this installation', action: 'Reinstall Kinexus Desktop, or set KINEXUS_WORKER_SCRIPT to main/automation/python/worker.py' });
    if (!chromium) missing.push({ part: 'browser', message: 'No Chromium or Chrome was found', action: 'Install chromium (Debian/Ubuntu: sudo apt install chromium), or set KINEXUS_CHROMIUM to its path' });
    const status: NovaActStatus = {
      ready: missing.length === 0,
      summary: missing.length === 0 ? 'Nova Act ready' : `Nova Act is not ready: ${missing.map((m) => m.message).join('; ')}.`,
      python: py.runtime ?? py.system,
      venvDir: this.venvDir,
      venvExists: fs.existsSync(venvPython(this.venvDir)),
      package: { installed: py.installed, version: py.packageVersion, standIn: py.standIn },
      apiKeySet: this.apiKeySet(),
      browser: chromium,
      missing,
    };
    return { status, py };
  }

  /** A run's preflight: everything resolved, or the first missing part as a classified error. */
  async prepare(): Promise<Prepared> {
    const { status: st, py } = await this.inspect();
    const first = st.missing[0];
    if (first) {
      const code = first.part === 'api_key' ? 'auth' : first.part === 'keychain' ? 'secrets_unavailable' : 'config';
      throw new KinexusError(code, st.summary, { action: first.action });
    }
    return { python: py.runtime!.path, pythonVersion: py.runtime!.version, sdkVersion: py.packageVersion, apiKey: await this.readApiKey(), chromium: st.browser!, workerScript: this.workerScript()! };
  }

  private get(key: string): string | null {
    return (this.d.db.prepare('SELECT value FROM nova_act_config WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  private set(key: string, value: string): void {
    this.d.db.prepare('INSERT INTO nova_act_config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
