import { startConfluenceEmulator } from '../emulators/confluence/server.ts';
import { startGitHubEmulator } from '../emulators/github/server.ts';
import { startJiraEmulator } from '../emulators/jira/server.ts';
import { startMicrosoftEmulator } from '../emulators/microsoft/server.ts';
import { startMondayEmulator } from '../emulators/monday/server.ts';
import { startServiceNowEmulator } from '../emulators/servicenow/server.ts';

/** An emulator running with generated data, and the integration that points at it. */
export interface RunningDemoSource {
  /** Integration name shown in the dashboard. */
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Emulator address, printed for the curious. */
  url: string;
  /** Makes something new happen in the emulator (called every minute), so later syncs have news. */
  tick?(): void;
  /** A device code the core showed for this integration: the demo plays the user and approves it. */
  approve?(userCode: string): string;
  /** A line for the terminal, e.g. how to try the sign-in. */
  hint?: string;
  close(): Promise<void>;
}

/** One row of the demo table: a connector and how to start a stand-in for its vendor. */
export interface DemoEntry {
  /** Connector id; the row is skipped when this build has no such connector. */
  connector: string;
  start(): Promise<RunningDemoSource>;
}

const GITHUB_TOKEN = 'ghp_demo_0123456789abcdefDEMOTOKEN';
const ATLASSIAN_TOKEN = 'ATATT-demo-token-0123456789';
const EMAIL = 'demo@acme.example';
const DAY = 86_400_000;

/**
 * What `npm run demo` starts: one entry per emulator in test/emulators/.
 * Adding an emulator to the demo is one entry here.
 */
