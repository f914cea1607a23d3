/**
 * The `pages` and `blogposts` streams, per configured space, through the v2
 * API: GET /wiki/api/v2/spaces/{id}/pages (or /blogposts) with
 * sort=-modified-date, body-format=storage and 250 a page, following the
 * cursor in the Link header (or `_links.next`) until a page reaches content
 * older than the watermark minus a small overlap. Trashed content in that
 * window becomes a deletion at once; trashing makes no new version, so older
 * trashed or purged content is found by the daily census instead.
 */
import { KinexusError } from '../../../shared/errors.ts';
import { atlassianRequest } from '../atlassian-http.ts';
import type { Batch, SourceRecord, StreamSpec } from '../types.ts';
import { findDeletedContent } from './census.ts';
import { loadContentState, type SpaceCursor } from './content-state.ts';
import { mapContent, modifiedAt, type ConfContentJson } from './map.ts';
import type { ConfluenceSettings } from './settings.ts';
import { lookUpSpacesAgain, resolveConfiguredSpaces, spaceMissing, type ConfluenceCtx } from './spaces.ts';

const LIMIT = 250;
const OVERLAP_MS = 2 * 60_000;
/** How often the deletion census runs. */
export const CENSUS_EVERY_MS = 24 * 60 * 60_000;

type Kind = 'page' | 'blogpost';

/** The listing path of a space's content of one kind. */
export function listingPath(spaceId: string, kind: Kind): string {
  return `/wiki/api/v2/spaces/${encodeURIComponent(spaceId)}/${kind === 'page' ? 'pages' : 'blogposts'}`;
}

function laterIso(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** The next page's URL: Link rel="next", else `_links.next`. */
function nextUrl(link: string | undefined, body: { _links?: { next?: string } }): string | null {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1]!;
  }
  return body._links?.next ?? null;
}

function readContent(kind: Kind) {
  return async function* read(ctx: ConfluenceCtx, raw: unknown): AsyncGenerator<Batch> {
    const { state: st, fresh } = loadContentState(raw);
    const keys = ctx.settings.spaces;
    const now = ctx.now().getTime();
    const problems: KinexusError[] = [];
    const snapshot = () => ({ ...st, spaces: structuredClone(st.spaces) });
    if (fresh) st.lastCensusAt = now;
    const dropped = Object.keys(st.spaces).filter((k) => !keys.includes(k));
    if (dropped.length) {
      for (const k of dropped) delete st.spaces[k];
      st.lastCensusAt = 0; // their content leaves the mirror at the census below
    }
    const unresolved = keys.filter((k) => !st.spaces[k]);
    if (unresolved.length) {
      // One lookup per run serves both streams (a first sync of pages and blog posts asks once).
      const { found } = await resolveConfiguredSpaces(ctx);
      for (const k of unresolved) {
        const s = found.find((f) => f.key === k);
        if (s) st.spaces[k] = { id: s.id, watermark: null, next: null, pendingMax: null, stopAt: null };
        else problems.push(spaceMissing(k));
      }
    }

    /** One space's listing, newest change first, from its saved position. */
    async function* readSpace(key: string, c: SpaceCursor): AsyncGenerator<Batch> {
      if (!c.next) c.stopAt = c.watermark ? new Date(Date.parse(c.watermark) - OVERLAP_MS).toISOString() : null;
      let path = c.next ?? listingPath(c.id, kind);
      let query: Record<string, string | number> | undefined = c.next ? undefined : { sort: '-modified-date', 'body-format': 'storage', status: kind === 'page' ? 'current,archived,trashed' : 'current,trashed', limit: LIMIT };
      for (;;) {
        const res = await atlassianRequest(ctx.http, 'Confluence', { path, query });
        const body = res.json<{ results?: ConfContentJson[]; _links?: { next?: string; base?: string } }>();
        if (!body || !Array.isArray(body.results)) throw new KinexusError('server', `Confluence answered the ${kind} listing of ${key} without a result list.`, { action: 'Confluence is having trouble; the sync retries by itself' });
        if (typeof body._links?.base === 'string') st.wikiBase = body._links.base.replace(/\/+$/, '');
        const stop = c.stopAt ? Date.parse(c.stopAt) : null;
        const fresh = stop === null ? body.results : body.results.filter((r) => Date.parse(modifiedAt(r) ?? '') >= stop);
        const records: SourceRecord[] = [];
        const deletedIds: string[] = [];
        for (const r of fresh) {
          c.pendingMax = laterIso(c.pendingMax, modifiedAt(r));
          if (r.status === 'trashed' || r.status === 'deleted') deletedIds.push(String(r.id));
          else records.push(mapContent(r, kind, key, st.wikiBase));
        }
        const next = nextUrl(res.headers.link, body);
        if (next && fresh.length === body.results.length) c.next = next;
        else {
          c.watermark = laterIso(c.watermark, c.pendingMax);
          c.next = null;
          c.pendingMax = null;
        }
        yield { records, deletedIds, state: snapshot() };
        if (!c.next) return;
        path = c.next;
        query = undefined;
      }
    }

    const notFound = (err: unknown) => err instanceof KinexusError && err.code === 'not_found';
    for (const key of keys) {
      const c = st.spaces[key];
      if (!c) continue;
      try {
        yield* readSpace(key, c);
      } catch (err) {
        if (!notFound(err)) throw err;
        delete st.spaces[key];
        // The key may live on under a new id (the space was re-created or restored): ask once more.
        const moved = (await lookUpSpacesAgain(ctx)).found.find((s) => s.key === key && s.id !== c.id);
        if (moved) {
          ctx.log('info', `Confluence space ${key} has a new id (${c.id} → ${moved.id}); reading it again`);
          const fresh: SpaceCursor = { id: moved.id, watermark: null, next: null, pendingMax: null, stopAt: null };
          st.spaces[key] = fresh;
          try {
            yield* readSpace(key, fresh);
            continue;
          } catch (again) {
            if (!notFound(again)) throw again;
            delete st.spaces[key];
          }
        }
        // Deleted, or no longer visible: the key is looked up again next time.
        problems.push(spaceMissing(key));
        yield { records: [], state: snapshot() };
      }
    }
    for (const p of problems) ctx.log('error', p.message);

    const due = st.lastCensusAt === null || now - st.lastCensusAt >= CENSUS_EVERY_MS;
    if (due && problems.length === 0) {
      // What the mirror holds for this stream (the engine counts a batch still being stored).
      const known = new Set(ctx.knownIds?.() ?? []);
      const result = await findDeletedContent(ctx, kind, Object.values(st.spaces).map((s) => s.id), known);
      st.lastCensusAt = now;
      ctx.log('info', `Deletion check: ${result.alive.size} ${kind === 'page' ? 'pages' : 'blog posts'} in Confluence, ${result.deleted.length} gone`, { deleted: result.deleted.length });
      yield { records: [], deletedIds: result.deleted, state: snapshot() };
    }
    if (problems.length > 0) throw problems[0]!;
  };
}

/** Streams of the Confluence connector. */
export const confluenceStreams: StreamSpec<ConfluenceSettings>[] = [
  { name: 'pages', title: 'Pages', kind: 'page', read: readContent('page') },
  { name: 'blogposts', title: 'Blog posts', kind: 'blogpost', read: readContent('blogpost') },
];
