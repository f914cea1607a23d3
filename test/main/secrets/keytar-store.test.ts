import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore, classifyKeychainError } from '../../../main/secrets/keytar-store.ts';
import { realKeychainAvailable } from '../../helpers/keychain.ts';

const real = await realKeychainAvailable();

describe('KeytarSecretStore against the real OS keychain', () => {
  it.skipIf(!real.ok)(`stores, reads back and deletes a secret${real.ok ? '' : ` (skipped: ${real.reason})`}`, async () => {
    const store = new KeytarSecretStore({ service: 'dev.kinexus.desktop.test' });
    expect((await store.probe()).state).toBe('available');
    const account = `itest-${randomBytes(4).toString('hex')}/token`;
    const value = `canary-${randomBytes(8).toString('hex')}`;
    await store.set(account, value);
    expect(await store.get(account)).toBe(value);
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });
});

describe('KeytarSecretStore when the keychain misbehaves', () => {
  const hanging = {
    getPassword: () => new Promise<string | null>(() => undefined),
    setPassword: () => new Promise<void>(() => undefined),
    deletePassword: () => new Promise<boolean>(() => undefined),
  } as unknown as typeof import('keytar');

  it('bounds every call with a timeout and classifies a hung keychain as unavailable', async () => {
    const store = new KeytarSecretStore({ keytar: hanging, timeoutMs: 50, platform: 'linux', env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' } });
    const started = Date.now();
    const status = await store.probe();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(status.state).toBe('unavailable');
    expect(status.reason).toMatch(/did not answer/);
    await expect(store.get('a/b')).rejects.toMatchObject({ code: 'secrets_unavailable' });
  });

  it('says plainly when there is no D-Bus session on Linux, with the fix', async () => {
    const store = new KeytarSecretStore({ keytar: hanging, platform: 'linux', env: {} });
    const status = await store.probe();
    expect(status).toMatchObject({ state: 'unavailable' });
    expect(status.reason).toMatch(/D-Bus/);
    expect(status.fix).toMatch(/gnome-keyring/);
  });

  it('classifies a locked collection as locked and a missing Secret Service as unavailable', () => {
    expect(classifyKeychainError(new Error('Cannot create an item in a locked collection'), 'x').state).toBe('locked');
    const none = classifyKeychainError(new Error('The name org.freedesktop.secrets was not provided by any .service files'), 'x');
    expect(none.state).toBe('unavailable');
    expect(none.fix).toMatch(/apt install gnome-keyring/);
  });
});
