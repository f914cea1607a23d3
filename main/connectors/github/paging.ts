/** Parses an RFC 8288 Link header into rel → URL. */
export function parseLink(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?([^";]+)"?/);
    if (m) for (const rel of m[2].split(/\s+/)) out[rel] = m[1];
  }
  return out;
}

/** The later of two ISO times (either may be null). */
export function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** ISO time shifted by ms, to the second, as GitHub expects (YYYY-MM-DDTHH:MM:SSZ). */
export function shiftIso(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
