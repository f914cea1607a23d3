import { KinexusError } from '../../../shared/errors.ts';
import { atlassianRequest } from '../atlassian-http.ts';
import type { ConnectorContext } from '../types.ts';
import type { ConfluenceSettings } from './settings.ts';

export type ConfluenceCtx = ConnectorContext<ConfluenceSettings>;

export interface SpaceRef {
  id: string;
  key: string;
  name: string;
}

/**
 * Space keys → ids through GET /wiki/api/v2/spaces?keys=… (one request for up
 * to 250 keys). Keys Confluence does not list are unknown or not visible.
 */
export async function resolveSpaces(ctx: ConfluenceCtx, keys: string[]): Promise<{ found: SpaceRef[]; missing: string[] }> {
  const found: SpaceRef[] = [];
  for (let k = 0; k < keys.length; k += 250) {
    const chunk = keys.slice(k, k + 250);
    let path: string | null = '/wiki/api/v2/spaces';
    let query: Record<string, string | number> | undefined = { keys: chunk.join(','), limit: 250 };
    while (path) {
      const res = await atlassianRequest(ctx.http, 'Confluence', { path, query });
      const body = res.json<{ results?: { id?: unknown; key?: unknown; name?: unknown }[]; _links?: { next?: string } }>();
      if (!body || !Array.isArray(body.results)) throw new KinexusError('server', 'Confluence answered the space lookup without a result list.', { action: 'Confluence is having trouble; the sync retries by itself' });
      for (const s of body.results) if (typeof s.key === 'string') found.push({ id: String(s.id), key: s.key, name: String(s.name ?? s.key) });
      path = body._links?.next ?? null;
      query = undefined;
    }
  }
  return { found, missing: keys.filter((k) => !found.some((s) => s.key === k)) };
}

/** The error for a configured space that Confluence does not show this account. */
export function spaceMissing(key: string): KinexusError {
  return new KinexusError('config', `Confluence space ${key} does not exist, or this account cannot view it.`, { action: `Open the Confluence settings and fix or remove ${key}, or ask a space admin for view access`, field: 'spaces' });
}
