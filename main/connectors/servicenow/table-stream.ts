import { KinexusError } from '../../../shared/errors.ts';
import { vendorMessage } from '../../http/classify.ts';
import type { HttpResponse } from '../../http/client.ts';
import type { Batch, ConnectorContext, StreamSpec } from '../types.ts';
import { snGet } from './auth.ts';
import { auditCursor, auditDeletions, type AuditCursor } from './audit.ts';
import { glideUtc } from './glide-time.ts';
import { absorb, hasMore, keyset, keysetQuery, type Keyset } from './keyset.ts';
import { mapRow, rows, valueOf } from './map.ts';
import type { ServiceNowSettings } from './spec.ts';

type Ctx = ConnectorContext<ServiceNowSettings>;

/** Fields read from the well-known tables; other tables are read whole. */
const FIELDS: Record<string, string[]> = {
  incident: ['number', 'short_description', 'description', 'state', 'priority', 'category', 'caller_id', 'assigned_to', 'assignment_group', 'opened_at', 'close_notes', 'active'],
  change_request: ['number', 'short_description', 'description', 'state', 'type', 'risk', 'assigned_to', 'requested_by', 'start_date', 'end_date'],
  kb_knowledge: ['number', 'short_description', 'text', 'workflow_state', 'author', 'kb_category'],
};
const SYSTEM = ['sys_id', 'sys_updated_on', 'sys_created_on', 'sys_created_by', 'sys_updated_by'];
const TITLES: Record<string, string> = { incident: 'Incidents', change_request: 'Change requests', kb_knowledge: 'Knowledge articles', problem: 'Problems', sc_req_item: 'Requested items' };
const KINDS: Record<string, string> = { kb_knowledge: 'kb_article' };

/** sys_id only: the largest page the Table API serves by default is still small. */
const CENSUS_PAGE = 10_000;
/** Without read access to sys_audit_delete the census is the only way to see deletions. */
const CENSUS_EVERY_MS = { withAudit: 24 * 3600_000, withoutAudit: 3600_000 };

/**
 * Page sizes. A page keeps about 2.7 times its response size alive while it
 * is stored (text, rows and records; measured with
 * bench/requests/servicenow-page-size.ts), and the engine reads one page ahead.
 * 10,000 rows, the most the Table API serves by default, are 12 MB of
 * incidents with one-line descriptions and 36 MB with real-length ones (34 and
 * 94 MB alive): too much for a tray app. So, unless the settings fix a size,
 * pages aim at PAGE_BYTES: the first page of a table is a guess, later ones
 * are sized from the bytes per row seen so far.
 */
const PAGE_BYTES = 4 * 1024 * 1024;
const MIN_LIMIT = 100;
const MAX_LIMIT = 10_000;

interface TableState {
  list: Keyset;
  audit: AuditCursor;
  census: { lastAt: string | null };
  /** Response bytes per row of the last page read (for sizing the next page). */
  rowBytes: number | null;
}

function initial(state: unknown): TableState {
  const s = (state ?? {}) as Partial<TableState>;
  return {
    list: keyset(s.list),
    audit: auditCursor(s.audit),
    census: { lastAt: s.census?.lastAt ?? null },
    rowBytes: typeof s.rowBytes === 'number' && s.rowBytes > 0 ? s.rowBytes : null,
  };
}

/** sysparm_limit of the next listing page (see PAGE_BYTES). */
function limitFor(ctx: Ctx, table: string, st: TableState): number {
  if (ctx.settings.pageSize) return ctx.settings.pageSize;
  // Knowledge articles and tables read whole can have long HTML bodies: a smaller first guess.
  if (st.rowBytes === null) return FIELDS[table] && table !== 'kb_knowledge' ? 1000 : 250;
  return Math.max(MIN_LIMIT, Math.min(MAX_LIMIT, Math.floor(PAGE_BYTES / st.rowBytes)));
}

/** The fields asked for of a table: the well-known tables' list, else every field (undefined). */
export function fieldsOf(table: string): string | undefined {
  return FIELDS[table] ? [...SYSTEM, ...FIELDS[table]].join(',') : undefined;
}

function origin(ctx: Ctx): string {
  return new URL(ctx.settings.instanceUrl).origin;
}

/** The error for a table the instance refuses: it names the table and what to change. */
function tableError(ctx: Ctx, table: string, res: HttpResponse): KinexusError {
  const vendor = vendorMessage(res.text);
  if (res.status === 403) {
    return new KinexusError('permission', `The ServiceNow user ${ctx.settings.username} may not read the ${table} table (403${vendor ? ` ${vendor}` : ''}).`, {
      action: `Give ${ctx.settings.username} a role that can read ${table} (for example itil), or remove ${table} from the tables in the ServiceNow settings`,
    });
  }
  return new KinexusError('config', `ServiceNow has no table "${table}" on ${new URL(ctx.settings.instanceUrl).host} (${res.status}${vendor ? ` ${vendor}` : ''}).`, {
    action: `Open the ServiceNow settings and fix or remove "${table}" in the tables`,
  });
}

