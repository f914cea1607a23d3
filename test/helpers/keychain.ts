import { KeytarSecretStore } from '../../main/secrets/keytar-store.ts';

/**
 * Whether the real OS keychain is usable here. `npm test` runs inside a
 * private unlocked gnome-keyring (test/keychain-session.sh); in CI it must be,
 * so there a missing keychain fails the run instead of skipping tests.
 */
export async function realKeychainAvailable(): Promise<{ ok: boolean; reason: string }> {
  const status = await new KeytarSecretStore({ timeoutMs: 5000 }).probe();
  if (status.state === 'available') return { ok: true, reason: '' };
  if (process.env.CI) throw new Error(`CI must run the keychain tests, but the keychain is ${status.state}: ${status.reason}`);
  return { ok: false, reason: `${status.state}: ${status.reason}` };
}
