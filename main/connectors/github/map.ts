import type { SourceRecord } from '../types.ts';

interface GhUser {
  login?: string;
}
export interface GhCommit {
  sha: string;
  html_url?: string;
  commit: { message: string; author?: { name?: string; email?: string; date?: string } | null; committer?: { name?: string; date?: string } | null };
  author?: GhUser | null;
}
export interface GhIssue {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  html_url: string;
  user?: GhUser | null;
  labels?: (string | { name?: string })[];
  assignees?: GhUser[] | null;
  updated_at: string;
  pull_request?: unknown;
  draft?: boolean;
  merged_at?: string | null;
}
export interface GhRun {
  id: number;
  name?: string | null;
  display_title?: string;
  run_number: number;
  status: string | null;
  conclusion: string | null;
  head_branch?: string | null;
  event?: string;
  html_url: string;
  actor?: GhUser | null;
  created_at: string;
  updated_at: string;
}

/** A commit as a mirrored record (kind `commit`, id = sha). */
export function mapCommit(repo: string, c: GhCommit): SourceRecord {
  const message = c.commit.message ?? '';
  const author = c.author?.login ?? c.commit.author?.name ?? null;
  return {
    externalId: `${repo}@${c.sha}`,
    kind: 'commit',
    title: message.split('\n', 1)[0] || c.sha.slice(0, 7),
    url: c.html_url ?? null,
    status: null,
    author,
    updatedAt: c.commit.committer?.date ?? c.commit.author?.date ?? null,
    text: [message, c.commit.author?.name, c.sha].filter(Boolean).join('\n'),
    container: repo,
    raw: c,
  };
}

function labelNames(i: GhIssue): string[] {
  return (i.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
}

/** An issue or pull request (kind `issue` / `pull_request`, id = owner/repo#number). */
export function mapIssue(repo: string, i: GhIssue, kind: 'issue' | 'pull_request'): SourceRecord {
  const labels = labelNames(i);
  const status = kind === 'pull_request' ? (i.merged_at ? 'merged' : i.draft && i.state === 'open' ? 'draft' : i.state) : i.state_reason && i.state === 'closed' ? `closed (${i.state_reason})` : i.state;
  return {
    externalId: `${repo}#${i.number}`,
    kind,
    title: `#${i.number} ${i.title}`,
    url: i.html_url,
    status,
    author: i.user?.login ?? null,
    updatedAt: i.updated_at,
    text: [i.title, i.body ?? '', labels.length ? `Labels: ${labels.join(', ')}` : '', (i.assignees ?? []).map((a) => a.login).join(' ')].filter(Boolean).join('\n'),
    container: repo,
    raw: i,
  };
}

/** A GitHub Actions workflow run (kind `workflow_run`). */
export function mapRun(repo: string, r: GhRun): SourceRecord {
  const name = r.name ?? 'workflow';
  return {
    externalId: `${repo}/runs/${r.id}`,
    kind: 'workflow_run',
    title: `${name} #${r.run_number}${r.head_branch ? ` on ${r.head_branch}` : ''}`,
    url: r.html_url,
    status: r.status === 'completed' ? (r.conclusion ?? 'completed') : (r.status ?? 'unknown'),
    author: r.actor?.login ?? null,
    updatedAt: r.updated_at,
    text: [name, r.display_title ?? '', r.head_branch ?? '', r.event ?? '', r.conclusion ?? r.status ?? ''].filter(Boolean).join('\n'),
    container: repo,
    raw: r,
  };
}
