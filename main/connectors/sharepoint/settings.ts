import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const SITE_HINT = 'use host:/path such as contoso.sharepoint.com:/sites/docs, or paste the site URL';

/**
 * A site as Graph addresses it: `host:/server-relative-path`, or just `host`
 * for the root site. A pasted URL (https://contoso.sharepoint.com/sites/docs/…)
 * is reduced to its site.
 */
export function normalizeSite(input: string): string | null {
  const v = input.trim();
  if (/^https?:\/\//i.test(v)) {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return null;
    }
    const site = /^\/(sites|teams|personal)\/[^/]+/i.exec(decodeURIComponent(u.pathname))?.[0];
    return site ? `${u.hostname.toLowerCase()}:${site}` : u.hostname.toLowerCase();
  }
  const m = /^([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::(\/[^:]*))?$/i.exec(v);
  if (!m) return null;
  const path = (m[2] ?? '').replace(/\/+$/, '');
  return path ? `${m[1]!.toLowerCase()}:${path}` : m[1]!.toLowerCase();
}

const Site = z
  .string()
  .trim()
  .min(1, SITE_HINT)
  .transform((v, ctx) => {
    const site = normalizeSite(v);
    if (site === null) {
      ctx.addIssue({ code: 'custom', message: SITE_HINT });
      return z.NEVER;
    }
    return site;
  });

const HttpsOrigin = (example: string) =>
  z
    .url({ protocol: /^https$/, error: `must be an https URL such as ${example}` })
    .transform((u) => u.replace(/\/+$/, ''));

export const SharePointSettings = z
  .object({
    tenantId: z
      .string()
      .trim()
      .refine((v) => GUID.test(v) || DOMAIN.test(v) || v === 'organizations', 'use the Directory (tenant) ID, a GUID, or the tenant domain such as contoso.onmicrosoft.com')
      .describe('Directory (tenant) ID of your Microsoft 365 organisation, or its domain'),
    clientId: z.string().trim().regex(GUID, 'use the Application (client) ID of your app registration, a GUID').describe('Application (client) ID of your app registration (public client, delegated Sites.Read.All)'),
    sites: z.array(Site).min(1, 'list at least one site, e.g. contoso.sharepoint.com:/sites/docs').describe('Sites to mirror, as host:/path (e.g. contoso.sharepoint.com:/sites/docs)'),
    libraries: z.array(z.string().trim().min(1, 'a library name cannot be empty')).min(1).optional().describe('Document libraries to mirror by name (e.g. Documents); all of them when left out'),
    lists: z.array(z.string().trim().min(1, 'a list name cannot be empty')).min(1).optional().describe('Lists to mirror by name; every visible list that is not a library when left out'),
    streams: z.array(z.enum(['documents', 'list_items'])).min(1).optional().describe('What to mirror; documents and list_items when left out'),
    authorityHost: HttpsOrigin('https://login.microsoftonline.com').default('https://login.microsoftonline.com').describe('Microsoft sign-in host; change it only for a national cloud'),
    graphBaseUrl: HttpsOrigin('https://graph.microsoft.com').default('https://graph.microsoft.com').describe('Microsoft Graph host; change it only for a national cloud'),
  })
  .strict();
export type SharePointSettings = z.infer<typeof SharePointSettings>;
