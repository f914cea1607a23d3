/**
 * A Microsoft emulator (login + Graph over https) with one tenant, one app,
 * one user and one site, and a real core with one SharePoint integration
 * pointed at it. Tests never really wait: the HTTP client's sleeps are
 * recorded and cut short.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Agent } from 'undici';
import { createCore, type Core, type CoreOptions } from '../../../../main/core/core.ts';
import { MemorySecretStore } from '../../../../main/secrets/memory-store.ts';
import { startMicrosoftEmulator, testDispatcher, type IdentitySettings, type MicrosoftEmulator, type MsApp, type MsTenant, type SpDrive, type SpList, type SpSite } from '../../../emulators/microsoft/server.ts';
import type { GraphSettings } from '../../../emulators/microsoft/graph.ts';
import type { SyncRun } from '../../../../shared/sync.ts';
import { recordingSleep } from '../../../helpers/test-core.ts';

export { syncNow } from '../../../helpers/test-core.ts';

export const UPN = 'adele@contoso.onmicrosoft.com';

export interface SharePointFixture {
  ms: MicrosoftEmulator;
  core: Core;
  dir: string;
  store: MemorySecretStore;
  dispatcher: Agent;
  id: string;
  tenant: MsTenant;
  app: MsApp;
  site: SpSite;
  docs: SpDrive;
  /** The sync the sign-in started (null without sign-in). */
  firstRun: SyncRun | null;
  /** Waits the HTTP client asked for (ms). */
  waits: number[];
  /** Settings the integration was added with. */
  settings: Record<string, unknown>;
  /** A second core on the same data dir and keychain, as after an app restart. */
  reopen(extra?: Partial<CoreOptions>): Promise<Core>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Sign in (and let the sync that follows finish) before returning; default true. */
  signIn?: boolean;
  /** Content to create before the sign-in and its first sync. */
  seed?: (ms: MicrosoftEmulator, site: SpSite, docs: SpDrive) => void;
  streams?: string[];
  settings?: Record<string, unknown>;
  identity?: Partial<IdentitySettings>;
  graph?: Partial<GraphSettings>;
  core?: Partial<CoreOptions>;
}

/** Core options shared by every core of a fixture. */
function coreOptions(dir: string, store: MemorySecretStore, dispatcher: Agent, waits: number[], extra?: Partial<CoreOptions>): CoreOptions {
  return {
    dataDir: dir,
    secretStore: store,
    dispatcher,
    httpOverrides: { sleep: recordingSleep(waits, 2) },
    ...extra,
  };
}

export async function sharepointFixture(opts: FixtureOptions = {}): Promise<SharePointFixture> {
  const ms = await startMicrosoftEmulator({ identity: { pollIntervalSeconds: 0.05, ...opts.identity }, graph: opts.graph });
  const { tenant, app } = ms.seedDirectory();
  const site = ms.graph.state.addSite({ hostname: 'contoso.sharepoint.com', path: '/sites/docs', displayName: 'Docs' });
  const docs = ms.graph.state.drive(site);
  opts.seed?.(ms, site, docs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-sp-'));
  const store = new MemorySecretStore();
  const dispatcher = testDispatcher();
  const waits: number[] = [];
  const cores: Core[] = [];
  const core = await createCore(coreOptions(dir, store, dispatcher, waits, opts.core));
  cores.push(core);
  const settings = { tenantId: tenant.id, clientId: app.clientId, sites: ['contoso.sharepoint.com:/sites/docs'], authorityHost: ms.login.url, graphBaseUrl: ms.graph.url, ...(opts.streams ? { streams: opts.streams } : {}), ...opts.settings };
  const i = await core.invoke('integrations.add', { connector: 'sharepoint', name: 'Contoso SharePoint', settings });
  const firstRun = opts.signIn === false ? null : await signIn(core, ms, i.id);
  return {
    firstRun,
    ms,
    core,
    dir,
    store,
    dispatcher,
    id: i.id,
    tenant,
    app,
    site,
    docs,
    waits,
    settings,
    async reopen(extra) {
      const c = await createCore(coreOptions(dir, store, dispatcher, waits, extra));
      cores.push(c);
      return c;
    },
    async close() {
      for (const c of cores) await c.close();
      await ms.close();
      await dispatcher.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in through the API, approving the device code as the user the moment
 * it is shown, and waits for the sync a sign-in starts; returns that run.
 */
export async function signIn(core: Core, ms: MicrosoftEmulator, id: string, upn = UPN) {
  const off = core.onEvent((event, data) => {
    const d = data as { integrationId?: string; userCode?: string };
    if (event === 'auth.deviceCode' && d.integrationId === id) ms.identity.approve(d.userCode!, upn);
  });
  try {
    const r = await core.invoke('integrations.signIn', { id, wait: true });
    return r.runId ? (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run! : null;
  } finally {
    off();
  }
}

/** Mirrored records of a kind, by external id → title. */
export function mirrored(core: Core, kind: string): Map<string, string> {
  const rows = core.db.prepare('SELECT external_id, title FROM records WHERE kind = ?').all(kind) as { external_id: string; title: string }[];
  return new Map(rows.map((r) => [r.external_id, r.title]));
}

/** A generic list with `n` items titled "Task 1…n". */
export function addTasks(ms: MicrosoftEmulator, site: SpSite, n: number): SpList {
  const list = ms.graph.state.addList(site, { displayName: 'Tasks' });
  for (let k = 1; k <= n; k++) ms.graph.state.addListItem(list, { Title: `Task ${k}`, Status: k % 3 === 0 ? 'Done' : 'Open', Priority: k % 2 ? 'High' : 'Low' });
  return list;
}
