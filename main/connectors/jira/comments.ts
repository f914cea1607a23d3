import { atlassianRequest } from '../atlassian-http.ts';
import type { JiraCommentJson, JiraIssueJson } from './map.ts';
import type { JiraCtx } from './search.ts';

const COMMENT_PAGE = 100;

/**
 * All comments of an issue. Search results embed only the first comments
 * (with `total`); the rest come from /issue/{id}/comment, 100 a page.
 * Undefined when the embedded list is already complete.
 */
export async function completeComments(ctx: JiraCtx, issue: JiraIssueJson): Promise<JiraCommentJson[] | undefined> {
  const embedded = issue.fields?.comment;
  const have = embedded?.comments ?? [];
  const total = embedded?.total ?? have.length;
  if (have.length >= total) return undefined;
  const all: JiraCommentJson[] = [];
  for (let startAt = 0; startAt < total; ) {
    const res = await atlassianRequest(ctx.http, 'Jira', { path: `/rest/api/3/issue/${encodeURIComponent(issue.id)}/comment`, query: { startAt, maxResults: COMMENT_PAGE } }, [404]);
    if (res.status === 404) return have; // deleted meanwhile: keep what the search showed
    const page = res.json<{ comments?: JiraCommentJson[]; total?: number }>();
    const got = page.comments ?? [];
    all.push(...got);
    if (got.length === 0) break;
    startAt += got.length;
  }
  return all;
}
