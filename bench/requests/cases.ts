/**
 * The connectors the requests benchmark measures: one entry each. An entry
 * starts the connector's emulator with data, a core with one integration, and
 * says which listings a minimal client must read and how large their pages
 * can be. Fixtures and emulators are imported lazily, so a connector whose
 * emulator does not exist yet only makes its row say so.
 */
import type { RequestLog } from '../../test/emulators/common/log.ts';
import { scaled, type RequestsCase, type Started } from './case.ts';
import { mcpCase } from './mcp-case.ts';

/** Request counting over one or more emulator logs. */
function counting(logs: RequestLog[]): Pick<Started, 'requests' | 'routes' | 'statuses' | 'clear'> {
  return {
    requests: () => logs.reduce((n, l) => n + l.total, 0),
    routes: () => {
      const out: Record<string, number> = {};
      for (const l of logs) for (const [k, v] of Object.entries(l.countsByRoute())) out[k] = (out[k] ?? 0) + v;
      return out;
    },
    statuses: () => {
      const out: Record<number, number> = {};
      for (const l of logs) for (const [k, v] of Object.entries(l.countsByStatus())) out[Number(k)] = (out[Number(k)] ?? 0) + v;
      return out;
    },
    clear: () => logs.forEach((l) => l.clear()),
  };
}

export const cases: RequestsCase[] = [
  {
    connector: 'github',
    title: 'GitHub',
    emulator: 'github',
    async start(scale) {
      const { githubFixture } = await import('../../test/helpers/github-fixture.ts');
      const n = { commits: scaled(1000, scale), issues: scaled(2500, scale), pulls: scaled(500, scale), runs: scaled(300, scale) };
      const f = await githubFixture(n);
      return {
        core: f.core,
        id: f.id,
        // GitHub's issues listing includes pull requests: the issues stream must page through both.
        feeds: [
          { stream: 'commits', listed: n.commits, maxPage: 100 },
          { stream: 'issues', listed: n.issues + n.pulls, maxPage: 100 },
          { stream: 'pull_requests', listed: n.pulls, maxPage: 100 },
          { stream: 'workflow_runs', listed: n.runs, maxPage: 100 },
        ],
        setup: { full: 0, incremental: 0 },
        ...counting([f.gh.requests]),
        close: () => f.close(),
      };
    },
  },
  {
    connector: 'jira',
    title: 'Jira',
    emulator: 'jira',
    async start(scale) {
      const { jiraFixture } = await import('../../test/helpers/atlassian-fixture.ts');
      const f = await jiraFixture();
      const n = scaled(2000, scale);
      f.jira.state.addIssues('ENG', n, { stepMs: 60_000 });
      return {
        core: f.core,
        id: f.id,
        // Search pages are capped at 100 issues when fields are asked for.
        feeds: [{ stream: 'issues', listed: n, maxPage: 100 }],
        setup: { full: 0, incremental: 0 },
        ...counting([f.jira.requests]),
        close: () => f.close(),
      };
    },
  },
  {
    connector: 'confluence',
    title: 'Confluence',
    emulator: 'confluence',
    async start(scale) {
      const { confluenceFixture } = await import('../../test/helpers/atlassian-fixture.ts');
      const f = await confluenceFixture();
      const pages = scaled(1000, scale);
      const posts = scaled(250, scale);
      f.conf.state.addMany('ENG', pages, { type: 'page' });
      f.conf.state.addMany('ENG', posts, { type: 'blogpost' });
      return {
        core: f.core,
        id: f.id,
        feeds: [
          { stream: 'pages', listed: pages, maxPage: 250 },
          { stream: 'blogposts', listed: posts, maxPage: 250 },
        ],
        // The ids are kept in the stream state, so an incremental sync needs no lookup.
        setup: { full: 1, incremental: 0, why: 'one lookup of the space keys on the first sync (v2 lists content by space id)' },
        ...counting([f.conf.requests]),
        close: () => f.close(),
      };
    },
  },
  {
    connector: 'monday',
    title: 'monday.com',
    emulator: 'monday',
    async start(scale) {
      const { mondayFixture } = await import('../../test/main/connectors/monday/fixture.ts');
      const items = [scaled(1500, scale), scaled(700, scale)];
      const f = await mondayFixture({ items });
      return {
        core: f.core,
        id: f.id,
        feeds: items.map((n) => ({ stream: 'items', listed: n, maxPage: 500 })),
        setup: { full: 0, incremental: 0 },
        ...counting([f.m.requests]),
        close: () => f.close(),
      };
    },
  },
  {
    connector: 'servicenow',
    title: 'ServiceNow',
    emulator: 'servicenow',
    async start(scale) {
      const { snFixture, seedDefault } = await import('../../test/main/connectors/servicenow/fixture.ts');
      const n = { incident: scaled(5000, scale), change_request: scaled(1200, scale), kb_knowledge: scaled(300, scale) };
      const f = await snFixture({ seed: (sn) => seedDefault(sn, n) });
      return {
        core: f.core,
        id: f.id,
        // sysparm_limit is capped at 10,000 by the instance.
        feeds: Object.entries(n).map(([stream, listed]) => ({ stream, listed, maxPage: 10_000 })),
        // Deletions leave no trace in a table's listing: an incremental sync asks sys_audit_delete, once for all tables.
        setup: { full: 0, incremental: 1, why: 'on an incremental sync, one sys_audit_delete query for the deletions of all tables (a user who may not read it is asked again a day later)' },
        ...counting([f.sn.requests]),
        close: () => f.close(),
      };
    },
  },
  {
    connector: 'sharepoint',
    title: 'SharePoint',
    emulator: 'microsoft',
    async start(scale) {
      const { sharepointFixture, addTasks } = await import('../../test/main/connectors/sharepoint/fixture.ts');
      const files = scaled(900, scale);
      const tasks = scaled(300, scale);
      const f = await sharepointFixture({ seed: (ms, site, docs) => (ms.graph.state.addFiles(docs, files), addTasks(ms, site, tasks)) });
      const logs = [f.ms.graph.requests, f.ms.login.requests];
      const run = f.firstRun!;
      // The sign-in starts the first sync itself: its requests are those logged from its start.
      const from = Date.parse(run.startedAt);
      const inRun = logs.flatMap((l) => l.entries.filter((e) => e.at >= from));
      const routes: Record<string, number> = {};
      for (const e of inRun) routes[`${e.method} ${e.path}`] = (routes[`${e.method} ${e.path}`] ?? 0) + 1;
      return {
        core: f.core,
        id: f.id,
        // Delta lists the library root too; Graph decides the page size (200 here).
        feeds: [
          { stream: 'documents', listed: files + 1, maxPage: 200 },
          { stream: 'list_items', listed: tasks, maxPage: 200 },
        ],
        setup: { full: 3, incremental: 3, why: 'the site, its drives and its lists' },
        firstRun: { run, requests: inRun.length, routes },
        ...counting(logs),
        close: () => f.close(),
      };
    },
  },
  // Runs against the official reference server, not an emulator under test/emulators/.
  mcpCase,
];
