import { KinexusError } from '../../../shared/errors.ts';
import { vendorMessage } from '../../http/classify.ts';
import type { HttpResponse } from '../../http/client.ts';
import type { Batch, ConnectorContext, StreamSpec } from '../types.ts';
import { snGet } from './auth.ts';
import { glideUtc } from './glide-time.ts';
import { absorb, keyset, keysetQuery, type Keyset } from './keyset.ts';
import { mapRow, valueOf, type SnRow } from './map.ts';
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

const CENSUS_PAGE = 5000;
/** Without read access to sys_audit_delete the census is the only way to see deletions. */
const CENSUS_EVERY_MS = { withAudit: 24 * 3600_000, withoutAudit: 3600_000 };
const AUDIT_RECHECK_MS = 24 * 3600_000;

interface TableState {
  list: Keyset;
  audit: Keyset & { readable: boolean | null; checkedAt: string | null };
  census: { lastAt: string | null };
}

function initial(state: unknown): TableState {
  const s = (state ?? {}) as Partial<TableState>;
  return {
    list: keyset(s.list),
    audit: { ...keyset(s.audit), readable: s.audit?.readable ?? null, checkedAt: s.audit?.checkedAt ?? null },
    census: { lastAt: s.census?.lastAt ?? null },
  };
}

function origin(ctx: Ctx): string {
  return new URL(ctx.settings.instanceUrl).origin;
}

function rows(res: HttpResponse, what: string): SnRow[] {
  const body = res.json<{ result?: unknown }>();
  if (!body || !Array.isArray(body.result)) throw new KinexusError('server', `ServiceNow answered the ${what} listing without a result list.`, { action: 'ServiceNow is having trouble; the sync retries by itself' });
  return body.result as SnRow[];
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
  const fields = FIELDS[table] ? [...SYSTEM, ...FIELDS[table]].join(',') : undefined;
  const kind = KINDS[table] ?? table;
  for (;;) {
    const res = await snGet(
      ctx,
      `/api/now/table/${table}`,
      { sysparm_query: keysetQuery(st.list, 'sys_updated_on', ''), sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true', sysparm_fields: fields, sysparm_limit: ctx.settings.pageSize },
      [400, 403],
    );
    if (res.status === 400 || res.status === 403) throw tableError(ctx, table, res);
    // Deletions are read from the instance's own clock on, with a minute of slack.
    if (st.audit.ts === null) st.audit.ts = glideUtc((Date.parse(res.headers.date ?? '') || ctx.now().getTime()) - 60_000);
    const page = rows(res, table);
    let failed = 0;
    const { fresh, done } = absorb(st.list, page, (r) => {
      const id = valueOf(r, 'sys_id');
      const ts = valueOf(r, 'sys_updated_on');
      if (id && ts) return { id, ts };
      failed++;
      return null;
    }, ctx.settings.pageSize);
    if (failed) ctx.log('warn', `${table}: ${failed} rows without sys_id or sys_updated_on were skipped`);
    const total = res.headers['x-total-count'];
    ctx.log('debug', `${table}: ${fresh.length} changed records in this page${total ? ` (${total} match the query)` : ''}`);
    yield { records: fresh.map((r) => mapRow(origin(ctx), table, kind, r)), failed, state: structuredClone(st) };
    if (done) return;
  }
}

/** Deleted records from sys_audit_delete, when this user may read it. */
async function* auditDeletions(ctx: Ctx, table: string, st: TableState): AsyncGenerator<Batch> {
  const a = st.audit;
  const now = ctx.now().getTime();
  if (a.readable === false && a.checkedAt && now - Date.parse(a.checkedAt) < AUDIT_RECHECK_MS) return;
  for (;;) {
    const res = await snGet(ctx, '/api/now/table/sys_audit_delete', { sysparm_query: keysetQuery(a, 'sys_created_on', `tablename=${table}`), sysparm_fields: 'sys_id,documentkey,sys_created_on', sysparm_limit: ctx.settings.pageSize }, [403]);
    if (res.status === 403) {
      if (a.readable !== false) ctx.log('info', `${table}: this user may not read sys_audit_delete; deletions are found by a sys_id check every hour instead`);
      a.readable = false;
      a.checkedAt = new Date(now).toISOString();
      yield { records: [], state: structuredClone(st) };
      return;
    }
    a.readable = true;
    a.checkedAt = new Date(now).toISOString();
    const { fresh, done } = absorb(a, rows(res, 'sys_audit_delete'), (r) => {
      const id = valueOf(r, 'sys_id');
      const ts = valueOf(r, 'sys_created_on');
      return id && ts ? { id, ts } : null;
    }, ctx.settings.pageSize);
    const deletedIds = fresh.map((r) => valueOf(r, 'documentkey')).filter((x): x is string => !!x);
    if (deletedIds.length) ctx.log('info', `${table}: ${deletedIds.length} records were deleted on ServiceNow`);
    yield { records: [], deletedIds, state: structuredClone(st) };
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
    if (page.length < CENSUS_PAGE) break;
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
      const st = initial(state);
      yield* listChanges(ctx, table, st);
      yield* auditDeletions(ctx, table, st);
      yield* census(ctx, table, st);
    },
  };
}
