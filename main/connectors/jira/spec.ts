import type { z } from 'zod';
import { KinexusError } from '../../../shared/errors.ts';
import { atlassianAccess, atlassianFirstRequest, atlassianRequest } from '../atlassian-http.ts';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { readIssues } from './issues-stream.ts';
import { JiraSettings } from './settings.ts';

export { JiraSettings };

/** Jira Cloud through REST API v3, with an email + API token (Basic auth). */
export const jira = defineConnector<JiraSettings>({
  id: 'jira',
  title: 'Jira',
  description: 'Issues of your Jira Cloud projects, with descriptions and comments.',
  settings: JiraSettings as unknown as z.ZodType<JiraSettings>,
  ...atlassianAccess<JiraSettings>('Jira'),
  testConnection: testJira,
  streams: [{ name: 'issues', title: 'Issues', kind: 'issue', read: readIssues }],
});

async function testJira(ctx: ConnectorContext<JiraSettings>): Promise<TestReport> {
  const started = performance.now();
  const me = await atlassianFirstRequest(ctx.http, 'Jira', ctx.settings.siteUrl, { path: '/rest/api/3/myself' });
  const latencyMs = Math.round(performance.now() - started);
  const user = me.json<{ accountId?: string; displayName?: string; emailAddress?: string }>();
  if (!user || typeof user.accountId !== 'string') throw new KinexusError('config', `${ctx.settings.siteUrl} answered /rest/api/3/myself without an account: it does not look like a Jira Cloud site.`, { action: 'Open the Jira settings and check the site address', field: 'siteUrl' });
  const reachable = [];
  for (const key of ctx.settings.projects) {
    const res = await atlassianRequest(ctx.http, 'Jira', { path: `/rest/api/3/project/${encodeURIComponent(key)}` }, [404]);
    if (res.status === 404) reachable.push({ name: key, ok: false, detail: 'no such project, or this account cannot browse it' });
    else {
      const p = res.json<{ name?: string; id?: string }>();
      reachable.push({ name: key, ok: true, detail: `${p.name ?? key} (id ${p.id ?? '?'})` });
    }
  }
  const identity = user.displayName ? `${user.displayName}${user.emailAddress ? ` <${user.emailAddress}>` : ''}` : (user.emailAddress ?? user.accountId);
  return { identity, scopes: null, reachable, latencyMs };
}
