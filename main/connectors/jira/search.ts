/**
 * The one search call: POST /rest/api/3/search/jql (the old /search answers
 * 410 since CHANGE-2046). Paging is by `nextPageToken` until `isLast`.
 */
import { KinexusError } from '../../../shared/errors.ts';
import { atlassianMessage, atlassianRequest } from '../atlassian-http.ts';
import type { ConnectorContext } from '../types.ts';
import type { JiraIssueJson } from './map.ts';
import type { JiraSettings } from './settings.ts';

export type JiraCtx = ConnectorContext<JiraSettings>;

export interface SearchRequest {
  jql: string;
  fields: string[];
  maxResults: number;
  nextPageToken?: string;
}

export interface SearchPage {
  issues: JiraIssueJson[];
  nextPageToken: string | null;
  isLast: boolean;
}

/** A JQL query Jira refused (400), with the project keys it says do not exist. */
export class JqlRejected extends Error {
  constructor(
    readonly messages: string[],
    readonly missingProjects: string[],
  ) {
    super(messages.join('; ') || 'Jira rejected the JQL query');
  }
}

/** Runs one search page; a 400 becomes JqlRejected, everything else a classified error. */
export async function searchPage(ctx: JiraCtx, req: SearchRequest): Promise<SearchPage> {
  const body: Record<string, unknown> = { jql: req.jql, fields: req.fields, maxResults: req.maxResults };
  if (req.nextPageToken) body.nextPageToken = req.nextPageToken;
  const res = await atlassianRequest(ctx.http, 'Jira', { method: 'POST', path: '/rest/api/3/search/jql', json: body }, [400]);
  if (res.status === 400) {
    const parsed = safeJson(res.text) as { errorMessages?: unknown } | undefined;
    const messages = Array.isArray(parsed?.errorMessages) ? parsed!.errorMessages.map(String) : [atlassianMessage(res.text) ?? 'no reason given'];
    const missing = messages.flatMap((m) => [...m.matchAll(/The value '([^']+)' does not exist for the field 'project'/g)].map((x) => x[1]!.toUpperCase()));
    throw new JqlRejected(messages, missing);
  }
  const page = res.json<{ issues?: unknown; nextPageToken?: unknown; isLast?: unknown }>();
  if (!page || !Array.isArray(page.issues)) {
    throw new KinexusError('server', 'Jira answered a search without an issue list.', { action: 'Jira is having trouble; the sync retries by itself' });
  }
  const token = typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : null;
  // Atlassian fixed a bug where the last page had no isLast; trust a missing token too.
  const isLast = page.isLast === true || token === null;
  return { issues: page.issues as JiraIssueJson[], nextPageToken: isLast ? null : token, isLast };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JQL string literal (double quotes, backslash escapes). */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The project clause plus the user's extra filter, parenthesized so its ORs stay inside. */
export function scopeJql(projects: string[], extra: string | undefined): string {
  const p = projects.length === 1 ? `project = ${jqlString(projects[0]!)}` : `project in (${projects.map(jqlString).join(', ')})`;
  return extra ? `${p} AND (${extra})` : p;
}
