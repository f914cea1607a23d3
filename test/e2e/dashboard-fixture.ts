import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../main/core/core.ts';
import type { CoreApi } from '../../main/core/api.ts';
import { startHeadlessHost, type HeadlessHost } from '../../main/headless/host.ts';
import { MemorySecretStore } from '../../main/secrets/memory-store.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { startMicrosoftEmulator, testDispatcher, type MicrosoftEmulator } from '../emulators/microsoft/server.ts';

export const GOOD_TOKEN = 'ghp_dashboard_good_0123456789abcdef';
export const REVOKED_TOKEN = 'ghp_dashboard_revoked_0123456789abc';

export interface DashboardFixture {
  gh: GitHubEmulator;
  /** Microsoft login + Graph (https, test CA) for the SharePoint device-code sign-in. */
  ms: MicrosoftEmulator;
  /** Settings of a SharePoint integration pointed at `ms`. */
  sharepoint: { tenantId: string; clientId: string; site: string; authorityHost: string; graphBaseUrl: string };
  core: Core;
  store: MemorySecretStore;
  host: HeadlessHost;
  /** Integration ids by name. */
  ids: { acme: string; legacy: string };
  /** Pushes an event to the page as the core would (for events no core method emits yet). */
  push(event: string, data: unknown): void;
  /** Adds a finished run with `lines` log lines (every 1000th mentions "needle", every 499th is an error), returns its id. */
  addBigRun(lines: number): string;
  close(): Promise<void>;
}

/**
 * The real core (in-memory secrets, temporary data dir) behind the real
 * headless host, with two GitHub integrations synced against the emulator:
 * "Acme GitHub" healthy with a few runs, "Legacy GitHub" whose token was
 * revoked, so it needs reconnecting.
 */
export async function startDashboardFixture(rendererDir: string): Promise<DashboardFixture> {
  const gh = await startGitHubEmulator({ clock: 'real' });
  gh.state.settings.htmlOrigin = gh.url;
  gh.state.addUser({ login: 'octo', name: 'Octo Cat', token: GOOD_TOKEN, scopes: ['repo'] });
  gh.state.addToken(REVOKED_TOKEN, 'octo', { scopes: ['repo'] });
  gh.state.addRepo({ owner: 'acme', name: 'api', private: true, visibleTo: ['octo'] });
  const start = Date.now() - 20 * 86_400_000;
  gh.state.addCommits('acme/api', 40, { start, stepSeconds: 7200 });
  gh.state.addIssues('acme/api', 30, { start, stepSeconds: 9000 });
  gh.state.addPulls('acme/api', 8, { start, stepSeconds: 20000 });
  gh.state.addRuns('acme/api', 6, { start, status: 'completed', conclusion: 'success' });
  const ms = await startMicrosoftEmulator({ identity: { pollIntervalSeconds: 0.05 } });
  const { tenant, app } = ms.seedDirectory();
  const site = ms.graph.state.addSite({ hostname: 'contoso.sharepoint.com', path: '/sites/docs', displayName: 'Docs' });
  ms.graph.state.addFiles(ms.graph.state.drive(site), 5, { prefix: 'Quarterly report' });
  const dispatcher = testDispatcher();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-dashboard-e2e-'));
  const store = new MemorySecretStore();
  // The MCP endpoint runs (on a free port), so the AI assistants view shows a live one.
  const core = await createCore({ dataDir: dir, secretStore: store, dispatcher, httpOverrides: { sleep: async () => undefined }, mcp: { port: 0 } });
  const settings = { baseUrl: gh.url, repositories: ['acme/api'] };
  const acme = await core.invoke('integrations.add', { connector: 'github', name: 'Acme GitHub', settings, secrets: { token: GOOD_TOKEN } });
  const legacy = await core.invoke('integrations.add', { connector: 'github', name: 'Legacy GitHub', settings, secrets: { token: REVOKED_TOKEN } });
  for (let i = 0; i < 3; i++) await core.invoke('sync.run', { id: acme.id, trigger: 'cli', wait: true });
  gh.state.revokeToken(REVOKED_TOKEN);
  await core.invoke('sync.run', { id: legacy.id, trigger: 'schedule', wait: true });

  const extra = new Set<(event: string, data: unknown) => void>();
  const api: CoreApi = {
    call: (method, params) => core.call(method, params),
    onEvent(listener) {
      const off = core.onEvent(listener);
      extra.add(listener);
      return () => {
        off();
        extra.delete(listener);
      };
    },
  };
  const host = await startHeadlessHost({ core: api, rendererDir });
  let bigRuns = 0;
  return {
    gh,
    ms,
    sharepoint: { tenantId: tenant.id, clientId: app.clientId, site: 'contoso.sharepoint.com:/sites/docs', authorityHost: ms.login.url, graphBaseUrl: ms.graph.url },
    core,
    store,
    host,
    ids: { acme: acme.id, legacy: legacy.id },
    push: (event, data) => extra.forEach((l) => l(event, data)),
    addBigRun(lines) {
      const id = `big-${++bigRuns}`;
      const t0 = Date.now() - 3600_000;
      core.sync.runs.create(id, acme.id, 'cli', new Date(t0).toISOString());
      const levels = ['debug', 'info', 'info', 'info', 'warn'] as const;
      core.db.transaction(() => {
        for (let seq = 1; seq <= lines; seq++) {
          const level = seq % 499 === 0 ? 'error' : levels[seq % levels.length];
          const message = seq % 1000 === 0 ? `GET /repos/acme/api/issues?page=${seq} → 200 needle ${seq}` : `GET /repos/acme/api/commits?page=${seq} → 200 (${seq % 90} ms)`;
          core.sync.runs.appendLog({ runId: id, seq, at: new Date(t0 + seq * 10).toISOString(), level, stream: 'commits', message, fields: null });
        }
      })();
      core.sync.runs.finish(id, 'succeeded', new Date(t0 + lines * 10).toISOString(), lines, lines * 1000, null);
      return id;
    },
    async close() {
      await host.close();
      await core.close();
      await gh.close();
      await ms.close();
      await dispatcher.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
