import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { KinexusError } from '../../shared/errors.ts';
import type { KeychainStatus } from '../../shared/schemas.ts';
import type { SecretStore } from './secret-store.ts';

/** Fixed keychain service name under which every Kinexus secret is stored. */
export const KEYCHAIN_SERVICE = 'dev.kinexus.desktop';

type Keytar = typeof import('keytar');

export interface KeytarStoreOptions {
  service?: string;
  /** Every keychain call is bounded: a broken Secret Service can hang ~25 s. */
  timeoutMs?: number;
  /** For tests: inject a keytar-like module. */
  keytar?: Keytar;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /**
   * Values longer than this are stored in several entries. Windows Credential
   * Manager holds at most 2,560 bytes per credential, and an MSAL token cache
   * is larger than that.
   */
  chunkChars?: number;
}

/** Marks an entry whose value is split over `<account>#1…n`. */
const CHUNK_MARKER = '__kinexus_chunked__:';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new KinexusError('secrets_unavailable', `The OS keychain did not answer within ${Math.round(ms / 1000)} s (${what}).`, { action: 'Check that the keychain service is running and unlocked, then try again' })), ms);
    t.unref?.();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** The OS keychain through keytar (Keychain on macOS, Credential Vault on Windows, Secret Service on Linux). */
export class KeytarSecretStore implements SecretStore {
  readonly backend: string;
  private readonly service: string;
  private readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;
  private readonly env: NodeJS.ProcessEnv;
  private keytar: Keytar | undefined;
  private loadError: string | undefined;
  private readonly chunkChars: number;

  constructor(opts: KeytarStoreOptions = {}) {
    this.service = opts.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.platform = opts.platform ?? process.platform;
    this.env = opts.env ?? process.env;
    this.chunkChars = opts.chunkChars ?? (this.platform === 'win32' ? 1000 : 100_000);
    this.backend = this.platform === 'darwin' ? 'macOS Keychain' : this.platform === 'win32' ? 'Windows Credential Manager' : 'Secret Service (libsecret)';
    if (opts.keytar) this.keytar = opts.keytar;
  }

  private load(): Keytar {
    if (this.keytar) return this.keytar;
    if (this.loadError) throw new KinexusError('secrets_unavailable', this.loadError);
    try {
      const require = createRequire(import.meta.url);
      this.keytar = require('keytar') as Keytar;
      return this.keytar;
    } catch (err) {
      this.loadError = `The keychain module (keytar) could not be loaded: ${(err as Error).message.split('\n')[0]}`;
      throw new KinexusError('secrets_unavailable', this.loadError, { action: 'Reinstall the app (or run npm ci) so its native keychain module is built for this system' });
    }
  }

  async probe(): Promise<KeychainStatus> {
    const base = { backend: this.backend };
    if (this.platform === 'linux' && !this.env.DBUS_SESSION_BUS_ADDRESS) {
      return {
        ...base,
        state: 'unavailable',
        reason: 'No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so the Secret Service keychain cannot be reached.',
        fix: 'Start Kinexus from a desktop session with a keyring running (GNOME Keyring or KWallet). On a server: install dbus and gnome-keyring, then run inside dbus-run-session with gnome-keyring-daemon --unlock.',
      };
    }
    let kt: Keytar;
    try {
      kt = this.load();
    } catch (err) {
      return { ...base, state: 'unavailable', reason: (err as Error).message, fix: 'Reinstall the app (or run npm ci) so its native keychain module is built; on Linux install libsecret-1-0.' };
    }
    const account = '__kinexus_probe__';
    try {
      const value = randomBytes(8).toString('hex');
      await withTimeout(kt.setPassword(this.service, account, value), this.timeoutMs, 'write probe');
      const back = await withTimeout(kt.getPassword(this.service, account), this.timeoutMs, 'read probe');
      await withTimeout(kt.deletePassword(this.service, account), this.timeoutMs, 'delete probe');
      if (back !== value) {
        return { ...base, state: 'unavailable', reason: 'The keychain accepted a value but returned a different one.', fix: 'Repair or reset the login keychain, then restart Kinexus.' };
      }
      return { ...base, state: 'available', reason: null, fix: null };
    } catch (err) {
      return classifyKeychainError(err, this.backend);
    }
  }

