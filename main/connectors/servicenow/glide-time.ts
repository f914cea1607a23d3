/**
 * ServiceNow keeps date/times in UTC and answers them (the `value` of a field)
 * in its internal format `yyyy-MM-dd HH:mm:ss`. A literal in that format in an
 * encoded query is compared as UTC, so cursors stay in it; the `display_value`
 * is in the user's time zone and is never used for cursors.
 */

/** `yyyy-MM-dd HH:mm:ss` (UTC) of an instant. */
export function glideUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO 8601 of a UTC internal-format value, or null when it is not one. */
export function glideToIso(v: string | null | undefined): string | null {
  if (!v || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v)) return null;
  return `${v.replace(' ', 'T')}Z`;
}
