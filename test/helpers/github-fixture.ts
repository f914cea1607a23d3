import fs from 'node:fs';
import type { Core, CoreOptions } from '../../main/core/core.ts';
import type { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { startTestCore } from './test-core.ts';

export { syncNow } from './test-core.ts';

export const TOKEN = 'ghp_canary_0123456789abcdefCANARY';

export interface GitHubFixture {
  gh: GitHubEmulator;
  core: Core;
  dir: string;
  store: MemorySecretStore;
  id: string;
  /** Waits the HTTP client asked for (ms); tests never really wait. */
  waits: number[];
  close(): Promise<void>;
}

/** A GitHub emulator with one repository of data and a core with one integration for it. */
export async function githubFixture(opts: { issues?: number; pulls?: number; commits?: number; runs?: number; streams?: string[]; core?: Partial<CoreOptions> } = {}): Promise<GitHubFixture> {
  const gh = await startGitHubEmulator({ clock: 'real' });
  gh.state.addUser({ login: 'octo', name: 'Octo Cat', token: TOKEN, scopes: ['repo', 'read:org'] });
  gh.state.addRepo({ owner: 'acme', name: 'api', private: true, visibleTo: ['octo'] });
  const start = Date.now() - 10 * 86_400_000;
  if (opts.commits) gh.state.addCommits('acme/api', opts.commits, { start });
  if (opts.issues) gh.state.addIssues('acme/api', opts.issues, { start, stepSeconds: 30 });
  if (opts.pulls) gh.state.addPulls('acme/api', opts.pulls, { start, stepSeconds: 45 });
  if (opts.runs) gh.state.addRuns('acme/api', opts.runs, { start, status: 'completed', conclusion: 'success' });
  const { core, dir, store, waits } = await startTestCore({ tmpPrefix: 'kx-gh-', realSleepMs: 2, core: opts.core });
  const i = await core.invoke('integrations.add', {
    connector: 'github',
    name: 'Acme GitHub',
    settings: { baseUrl: gh.url, repositories: ['acme/api'], ...(opts.streams ? { streams: opts.streams } : {}) },
    secrets: { token: TOKEN },
  });
  return {
    gh,
    core,
    dir,
    store,
    id: i.id,
    waits,
    async close() {
      await core.close();
      await gh.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
