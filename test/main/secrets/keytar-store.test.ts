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

describe('KeytarSecretStore with values larger than one keychain entry holds', () => {
  it.skipIf(!real.ok)('splits a long value over several entries, reads it back whole, and removes every piece', async () => {
    const store = new KeytarSecretStore({ service: 'dev.kinexus.desktop.test', chunkChars: 50 });
    const peek = new KeytarSecretStore({ service: 'dev.kinexus.desktop.test' });
    const account = `itest-${randomBytes(4).toString('hex')}/msal-cache`;
    const value = `{"cache":"${'x'.repeat(480)}é🙂"}`;
    await store.set(account, value);
    expect(await store.get(account)).toBe(value);
    expect(await peek.get(`${account}#10`)).not.toBeNull();
    await store.set(account, 'short');
    expect(await store.get(account)).toBe('short');
    expect(await peek.get(`${account}#1`)).toBeNull();
    await store.set(account, value);
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await peek.get(`${account}#1`)).toBeNull();
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
