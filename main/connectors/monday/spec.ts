import { z } from 'zod';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { COMPLEXITY, mondayQuery } from './graphql.ts';
import { mondayStreams } from './items-stream.ts';
import { mondayRateLimit } from './rate-limit.ts';

/** The API version this connector is written and tested against. */
export const MONDAY_API_VERSION = '2025-07';

export const MondaySettings = z
  .object({
    apiUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.monday.com/v2' })
      .default('https://api.monday.com/v2')
      .describe('GraphQL endpoint; https://api.monday.com/v2 unless told otherwise'),
    boardIds: z
      .array(z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().regex(/^\d+$/, 'use the numeric board id from the board URL, e.g. 1234567890')))
      .min(1, 'list at least one board id (the number in the board URL)')
      .refine((b) => new Set(b).size === b.length, 'list each board once')
      .describe('Boards to mirror, by id (the number in the board URL)'),
  })
  .strict();
export type MondaySettings = z.infer<typeof MondaySettings>;

/** monday.com through its GraphQL API: the items of the configured boards. */
export const monday = defineConnector<MondaySettings>({
  id: 'monday',
  title: 'monday.com',
  description: 'Items of your monday.com boards with their columns, group, state and updates.',
  settings: MondaySettings as unknown as z.ZodType<MondaySettings>,
  secretFields: [{ name: 'apiToken', label: 'API token', help: 'Your personal API token (avatar > Developers > My access tokens).', required: true }],
  http: (settings, secrets) => ({
    title: 'monday.com',
    baseUrl: settings.apiUrl,
    // monday takes the token as-is in Authorization, without a scheme.
    auth: { type: 'header', name: 'Authorization', value: secrets.apiToken ?? '' },
    headers: { 'api-version': MONDAY_API_VERSION },
    rateLimit: mondayRateLimit,
  }),
  hosts: (settings) => {
    const host = new URL(settings.apiUrl).hostname;
    return host === 'api.monday.com' ? ['monday.com', 'api.monday.com'] : [host];
  },
  testConnection: testMonday,
  streams: mondayStreams,
});

async function testMonday(ctx: ConnectorContext<MondaySettings>): Promise<TestReport> {
  const started = performance.now();
  const { data } = await mondayQuery<{ me: { id: string; name: string; email: string } | null; account: { name: string } | null; boards: { id: string; name: string }[] | null }>(
    ctx,
    `query ($boards: [ID!]) { ${COMPLEXITY} me { id name email } account { name } boards(ids: $boards) { id name } }`,
    { boards: ctx.settings.boardIds },
  );
  const latencyMs = Math.round(performance.now() - started);
  const found = new Map((data.boards ?? []).map((b) => [b.id, b.name]));
  const reachable = ctx.settings.boardIds.map((id) => (found.has(id) ? { name: found.get(id)!, ok: true, detail: `board ${id}` } : { name: `board ${id}`, ok: false, detail: 'not found, or this token cannot see it' }));
  const identity = data.me ? `${data.me.name} <${data.me.email}>${data.account ? ` at ${data.account.name}` : ''}` : null;
  return { identity, scopes: null, reachable, latencyMs };
}
