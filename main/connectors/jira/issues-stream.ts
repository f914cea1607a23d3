/**
 * The `issues` stream: every issue of the configured projects, oldest update
 * first, through POST /rest/api/3/search/jql.
 *
 * Paging is a keyset on `updated`, not the nextPageToken: each page is a fresh
 * query `updated >= <epoch ms of the last page's newest issue>` ordered by
 * `updated, id`. A token over a listing that changes while it is read can
 * shift unread issues across a page boundary; a fresh bound cannot, and an
 * issue updated meanwhile only moves further ahead. The issues read at the
 * bound's own millisecond are excluded by id unless edited since, so pages
 * do not overlap (if one of them was deleted meanwhile Jira rejects the id,
 * and that query is repeated without the exclusion). Bounds are epoch
 * milliseconds because minute-format JQL dates are read in the user's time
 * zone and lose the seconds. A page whose issues all share one `updated`
 * millisecond is a tie block: it is read with the token and then checked
 * against an id listing of the same millisecond, so none is lost.
 * The first query of a run reaches back OVERLAP_MS, for issues the search
 * index had not yet shown.
 */
import { KinexusError } from '../../../shared/errors.ts';
import { atlassianRequest } from '../atlassian-http.ts';
import { isGatewayBase } from '../atlassian-site.ts';
import type { Batch, SourceRecord } from '../types.ts';
import { findDeleted, listIssueIds } from './census.ts';
import { completeComments } from './comments.ts';
import { loadIssuesState } from './issues-state.ts';
import { ISSUE_FIELDS, jiraEpoch, mapIssue, type JiraIssueJson } from './map.ts';
import { JqlRejected, scopeJql, searchPage, type JiraCtx, type SearchPage, type SearchRequest } from './search.ts';

const PAGE = 100;
const OVERLAP_MS = 2 * 60_000;
/** How often the deletion census runs. */
export const CENSUS_EVERY_MS = 24 * 60 * 60_000;
const ORDER = ' ORDER BY updated ASC, id ASC';
const TIE_PASSES = 3;

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function missingProject(key: string): KinexusError {
  return new KinexusError('config', `Jira project ${key} does not exist, or this account cannot browse it.`, { action: `Open the Jira settings and fix or remove ${key}, or ask a Jira admin for access to it`, field: 'projects' });
}

function badJql(err: JqlRejected, extra: string | undefined): KinexusError {
  if (extra) return new KinexusError('config', `Jira rejected the extra JQL filter: ${err.message}`, { action: 'Open the Jira settings and fix the JQL filter (test it in Jira\'s issue search first)', field: 'jql' });
  return new KinexusError('internal', `Jira rejected the sync's own query: ${err.message}`, { action: 'Report this with the sync log' });
}

async function siteBaseOf(ctx: JiraCtx): Promise<string | null> {
  if (!isGatewayBase(ctx.settings.siteUrl)) return ctx.settings.siteUrl;
  // The api.atlassian.com gateway is not browsable: serverInfo names the site.
  const res = await atlassianRequest(ctx.http, 'Jira', { path: '/rest/api/3/serverInfo' });
  const base = res.json<{ baseUrl?: string }>().baseUrl;
  return typeof base === 'string' ? base.replace(/\/+$/, '') : null;
}

