import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { RecordHit } from '../../shared/sync.ts';
import type { Mirror } from './mirror.ts';

/** Most changes put into the prompt; a summary of more is not a summary. */
const MAX_ITEMS = 60;

/** Parses "7d", "48h" or an ISO time into an ISO time; null when it is none of them. */
function parseSince(since: string | undefined, now: Date): string | null {
  const s = (since ?? '7d').trim();
  const rel = /^(\d{1,4})\s*([dh])$/i.exec(s);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (rel[2].toLowerCase() === 'd' ? 86_400_000 : 3_600_000)).toISOString();
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function line(h: RecordHit): string {
  const bits = [h.status, h.updatedAt ? `updated ${h.updatedAt}` : null, h.author ? `by ${h.author}` : null].filter(Boolean).join(', ');
  return `- [${h.source} ${h.kind}] ${h.title}${bits ? ` (${bits})` : ''}${h.url ? ` <${h.url}>` : ''}`;
}

/** Registers `summarize_recent_changes`: the changes to one project, ready for the assistant to summarize. */
export function registerPrompts(server: McpServer, mirror: Mirror, now: () => Date): void {
  server.registerPrompt(
    'summarize_recent_changes',
    {
      title: 'Summarize recent changes for a project',
      description: 'Collects what changed in one project (a repository, Jira project, Confluence space, board …) across all mirrored sources and asks for a short summary.',
      argsSchema: {
        project: z.string().trim().min(1).max(200).describe('Project, repository, space or board name, e.g. acme/api or PROJ'),
        since: z.string().max(40).optional().describe('How far back: 7d, 48h or an ISO time (default 7d)'),
      },
    },
    async ({ project, since }) => {
      const from = parseSince(since, now());
      if (!from) throw new McpError(ErrorCode.InvalidParams, `"${since}" is not a time: use 7d, 48h or an ISO time such as 2025-01-31T09:00:00Z`);
      const needle = project.toLowerCase();
      const [recent, found] = await Promise.all([mirror.list({ updatedSince: from, limit: 1000, offset: 0 }), mirror.search(project, { updatedSince: from, limit: MAX_ITEMS, offset: 0 })]);
      const byId = new Map<number, RecordHit>();
      for (const h of recent.hits) if (h.container?.toLowerCase().includes(needle)) byId.set(h.id, h);
      for (const h of found.hits) if (byId.size < MAX_ITEMS * 2) byId.set(h.id, h);
      const items = [...byId.values()].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '')).slice(0, MAX_ITEMS);
      const body =
        items.length === 0
          ? `Nothing in the Kinexus mirror mentions "${project}" with a change since ${from}. Say so, and suggest checking the integration health (list_integrations) in case a sync is failing.`
          : `Summarize for me what changed in "${project}" since ${from}. Group related items, lead with what needs attention (failures, blocked or reopened work), and keep it short. The changes, newest first:\n\n${items.map(line).join('\n')}${byId.size > items.length ? `\n\n(${byId.size - items.length} more not listed.)` : ''}`;
      return { description: `Recent changes in ${project} since ${from}`, messages: [{ role: 'user', content: { type: 'text', text: body } }] };
    },
  );
}
