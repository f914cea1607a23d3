import type { z } from 'zod';
import { KinexusError } from '../../../shared/errors.ts';
import { atlassianRateLimit, atlassianRequest } from '../atlassian-http.ts';
import { siteHosts } from '../atlassian-site.ts';
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
  secretFields: [{ name: 'apiToken', label: 'API token', help: 'Create one at id.atlassian.com/manage-profile/security/api-tokens; it acts with your account\'s permissions.', required: true }],
  http: (settings, secrets) => ({
    title: 'Jira',
    baseUrl: settings.siteUrl,
    auth: { type: 'basic', username: settings.email, password: secrets.apiToken ?? '' },
    headers: { accept: 'application/json' },
    rateLimit: atlassianRateLimit,
  }),
  hosts: (settings) => siteHosts(settings.siteUrl),
  testConnection: testJira,
  streams: [{ name: 'issues', title: 'Issues', kind: 'issue', read: readIssues }],
});

async function testJira(ctx: ConnectorContext<JiraSettings>): Promise<TestReport> {
  const started = performance.now();
  let me;
  try {
    me = await atlassianRequest(ctx.http, 'Jira', { path: '/rest/api/3/myself' });
  } catch (err) {
    if (err instanceof KinexusError && err.code === 'network' && /resolved/.test(err.message)) {
      throw new KinexusError('config', `The Jira site ${ctx.settings.siteUrl} does not exist (its name cannot be found).`, { action: 'Open the Jira settings and check the site address, e.g. https://your-team.atlassian.net', field: 'siteUrl' });
    }
    throw err;
  }
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
