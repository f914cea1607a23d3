import { z } from 'zod';
import { KinexusError } from '../../../shared/errors.ts';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { githubRateLimit } from './rate-limit.ts';
import { githubStreams } from './streams.ts';

const STREAMS = ['commits', 'issues', 'pull_requests', 'workflow_runs'] as const;

export const GitHubSettings = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.github.com' })
      .default('https://api.github.com')
      .describe('API base URL. For GitHub Enterprise Server use https://<host>/api/v3'),
    repositories: z
      .array(z.string().trim().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'use owner/name, e.g. octocat/hello-world'))
      .min(1, 'list at least one repository as owner/name')
      .describe('Repositories to mirror, as owner/name'),
    streams: z.array(z.enum(STREAMS)).min(1).optional().describe('What to mirror; all of commits, issues, pull_requests, workflow_runs when left out'),
    branch: z.string().trim().min(1).optional().describe('Branch whose commits are mirrored; the default branch when left out'),
  })
  .strict();
export type GitHubSettings = z.infer<typeof GitHubSettings>;

/** GitHub (github.com or Enterprise Server) through the REST API. */
export const github = defineConnector<GitHubSettings>({
  id: 'github',
  title: 'GitHub',
  description: 'Commits, issues, pull requests and Actions runs of your repositories.',
  settings: GitHubSettings as z.ZodType<GitHubSettings>,
  secretFields: [{ name: 'token', label: 'Personal access token', help: 'A fine-grained or classic token with read access to the repositories (classic: repo scope for private ones).', required: true }],
  http: (settings, secrets) => ({
    title: 'GitHub',
    baseUrl: settings.baseUrl,
    auth: { type: 'bearer', token: secrets.token ?? '' },
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    rateLimit: githubRateLimit,
  }),
  hosts: (settings) => {
    const host = new URL(settings.baseUrl).hostname;
    return host === 'api.github.com' ? ['github.com', 'api.github.com'] : [host];
  },
  testConnection: testGitHub,
  streams: githubStreams,
  enabledStreams: (settings) => settings.streams ?? githubStreams.map((s) => s.name),
});

async function testGitHub(ctx: ConnectorContext<GitHubSettings>): Promise<TestReport> {
  const started = performance.now();
  const me = await ctx.http.get('/user');
  const latencyMs = Math.round(performance.now() - started);
  const user = me.json<{ login: string; name?: string | null }>();
  const scopesHeader = me.headers['x-oauth-scopes'];
  // Fine-grained tokens send no X-OAuth-Scopes header: their access is per repository.
  const scopes = scopesHeader === undefined ? null : scopesHeader.split(',').map((s) => s.trim()).filter(Boolean);
  const reachable = [];
  for (const full of ctx.settings.repositories) {
    try {
      const res = await ctx.http.get(`/repos/${full}`, undefined, { okStatuses: [404] });
      if (res.status === 404) {
        reachable.push({ name: full, ok: false, detail: 'not found, or this token cannot see it' });
      } else {
        const repo = res.json<{ private: boolean; default_branch: string; permissions?: { pull?: boolean } }>();
        reachable.push({ name: full, ok: true, detail: `${repo.private ? 'private' : 'public'}, default branch ${repo.default_branch}` });
      }
    } catch (err) {
      if (err instanceof KinexusError && (err.code === 'permission' || err.code === 'not_found')) {
        reachable.push({ name: full, ok: false, detail: err.message });
      } else throw err;
    }
  }
  return { identity: user.name ? `${user.login} (${user.name})` : user.login, scopes, reachable, latencyMs };
}
