import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

/**
 * How many matches search ranks together, newest first, and counts exactly
 * before it reports "at least". Scoring a match costs about a microsecond:
 * 500 keeps a common word's search within a few milliseconds.
 */
export const SEARCH_WINDOW = 500;

/**
 * A filter that at most this many records pass is applied as a set of ids;
 * a wider one row by row, as the matches are read newest first.
 */
const FEW = 10_000;

/** A typed prefix that stands for more words than this is left to FTS5 to expand. */
const MAX_EXPANSION = 8;

/** What a search or a listing may be narrowed to, and the page wanted. */
export interface RecordFilter {
  integrationId?: string;
  source?: string;
  kind?: string;
  updatedSince?: string;
  limit: number;
  offset: number;
}

/** One page of ranked ids, their snippets, and the total (a lower bound when totalIsAtLeast). */
export interface RankedPage {
  ids: number[];
  snippets: Map<number, string>;
  total: number;
  totalIsAtLeast: boolean;
}

function queryWords(input: string): string[] {
  return input.match(/[\p{L}\p{N}_]+/gu) ?? [];
}

function quoted(word: string): string {
  return `"${word.replace(/"/g, '""')}"`;
}

/**
 * Turns what a person types into a safe FTS5 query: every word must match,
 * the last one as a prefix; FTS operators are taken literally. (Search itself
 * rewrites the prefix, see RecordsSearch; this plain form is what FTS5 alone
 * would be asked.)
 */