/** Reads the issues stream from `raw` state; see the file comment for the paging. */
export async function* readIssues(ctx: JiraCtx, raw: unknown): AsyncGenerator<Batch> {
  const { state: st, fresh } = loadIssuesState(raw);
  const extra = ctx.settings.jql;
  const prev = st.scope;
  const origSince = st.since;
  const problems: KinexusError[] = [];
  let projects = [...ctx.settings.projects];
  let yielded = false;
  const now = ctx.now().getTime();
  // `since` holds for a scope that is the same or smaller than the one it was read for.
  const covered = (ps: string[]) => !fresh && (extra ?? null) === prev.jql && ps.every((p) => prev.projects.includes(p));
  const setScope = () => {
    st.scope = { projects: [...projects].sort(), jql: extra ?? null };
    st.since = covered(projects) ? origSince : null;
  };
  if (fresh) st.lastCensusAt = now; // a first full read sees every issue: nothing to census yet
  else if (!sameSet(projects, prev.projects) || (extra ?? null) !== prev.jql) {
    st.lastCensusAt = 0; // what left the scope is removed by a census at the end
    if (!covered(projects)) ctx.log('info', 'The Jira projects or JQL filter changed: reading every issue again');
  }
  setScope();
  st.siteBase ??= await siteBaseOf(ctx);
  let q: number | null = st.since === null ? null : st.since - OVERLAP_MS;
  /** Ids of the issues read with `updated` exactly at the bound `q`. */
  let tail: string[] = [];
  const snapshot = () => structuredClone(st);

  /** A search over the effective projects; projects Jira says do not exist are dropped and reported. */
  const search = async (build: (scope: string) => SearchRequest): Promise<SearchPage> => {
    for (;;) {
      try {
        return await searchPage(ctx, build(scopeJql(projects, extra)));
      } catch (err) {
        if (!(err instanceof JqlRejected)) throw err;
        const gone = err.missingProjects.filter((p) => projects.includes(p));
        if (gone.length === 0 && tail.length > 0) {
          // An issue read at the bound was deleted or moved meanwhile, and Jira refuses unknown ids: overlap instead.
          tail = [];
          continue;
        }
        if (gone.length === 0) throw badJql(err, extra);
        for (const key of gone) {
          const e = missingProject(key);
          ctx.log('error', e.message, { project: key });
          problems.push(e);
        }
        projects = projects.filter((p) => !gone.includes(p));
        if (projects.length === 0) throw problems[0]!;
        if (!yielded) {
          setScope();
          q = st.since === null ? null : st.since - OVERLAP_MS;
        } else st.scope = { projects: [...projects].sort(), jql: extra ?? null };
      }
    }
  };

  /** The page's comments are completed now; the issues are mapped when the engine stores them, while the next page is fetched. */
  const toRecords = async (issues: JiraIssueJson[]): Promise<() => SourceRecord[]> => {
    const comments: Awaited<ReturnType<typeof completeComments>>[] = [];
    for (const issue of issues) comments.push(await completeComments(ctx, issue));
    const base = st.siteBase;
    return () => issues.map((issue, k) => mapIssue(issue, base, comments[k]));
  };

  const updatedOf = (issues: JiraIssueJson[]): number[] =>
    issues.map((i) => {
      const t = jiraEpoch(i.fields?.updated);
      if (t === null) throw new KinexusError('server', `Jira returned issue ${i.key ?? i.id} without a readable update time.`, { action: 'Jira is having trouble; the sync retries by itself' });
      return t;
    });

  /** Every issue updated at exactly `t`, when there are more than a page of them. */
  async function* tieBlock(t: number): AsyncGenerator<Batch> {
    const jql = (scope: string) => `${scope} AND updated >= ${t} AND updated <= ${t} ORDER BY id ASC`;
    const read = new Set<string>();
    for (let pass = 1; ; pass++) {
      let token: string | undefined;
      do {
        const page = await search((scope) => ({ jql: jql(scope), fields: ISSUE_FIELDS, maxResults: PAGE, nextPageToken: token }));
        const records = await toRecords(page.issues);
        for (const i of page.issues) read.add(String(i.id));
        st.since = Math.max(st.since ?? t, t);
        yielded = true;
        yield { records, state: snapshot() };
        token = page.nextPageToken ?? undefined;
      } while (token);
      const listed = await listIssueIds(ctx, jql(scopeJql(projects, extra)));
      const missing = [...listed.ids].filter((id) => !read.has(id));
      if (missing.length === 0) break;
      if (pass >= TIE_PASSES) {
        throw new KinexusError('server', `Jira kept changing ${missing.length} issues updated at the same moment while they were read.`, { action: 'Nothing to do: the next sync reads them again' });
      }
      ctx.log('info', `${missing.length} issues moved while a page of same-time updates was read; reading them again`);
    }
    st.since = t + 1;
  }

  let token: string | undefined;
  let lastMax = -Infinity;
  for (;;) {
    // The issues already read at the bound itself are left out, unless edited since, so pages do not overlap.
    const skip = () => (tail.length === 0 ? '' : ` AND NOT (updated <= ${q} AND id IN (${tail.join(', ')}))`);
    const bound = () => (q === null ? '' : ` AND updated >= ${q}${skip()}`);
    const page = await search((scope) => ({ jql: `${scope}${bound()}${ORDER}`, fields: ISSUE_FIELDS, maxResults: PAGE, nextPageToken: token }));
    if (page.issues.length === 0) break;
    const times = updatedOf(page.issues);
    const minU = Math.min(...times);
    const maxU = Math.max(...times);
    if (!page.isLast && minU === maxU && token === undefined) {
      yield* tieBlock(maxU);
      q = maxU + 1;
      tail = [];
      lastMax = maxU;
      continue;
    }
    const records = await toRecords(page.issues);
    st.since = Math.max(st.since ?? maxU, maxU);
    yielded = true;
    yield { records, state: snapshot() };
    if (page.isLast) break;
    if (maxU > lastMax) {
      q = maxU;
      tail = page.issues.filter((_, k) => times[k] === maxU).map((i) => String(i.id));
      token = undefined;
    } else {
      // No progress: the bound was not applied to the millisecond. Page on within this query instead of asking again.
      token = page.nextPageToken ?? undefined;
      if (!token) break;
    }
    lastMax = Math.max(lastMax, maxU);
  }

  const censusDue = st.lastCensusAt === null || now - st.lastCensusAt >= CENSUS_EVERY_MS;
  if (censusDue && problems.length === 0) {
    const result = await findDeleted(ctx, projects);
    if (result) {
      st.lastCensusAt = now;
      ctx.log('info', `Deletion check: ${result.alive.size} issues in Jira, ${result.deleted.length} gone`, { deleted: result.deleted.length });
      yield { records: [], deletedIds: result.deleted, state: snapshot() };
    }
  }
  if (problems.length > 0) throw problems[0]!;
}
