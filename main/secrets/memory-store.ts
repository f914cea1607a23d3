import type { KeychainStatus } from '../../shared/schemas.ts';
import type { SecretStore } from './secret-store.ts';

/** An in-memory SecretStore for unit tests; can pretend to be locked or unavailable. */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory';
  readonly values = new Map<string, string>();
  status: KeychainStatus = { state: 'available', backend: 'memory', reason: null, fix: null };

  async probe(): Promise<KeychainStatus> {
    return this.status;
  }
  async get(account: string): Promise<string | null> {
    this.assertUsable();
    return this.values.get(account) ?? null;
  }
  async set(account: string, value: string): Promise<void> {
    this.assertUsable();
    this.values.set(account, value);
  }
  async delete(account: string): Promise<boolean> {
    this.assertUsable();
    return this.values.delete(account);
  }
  private assertUsable(): void {
    if (this.status.state !== 'available') throw new Error(`memory keychain is ${this.status.state}`);
  }
}