export function ftsQuery(input: string): string | null {
  const words = queryWords(input);
  if (words.length === 0) return null;
  return words.map((w, i) => `${quoted(w)}${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** SQL conditions on `records` (columns prefixed with `p`) for a filter, and their arguments. */
export function recordFilters(f: RecordFilter, p: string): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.integrationId) (where.push(`${p}integration_id = ?`), args.push(f.integrationId));
  if (f.source) (where.push(`${p}source = ?`), args.push(f.source));
  if (f.kind) (where.push(`${p}kind = ?`), args.push(f.kind));
  if (f.updatedSince) (where.push(`${p}updated_at >= ?`), args.push(f.updatedSince));
  return { where, args };
}

/**
 * Full-text search over the records' FTS5 index, bounded so a common word
 * costs about what a rare one does.
 *
 * - Ranking: bm25 within blocks of the SEARCH_WINDOW newest matches (by id).
 *   A query with fewer matches is ranked over all of them; a common word
 *   ranks its newest few hundred instead of scoring tens of thousands.
 *   Pages are slices of that one order, so paging never repeats or skips.
 * - Total: exact while the matches fit the blocks read, else "at least".
 * - The typed prefix: a short one (≤ 3 characters) has its own index; a
 *   longer one is replaced by the few words it stands for, read from the
 *   index's vocabulary. FTS5 would otherwise copy the whole doclist of every
 *   such word on each query that touches it (ranking, bm25's document
 *   frequency, snippets), which was most of the time a common word took.
 */
export class RecordsSearch {
  private features?: { vocab: boolean; filterIndex: boolean };
  /** Prepared statements by SQL: a few shapes (filters, page sizes) recur on every keystroke. */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private prepare(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** The ranked page for what the person typed, or null when it holds no word. */
  page(input: string, f: RecordFilter): RankedPage | null {
    const words = queryWords(input);
    if (words.length === 0) return null;
    const scope = this.scope(f);
    if (!scope) return { ids: [], snippets: new Map(), total: 0, totalIsAtLeast: false };
    // Explicit ANDs: FTS5 takes no implicit AND before a parenthesised group.
    const match = [...words.slice(0, -1).map(quoted), this.prefix(words[words.length - 1])].join(' AND ');
    const block = this.prepare(`SELECT records_fts.rowid AS id, bm25(records_fts, 5.0, 1.0) AS score FROM ${scope.from} ORDER BY records_fts.rowid DESC LIMIT ? OFFSET ?`);
    const first = Math.floor(f.offset / SEARCH_WINDOW);
    const last = Math.floor((f.offset + f.limit - 1) / SEARCH_WINDOW);
    const ranked: number[] = [];
    let total = 0;
    let more = false;
    for (let b = first; b <= last; b++) {
      // One row past the block tells whether more matches follow, without counting them.
      const rows = block.all(match, ...scope.args, SEARCH_WINDOW + 1, b * SEARCH_WINDOW) as { id: number; score: number }[];
      more = rows.length > SEARCH_WINDOW;
      if (more) rows.pop();
      // Equal scores keep the index's order, oldest first, as ranking over all matches did.
      rows.sort((x, y) => x.score - y.score || x.id - y.id);
      for (const r of rows) ranked.push(r.id);
      total = b * SEARCH_WINDOW + rows.length;
      if (!more) break;
    }
    if (ranked.length === 0 && first > 0) {
      // A page past the end: say where the end is.
      total = (this.prepare(`SELECT count(*) AS n FROM ${scope.from}`).get(match, ...scope.args) as { n: number }).n;
    }
    const start = f.offset - first * SEARCH_WINDOW;
    const ids = ranked.slice(start, start + f.limit);
    return { ids, snippets: this.snippets(ids, match), total, totalIsAtLeast: more };
  }

  /** The MATCH term for the last, still-typed word. */
  private prefix(word: string): string {
    const w = word.toLowerCase();
    // Only plain ASCII words are looked up: others need the tokenizer's case and diacritic folding to find their terms.
    if (w.length <= 3 || !/^[a-z0-9]+$/.test(w) || !this.has().vocab) return `${quoted(word)}*`;
    const after = w.slice(0, -1) + String.fromCharCode(w.charCodeAt(w.length - 1) + 1);
    const terms = (this.prepare('SELECT term FROM records_fts_vocab WHERE term >= ? AND term < ? LIMIT ?').all(w, after, MAX_EXPANSION + 1) as { term: string }[]).map((r) => r.term);
    if (terms.length === 0 || terms.length > MAX_EXPANSION) return `${quoted(word)}*`;
    return terms.length === 1 ? quoted(terms[0]) : `(${terms.map(quoted).join(' OR ')})`;
  }

  /**
   * The FROM clause for the filter, with the arguments that follow its
   * leading `records_fts MATCH ?`; null when no record passes the filter.
   */
  private scope(f: RecordFilter): { from: string; args: unknown[] } | null {
    const { where, args } = recordFilters(f, 'r.');
    if (where.length === 0) return { from: 'records_fts WHERE records_fts MATCH ?', args: [] };
    const cond = where.join(' AND ');
    const passing = this.prepare(`SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM (SELECT r.id FROM records r WHERE ${cond} LIMIT ?)`).get(...args, FEW + 1) as { n: number; lo: number; hi: number };
    if (passing.n === 0) return null;
    // A narrow filter: its ids, from the records' indexes, checked against each match in their
    // id range (recent changes, or one integration's records, are mostly a narrow range).
    if (passing.n <= FEW) {
      return {
        from: `records_fts WHERE records_fts MATCH ? AND records_fts.rowid BETWEEN ? AND ? AND +records_fts.rowid IN (SELECT r.id FROM records r WHERE ${cond})`,
        args: [BigInt(passing.lo), BigInt(passing.hi), ...args],
      };
    }
    // A wide one: each match (newest first, until the block is full) looked up in the narrow
    // filter index rather than the records table, whose rows carry the raw JSON. CROSS JOIN keeps
    // the FTS index the outer loop.
    const index = this.has().filterIndex ? 'INDEXED BY records_search_filter' : '';
    return { from: `records_fts CROSS JOIN records r ${index} ON r.id = records_fts.rowid WHERE records_fts MATCH ? AND ${cond}`, args };
  }

  /**
   * Snippets of the page's rows, in one pass over their id range: each MATCH
   * query that holds a prefix expands it anew, so a query per row paid that
   * per row. Ids are bound as BigInt: FTS5 ignores a rowid constraint bound
   * as a float (which a JS number is) and would scan, or for `rowid = ?`
   * return, every match.
   */
  private snippets(ids: number[], match: string): Map<number, string> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const rows = this
      .prepare(
        `SELECT rowid AS id, CASE WHEN rowid IN (${ids.map(() => '?').join(',')}) THEN snippet(records_fts, 1, '[', ']', ' … ', 16) END AS s
         FROM records_fts WHERE records_fts MATCH ? AND rowid BETWEEN ? AND ?`,
      )
      .all(...ids.map(BigInt), match, BigInt(Math.min(...ids)), BigInt(Math.max(...ids))) as { id: number; s: string | null }[];
    for (const r of rows) if (r.s !== null) out.set(r.id, r.s);
    return out;
  }

  /** Whether the database has what migration 5 adds (a read-only mirror may open an older one). */
  private has(): { vocab: boolean; filterIndex: boolean } {
    const exists = (type: string, name: string) => this.db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get(type, name) !== undefined;
    return (this.features ??= { vocab: exists('table', 'records_fts_vocab'), filterIndex: exists('index', 'records_search_filter') });
  }
}
