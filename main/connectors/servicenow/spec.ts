import { z } from 'zod';
import { vendorMessage } from '../../http/classify.ts';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { snGet } from './auth.ts';
import { displayOf } from './map.ts';
import { serviceNowRateLimit } from './rate-limit.ts';
import { tableStream } from './table-stream.ts';

const DEFAULT_TABLES = ['incident', 'change_request', 'kb_knowledge'];

export const ServiceNowSettings = z
  .object({
    instanceUrl: z
      .url({ protocol: /^https?$/, error: 'must be your instance URL, such as https://acme.service-now.com' })
      .describe('Instance URL, e.g. https://acme.service-now.com'),
    username: z.string().trim().min(1, 'enter the user name (user_name) of the ServiceNow user to sync as').describe('ServiceNow user name (user_name)'),
    tables: z
      .array(z.string().trim().regex(/^[a-z0-9_]+$/, 'use the table name in lower case, e.g. incident or change_request'))
      .min(1, 'list at least one table, e.g. incident')
      .refine((t) => new Set(t).size === t.length, 'list each table once')
      .default(DEFAULT_TABLES)
      .describe('Tables to mirror'),
    authMode: z.enum(['basic', 'oauth']).default('basic').describe('basic: user name and password; oauth: password grant of an OAuth application'),
    clientId: z.string().trim().min(1).optional().describe('OAuth client ID (System OAuth > Application Registry); needed for oauth'),
    pageSize: z
      .number()
      .int()
      .min(10, 'at least 10')
      .max(10_000, 'at most 10000')
      .optional()
      .describe('Records per request; left out, pages are sized to about 4 MB each (at most 10000 records)'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.authMode === 'oauth' && !s.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'OAuth needs the client ID of the application registry entry' });
  });
export type ServiceNowSettings = z.infer<typeof ServiceNowSettings>;

/** ServiceNow through the Table API: one stream per configured table. */
export const servicenow = defineConnector<ServiceNowSettings>({
  id: 'servicenow',
  title: 'ServiceNow',
  description: 'Incidents, change requests, knowledge articles and any other table you list, with deletions.',
  settings: ServiceNowSettings as unknown as z.ZodType<ServiceNowSettings>,
  secretFields: [
    { name: 'password', label: 'Password', help: 'The password of the ServiceNow user.', required: true },
    { name: 'clientSecret', label: 'OAuth client secret', help: 'Only for OAuth: the client secret of the application registry entry.', required: false },
  ],
  http: (settings, secrets) => ({
    title: 'ServiceNow',
    baseUrl: new URL(settings.instanceUrl).origin,
    auth: settings.authMode === 'basic' ? { type: 'basic', username: settings.username, password: secrets.password ?? '' } : { type: 'none' },
    headers: { accept: 'application/json' },
    rateLimit: serviceNowRateLimit,
  }),
  hosts: (settings) => [new URL(settings.instanceUrl).hostname],
  testConnection: testServiceNow,
  streams: DEFAULT_TABLES.map(tableStream),
  streamsFor: (settings) => settings.tables.map(tableStream),
});

async function testServiceNow(ctx: ConnectorContext<ServiceNowSettings>): Promise<TestReport> {
  const started = performance.now();
  const me = await snGet(ctx, '/api/now/table/sys_user', { sysparm_query: `user_name=${ctx.settings.username}`, sysparm_limit: 1, sysparm_fields: 'user_name,name,email,time_zone', sysparm_display_value: 'all' });
  const latencyMs = Math.round(performance.now() - started);
  const user = (me.json<{ result?: Record<string, never>[] }>().result ?? [])[0];
  const identity = user ? `${displayOf(user, 'name') ?? ctx.settings.username} (${displayOf(user, 'user_name') ?? ctx.settings.username})` : ctx.settings.username;
  const reachable: TestReport['reachable'] = [];
  for (const table of ctx.settings.tables) {
    const res = await snGet(ctx, `/api/now/table/${table}`, { sysparm_limit: 1, sysparm_fields: 'sys_id' }, [400, 403]);
    const vendor = vendorMessage(res.text);
    if (res.status === 200) reachable.push({ name: table, ok: true, detail: res.headers['x-total-count'] ? `${res.headers['x-total-count']} records readable` : 'readable' });
    else if (res.status === 403) reachable.push({ name: table, ok: false, detail: `this user may not read it (403${vendor ? ` ${vendor}` : ''})` });
    else reachable.push({ name: table, ok: false, detail: `no such table (${res.status}${vendor ? ` ${vendor}` : ''})` });
  }
  const audit = await snGet(ctx, '/api/now/table/sys_audit_delete', { sysparm_limit: 1, sysparm_fields: 'sys_id' }, [403]);
  reachable.push({
    name: 'sys_audit_delete',
    ok: true,
    detail: audit.status === 200 ? 'readable: deletions are picked up on every sync' : 'not readable: deletions are found by an hourly sys_id check',
  });
  return { identity, scopes: null, reachable, latencyMs };
}
