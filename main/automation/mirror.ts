import { createHash } from 'node:crypto';
import type { SourceRecord } from '../connectors/types.ts';
import type { Db } from '../store/database.ts';
import type { RecordsRepo } from '../store/records-repo.ts';

/**
 * What a schema step extracted, as mirror records: searchable, listed with
 * the rest of the mirror, visible over MCP. Records are stored under the
 * automation's id with source "nova_act", one stream per step. Each run's
 * extraction replaces the previous one of that step, like a full sync of a
 * stream: rows that are gone are deleted, unchanged ones stay unchanged.
 */

export const NOVA_ACT_SOURCE = 'nova_act';

export interface ExtractedInput {
  automationId: string;
  automationName: string;
  /** 1-based step number. */
  step: number;
  instruction: string;
  kind: string | undefined;
  data: unknown;
  pageUrl: string | null;
  runId: string;
  at: string;
}

/** A record kind from an automation name: "Price watch" → "price-watch". */
export function kindFromName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'automation';
}

/** The rows in extracted data: an array, or the one array of objects an object wraps, or the value itself. */
function items(data: unknown): { rows: unknown[]; single: boolean } {
  if (Array.isArray(data)) return { rows: data, single: false };
  if (data && typeof data === 'object') {
    const arrays = Object.values(data).filter((v) => Array.isArray(v) && v.every((x) => x && typeof x === 'object'));
    if (arrays.length === 1 && Object.keys(data).length === 1) return { rows: arrays[0] as unknown[], single: false };
  }
  return { rows: [data], single: true };
}

function pick(o: unknown, keys: string[]): string | null {
  if (!o || typeof o !== 'object') return null;
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if ((typeof v === 'string' && v.trim()) || typeof v === 'number') return String(v).trim();
  }
  return null;
}

function flatten(v: unknown, prefix = ''): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => flatten(x, `${prefix}${prefix ? '.' : ''}${i}`));
  if (typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => flatten(x, prefix ? `${prefix}.${k}` : k));
  return [prefix ? `${prefix}: ${String(v)}` : String(v)];
}

/** The mirror records for one step's extracted data. */
export function toRecords(e: ExtractedInput): SourceRecord[] {
  const { rows, single } = items(e.data);
  const kind = e.kind ?? kindFromName(e.automationName);
  return rows.map((row) => {
    const id = single ? `step-${e.step}` : (pick(row, ['id', 'key', 'url', 'href']) ?? createHash('sha1').update(JSON.stringify(row)).digest('hex').slice(0, 16));
    const label = pick(row, ['title', 'name', 'label', 'heading', 'summary']) ?? (typeof row === 'string' || typeof row === 'number' ? String(row) : null);
    const url = pick(row, ['url', 'href', 'link']);
    return {
      externalId: id,
      kind,
      title: (label ?? `${e.automationName} — step ${e.step}`).slice(0, 300),
      url: url && /^https?:\/\//.test(url) ? url : e.pageUrl,
      status: pick(row, ['status', 'state']),
      author: null,
      updatedAt: e.at,
      text: [e.automationName, e.instruction, ...flatten(row)].join('\n'),
      container: e.automationName,
      raw: { data: row, automationId: e.automationId, runId: e.runId, step: e.step, instruction: e.instruction },
    };
  });
}

/** Stores one step's records in one transaction; returns how many the mirror now holds for it. */
export function saveExtracted(db: Db, records: RecordsRepo, e: ExtractedInput): number {
  const stream = `nova_act.step${e.step}`;
  const recs = toRecords(e);
  // Two rows with the same identity (same id, or identical content) are one record.
  const unique = [...new Map(recs.map((r) => [r.externalId, r])).values()];
  db.transaction(() => {
    const keep = new Set(unique.map((r) => r.externalId));
    const gone = records.externalIds(e.automationId, stream).filter((id) => !keep.has(id));
    records.applyBatch(e.automationId, NOVA_ACT_SOURCE, stream, unique, gone, e.at);
  })();
  return unique.length;
}
