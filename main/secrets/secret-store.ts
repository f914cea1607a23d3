import type { KeychainStatus } from '../../shared/schemas.ts';

/**
 * Where secret values live. The account of a secret is
 * `<integrationId>/<field>`; SQLite only records that it is set.
 */
export interface SecretStore {
  /** A short name of the backend, e.g. "keytar (Secret Service)" or "memory". */
  readonly backend: string;
  /** Classifies the store: available, locked or unavailable, with the reason and the fix. */
  probe(): Promise<KeychainStatus>;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** The keychain account of one secret field of one integration. */
export function secretAccount(integrationId: string, field: string): string {
  return `${integrationId}/${field}`;
}
