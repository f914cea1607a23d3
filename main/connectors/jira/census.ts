/**
 * The deletion census: Jira search never lists what was deleted, so once in a
 * while the ids of every issue in scope are listed (fields=id, 5000 a page)
 * and mirrored issues that are no longer there are marked deleted.
 */
import { scopeJql, searchPage, JqlRejected, type JiraCtx } from './search.ts';

/** Largest page Jira serves when only ids are asked for. */
export const ID_PAGE = 5000;

/** All issue ids a JQL query matches, and how many pages that took. */
export async function listIssueIds(ctx: JiraCtx, jql: string): Promise<{ ids: Set<string>; pages: number }> {
  const ids = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await searchPage(ctx, { jql, fields: ['id'], maxResults: ID_PAGE, nextPageToken: token });
    pages++;
    for (const i of page.issues) ids.add(String(i.id));
    token = page.nextPageToken ?? undefined;
  } while (token);
  return { ids, pages };
}

/**
 * Ids that are gone: ids the mirror holds for the stream (ctx.knownIds) that
 * no project listing has. Null when a project could not be listed (deleting
 * its issues on a failed listing would empty the mirror); an anonymous answer
 * never gets here (atlassianRequest makes it an auth error). A listing of
 * several pages can skip ids when issues change while it pages, so what looks
 * deleted is checked by a second listing.
 */
export async function findDeleted(ctx: JiraCtx, projects: string[]): Promise<{ deleted: string[]; alive: Set<string> } | null> {
  // The mirror's ids as the census starts (the engine counts a batch it is still storing).
  const known = ctx.knownIds?.() ?? [];
  const listAll = async () => {
    const alive = new Set<string>();
    let multiPage = false;
    for (const p of projects) {
      const r = await listIssueIds(ctx, `${scopeJql([p], ctx.settings.jql)} ORDER BY id ASC`);
      for (const id of r.ids) alive.add(id);
      if (r.pages > 1) multiPage = true;
    }
    return { alive, multiPage };
  };
  try {
    const first = await listAll();
    let deleted = known.filter((id) => !first.alive.has(id));
    if (deleted.length > 0 && first.multiPage) {
      const second = await listAll();
      deleted = deleted.filter((id) => !second.alive.has(id));
      for (const id of second.alive) first.alive.add(id);
    }
    return { deleted, alive: first.alive };
  } catch (err) {
    if (err instanceof JqlRejected) {
      ctx.log('warn', `Deletion check skipped: Jira refused the listing (${err.message})`);
      return null;
    }
    throw err;
  }
}
