/**
 * A compact text form of a set of ids, for stream state. A deletion census
 * compares what the vendor lists now against what was mirrored, and a
 * connector never reads SQLite, so the mirrored ids travel in the state.
 * Jira issue ids and Confluence content ids are numeric and dense, so sorted
 * base-36 deltas cost ~2–3 characters an id (30 kB for 10,000 issues).
 */

/** Encodes ids (numeric ones as sorted base-36 deltas, others verbatim after a "|"). */
export function encodeIds(ids: Iterable<string>): string {
  const nums: bigint[] = [];
  const other: string[] = [];
  for (const id of new Set(ids)) {
    if (/^\d{1,30}$/.test(id) && !/^0\d/.test(id)) nums.push(BigInt(id));
    else other.push(id);
  }
  nums.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let prev = 0n;
  const parts = nums.map((n) => {
    const d = n - prev;
    prev = n;
    return d.toString(36);
  });
  const head = parts.join('.');
  return other.length ? `${head}|${other.sort().map(encodeURIComponent).join('|')}` : head;
}

/** Decodes what encodeIds wrote; an empty or missing value is the empty set. */
export function decodeIds(text: string | null | undefined): Set<string> {
  const out = new Set<string>();
  if (!text) return out;
  const [head, ...rest] = text.split('|');
  let prev = 0n;
  if (head) {
    for (const part of head.split('.')) {
      prev += parseBigInt36(part);
      out.add(prev.toString());
    }
  }
  for (const r of rest) if (r) out.add(decodeURIComponent(r));
  return out;
}

function parseBigInt36(s: string): bigint {
  let n = 0n;
  for (const c of s) {
    const v = parseInt(c, 36);
    if (Number.isNaN(v)) throw new Error(`corrupt id set near "${s}"`);
    n = n * 36n + BigInt(v);
  }
  return n;
}
