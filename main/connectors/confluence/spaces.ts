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

type Lookup = Promise<{ found: SpaceRef[]; missing: string[] }>;

/** A lookup of every configured key made once per sync run under `key` (ctx.run); a failed one is not kept. */
function oncePerRun(ctx: ConfluenceCtx, key: string): Lookup {
  if (!ctx.run) return resolveSpaces(ctx, ctx.settings.spaces);
  const slot = ctx.run.shared(key, () => ({ lookup: null as Lookup | null }));
  if (!slot.lookup) {
    const lookup = resolveSpaces(ctx, ctx.settings.spaces);
    slot.lookup = lookup;
    lookup.catch(() => {
      if (slot.lookup === lookup) slot.lookup = null;
    });
  }
  return slot.lookup;
}

/** The configured keys' ids, looked up once per sync run: the pages and blogposts streams share the answer. */
export function resolveConfiguredSpaces(ctx: ConfluenceCtx): Lookup {
  return oncePerRun(ctx, 'confluence.spaces');
}

/**
 * The configured keys looked up again after a stored space id answered 404
 * (the space was deleted, or re-created or restored under a new id): once per
 * run however many streams and spaces hit it, and never the earlier answer.
 */
export function lookUpSpacesAgain(ctx: ConfluenceCtx): Lookup {
  return oncePerRun(ctx, 'confluence.spaces.again');
}

/** The error for a configured space that Confluence does not show this account. */
export function spaceMissing(key: string): KinexusError {
  return new KinexusError('config', `Confluence space ${key} does not exist, or this account cannot view it.`, { action: `Open the Confluence settings and fix or remove ${key}, or ask a space admin for view access`, field: 'spaces' });
}
