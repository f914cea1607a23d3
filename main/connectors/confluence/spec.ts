import type { z } from 'zod';
import { KinexusError } from '../../../shared/errors.ts';
import { atlassianAccess, atlassianFirstRequest } from '../atlassian-http.ts';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { confluenceStreams } from './content-stream.ts';
import { ConfluenceSettings } from './settings.ts';
import { resolveSpaces } from './spaces.ts';

export { ConfluenceSettings };

/** Confluence Cloud through REST API v2, with an email + API token (Basic auth). */
export const confluence = defineConnector<ConfluenceSettings>({
  id: 'confluence',
  title: 'Confluence',
  description: 'Pages and blog posts of your Confluence Cloud spaces, as searchable text.',
  settings: ConfluenceSettings as unknown as z.ZodType<ConfluenceSettings>,
  ...atlassianAccess<ConfluenceSettings>('Confluence'),
  testConnection: testConfluence,
  streams: confluenceStreams,
  enabledStreams: (settings) => settings.streams ?? confluenceStreams.map((s) => s.name),
});

async function testConfluence(ctx: ConnectorContext<ConfluenceSettings>): Promise<TestReport> {
  const started = performance.now();
  const me = await atlassianFirstRequest(ctx.http, 'Confluence', ctx.settings.siteUrl, { path: '/wiki/rest/api/user/current' });
  const latencyMs = Math.round(performance.now() - started);
  const user = me.json<{ type?: string; accountId?: string; displayName?: string; email?: string }>();
  if (!user || user.type === 'anonymous' || !user.accountId) {
    throw new KinexusError('auth', 'Confluence answered as an anonymous visitor: the email and API token were not accepted.', { action: 'Reconnect Confluence: create a new API token at id.atlassian.com/manage-profile/security/api-tokens' });
  }
  const { found, missing } = await resolveSpaces(ctx, ctx.settings.spaces);
  const reachable = [
    ...found.map((s) => ({ name: s.key, ok: true, detail: `${s.name} (space id ${s.id})` })),
    ...missing.map((k) => ({ name: k, ok: false, detail: 'no such space, or this account cannot view it' })),
  ];
  const identity = user.displayName ? `${user.displayName}${user.email ? ` <${user.email}>` : ''}` : user.accountId;
  return { identity, scopes: null, reachable, latencyMs };
}