/** Changed records, oldest change first, keyset-paged on sys_updated_on + sys_id. */
async function* listChanges(ctx: Ctx, table: string, st: TableState): AsyncGenerator<Batch> {
  const fields = fieldsOf(table);
  const kind = KINDS[table] ?? table;
  for (;;) {
    const limit = limitFor(ctx, table, st);
    const res = await snGet(
      ctx,
      `/api/now/table/${table}`,
      { sysparm_query: keysetQuery(st.list, 'sys_updated_on', ''), sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true', sysparm_fields: fields, sysparm_limit: limit },
      [400, 403],
    );
    if (res.status === 400 || res.status === 403) throw tableError(ctx, table, res);
    // Deletions are read from the instance's own clock on, with a minute of slack.
    if (st.audit.ts === null) st.audit.ts = glideUtc((Date.parse(res.headers.date ?? '') || ctx.now().getTime()) - 60_000);
    const page = rows(res, table);
    // UTF-16 length stands in for bytes: close enough for sizing, and free.
    if (page.length > 0) st.rowBytes = Math.ceil(res.text.length / page.length);
    let failed = 0;
    const total = res.headers['x-total-count'];
    // X-Total-Count ends the listing on its last page, even a full one: no empty page to ask for.
    const { fresh, done } = absorb(st.list, page, (r) => {
      const id = valueOf(r, 'sys_id');
      const ts = valueOf(r, 'sys_updated_on');
      if (id && ts) return { id, ts };
      failed++;
      return null;
    }, hasMore(page.length, limit, total));
    if (failed) ctx.log('warn', `${table}: ${failed} rows without sys_id or sys_updated_on were skipped`);
    ctx.log('debug', `${table}: ${fresh.length} changed records in this page${total ? ` (${total} match the query)` : ''}`);
    yield { records: fresh.map((r) => mapRow(origin(ctx), table, kind, r)), failed, state: structuredClone(st) };
    if (done) return;
  }
}

/**
 * Every sys_id the table has now, compared with the mirror: what the mirror
 * holds and ServiceNow no longer has was deleted. Hourly without the audit,
 * daily as a safety net with it.
 */
async function* census(ctx: Ctx, table: string, st: TableState): AsyncGenerator<Batch> {
  const now = ctx.now().getTime();
  if (st.census.lastAt === null) {
    // The first complete listing is the first census.
    st.census.lastAt = new Date(now).toISOString();
    yield { records: [], state: structuredClone(st) };
    return;
  }
  const every = st.audit.readable ? CENSUS_EVERY_MS.withAudit : CENSUS_EVERY_MS.withoutAudit;
  if (now - Date.parse(st.census.lastAt) < every) return;
  const seen = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const res = await snGet(ctx, `/api/now/table/${table}`, { sysparm_query: after ? `sys_id>${after}^ORDERBYsys_id` : 'ORDERBYsys_id', sysparm_fields: 'sys_id', sysparm_limit: CENSUS_PAGE }, [400, 403]);
    if (res.status === 400 || res.status === 403) throw tableError(ctx, table, res);
    const page = rows(res, table);
    for (const r of page) {
      const id = valueOf(r, 'sys_id');
      if (id) seen.add(id);
    }
    // The count, not a short page, says the listing is complete: an instance that serves fewer rows than asked must not look like mass deletion.
    if (page.length === 0 || !hasMore(page.length, CENSUS_PAGE, res.headers['x-total-count'])) break;
    after = valueOf(page[page.length - 1]!, 'sys_id');
  }
  const gone = (ctx.knownIds?.() ?? []).filter((id) => !seen.has(id));
  st.census.lastAt = new Date(now).toISOString();
  ctx.log('info', `${table}: sys_id check found ${seen.size} records on ServiceNow, ${gone.length} deleted`);
  yield { records: [], deletedIds: gone, state: structuredClone(st) };
}

/** The stream of one ServiceNow table: changes, then deletions. */
export function tableStream(table: string): StreamSpec<ServiceNowSettings> {
  return {
    name: table,
    title: TITLES[table] ?? `Table ${table}`,
    kind: KINDS[table] ?? table,
    async *read(ctx, state) {
      // A first sync has stored nothing that could have been deleted: it asks no deletion question.
      const first = state === null || state === undefined;
      const st = initial(state);
      yield* listChanges(ctx, table, st);
      if (!first) yield* auditDeletions(ctx, table, st.audit, () => structuredClone(st));
      yield* census(ctx, table, st);
    },
  };
}
