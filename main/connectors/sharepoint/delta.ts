import { KinexusError } from '../../../shared/errors.ts';
import type { ConnectorContext } from '../types.ts';
import type { Graph } from './graph-client.ts';
import type { SharePointSettings } from './settings.ts';

type Ctx = ConnectorContext<SharePointSettings>;

/** Where one delta feed (a library or a list) stands; stored with every page. */
export interface DeltaCursor {
  /** @odata.nextLink while an enumeration is under way, @odata.deltaLink once it is complete. */
  link?: string;
  /** True while `link` is a nextLink. */
  paging?: boolean;
  /** Set during a resync (after 410 Gone): ids the fresh enumeration returned so far. */
  resync?: string[];
}

export interface DeltaPage<T> {
  /** Changes of this page; an item listed twice counts once, its last occurrence. */
  items: T[];
  /** The cursor to resume from once this page is stored. */
  cursor: DeltaCursor;
  /** At the end of a resync: every id the full enumeration returned; the mirror keeps only these. */
  resyncSeen?: Set<string>;
}

interface DeltaBody<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

function dedupe<T extends { id: string }>(items: T[]): T[] {
  const last = new Map<string, T>();
  for (const it of items) {
    last.delete(it.id);
    last.set(it.id, it);
  }
  return [...last.values()];
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * Pages through one Graph delta feed from its stored cursor: follows
 * @odata.nextLink to the @odata.deltaLink, which is the state kept for the
 * next sync. When the service answers 410 Gone (the token is too old, or a
 * resync is required) the feed starts over from the fresh link in Location,
 * and the ids it returns are collected so the caller can drop what is gone.
 */
export async function* deltaPages<T extends { id: string; deleted?: unknown }>(ctx: Ctx, graph: Graph, first: string, start: DeltaCursor | undefined, label: string): AsyncGenerator<DeltaPage<T>> {
  let cursor: DeltaCursor = start ? structuredClone(start) : {};
  if (cursor.link && !sameOrigin(cursor.link, ctx.http.baseUrl)) {
    // The Graph host in the settings changed: links of the old one cannot be followed.
    ctx.log('info', `${label}: the stored delta link is for another Graph host; reading everything again`);
    cursor = { resync: [] };
  }
  let url = cursor.link ?? first;
  let gone = 0;
  for (;;) {
    const res = await graph.get(ctx, url, [410]);
    if (res.status === 410) {
      if (++gone > 2) throw new KinexusError('server', `SharePoint keeps answering 410 Gone for ${label}, even to a fresh start.`, { action: 'SharePoint is having trouble; the sync retries by itself' });
      const err = (safeJson(res.text) as { error?: { code?: string; innerError?: { code?: string } } } | null)?.error;
      const why = [err?.code, err?.innerError?.code].filter(Boolean).join(', ') || 'resync required';
      ctx.log('warn', `${label}: SharePoint cannot continue from the stored delta link (410 Gone: ${why}); reading everything again and removing what is gone`, { code: err?.code ?? null });
      cursor = { resync: [] };
      const location = res.headers.location;
      url = location && sameOrigin(location, ctx.http.baseUrl) ? location : first;
      continue;
    }
    gone = 0;
    const body = res.json<DeltaBody<T>>();
    const next = body?.['@odata.nextLink'];
    const delta = body?.['@odata.deltaLink'];
    if (!Array.isArray(body?.value) || (!next && !delta)) {
      throw new KinexusError('server', `Microsoft Graph answered the delta query of ${label} without items or a next/delta link.`, { action: 'SharePoint is having trouble; the sync retries by itself' });
    }
    const items = dedupe(body.value);
    const seen = cursor.resync ? [...cursor.resync, ...items.filter((i) => !i.deleted).map((i) => i.id)] : undefined;
    if (next) {
      cursor = { link: next, paging: true, ...(seen ? { resync: seen } : {}) };
      yield { items, cursor };
      url = next;
      continue;
    }
    cursor = { link: delta };
    yield { items, cursor, ...(seen ? { resyncSeen: new Set(seen) } : {}) };
    return;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
