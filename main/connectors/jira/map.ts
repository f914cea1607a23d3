import { adfToText } from '../atlassian-adf.ts';
import type { SourceRecord } from '../types.ts';

interface JiraUserJson {
  accountId?: string;
  displayName?: string;
  emailAddress?: string;
}
export interface JiraCommentJson {
  id: string;
  author?: JiraUserJson | null;
  body?: unknown;
  created?: string;
  updated?: string;
}
export interface JiraIssueJson {
  id: string;
  key?: string;
  fields?: {
    summary?: string;
    description?: unknown;
    status?: { name?: string } | null;
    issuetype?: { name?: string } | null;
    priority?: { name?: string } | null;
    labels?: string[];
    reporter?: JiraUserJson | null;
    creator?: JiraUserJson | null;
    assignee?: JiraUserJson | null;
    created?: string;
    updated?: string;
    project?: { key?: string; name?: string } | null;
    resolution?: { name?: string } | null;
    comment?: { comments?: JiraCommentJson[]; total?: number; maxResults?: number; startAt?: number } | null;
  };
}

/** The fields every mirrored issue is read with (explicit: the default is only `id`). */
export const ISSUE_FIELDS = ['summary', 'description', 'status', 'issuetype', 'priority', 'labels', 'reporter', 'creator', 'assignee', 'created', 'updated', 'project', 'resolution', 'comment'];

/**
 * Epoch ms of a Jira timestamp. Jira writes local time with a "+hhmm" offset
 * (2024-06-10T14:34:56.789+0200), which Date.parse does not read everywhere.
 */
export function jiraEpoch(value: string | undefined | null): number | null {
  if (!value) return null;
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function who(u: JiraUserJson | null | undefined): string | null {
  return u?.displayName ?? u?.emailAddress ?? u?.accountId ?? null;
}

/**
 * An issue as a mirrored record: id = the issue id (stable when an issue moves
 * and its key changes), title = "KEY summary", text = summary, description and
 * comments in plain text. `comments` replaces the embedded (possibly partial) list.
 */
export function mapIssue(issue: JiraIssueJson, siteBase: string | null, comments?: JiraCommentJson[]): SourceRecord {
  const f = issue.fields ?? {};
  const key = issue.key ?? issue.id;
  const allComments = comments ?? f.comment?.comments ?? [];
  const updated = jiraEpoch(f.updated);
  const lines = [
    `${key} ${f.summary ?? ''}`.trim(),
    adfToText(f.description),
    f.labels?.length ? `Labels: ${f.labels.join(', ')}` : '',
    [f.issuetype?.name, f.priority?.name, f.assignee ? `assigned to ${who(f.assignee)}` : ''].filter(Boolean).join(' · '),
    ...allComments.map((c) => `${who(c.author) ?? 'Someone'}: ${adfToText(c.body)}`),
  ];
  const raw = comments ? { ...issue, fields: { ...f, comment: { ...(f.comment ?? {}), comments, startAt: 0, maxResults: comments.length, total: comments.length } } } : issue;
  return {
    externalId: issue.id,
    kind: 'issue',
    title: `${key} ${f.summary ?? ''}`.trim(),
    url: siteBase && issue.key ? `${siteBase}/browse/${issue.key}` : null,
    status: f.status?.name ? (f.resolution?.name && f.resolution.name !== f.status.name ? `${f.status.name} (${f.resolution.name})` : f.status.name) : null,
    author: who(f.reporter) ?? who(f.creator),
    updatedAt: updated === null ? null : new Date(updated).toISOString(),
    text: lines.filter((l) => l && l.trim()).join('\n'),
    container: f.project?.key ?? (issue.key ? issue.key.split('-')[0]! : null),
    raw,
  };
}
