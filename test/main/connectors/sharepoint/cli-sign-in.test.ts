/**
 * `kinexus integrations sign-in` against the Microsoft emulator with the real
 * OS keychain: it prints the code and the URL, waits for the user, keeps the
 * MSAL cache in the keychain, syncs, and a later process uses the cache
 * without asking again. Skipped (with the reason) where no keychain works.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../../main/core/core.ts';
import { KeytarSecretStore } from '../../../../main/secrets/keytar-store.ts';
import { secretAccount } from '../../../../main/secrets/secret-store.ts';
import { realKeychainAvailable } from '../../../helpers/keychain.ts';
import { startMicrosoftEmulator, testDispatcher, type MicrosoftEmulator, type MsApp, type MsTenant } from '../../../emulators/microsoft/server.ts';
import { UPN } from './fixture.ts';

const BIN = path.resolve('main/cli/bin.js');
const CA = path.resolve('test/emulators/microsoft/tls/ca.pem');

const keychain = await realKeychainAvailable();

describe.skipIf(!keychain.ok)(`kinexus integrations sign-in with the real keychain${keychain.ok ? '' : ` (skipped: ${keychain.reason})`}`, () => {
  let ms: MicrosoftEmulator;
  let tenant: MsTenant;
  let app: MsApp;
  let dir: string;
  beforeAll(async () => {
    ms = await startMicrosoftEmulator({ identity: { pollIntervalSeconds: 0.1 } });
    ({ tenant, app } = ms.seedDirectory());
    const site = ms.graph.state.addSite({ hostname: 'contoso.sharepoint.com', path: '/sites/docs', displayName: 'Docs' });
    ms.graph.state.addFiles(ms.graph.state.drive(site), 3);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-sp-cli-'));
  });
  afterAll(async () => {
    await ms.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI; `onStderr` sees stderr as it arrives. */
  function cli(args: string[], onStderr?: (text: string) => void): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KINEXUS_DATA_DIR: dir, NODE_EXTRA_CA_CERTS: CA }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        onStderr?.(stderr);
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('prints the code and URL, waits for the sign-in, syncs, and later runs need no new sign-in', async () => {
    const settings = { tenantId: tenant.id, clientId: app.clientId, sites: ['contoso.sharepoint.com:/sites/docs'], authorityHost: ms.login.url, graphBaseUrl: ms.graph.url };
    // Spawning the CLI is slow on a busy machine: set up and check in-process, sign in through the CLI.
    const setup = await createCore({ dataDir: dir, secretStore: new KeytarSecretStore() });
    const { id } = await setup.invoke('integrations.add', { connector: 'sharepoint', name: 'Contoso SharePoint', settings });
    await setup.close();
    try {
      let approved = false;
      const signIn = await cli(['integrations', 'sign-in', id], (err) => {
        const code = /Code: (\S+)/.exec(err)?.[1];
        if (code && !approved) {
          approved = true;
          ms.identity.approve(code, UPN);
        }
      });
      expect(signIn.code, signIn.stderr).toBe(0);
      expect(signIn.stderr).toMatch(/To sign in, use a web browser to open the page https:\/\/microsoft\.com\/devicelogin and enter the code \S+ to authenticate\./);
      expect(signIn.stderr).toMatch(/URL: {2}https:\/\/microsoft\.com\/devicelogin\n {2}Code: \S+/);
      expect(signIn.stdout).toMatch(`Signed in to Contoso SharePoint as Adele Vance <${UPN}>; first sync succeeded: 3 added, 0 updated, 0 deleted`);

      // A later process finds the sign-in in the keychain: no new device code.
      ms.login.requests.clear();
      const later = await createCore({ dataDir: dir, secretStore: new KeytarSecretStore(), dispatcher: testDispatcher() });
      try {
        const { run } = await later.invoke('sync.run', { id, trigger: 'cli', wait: true });
        expect(run).toMatchObject({ status: 'succeeded', counts: { added: 0, updated: 0 } });
        expect((await later.invoke('health.list', {}))[0]).toMatchObject({ state: 'healthy' });
      } finally {
        await later.close();
      }
      expect(ms.login.requests.count({ path: '*/oauth2/v2.0/devicecode' })).toBe(0);
      expect(await new KeytarSecretStore().get(secretAccount(id, 'msal-cache'))).toContain('RefreshToken');
      const db = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.db'))!)).toString('latin1');
      for (const secret of ms.identity.issuedSecrets) expect(db.includes(secret)).toBe(false);
    } finally {
      // Leave no sign-in behind in a keychain that may be the developer's own.
      await new KeytarSecretStore().delete(secretAccount(id, 'msal-cache'));
    }
  }, 120_000);
});
