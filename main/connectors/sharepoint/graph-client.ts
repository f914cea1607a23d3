import { KinexusError } from '../../../shared/errors.ts';
import { vendorMessage } from '../../http/classify.ts';
import type { HttpClient, HttpResponse } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { GraphAuth, signInAgain } from './auth.ts';
import type { SharePointSettings } from './settings.ts';

type Ctx = ConnectorContext<SharePointSettings>;

export interface GraphSite {
  id: string;
  displayName?: string;
  name?: string;
  webUrl: string;
}

export interface GraphDrive {
  id: string;
  name: string;
  webUrl: string;
  driveType?: string;
}

export interface GraphList {
  id: string;
  name: string;
  displayName: string;
  webUrl: string;
  list?: { hidden?: boolean; template?: string };
}

/** A configured site as resolved by Graph, with the setting it came from. */
export interface ResolvedSite extends GraphSite {
  spec: string;
  title: string;
}

/**
 * Microsoft Graph for one sync (shared by its streams): bearer tokens from
 * the sign-in, one retry with a fresh token after a 401, and site lookups
 * made once per run.
 */
export class Graph {
  private readonly sites = new Map<string, Promise<ResolvedSite>>();

  constructor(
    readonly auth: GraphAuth,
    private readonly http: HttpClient,
  ) {}

  /** GET a Graph path (relative to /v1.0) or an absolute nextLink/deltaLink. */
  async get(ctx: Ctx, path: string, okStatuses: number[] = []): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.auth.token(attempt > 1);
      const res = await this.http.request({ path, headers: { authorization: `Bearer ${token}` }, okStatuses: [401, ...okStatuses] });
      if (res.status !== 401) return res;
      const why = vendorMessage(res.text) ?? 'the access token was rejected';
      if (attempt === 1) {
        ctx.log('info', `Microsoft Graph answered 401 (${why}); getting a new access token`);
        continue;
      }
      throw new KinexusError('auth', `Microsoft Graph rejected the SharePoint sign-in (401 ${why}).`, { action: signInAgain(ctx) });
    }
  }

  /** Every value of a Graph collection, following @odata.nextLink. */
  async all<T>(ctx: Ctx, path: string): Promise<T[]> {
    const out: T[] = [];
    for (let next: string | undefined = path; next; ) {
      const body: { value?: T[]; '@odata.nextLink'?: string } = (await this.get(ctx, next)).json();
      if (!Array.isArray(body?.value)) throw new KinexusError('server', `Microsoft Graph answered ${pathOf(next)} without a list of values.`, { action: 'SharePoint is having trouble; the sync retries by itself' });
      out.push(...body.value);
      next = body['@odata.nextLink'];
    }
    return out;
  }

  /** Resolves a configured site (`host:/path` or `host`) once per run; failures name the site. */
  site(ctx: Ctx, spec: string): Promise<ResolvedSite> {
    let p = this.sites.get(spec);
    if (!p) {
      p = this.resolve(ctx, spec);
      this.sites.set(spec, p);
    }
    return p;
  }

  private async resolve(ctx: Ctx, spec: string): Promise<ResolvedSite> {
    const colon = spec.indexOf(':');
    const path = colon < 0 ? `/sites/${spec}` : `/sites/${spec.slice(0, colon)}:${encodeURI(spec.slice(colon + 1))}`;
    try {
      const site = (await this.get(ctx, path)).json<GraphSite>();
      return { ...site, spec, title: site.displayName || site.name || spec };
    } catch (err) {
      if (err instanceof KinexusError && err.code === 'not_found') {
        throw new KinexusError('config', `SharePoint site ${spec} was not found.`, { action: `Open the SharePoint settings and fix or remove ${spec}` });
      }
      if (err instanceof KinexusError && err.code === 'permission') {
        throw new KinexusError('permission', `The signed-in account may not read the SharePoint site ${spec} (${err.message}).`, { action: `Ask for read access to ${spec}, or remove it from the settings` });
      }
      throw err;
    }
  }
}

/** Sessions per sync run: the streams of one run share one sign-in and one site lookup. */
const sessions = new WeakMap<HttpClient, Graph>();

/** The Graph session of this run (or connection test). */
export function graphFor(ctx: Ctx): Graph {
  let g = sessions.get(ctx.http);
  if (!g) {
    g = new Graph(new GraphAuth(ctx), ctx.http);
    sessions.set(ctx.http, g);
  }
  return g;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