  async get(account: string): Promise<string | null> {
    const head = await this.raw('read', (kt) => kt.getPassword(this.service, account));
    if (head === null || !head.startsWith(CHUNK_MARKER)) return head;
    const n = Number(head.slice(CHUNK_MARKER.length));
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      const part = await this.raw('read', (kt) => kt.getPassword(this.service, `${account}#${i}`));
      // A missing chunk means a write was interrupted: treat the secret as absent, never as garbage.
      if (part === null) return null;
      parts.push(part);
    }
    return parts.join('');
  }

  async set(account: string, value: string): Promise<void> {
    const old = await this.chunkCount(account);
    if (value.length <= this.chunkChars) {
      await this.raw('write', (kt) => kt.setPassword(this.service, account, value));
    } else {
      const parts = value.match(new RegExp(`[\\s\\S]{1,${this.chunkChars}}`, 'g')) ?? [];
      for (let i = 0; i < parts.length; i++) await this.raw('write', (kt) => kt.setPassword(this.service, `${account}#${i + 1}`, parts[i]));
      await this.raw('write', (kt) => kt.setPassword(this.service, account, `${CHUNK_MARKER}${parts.length}`));
    }
    const now = value.length <= this.chunkChars ? 0 : Math.ceil(value.length / this.chunkChars);
    for (let i = now + 1; i <= old; i++) await this.raw('delete', (kt) => kt.deletePassword(this.service, `${account}#${i}`));
  }

  async delete(account: string): Promise<boolean> {
    const n = await this.chunkCount(account);
    for (let i = 1; i <= n; i++) await this.raw('delete', (kt) => kt.deletePassword(this.service, `${account}#${i}`));
    return this.raw('delete', (kt) => kt.deletePassword(this.service, account));
  }

  private async chunkCount(account: string): Promise<number> {
    const head = await this.raw('read', (kt) => kt.getPassword(this.service, account));
    return head?.startsWith(CHUNK_MARKER) ? Number(head.slice(CHUNK_MARKER.length)) : 0;
  }

  private raw<T>(what: string, fn: (kt: Keytar) => Promise<T>): Promise<T> {
    return this.guard(withTimeout(fn(this.load()), this.timeoutMs, what));
  }

  private async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof KinexusError) throw err;
      const status = classifyKeychainError(err, this.backend);
      throw new KinexusError('secrets_unavailable', `The OS keychain refused the request: ${status.reason}`, { action: status.fix ?? undefined });
    }
  }
}

/** Maps a keychain failure to locked/unavailable with a reason and a fix. */
export function classifyKeychainError(err: unknown, backend: string): KeychainStatus {
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof KinexusError && /did not answer/.test(msg)) {
    return { state: 'unavailable', backend, reason: msg, fix: 'The keychain service is not responding: restart your session (or gnome-keyring-daemon) and try again.' };
  }
  if (/locked|unlock|prompt|dismissed|cancel/i.test(msg)) {
    return { state: 'locked', backend, reason: `The keychain is locked (${msg}).`, fix: 'Unlock your login keychain (log in to the desktop session, or unlock it in Passwords and Keys), then retry.' };
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service/i.test(msg)) {
    return { state: 'unavailable', backend, reason: `No Secret Service is running (${msg}).`, fix: 'Install and start a keyring: sudo apt install gnome-keyring (or KWallet), then log in again.' };
  }
  return { state: 'unavailable', backend, reason: `The keychain failed: ${msg}`, fix: 'Make sure the OS keychain is installed, running and unlocked, then restart Kinexus.' };
}
