/**
 * Jira and Confluence emulators with a real core and one integration each,
 * for end-to-end connector tests (see test/helpers/github-fixture.ts).
 */
import fs from 'node:fs';
import type { CoreOptions } from '../../main/core/core.ts';
import type { Clock } from '../../main/sync/clock.ts';
import { startConfluenceEmulator, type ConfluenceEmulator } from '../emulators/confluence/server.ts';
import { startJiraEmulator, type JiraEmulator, type JiraSettings } from '../emulators/jira/server.ts';
import { startTestCore, type TestCore } from './test-core.ts';

export { countByKind, syncNow } from './test-core.ts';

export const JIRA_TOKEN = 'ATATT3xFfGF0-jira-canary-7d1e5b2c9aSECRET';
export const CONFLUENCE_TOKEN = 'ATATT3xFfGF0-confluence-canary-4f0a8e6dSECRET';
export const EMAIL = 'ana@acme.example';

/** A core clock the test moves by hand (the scheduler is off, so timers never fire). */
export class ManualClock implements Clock {
  constructor(public t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  setTimer(): unknown {
    return null;
  }
  clearTimer(): void {}
}

interface Base extends TestCore {
  clock: ManualClock;
  id: string;
  close(): Promise<void>;
}

async function makeCore(core: Partial<CoreOptions> | undefined): Promise<Omit<Base, 'id' | 'close'>> {
  const clock = new ManualClock();
  return { ...(await startTestCore({ tmpPrefix: 'kx-atl-', realSleepMs: 2, clock, core })), clock };
}

export interface JiraFixture extends Base {
  jira: JiraEmulator;
}

/** A Jira site with projects ENG (and OPS, unconfigured) and a core syncing ENG. */
export async function jiraFixture(opts: { projects?: string[]; jql?: string; settings?: Partial<JiraSettings>; core?: Partial<CoreOptions>; timeZone?: string } = {}): Promise<JiraFixture> {
  const jira = await startJiraEmulator({ settings: opts.settings });
  const ana = jira.state.addUser({ email: EMAIL, displayName: 'Ana Lima', token: JIRA_TOKEN, timeZone: opts.timeZone ?? 'Europe/Berlin' });
  jira.state.addProject({ key: 'ENG', name: 'Engineering', members: [ana.accountId] });
  jira.state.addProject({ key: 'OPS', name: 'Operations', members: [ana.accountId] });
  const base = await makeCore(opts.core);
  const i = await base.core.invoke('integrations.add', {
    connector: 'jira',
    name: 'Acme Jira',
    settings: { siteUrl: jira.url, email: EMAIL, projects: opts.projects ?? ['ENG'], ...(opts.jql ? { jql: opts.jql } : {}) },
    secrets: { apiToken: JIRA_TOKEN },
  });
  return {
    ...base,
    jira,
    id: i.id,
    async close() {
      await base.core.close();
      await jira.close();
      fs.rmSync(base.dir, { recursive: true, force: true });
    },
  };
}

export interface ConfluenceFixture extends Base {
  conf: ConfluenceEmulator;
}

/** A Confluence site with spaces ENG and HR and a core syncing the given spaces (default ENG). */
export async function confluenceFixture(opts: { spaces?: string[]; streams?: string[]; core?: Partial<CoreOptions> } = {}): Promise<ConfluenceFixture> {
  const conf = await startConfluenceEmulator();
  const ana = conf.state.addUser({ email: EMAIL, displayName: 'Ana Lima', token: CONFLUENCE_TOKEN });
  conf.state.addSpace({ key: 'ENG', name: 'Engineering', members: [ana.accountId] });
  conf.state.addSpace({ key: 'HR', name: 'People', members: [ana.accountId] });
  const base = await makeCore(opts.core);
  const i = await base.core.invoke('integrations.add', {
    connector: 'confluence',
    name: 'Acme Confluence',
    settings: { siteUrl: conf.url, email: EMAIL, spaces: opts.spaces ?? ['ENG'], ...(opts.streams ? { streams: opts.streams } : {}) },
    secrets: { apiToken: CONFLUENCE_TOKEN },
  });
  return {
    ...base,
    conf,
    id: i.id,
    async close() {
      await base.core.close();
      await conf.close();
      fs.rmSync(base.dir, { recursive: true, force: true });
    },
  };
}
