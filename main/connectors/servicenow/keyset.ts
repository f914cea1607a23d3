/**
 * Keyset paging over a date/time field and sys_id. Offset paging (the Link
 * header's next) skips records: a record updated while the listing runs moves
 * to its end, and every record after it shifts one place towards the pages
 * already read. Paging by "updated at or after the last one seen" cannot skip,
 * and de-duplicating on sys_id + sys_updated_on keeps the overlap harmless.
 */

export interface Keyset {
  /** The largest time stored so far (UTC internal format), null before the first record. */
  ts: string | null;
  /** sys_ids already stored with exactly `ts`. */
  ids: string[];
  /**
   * `range`: field >= ts. `drain`: more than a page share `ts`, so page on
   * sys_id within that second. `after`: that second is drained, continue with field > ts.
   */
  phase: 'range' | 'drain' | 'after';
  drainAfter: string | null;
}

/** A fresh keyset (or the one in a saved state). */
export function keyset(saved?: Partial<Keyset> | null): Keyset {
  return { ts: saved?.ts ?? null, ids: [...(saved?.ids ?? [])], phase: saved?.phase ?? 'range', drainAfter: saved?.drainAfter ?? null };
}

/** Up to this many ids stored at the cursor's second are left out of the next query by name. */
const EXCLUDE_MAX = 50;

/**
 * The encoded query of the next page: `filter` (may be empty) plus the keyset
 * condition and order. Rows already stored at the cursor's second are left
 * out (`sys_idNOT IN`) while they are few, so the page and X-Total-Count hold
 * only rows still to read: an idle sync reads nothing, and a listing needs no
 * extra page for its overlap.
 */
export function keysetQuery(k: Keyset, field: string, filter: string): string {
  const f = filter ? `${filter}^` : '';
  if (k.phase === 'drain' && k.ts) return `${f}${field}=${k.ts}^sys_id>${k.drainAfter ?? ''}^ORDERBYsys_id`;
  if (k.phase === 'after' && k.ts) return `${f}${field}>${k.ts}^ORDERBY${field}^ORDERBYsys_id`;
  if (!k.ts) return `${f}ORDERBY${field}^ORDERBYsys_id`;
  const seen = k.ids.length > 0 && k.ids.length <= EXCLUDE_MAX ? `sys_idNOT IN${k.ids.join(',')}^` : '';
  return `${f}${field}>=${k.ts}^${seen}ORDERBY${field}^ORDERBYsys_id`;
}

/**
 * Whether a listing has rows beyond this page: X-Total-Count (rows matching
 * the query) when the instance sends it, else a page as long as the limit.
 * The count also covers an instance that serves fewer rows than asked for.
 */
export function hasMore(returned: number, limit: number, totalCount: string | undefined): boolean {
  const total = totalCount === undefined || totalCount === '' ? Number.NaN : Number(totalCount);
  return Number.isFinite(total) ? returned < total : returned >= limit;
}

/**
 * Takes one page (rows in the query's order, as id + time) into the keyset.
 * `more` says the query matched rows beyond this page (see hasMore). Returns
 * which rows are new (not stored in this version yet) and whether the
 * listing is complete.
 */
export function absorb<T>(k: Keyset, rows: T[], key: (row: T) => { id: string; ts: string } | null, more: boolean): { fresh: T[]; done: boolean } {
  const queried = k.ts;
  const phase = k.phase;
  const fresh: T[] = [];
  let lastId: string | null = null;
  for (const row of rows) {
    const kv = key(row);
    if (!kv) continue;
    lastId = kv.id;
    if (kv.ts === k.ts && k.ids.includes(kv.id)) continue;
    fresh.push(row);
    if (k.ts === null || kv.ts > k.ts) {
      k.ts = kv.ts;
      k.ids = [kv.id];
    } else if (kv.ts === k.ts) k.ids.push(kv.id);
  }
  if (phase === 'drain') {
    if (lastId) k.drainAfter = lastId;
    if (!more || !lastId) {
      k.phase = 'after';
      k.drainAfter = null;
    }
  } else if (phase === 'after') {
    k.phase = 'range';
  } else if (more && k.ts === queried && lastId) {
    // A whole page inside the cursor's own second: page through that second by sys_id.
    k.phase = 'drain';
    k.drainAfter = lastId;
  }
  // A page without a usable row cannot move the cursor: asking again would loop (e.g. rows hidden by ACLs still counted).
  return { fresh, done: k.phase === 'range' && (!more || lastId === null) };
}
