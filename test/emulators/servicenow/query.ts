/**
 * Encoded queries (`sysparm_query`) the way the Table API reads them:
 * conditions joined by `^` (AND), `^OR` (OR with the neighbouring condition),
 * `^NQ` (a new OR'ed group), and `ORDERBY<field>` / `ORDERBYDESC<field>`.
 *
 * Date/time values: a literal `yyyy-MM-dd HH:mm:ss` (or `yyyy-MM-dd`) is the
 * stored UTC value; `javascript:gs.dateGenerate('yyyy-MM-dd','HH:mm:ss')` is a
 * wall-clock time of the session user's time zone, converted to UTC
 * ("start"/"end" as the time mean 00:00:00 / 23:59:59). Any other value
 * (e.g. ISO 8601 with `T`/`Z`, or other `javascript:`) is not a valid date.
 *
 * A condition on an unknown field or with an invalid value is dropped, as the
 * platform does while `glide.invalid_query.returns_no_rows` is false (its
 * default); with the property on, such a query returns no rows.
 */
import { fromZone, parseGlideUtc, type SnRecord, type TableDef } from './state.ts';

const OPERATORS = ['ISNOTEMPTY', 'ISEMPTY', 'NOT IN', 'NOTLIKE', 'STARTSWITH', 'ENDSWITH', 'LIKE', 'IN', '>=', '<=', '!=', '=', '>', '<'] as const;
type Operator = (typeof OPERATORS)[number];

interface Condition {
  field: string;
  op: Operator;
  /** Compared value: epoch ms for date/times, text otherwise. */
  value: string | number;
  list?: string[];
}

export interface ParsedQuery {
  /** OR of groups; each group an AND of terms; each term an OR of conditions. */
  groups: Condition[][][];
  orderBy: { field: string; desc: boolean }[];
  /** Conditions that were dropped (unknown field or invalid value). */
  invalid: string[];
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})( \d{2}:\d{2}:\d{2})?$/;
const DATE_GENERATE = /^javascript:gs\.dateGenerate\(\s*'(\d{4}-\d{2}-\d{2})'\s*,\s*'(\d{2}:\d{2}:\d{2}|start|end)'\s*\)$/;

/** Reads a date/time query value into epoch ms, or undefined when it is not one ServiceNow accepts. */
export function dateValue(raw: string, userZone: string): number | undefined {
  let m = DATE_TIME.exec(raw);
  if (m) {
    const t = parseGlideUtc(`${m[1]}${m[2] ?? ' 00:00:00'}`);
    return Number.isNaN(t) ? undefined : t;
  }
  m = DATE_GENERATE.exec(raw);
  if (m) {
    const time = m[2] === 'start' ? '00:00:00' : m[2] === 'end' ? '23:59:59' : m[2]!;
    const t = fromZone(`${m[1]} ${time}`, userZone);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Parses an encoded query against a table's fields. */
export function parseQuery(q: string, table: TableDef, userZone: string): ParsedQuery {
  const out: ParsedQuery = { groups: [], orderBy: [], invalid: [] };
  if (!q.trim()) return out;
  for (const groupText of q.split('^NQ')) {
    const group: Condition[][] = [];
    for (const part of groupText.split('^')) {
      if (!part) continue;
      const isOr = part.startsWith('OR') && !part.startsWith('ORDERBY') && group.length > 0;
      const text = isOr ? part.slice(2) : part;
      if (text.startsWith('ORDERBYDESC')) {
        addOrder(out, table, text.slice(11), true);
        continue;
      }
      if (text.startsWith('ORDERBY')) {
        addOrder(out, table, text.slice(7), false);
        continue;
      }
      const c = parseCondition(text, table, userZone);
      if (!c) {
        out.invalid.push(text);
        continue;
      }
      if (isOr) group[group.length - 1]!.push(c);
      else group.push([c]);
    }
    out.groups.push(group);
  }
  return out;
}

function addOrder(out: ParsedQuery, table: TableDef, field: string, desc: boolean): void {
  if (table.fields[field]) out.orderBy.push({ field, desc });
  else out.invalid.push(`ORDERBY${desc ? 'DESC' : ''}${field}`);
}

function parseCondition(text: string, table: TableDef, userZone: string): Condition | undefined {
  const m = /^([a-z0-9_]+)(.*)$/.exec(text);
  if (!m) return undefined;
  const [, field, rest] = m as unknown as [string, string, string];
  const def = table.fields[field];
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!def || !op) return undefined;
  const raw = rest.slice(op.length);
  if (op === 'ISEMPTY' || op === 'ISNOTEMPTY') return raw === '' ? { field, op, value: '' } : undefined;
  if (op === 'IN' || op === 'NOT IN') return { field, op, value: raw, list: raw.split(',') };
  if (def.type === 'datetime') {
    const t = dateValue(raw, userZone);
    return t === undefined ? undefined : { field, op, value: t };
  }
  return { field, op, value: raw };
}

function fieldValue(r: SnRecord, table: TableDef, field: string): string | number | undefined {
  const v = r.values[field];
  if (v === undefined || v === '') return undefined;
  return table.fields[field]?.type === 'datetime' ? parseGlideUtc(v) : v;
}

function test(c: Condition, r: SnRecord, table: TableDef): boolean {
  const v = fieldValue(r, table, c.field);
  switch (c.op) {
    case 'ISEMPTY':
      return v === undefined;
    case 'ISNOTEMPTY':
      return v !== undefined;
    case 'IN':
      return v !== undefined && c.list!.includes(String(r.values[c.field]));
    case 'NOT IN':
      return v === undefined || !c.list!.includes(String(r.values[c.field]));
    case 'LIKE':
      return v !== undefined && String(v).toLowerCase().includes(String(c.value).toLowerCase());
    case 'NOTLIKE':
      return v === undefined || !String(v).toLowerCase().includes(String(c.value).toLowerCase());
    case 'STARTSWITH':
      return v !== undefined && String(v).toLowerCase().startsWith(String(c.value).toLowerCase());
    case 'ENDSWITH':
      return v !== undefined && String(v).toLowerCase().endsWith(String(c.value).toLowerCase());
    case '=':
      return (v ?? '') === c.value;
    case '!=':
      return (v ?? '') !== c.value;
    default: {
      if (v === undefined) return false;
      const cmp = typeof v === 'number' && typeof c.value === 'number' ? v - c.value : String(v) < String(c.value) ? -1 : String(v) > String(c.value) ? 1 : 0;
      return c.op === '>' ? cmp > 0 : c.op === '>=' ? cmp >= 0 : c.op === '<' ? cmp < 0 : cmp <= 0;
    }
  }
}

/** Applies a parsed query: filter, then order. */
export function runQuery(records: SnRecord[], q: ParsedQuery, table: TableDef, invalidReturnsNoRows: boolean): SnRecord[] {
  if (q.invalid.length > 0 && invalidReturnsNoRows) return [];
  let rows = q.groups.length === 0 ? records : records.filter((r) => q.groups.some((g) => g.every((term) => term.some((c) => test(c, r, table)))));
  if (q.orderBy.length > 0) {
    rows = [...rows].sort((a, b) => {
      for (const o of q.orderBy) {
        const x = a.values[o.field] ?? '';
        const y = b.values[o.field] ?? '';
        if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
      }
      return 0;
    });
  }
  return rows;
}
