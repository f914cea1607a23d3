import { KinexusError } from '../../../shared/errors.ts';
import type { HttpResponse } from '../../http/client.ts';
import type { SourceRecord } from '../types.ts';
import { glideToIso } from './glide-time.ts';

/** A field as `sysparm_display_value=all` answers it. */
export interface SnField {
  display_value?: string | null;
  value?: string | null;
}
export type SnRow = Record<string, SnField | string | undefined>;

/** The rows of a Table API answer; an answer without a result list is a server error. */
export function rows(res: HttpResponse, what: string): SnRow[] {
  const body = res.json<{ result?: unknown }>();
  if (!body || !Array.isArray(body.result)) throw new KinexusError('server', `ServiceNow answered the ${what} listing without a result list.`, { action: 'ServiceNow is having trouble; the sync retries by itself' });
  return body.result as SnRow[];
}

/** The stored value of a field (UTC for date/times, sys_id for references). */
export function valueOf(row: SnRow, field: string): string | null {
  const f = row[field];
  if (f === undefined || f === null) return null;
  if (typeof f === 'string') return f || null;
  return f.value || null;
}

/** What a person sees for a field (labels for choices, names for references). */
export function displayOf(row: SnRow, field: string): string | null {
  const f = row[field];
  if (f === undefined || f === null) return null;
  if (typeof f === 'string') return f || null;
  return f.display_value || f.value || null;
}

/** Fields a person reads first; the rest follows as "field: value" lines. */
const BODY = ['short_description', 'description', 'text', 'close_notes'];
const HIDDEN = new Set(['sys_id', 'sys_updated_on', 'sys_created_on', 'sys_created_by', 'sys_updated_by', 'sys_class_name', 'sys_mod_count', 'sys_tags', 'sys_domain', 'sys_domain_path']);

function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

/** One Table API row (display_value=all) as a mirrored record of `table`. */
export function mapRow(origin: string, table: string, kind: string, row: SnRow): SourceRecord {
  const id = valueOf(row, 'sys_id')!;
  const number = displayOf(row, 'number');
  const short = displayOf(row, 'short_description') ?? displayOf(row, 'name') ?? displayOf(row, 'title');
  const body = BODY.map((f) => {
    const v = displayOf(row, f);
    return v && f === 'text' ? stripHtml(v) : v;
  });
  const extra = Object.keys(row)
    .filter((f) => !BODY.includes(f) && !HIDDEN.has(f) && f !== 'number')
    .map((f) => [f, displayOf(row, f)] as const)
    .filter(([, v]) => v)
    .map(([f, v]) => `${f}: ${v}`);
  return {
    externalId: id,
    kind,
    title: [number, short].filter(Boolean).join(' ') || id,
    url: `${origin}/${table}.do?sys_id=${id}`,
    status: displayOf(row, 'state') ?? displayOf(row, 'workflow_state'),
    author: displayOf(row, 'author') ?? displayOf(row, 'caller_id') ?? displayOf(row, 'requested_by') ?? displayOf(row, 'opened_by') ?? displayOf(row, 'sys_created_by'),
    updatedAt: glideToIso(valueOf(row, 'sys_updated_on')),
    text: [...body, number, ...extra].filter(Boolean).join('\n'),
    container: table,
    raw: row,
  };
}