export const DEMO_ENTRIES: DemoEntry[] = [
  {
    connector: 'github',
    async start() {
      const gh = await startGitHubEmulator({ clock: 'real' });
      // Links in records point at the emulator, a configured host, so "open" works without an account.
      gh.state.settings.htmlOrigin = gh.url;
      gh.state.addUser({ login: 'demo', name: 'Demo User', token: GITHUB_TOKEN, scopes: ['repo', 'read:org'] });
      const start = Date.now() - 14 * 86_400_000;
      for (const name of ['api', 'web']) {
        gh.state.addRepo({ owner: 'acme', name, private: true, visibleTo: ['demo'], description: `The Acme ${name}` });
        gh.state.addCommits(`acme/${name}`, 60, { start, stepSeconds: 3 * 3600 });
        gh.state.addIssues(`acme/${name}`, 40, { start, stepSeconds: 5 * 3600 });
        gh.state.addPulls(`acme/${name}`, 15, { start, stepSeconds: 9 * 3600 });
        gh.state.addRuns(`acme/${name}`, 25, { start, status: 'completed', conclusion: 'success' });
      }
      let n = 0;
      return {
        name: 'Acme GitHub (demo)',
        settings: { baseUrl: gh.url, repositories: ['acme/api', 'acme/web'] },
        secrets: { token: GITHUB_TOKEN },
        url: gh.url,
        tick: () => {
          n++;
          gh.state.addIssue('acme/api', { title: `Demo issue ${n}: the ${['login', 'search', 'export'][n % 3]} page is slow`, body: 'Filed by the demo a minute ago.' });
        },
        close: () => gh.close(),
      };
    },
  },
  {
    connector: 'jira',
    async start() {
      const jira = await startJiraEmulator({ clock: 'real' });
      const me = jira.state.addUser({ email: EMAIL, displayName: 'Demo User', token: ATLASSIAN_TOKEN });
      jira.state.addProject({ key: 'ENG', name: 'Engineering', members: [me.accountId] });
      jira.state.addIssues('ENG', 60, { start: Date.now() - 20 * DAY, stepMs: 7 * 3600_000 });
      let n = 0;
      return {
        name: 'Acme Jira (demo)',
        settings: { siteUrl: jira.url, email: EMAIL, projects: ['ENG'] },
        secrets: { apiToken: ATLASSIAN_TOKEN },
        url: jira.url,
        tick: () => void jira.state.addIssue('ENG', { summary: `Demo bug ${++n}: export times out` }),
        close: () => jira.close(),
      };
    },
  },
  {
    connector: 'confluence',
    async start() {
      const conf = await startConfluenceEmulator({ clock: 'real' });
      const me = conf.state.addUser({ email: EMAIL, displayName: 'Demo User', token: ATLASSIAN_TOKEN });
      conf.state.addSpace({ key: 'ENG', name: 'Engineering', members: [me.accountId] });
      conf.state.addMany('ENG', 30, { stepMs: 9 * 3600_000 });
      conf.state.addMany('ENG', 6, { type: 'blogpost', stepMs: 2 * DAY });
      return {
        name: 'Acme Confluence (demo)',
        settings: { siteUrl: conf.url, email: EMAIL, spaces: ['ENG'] },
        secrets: { apiToken: ATLASSIAN_TOKEN },
        url: conf.url,
        close: () => conf.close(),
      };
    },
  },
  {
    connector: 'servicenow',
    async start() {
      const sn = await startServiceNowEmulator({ clock: 'real' });
      sn.state.addUser({ user_name: 'kx.demo', password: 'demo-password-123', name: 'Kinexus Demo', roles: ['itil'] });
      const agent = sn.state.addUser({ user_name: 'david.loo', password: 'x', name: 'David Loo' });
      sn.state.addMany('incident', 40, { stepSeconds: 3 * 3600, values: (i) => ({ short_description: `Email outage on floor ${i % 5}`, description: `Users cannot send mail (ticket ${i + 1})`, state: String([1, 2, 6, 7][i % 4]), priority: String((i % 5) + 1), assigned_to: agent.sys_id, active: 'true' }) });
      sn.state.addMany('change_request', 10, { stepSeconds: DAY / 1000, values: (i) => ({ short_description: `Patch database cluster ${i + 1}`, state: '-2', type: 'normal' }) });
      sn.state.addMany('kb_knowledge', 8, { stepSeconds: 600, values: (i) => ({ short_description: `How to reset your VPN token (${i + 1})`, text: '<p>Open the VPN portal and choose Reset.</p>', workflow_state: 'published' }) });
      return {
        name: 'Acme ServiceNow (demo)',
        settings: { instanceUrl: sn.url, username: 'kx.demo' },
        secrets: { password: 'demo-password-123' },
        url: sn.url,
        close: () => sn.close(),
      };
    },
  },
  {
    connector: 'monday',
    async start() {
      const m = await startMondayEmulator({ clock: 'real' });
      m.state.addUser({ name: 'Demo User', token: 'monday-demo-token-0123456789' });
      const board = m.state.addBoard({ name: 'Product roadmap' });
      m.state.addItems(board.id, 30, { stepSeconds: 3 * 3600, values: (i) => ({ name: `Roadmap task ${i + 1}`, groupId: board.groups[i % 3]!.id }) });
      return {
        name: 'Acme monday.com (demo)',
        settings: { apiUrl: m.apiUrl, boardIds: [board.id] },
        secrets: { apiToken: 'monday-demo-token-0123456789' },
        url: m.url,
        close: () => m.close(),
      };
    },
  },
  {
    connector: 'sharepoint',
    async start() {
      const ms = await startMicrosoftEmulator({ identity: { pollIntervalSeconds: 1 } });
      const { tenant, app } = ms.seedDirectory();
      const site = ms.graph.state.addSite({ hostname: 'contoso.sharepoint.com', path: '/sites/docs', displayName: 'Docs' });
      ms.graph.state.addFiles(ms.graph.state.drive(site), 20, { prefix: 'Quarterly report' });
      return {
        name: 'Contoso SharePoint (demo)',
        settings: { tenantId: tenant.id, clientId: app.clientId, sites: ['contoso.sharepoint.com:/sites/docs'], authorityHost: ms.login.url, graphBaseUrl: ms.graph.url },
        secrets: {},
        url: ms.login.url,
        approve: (userCode) => {
          ms.identity.approve(userCode, 'adele@contoso.onmicrosoft.com');
          return 'adele@contoso.onmicrosoft.com';
        },
        hint: 'SharePoint signs in with a device code: click "Sign in to SharePoint" on its card; the demo enters the code for you after 5 seconds.',
        close: () => ms.close(),
      };
    },
  },
];
