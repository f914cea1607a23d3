/**
 * Site addresses of Atlassian Cloud products, as people paste them: the
 * site root, a page they had open, or the api.atlassian.com gateway base that
 * scoped API tokens require (https://api.atlassian.com/ex/<product>/<cloudId>).
 */
import { z } from 'zod';

export type AtlassianProduct = 'jira' | 'confluence';

const TITLE: Record<AtlassianProduct, string> = { jira: 'Jira', confluence: 'Confluence' };
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * The normalized base URL (no trailing slash) for a pasted site address, or
 * an error sentence saying what to type instead.
 */
export function normalizeSiteUrl(input: string, product: AtlassianProduct): { url: string } | { error: string } {
  const example = product === 'jira' ? 'https://your-team.atlassian.net' : 'https://your-team.atlassian.net';
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return { error: `is not a web address; use your site address, e.g. ${example}` };
  }
  const host = u.hostname.toLowerCase();
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.test(host))) {
    return { error: `must start with https:// (the API token would travel unencrypted otherwise), e.g. ${example}` };
  }
  if (u.username || u.password) return { error: 'must not contain a user name or password; enter the email and API token in their own fields' };
  if (host === 'api.atlassian.com') {
    const m = new RegExp(`^/ex/${product}/([0-9a-f-]{8,})(/|$)`, 'i').exec(u.pathname);
    if (!m) return { error: `on api.atlassian.com must be https://api.atlassian.com/ex/${product}/<cloudId> (the cloud id of your site)` };
    return { url: `${u.origin}/ex/${product}/${m[1]!.toLowerCase()}` };
  }
  if (host.endsWith('.atlassian.net') || host.endsWith('.jira.com')) {
    // Anything after the host (a board, an issue, /wiki/spaces/...) is where the person was, not the API base.
    return { url: u.origin };
  }
  // Other hosts (a proxy in front of the site, a local stand-in): keep the path, minus a product suffix.
  const path = u.pathname.replace(/\/+$/, '').replace(product === 'confluence' ? /\/wiki$/i : /\/jira$/i, '');
  return { url: `${u.origin}${path}` };
}

/** The zod schema of a site URL setting, normalizing what was pasted. */
export function siteUrlSchema(product: AtlassianProduct) {
  return z
    .string({ error: `the ${TITLE[product]} site address is required, e.g. https://your-team.atlassian.net` })
    .trim()
    .min(1, `the ${TITLE[product]} site address is required, e.g. https://your-team.atlassian.net`)
    .transform((value, ctx) => {
      const r = normalizeSiteUrl(value, product);
      if ('error' in r) {
        ctx.addIssue({ code: 'custom', message: r.error });
        return z.NEVER;
      }
      return r.url;
    })
    .describe(`Your ${TITLE[product]} Cloud site, e.g. https://your-team.atlassian.net (or https://api.atlassian.com/ex/${product}/<cloudId> for a scoped API token)`);
}

/** The settings every Atlassian connector starts with: the site address, and the account email its API token pairs with. */
export function atlassianSiteSettings(product: AtlassianProduct) {
  return {
    siteUrl: siteUrlSchema(product),
    email: z.email({ error: 'enter the email address you sign in to Atlassian with, e.g. ana@example.com' }).describe('The email address of your Atlassian account (it pairs with the API token)'),
  };
}

/** Whether the base is the api.atlassian.com gateway (its responses carry no browsable site URL). */
export function isGatewayBase(base: string): boolean {
  return /^https:\/\/api\.atlassian\.com\/ex\//i.test(base);
}

/** Hosts a site's links point at, for opening them in the browser. */
export function siteHosts(base: string, extra: string[] = []): string[] {
  const host = new URL(base).hostname;
  return [...new Set([host, ...extra])];
}
