import { formatCount } from '../../components/format.ts';

/** What the search view needs to say how much it found: a search page, or the listing when no words are typed. */
export interface ResultTotals {
  total: number;
  /** Set by search when more records match than it counted. */
  totalIsAtLeast?: boolean;
}

/** The line above the results: "500+ results for “login”", "3 results …", "Nothing found …", or the listing's count. */
export function resultCountText(r: ResultTotals, q: string): string {
  if (r.total === 0 && !r.totalIsAtLeast) return q ? `Nothing found for “${q}”.` : 'The mirror is empty: sync an integration first.';
  if (!q) return `${formatCount(r.total)} records, most recently updated first`;
  const n = `${formatCount(r.total)}${r.totalIsAtLeast ? '+' : ''}`;
  return `${n} ${r.total === 1 && !r.totalIsAtLeast ? 'result' : 'results'} for “${q}”`;
}

/** Whether more results exist than are shown. */
export function hasMoreResults(r: ResultTotals, shown: number): boolean {
  return shown < r.total || (r.totalIsAtLeast === true && shown > 0);
}
