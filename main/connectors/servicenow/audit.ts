/**
 * Deletions from sys_audit_delete. One query per sync run covers every
 * configured table (`tablenameIN…`); each table's stream takes its own rows
 * from it (the run's streams share it through ctx.run).
 */
import type { Batch, ConnectorContext } from '../types.ts';
import { snGet } from './auth.ts';
import { absorb, hasMore, keyset, keysetQuery } from './keyset.ts';
import { rows, valueOf } from './map.ts';
import type { ServiceNowSettings } from './spec.ts';

type Ctx = ConnectorContext<ServiceNowSettings>;

/** Audit rows are four short fields: the largest page the Table API serves by default. */
const AUDIT_PAGE = 10_000;
/** A user who may not read sys_audit_delete is asked again once a day (a role may have been granted). */
export const AUDIT_RECHECK_MS = 24 * 3600_000;

/** A table's position in sys_audit_delete: rows created before `ts`, and those at `ts` in `ids`, were applied. */
export interface AuditCursor {
  ts: string | null;
  ids: string[];
  /** Whether this user may read sys_audit_delete; null until asked. */
  readable: boolean | null;
  checkedAt: string | null;
}

/** The cursor in a saved state (older states kept keyset paging fields; they are not needed). */
export function auditCursor(saved?: Partial<AuditCursor> | null): AuditCursor {
  return { ts: saved?.ts ?? null, ids: [...(saved?.ids ?? [])], readable: saved?.readable ?? null, checkedAt: saved?.checkedAt ?? null };
}

interface AuditRow {
  /** sys_id of the audit row. */
  id: string;
  table: string;
  documentKey: string;
  ts: string;
}

/** What one sys_audit_delete query read: every row from `from` on, and where it ended. */
interface AuditRead {
  readable: boolean;
  rows: AuditRow[];
  end: { ts: string; ids: string[] } | null;
}

interface SharedRead {
  /** The cursor the read started from: it holds every row created at or after it. */
  from: string | null;
  read: Promise<AuditRead>;
}

/** Every audit row of `tables` created at or after `from`, keyset-paged on sys_created_on + sys_id. */
async function readAudit(ctx: Ctx, tables: string[], from: string | null): Promise<AuditRead> {
  const k = keyset({ ts: from });
  const out: AuditRow[] = [];
  for (;;) {
    const res = await snGet(
      ctx,
      '/api/now/table/sys_audit_delete',
      { sysparm_query: keysetQuery(k, 'sys_created_on', `tablenameIN${tables.join(',')}`), sysparm_fields: 'sys_id,tablename,documentkey,sys_created_on', sysparm_limit: AUDIT_PAGE },
      [403],
    );
    if (res.status === 403) return { readable: false, rows: [], end: null };
    const page = rows(res, 'sys_audit_delete');
    const { fresh, done } = absorb(k, page, (r) => {
      const id = valueOf(r, 'sys_id');
      const ts = valueOf(r, 'sys_created_on');
      return id && ts ? { id, ts } : null;
    }, hasMore(page.length, AUDIT_PAGE, res.headers['x-total-count']));
    for (const r of fresh) {
      const documentKey = valueOf(r, 'documentkey');
      const table = valueOf(r, 'tablename');
      if (documentKey && table) out.push({ id: valueOf(r, 'sys_id')!, table, documentKey, ts: valueOf(r, 'sys_created_on')! });
    }
    if (done) return { readable: true, rows: out, end: k.ts ? { ts: k.ts, ids: [...k.ids] } : null };
  }
}

/** Moves a cursor forward to `end` (never back). */
function advance(c: AuditCursor, end: AuditRead['end']): void {
  if (!end) return;
  if (c.ts === null || end.ts > c.ts) {
    c.ts = end.ts;
    c.ids = [...end.ids];
  } else if (end.ts === c.ts) c.ids = [...new Set([...c.ids, ...end.ids])];
}

/**
 * The records of `table` deleted on ServiceNow since its cursor, when this
 * user may read sys_audit_delete. The run's first table reads the audit for
 * all configured tables from its own cursor; a later table whose cursor is
 * older (its stream failed in an earlier run) reads its own rows. Either way
 * every table's cursor ends where the run's read ended, so they stay together.
 */
export async function* auditDeletions(ctx: Ctx, table: string, c: AuditCursor, snapshot: () => unknown): AsyncGenerator<Batch> {
  const now = ctx.now().getTime();
  if (c.readable === false && c.checkedAt && now - Date.parse(c.checkedAt) < AUDIT_RECHECK_MS) return;
  const slot = ctx.run?.shared('servicenow.audit', () => ({ entry: null as SharedRead | null })) ?? { entry: null };
  if (!slot.entry) {
    const entry: SharedRead = { from: c.ts, read: readAudit(ctx, ctx.settings.tables, c.ts) };
    // A failed read is not kept: the next table asks again.
    entry.read.catch(() => {
      if (slot.entry === entry) slot.entry = null;
    });
    slot.entry = entry;
  }
  const shared = slot.entry;
  const covered = shared.from === null || (c.ts !== null && c.ts >= shared.from);
  const read = covered ? await shared.read : await readAudit(ctx, [table], c.ts);
  c.checkedAt = new Date(now).toISOString();
  if (!read.readable) {
    if (c.readable !== false) ctx.log('info', `${table}: this user may not read sys_audit_delete; deletions are found by a sys_id check every hour instead`);
    c.readable = false;
    yield { records: [], state: snapshot() };
    return;
  }
  c.readable = true;
  const deleted = new Set<string>();
  for (const r of read.rows) {
    if (r.table !== table) continue;
    if (c.ts !== null && (r.ts < c.ts || (r.ts === c.ts && c.ids.includes(r.id)))) continue;
    deleted.add(r.documentKey);
  }
  advance(c, read.end);
  // Read after the run's shared read, this table's own read also covers everything the shared one saw.
  if (!covered) advance(c, (await shared.read.catch(() => null))?.end ?? null);
  if (deleted.size) ctx.log('info', `${table}: ${deleted.size} records were deleted on ServiceNow`);
  yield { records: [], deletedIds: [...deleted], state: snapshot() };
}
