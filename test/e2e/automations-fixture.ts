import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../main/core/core.ts';
import { startHeadlessHost, type HeadlessHost } from '../../main/headless/host.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { buildStandInWheel, startSite, TIMING, watchPids, type Site } from '../main/automation/helpers.ts';

export interface AutomationsFixture {
  /** The little shop the automations browse (127.0.0.1). */
  site: Site;
  core: Core;
  store: MemorySecretStore;
  host: HeadlessHost;
  /** Worker and browser pids of each run, recorded while it ran. */
  pids: ReturnType<typeof watchPids>;
  close(): Promise<void>;
}

/**
 * The real core (in-memory secrets, temporary data dir) behind the real
 * headless host, set up the way the automation tests run Nova Act: the
 * stand-in nova_act package driving real headless Chromium against a local
 * test shop, with short supervision timings. Python is the system's, without
 * nova-act: the one-click setup installs the stand-in's wheel (built here,
 * offline) into the private environment, as a user's setup would install
 * nova-act from the package index.
 */
export async function startAutomationsFixture(rendererDir: string): Promise<AutomationsFixture> {
  const site = await startSite();
  const wheels = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-auto-e2e-wheels-'));
  buildStandInWheel(wheels);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-auto-e2e-'));
  const store = new MemorySecretStore();
  // Only what the setup installs may make nova_act importable.
  const { PYTHONPATH: _drop, ...env } = process.env;
  const core = await createCore({ dataDir: dir, secretStore: store, automation: { env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, timing: TIMING, packageSource: wheels } });
  const pids = watchPids(core);
  const host = await startHeadlessHost({ core, rendererDir });
  return {
    site,
    core,
    store,
    host,
    pids,
    async close() {
      await host.close();
      await core.close();
      await site.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(wheels, { recursive: true, force: true });
    },
  };
}
