/**
 * JSON shapes of the Jira Cloud REST API v3 (the subset the emulator serves),
 * after developer.atlassian.com/cloud/jira/platform/rest/v3: IssueBean with
 * `fields` filtered by the request, users, projects, comments.
 */
import { jiraTime } from './atlassian-common.ts';
import type { JiraComment, JiraIssue, JiraProject, JiraState, JiraUser } from './state.ts';

export interface ViewCtx {
  origin: string;
  state: JiraState;
  /** Zone the caller's timestamps are written in. */
  timeZone: string;
  /** Whether the caller may see e-mail addresses (the emulator shows them to signed-in users). */
  signedIn: boolean;
}

/** Every field the emulator knows, in Jira's naming. */
export const ALL_FIELDS = ['summary', 'description', 'status', 'issuetype', 'priority', 'labels', 'reporter', 'creator', 'assignee', 'created', 'updated', 'project', 'resolution', 'comment'] as const;
/** `*navigable` leaves out what the issue navigator cannot show as a column (comment). */
const NAVIGABLE = ALL_FIELDS.filter((f) => f !== 'comment');

/** Resolves a `fields` request (ids, *all, *navigable, -exclusions) into the fields to render. */
export function selectFields(requested: string[] | undefined): Set<string> {
  const list = requested && requested.length > 0 ? requested : ['id'];
  const out = new Set<string>();
  for (const f of list) {
    if (f === '*all') ALL_FIELDS.forEach((x) => out.add(x));
    else if (f === '*navigable') NAVIGABLE.forEach((x) => out.add(x));
    else if (!f.startsWith('-')) out.add(f);
  }
  for (const f of list) if (f.startsWith('-')) out.delete(f.slice(1));
  return out;
}

export function userJson(u: JiraUser | undefined, v: ViewCtx) {
  if (!u) return null;
  return {
    self: `${v.origin}/rest/api/3/user?accountId=${u.accountId}`,
    accountId: u.accountId,
    ...(v.signedIn ? { emailAddress: u.email } : {}),
    avatarUrls: { '48x48': `https://avatar-management.example/${u.accountId}/48` },
    displayName: u.displayName,
    active: true,
    timeZone: u.timeZone,
    accountType: 'atlassian',
  };
}

export function projectJson(p: JiraProject, v: ViewCtx) {
  return { self: `${v.origin}/rest/api/3/project/${p.id}`, id: p.id, key: p.key, name: p.name, projectTypeKey: 'software', simplified: false, avatarUrls: {} };
}

export function commentJson(issue: JiraIssue, c: JiraComment, v: ViewCtx) {
  const author = userJson(v.state.users.get(c.authorId), v);
  return {
    self: `${v.origin}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author,
    body: c.body,
    updateAuthor: author,
    created: jiraTime(c.created, v.timeZone),
    updated: jiraTime(c.updated, v.timeZone),
    jsdPublic: true,
  };
}

const STATUS_CATEGORY: Record<string, { id: number; key: string; colorName: string; name: string }> = {
  'To Do': { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  'In Progress': { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  Done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

/** One issue as /search/jql returns it, with only the requested fields. */
export function issueJson(i: JiraIssue, fields: Set<string>, v: ViewCtx, commentLimit: number) {
  const self = `${v.origin}/rest/api/3/issue/${i.id}`;
  const onlyIds = [...fields].every((f) => f === 'id' || f === 'key');
  if (onlyIds) return { id: String(i.id), ...(fields.has('key') ? { key: i.key } : {}) };
  const project = v.state.projects.get(i.projectKey)!;
  const all: Record<string, () => unknown> = {
    summary: () => i.summary,
    description: () => i.description,
    status: () => ({ self: `${v.origin}/rest/api/3/status/1`, name: i.status, id: String(Object.keys(STATUS_CATEGORY).indexOf(i.status) + 1), statusCategory: STATUS_CATEGORY[i.status] ?? STATUS_CATEGORY['To Do'] }),
    issuetype: () => ({ self: `${v.origin}/rest/api/3/issuetype/10001`, id: '10001', name: i.issuetype, subtask: false, hierarchyLevel: 0 }),
    priority: () => ({ self: `${v.origin}/rest/api/3/priority/3`, name: i.priority, id: '3' }),
    labels: () => i.labels,
    reporter: () => userJson(v.state.users.get(i.reporterId), v),
    creator: () => userJson(v.state.users.get(i.reporterId), v),
    assignee: () => (i.assigneeId ? userJson(v.state.users.get(i.assigneeId), v) : null),
    created: () => jiraTime(i.created, v.timeZone),
    updated: () => jiraTime(i.updated, v.timeZone),
    project: () => projectJson(project, v),
    resolution: () => (i.status === 'Done' ? { self: `${v.origin}/rest/api/3/resolution/10000`, id: '10000', name: 'Done' } : null),
    comment: () => ({
      comments: i.comments.slice(0, commentLimit).map((c) => commentJson(i, c, v)),
      self: `${self}/comment`,
      maxResults: commentLimit,
      total: i.comments.length,
      startAt: 0,
    }),
  };
  const out: Record<string, unknown> = {};
  for (const f of fields) if (all[f]) out[f] = all[f]!();
  return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: String(i.id), self, key: i.key, fields: out };
}
