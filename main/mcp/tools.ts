import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { KinexusError, toErrorBody } from '../../shared/errors.ts';
import type { RecordHit } from '../../shared/sync.ts';
import { parseRecordUri, recordUri, type Mirror } from './mirror.ts';
import {
  GetRecordInput,
  GetRecordOutput,
  HitPage,
  ListIntegrationsInput,
  ListIntegrationsOutput,
  RecentChangesInput,
  RecentChangesOutput,
  SearchInput,
  SyncNowInput,
  SyncStartedSchema,
  type Hit,
} from './schemas.ts';

/** Largest serialized page of hits a tool returns; an assistant's context is not a dump. */
const MAX_PAGE_BYTES = 64 * 1024;
/** Raw JSON of a record bigger than this is left out of get_record. */
const MAX_RAW_BYTES = 32 * 1024;

/** Opaque page cursor: the offset of the next page. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 && v.o <= 1_000_000) return v.o;
  } catch {
    // Falls through to the error below.
  }
  throw new KinexusError('invalid_input', 'The cursor is not one this server handed out.', { field: 'cursor', action: 'Leave cursor out to start from the first page, or pass nextCursor unchanged' });
}

/** ISO timestamps compare as text only in one shape; dates become midnight UTC. */
function normalizeTime(t: string): string {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t).toISOString();
}

/**
 * One page of hits, cut short (and the cursor moved back accordingly) when it
 * would exceed MAX_PAGE_BYTES. When the total is only a lower bound, more
 * matches follow this page.
 */
function pageOf(hits: RecordHit[], total: number, offset: number, totalIsAtLeast = false): HitPage {
  const out: Hit[] = [];
  let bytes = 200;
  for (const h of hits) {
    const hit = { ...h, uri: recordUri(h) };
    const size = Buffer.byteLength(JSON.stringify(hit)) * 2;
    if (out.length > 0 && bytes + size > MAX_PAGE_BYTES) break;
    bytes += size;
    out.push(hit);
  }
  const next = offset + out.length;
  return { total, totalIsAtLeast, hits: out, nextCursor: (next < total || totalIsAtLeast) && out.length > 0 ? encodeCursor(next) : null };
}

function ok(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

function failure(err: unknown): CallToolResult {
  const body = toErrorBody(err);
  return { isError: true, content: [{ type: 'text', text: `${body.message}${body.action ? ` Next step: ${body.action}.` : ''}` }] };
}

/** Runs a tool body; a KinexusError becomes a tool error the assistant can read, as the spec asks. */
async function guarded(fn: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return ok(await fn());
  } catch (err) {
    return failure(err);
  }
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** Registers search, get_record, recent_changes, list_integrations and sync_now. */
export function registerMirrorTools(server: McpServer, mirror: Mirror, now: () => Date): void {
  server.registerTool(
    'search',
    {
      title: 'Search the mirror',
      description: 'Full-text search over everything Kinexus mirrors (issues, pull requests, commits, pages, tickets, documents, MCP resources …), best matches first, with snippets. Filter by source, kind and update time; page with nextCursor. A common word ranks its newest matches first (a few hundred at a time); total then counts only those, and totalIsAtLeast is true.',
      inputSchema: SearchInput,
      outputSchema: HitPage,
      annotations: READ_ONLY,
    },
    async (a) =>
      guarded(async () => {
        const offset = decodeCursor(a.cursor);
        const r = await mirror.search(a.query, { source: a.source, kind: a.kind, updatedSince: a.updated_since ? normalizeTime(a.updated_since) : undefined, limit: a.limit, offset });
        return pageOf(r.hits, r.total, offset, r.totalIsAtLeast);
      }),
  );

  server.registerTool(
    'get_record',
    {
      title: 'Get one record',
      description: 'The full normalized record (title, status, author, times, text and raw JSON) and its URL in the source system, by id or kinexus:// URI.',
      inputSchema: GetRecordInput,
      outputSchema: GetRecordOutput,
      annotations: READ_ONLY,
    },
    async (a) =>
      guarded(async () => {
        let record;
        if (a.id !== undefined) record = await mirror.get(a.id);
        else {
          const p = parseRecordUri(a.uri!);
          if (!p) throw new KinexusError('invalid_input', `"${a.uri}" is not a record URI.`, { field: 'uri', action: 'Use a uri from search, shaped kinexus://records/{source}/{kind}/{id}' });
          record = await mirror.findByExternal(p.source, p.kind, p.externalId);
        }
        if (!record) throw new KinexusError('not_found', `No record ${a.id ?? a.uri} in the mirror.`, { action: 'Search again: the record may have been deleted at its source' });
        const textTruncated = record.text.length > a.max_chars;
        const rawSize = Buffer.byteLength(JSON.stringify(record.raw ?? null));
        const rawOmitted = rawSize > MAX_RAW_BYTES;
        return {
          record: { ...record, uri: recordUri(record), text: textTruncated ? record.text.slice(0, a.max_chars) : record.text, raw: rawOmitted ? null : record.raw },
          textTruncated,
          rawOmitted,
        };
      }),
  );

  server.registerTool(
    'recent_changes',
    {
      title: 'Recent changes',
      description: 'What changed in the mirrored systems since a time, across all sources, newest first. The last 24 hours when no time is given.',
      inputSchema: RecentChangesInput,
      outputSchema: RecentChangesOutput,
      annotations: READ_ONLY,
    },
    async (a) =>
      guarded(async () => {
        const offset = decodeCursor(a.cursor);
        const since = a.since ? normalizeTime(a.since) : new Date(now().getTime() - 86_400_000).toISOString();
        const r = await mirror.list({ source: a.source, kind: a.kind, updatedSince: since, limit: a.limit, offset });
        return { since, ...pageOf(r.hits, r.total, offset) };
      }),
  );

  server.registerTool(
    'list_integrations',
    {
      title: 'List integrations',
      description: 'Every configured integration with its health: state, a one-line summary, last successful sync, record count and the last error.',
      inputSchema: ListIntegrationsInput,
      outputSchema: ListIntegrationsOutput,
      annotations: READ_ONLY,
    },
    async () =>
      guarded(async () => {
        const [health, settings] = await Promise.all([mirror.health(), mirror.settings()]);
        return {
          integrations: health.map((h) => ({
            integrationId: h.integrationId,
            name: h.name,
            connector: h.connector,
            state: h.state,
            summary: h.summary,
            lastSuccessAt: h.lastSuccessAt,
            lastAttemptAt: h.lastAttemptAt,
            nextRunAt: h.nextRunAt,
            recordCount: h.recordCount,
            runningRunId: h.runningRunId,
            lastError: h.lastError ? `${h.lastError.message}${h.lastError.action ? ` (${h.lastError.action})` : ''}` : null,
          })),
          syncAllowed: settings.mcpSyncAllowed,
        };
      }),
  );

  server.registerTool(
    'sync_now',
    {
      title: 'Sync an integration now',
      description: 'Starts a sync of one integration (or joins the one already running) and returns at once; follow it with list_integrations. The user can turn this off in the Kinexus settings.',
      inputSchema: SyncNowInput,
      outputSchema: SyncStartedSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (a) =>
      guarded(async () => {
        const settings = await mirror.settings();
        if (!settings.mcpSyncAllowed) {
          throw new KinexusError('permission', 'Syncing from an AI assistant is turned off in the Kinexus settings.', { action: 'Turn on "Allow MCP clients to start syncs" in Kinexus Desktop, or sync from the app' });
        }
        return { ...(await mirror.syncNow(a.integration)) };
      }),
  );
}
