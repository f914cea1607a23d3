/**
 * The deletion census: trashing makes no new version and purging leaves no
 * trace, so once in a while every space's live content ids are listed (no
 * bodies, 250 a page) and mirrored content that is no longer there is deleted.
 */
import { atlassianRequest } from '../atlassian-http.ts';
import type { ConfluenceCtx } from './spaces.ts';

/** Ids of the live (current or archived) content of one kind in a space. */
async function listIds(ctx: ConfluenceCtx, kind: 'page' | 'blogpost', spaceId: string): Promise<{ ids: Set<string>; pages: number }> {
  const ids = new Set<string>();
  let path: string | null = `/wiki/api/v2/spaces/${encodeURIComponent(spaceId)}/${kind === 'page' ? 'pages' : 'blogposts'}`;
  let query: Record<string, string | number> | undefined = { status: kind === 'page' ? 'current,archived' : 'current', sort: 'id', limit: 250 };
  let pages = 0;
  while (path) {
    const res = await atlassianRequest(ctx.http, 'Confluence', { path, query });
    const body = res.json<{ results?: { id?: unknown }[]; _links?: { next?: string } }>();
    pages++;
    for (const r of body.results ?? []) ids.add(String(r.id));
    const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.link ?? '');
    path = link?.[1] ?? body._links?.next ?? null;
    query = undefined;
  }
  return { ids, pages };
}

/**
 * Known ids that no space lists any more. What a multi-page listing misses is
 * checked by a second listing before it is called deleted (content that
 * changes while a listing pages can slip past a page boundary).
 */
export async function findDeletedContent(ctx: ConfluenceCtx, kind: 'page' | 'blogpost', spaceIds: string[], known: Set<string>): Promise<{ deleted: string[]; alive: Set<string> }> {
  const listAll = async () => {
    const alive = new Set<string>();
    let multiPage = false;
    for (const id of spaceIds) {
      const r = await listIds(ctx, kind, id);
      r.ids.forEach((x) => alive.add(x));
      if (r.pages > 1) multiPage = true;
    }
    return { alive, multiPage };
  };
  const first = await listAll();
  let deleted = [...known].filter((id) => !first.alive.has(id));
  if (deleted.length > 0 && first.multiPage) {
    const second = await listAll();
    deleted = deleted.filter((id) => !second.alive.has(id));
    second.alive.forEach((x) => first.alive.add(x));
  }
  return { deleted, alive: first.alive };
}
