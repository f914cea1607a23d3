/**
 * Deterministic GitHub-shaped issues for the ingest, memory and search
 * benchmarks: realistic field set and size (about 1.5 KB of JSON each) and a
 * varied vocabulary, so the FTS index does real work. Issue n is updated at
 * t0 + n seconds, so every issue has its own second (as GitHub's `since` sees it).
 */

const WORDS = (
  'login timeout crash error build deploy cache token session memory leak render dashboard sync ' +
  'export import upload download report invoice customer account billing payment refund order ' +
  'search index query filter sort page scroll button dialog modal tooltip layout theme dark light ' +
  'mobile desktop tablet browser chrome firefox safari windows linux macos android ios network ' +
  'proxy firewall certificate tls handshake retry backoff latency throughput queue worker thread ' +
  'database migration schema column table index lock deadlock transaction rollback replica shard ' +
  'kubernetes docker container image registry pipeline runner artifact release version tag branch ' +
  'merge conflict review approve comment mention notification email webhook slack teams calendar ' +
  'permission role admin owner member guest invite onboarding signup password reset mfa sso saml ' +
  'oauth scope consent audit log metric trace alert incident outage degraded recovery backup restore ' +
  'typo copy translation locale timezone date currency number format validation required optional ' +
  'accessibility keyboard focus contrast screen reader label heading landmark performance regression'
).split(/\s+/);
const RARE = ['zephyr', 'quokka', 'marzipan', 'obsidian', 'halcyon', 'juniper', 'kestrel', 'lumen', 'nebula', 'saffron'];
const LOGINS = Array.from({ length: 40 }, (_, i) => `dev${i + 1}`);
const LABELS = ['bug', 'enhancement', 'documentation', 'good first issue', 'help wanted', 'performance', 'security', 'ux'];

/** A small fast PRNG (mulberry32), seeded per issue so every run sees the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Words drawn evenly from the list: each word is in about 15 % of the issues,
 * about what a common word of a real tracker ("error", "login") reaches.
 */
function words(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(' ');
}

export interface IssueDataOptions {
  owner: string;
  repo: string;
  /** API origin for the `url` fields. */
  apiOrigin: string;
  /** Epoch ms of issue 1's update time (whole seconds). */
  t0: number;
}

/** The default data set's update time of issue 1 (a fixed past second). */
export const DEFAULT_T0 = Date.parse('2024-01-01T00:00:00Z');

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Update time (epoch ms) of issue n (1-based). */
export function updatedAtOf(n: number, o: Pick<IssueDataOptions, 't0'>): number {
  return o.t0 + (n - 1) * 1000;
}

/** Issue number n (1-based) as GitHub's REST API lists it. */
export function issueJson(n: number, o: IssueDataOptions): Record<string, unknown> {
  const r = rng(n * 2654435761);
  const api = `${o.apiOrigin}/repos/${o.owner}/${o.repo}`;
  const html = `https://github.com/${o.owner}/${o.repo}`;
  const login = LOGINS[n % LOGINS.length];
  const user = { login, id: 1000 + (n % LOGINS.length), node_id: `U_${login}`, avatar_url: `https://avatars.githubusercontent.com/u/${1000 + (n % LOGINS.length)}?v=4`, url: `${o.apiOrigin}/users/${login}`, html_url: `https://github.com/${login}`, type: 'User', site_admin: false };
  const closed = n % 3 === 0;
  const updated = iso(updatedAtOf(n, o));
  const labels = n % 4 === 0 ? [LABELS[n % LABELS.length]] : [];
  const rare = n % 97 === 0 ? ` ${RARE[n % RARE.length]}` : '';
  return {
    url: `${api}/issues/${n}`,
    repository_url: api,
    labels_url: `${api}/issues/${n}/labels{/name}`,
    comments_url: `${api}/issues/${n}/comments`,
    events_url: `${api}/issues/${n}/events`,
    html_url: `${html}/issues/${n}`,
    id: 50_000_000 + n,
    node_id: `I_kwDO${n.toString(36)}`,
    number: n,
    title: `${words(r, 3 + Math.floor(r() * 5))}${rare}`,
    user,
    labels: labels.map((name, i) => ({ id: 700 + i, node_id: `LA_${name}`, url: `${api}/labels/${encodeURIComponent(name)}`, name, color: 'd73a4a', default: true, description: null })),
    state: closed ? 'closed' : 'open',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: n % 7,
    created_at: updated,
    updated_at: updated,
    closed_at: closed ? updated : null,
    author_association: 'CONTRIBUTOR',
    body: `${words(r, 20 + Math.floor(r() * 40))}.\n\nSteps: ${words(r, 8)}.${rare}`,
    state_reason: closed ? 'completed' : null,
  };
}

/** What the search benchmark asks for: common words, rare words, typed prefixes and word pairs. */
export const SEARCH_TERMS = {
  common: ['login', 'timeout', 'deploy', 'cache', 'session', 'invoice', 'browser', 'webhook'],
  rare: RARE,
  prefix: ['dash', 'sync', 'perf', 'acc', 'tim', 'web', 'deadl', 'certif'],
  pairs: ['login timeout', 'cache memory', 'deploy pipeline', 'search index', 'password reset', 'dark theme', 'retry backoff', 'audit log'],
};
