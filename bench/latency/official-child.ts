/**
 * The official clients doing the same listing as our sync, in their own
 * process: @octokit/rest with its paginate plugin over GitHub's issues of
 * acme/api, and jira.js (v5) paging the enhanced JQL search of project ENG
 * with the fields our connector asks for. They only list; they store nothing.
 *
 *   BENCH_OFFICIAL='{"client":"octokit"|"jira.js","url":"…","token":"…","email":"…"}'
 */
import { ISSUE_FIELDS } from '../../main/connectors/jira/map.ts';
import { parent } from '../lib/child.ts';

const spec = JSON.parse(process.env.BENCH_OFFICIAL ?? '{}') as { client: 'octokit' | 'jira.js'; url: string; token: string; email?: string };

async function octokit(): Promise<number> {
  const { Octokit } = await import('@octokit/rest');
  const client = new Octokit({ auth: spec.token, baseUrl: spec.url, userAgent: 'kinexus-bench' });
  const issues = await client.paginate(client.rest.issues.listForRepo, { owner: 'acme', repo: 'api', state: 'all', per_page: 100 });
  return issues.length;
}

async function jiraJs(): Promise<number> {
  const { Version3Client } = await import('jira.js');
  const client = new Version3Client({ host: spec.url, authentication: { basic: { email: spec.email!, apiToken: spec.token } } });
  let n = 0;
  let nextPageToken: string | undefined;
  do {
    const page = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = "ENG" ORDER BY updated ASC, id ASC', fields: ISSUE_FIELDS, maxResults: 100, nextPageToken });
    n += page.issues?.length ?? 0;
    nextPageToken = page.nextPageToken ?? undefined;
  } while (nextPageToken);
  return n;
}

try {
  // Load the client before the clock starts, as the sync child opens its core first.
  if (spec.client === 'octokit') await import('@octokit/rest');
  else await import('jira.js');
  const t0 = performance.now();
  const items = spec.client === 'octokit' ? await octokit() : await jiraJs();
  parent.finish({ ms: performance.now() - t0, items });
} catch (err) {
  parent.fail(err);
}
