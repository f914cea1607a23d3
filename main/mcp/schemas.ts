import { z } from 'zod';
import { FullRecord, Health, RecordHit } from '../../shared/sync.ts';

/**
 * Input and output schemas of the MCP tools. Inputs are strict: a field the
 * tool does not know is an error, not silently ignored.
 */

const Time = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).describe('ISO 8601 time or date, e.g. 2025-01-31T09:00:00Z or 2025-01-31');
const Source = z.string().trim().min(1).max(40).describe('Only records from this source (connector id), e.g. github, jira, mcp');
const Kind = z.string().trim().min(1).max(40).describe('Only records of this kind, e.g. issue, pull_request, commit, page');
const Cursor = z.string().max(200).describe('The nextCursor of a previous page');

export const SearchInput = z
  .object({
    query: z.string().trim().min(1, 'type something to search for').max(500).describe('Words to find; every word must match, the last one as a prefix'),
    source: Source.optional(),
    kind: Kind.optional(),
    updated_since: Time.optional().describe('Only records the source changed at or after this time'),
    limit: z.number().int().min(1).max(50).default(10).describe('Hits per page (1-50)'),
    cursor: Cursor.optional(),
  })
  .strict();

export const Hit = RecordHit.extend({ uri: z.string().describe('Resource URI of the record (kinexus://records/…)') });
export type Hit = z.infer<typeof Hit>;

export const HitPage = z.object({
  total: z.number().int().describe('How many records match; a lower bound when totalIsAtLeast'),
  totalIsAtLeast: z.boolean().describe('True when more records match than total says (search stops counting a common word at a cap)'),
  hits: z.array(Hit),
  nextCursor: z.string().nullable(),
});
export type HitPage = z.infer<typeof HitPage>;

export const GetRecordInput = z
  .object({
    id: z.number().int().positive().optional().describe('The record id from search or recent_changes'),
    uri: z.string().max(2000).optional().describe('Or the record URI, kinexus://records/{source}/{kind}/{id}'),
    max_chars: z.number().int().min(100).max(200_000).default(20_000).describe('Longest text returned; longer text is cut'),
  })
  .strict()
  .refine((v) => (v.id === undefined) !== (v.uri === undefined), { message: 'give exactly one of id and uri' });

export const GetRecordOutput = z.object({
  record: FullRecord.extend({ uri: z.string() }),
  textTruncated: z.boolean(),
  rawOmitted: z.boolean(),
});

export const RecentChangesInput = z
  .object({
    since: Time.optional().describe('Changes at or after this time; the last 24 hours when left out'),
    source: Source.optional(),
    kind: Kind.optional(),
    limit: z.number().int().min(1).max(100).default(25).describe('Records per page (1-100)'),
    cursor: Cursor.optional(),
  })
  .strict();

export const RecentChangesOutput = HitPage.extend({ since: z.string() });

export const ListIntegrationsInput = z.object({}).strict();

export const IntegrationHealth = Health.pick({ integrationId: true, name: true, connector: true, state: true, summary: true, lastSuccessAt: true, lastAttemptAt: true, nextRunAt: true, recordCount: true, runningRunId: true }).extend({
  lastError: z.string().nullable(),
});
export const ListIntegrationsOutput = z.object({ integrations: z.array(IntegrationHealth), syncAllowed: z.boolean() });

export const SyncNowInput = z
  .object({ integration: z.string().trim().min(1).max(120).describe('Integration id or name, as list_integrations shows it') })
  .strict();

export const SyncStartedSchema = z.object({
  integrationId: z.string(),
  name: z.string(),
  state: z.enum(['started', 'running', 'queued']),
  runId: z.string().nullable(),
});
