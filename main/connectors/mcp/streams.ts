import type { Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import { KinexusError } from '../../../shared/errors.ts';
import type { Batch, ConnectorContext, SourceRecord, StreamSpec } from '../types.ts';
import { mapResource, mapTool, scrubSecrets } from './map.ts';
import { streamSession, type McpSession } from './session.ts';
import type { McpSettings } from './settings.ts';

type Ctx = ConnectorContext<McpSettings>;

/** A listing never legitimately needs more pages than this; a server that keeps going is looping. */
const MAX_PAGES = 1000;

/**
 * State of a census stream: the ids stored by the last complete listing.
 * MCP cursors belong to one server session (a stdio server is a new process
 * each run), so a run always lists from the start and never resumes a cursor.
 */
interface Census {
  ids: string[];
}

function previousIds(state: unknown): string[] {
  const s = state as Census | null;
  return s && Array.isArray(s.ids) ? s.ids.filter((x): x is string => typeof x === 'string') : [];
}

interface Page<T> {
  items: T[];
  nextCursor?: string;
}

interface CensusSpec<T> {
  /** The capability the server must declare, e.g. "resources". */
  capability: 'resources' | 'tools';
  /** The JSON-RPC method, for messages. */
  method: string;
  list(session: McpSession, cursor: string | undefined): Promise<Page<T>>;
  id(item: T): string;
  /** Maps the page's new items; returns records and how many could not be read. */
  map(session: McpSession, items: T[]): Promise<{ records: SourceRecord[]; failed: number }>;
  /** Upper bound on items (settings.maxResources for resources). */
  max?: number;
}

/**
 * Lists everything the server offers page by page, one batch per page, and
 * on the last page deletes what the previous complete listing had and this
 * one does not. The session is the run's (see streamSession): a stdio server
 * process lives as long as the run, not just this stream.
 */
async function* census<T>(ctx: Ctx, state: unknown, spec: CensusSpec<T>): AsyncGenerator<Batch> {
  const before = previousIds(state);
  const { session, release } = await streamSession(ctx);
  try {
    if (!session.server.capabilities[spec.capability]) {
      ctx.log('info', `${ctx.integrationName} offers no ${spec.capability}${before.length ? `; removing the ${before.length} mirrored before` : ''}`);
      yield { records: [], deletedIds: before, state: { ids: [] } satisfies Census };
      return;
    }
    const seen = new Set<string>();
    const cursors = new Set<string>();
    let cursor: string | undefined;
    let truncated = false;
    for (let page = 1; ; page++) {
      const res = await spec.list(session, cursor);
      const fresh: T[] = [];
      for (const item of res.items) {
        const id = spec.id(item);
        if (seen.has(id)) continue;
        if (spec.max !== undefined && seen.size >= spec.max) {
          truncated = true;
          break;
        }
        seen.add(id);
        fresh.push(item);
      }
      const mapped = await spec.map(session, fresh);
      const records = mapped.records.map((r) => scrubSecrets(r, ctx.secrets));
      const failed = mapped.failed;
      ctx.log('debug', `${spec.method} page ${page}: ${res.items.length} listed, ${records.length} mirrored${failed ? `, ${failed} unreadable` : ''}`);
      cursor = truncated ? undefined : res.nextCursor || undefined;
      if (cursor !== undefined && (cursors.has(cursor) || page >= MAX_PAGES)) {
        throw new KinexusError('server', `${ctx.integrationName}: the MCP server keeps paging ${spec.method} (cursor repeated or over ${MAX_PAGES} pages).`, { action: `${ctx.integrationName} is misbehaving; report it to the server's authors` });
      }
      if (cursor !== undefined) {
        cursors.add(cursor);
        // Mid-listing the stored state stays the last complete census.
        yield { records, failed, state: state ?? null };
        continue;
      }
      if (truncated) ctx.log('warn', `${ctx.integrationName} offers more than ${spec.max} ${spec.capability}; only the first ${spec.max} are mirrored (raise maxResources in the settings)`);
      yield { records, failed, deletedIds: before.filter((id) => !seen.has(id)), state: { ids: [...seen] } satisfies Census };
      return;
    }
  } finally {
    await release();
  }
}

function serverName(session: McpSession): string {
  return session.server.title ?? session.server.name;
}

async function* readResources(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  yield* census<Resource>(ctx, state, {
    capability: 'resources',
    method: 'resources/list',
    max: ctx.settings.maxResources,
    list: async (session, cursor) => {
      const r = await session.call('resources/list', () => session.client.listResources(cursor ? { cursor } : undefined, session.requestOptions));
      return { items: r.resources, nextCursor: r.nextCursor };
    },
    id: (r) => r.uri,
    map: async (session, items) => {
      const records: SourceRecord[] = [];
      let failed = 0;
      for (const r of items) {
        const read = await session.attempt(`resources/read of ${r.uri}`, () => session.client.readResource({ uri: r.uri }, session.requestOptions));
        if (read.ok) records.push(mapResource(serverName(session), r, read.value));
        else {
          failed++;
          ctx.log('warn', `Could not read ${r.uri}: ${read.message}`);
        }
      }
      return { records, failed };
    },
  });
}

async function* readTools(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  yield* census<Tool>(ctx, state, {
    capability: 'tools',
    method: 'tools/list',
    list: async (session, cursor) => {
      const r = await session.call('tools/list', () => session.client.listTools(cursor ? { cursor } : undefined, session.requestOptions));
      return { items: r.tools, nextCursor: r.nextCursor };
    },
    id: (t) => t.name,
    map: async (session, items) => ({ records: items.map((t) => mapTool(serverName(session), t)), failed: 0 }),
  });
}

/** The streams of the `mcp` connector. */
export const mcpStreams: StreamSpec<McpSettings>[] = [
  { name: 'resources', title: 'Resources', kind: 'resource', read: readResources },
  { name: 'tools', title: 'Tools', kind: 'tool', read: readTools },
];
