/**
 * Microsoft Graph v1.0, the SharePoint part a sync client uses. Written from
 * learn.microsoft.com (get site by path, list drives, list lists,
 * driveItem: delta, listItem: delta, Graph error responses, throttling):
 *  - GET /v1.0/sites/{hostname}:/{server-relative-path} (also `…:` forms and
 *    /sites/{hostname} for the root site), /sites/{site-id}, /sites/{id}/drives,
 *    /sites/{id}/lists, /drives/{drive-id}/root/delta,
 *    /sites/{id}/lists/{list-id}/items/delta ($expand=fields for field values).
 *  - Delta: pages of changes ordered by change, `@odata.nextLink` while more
 *    are pending, then `@odata.deltaLink` (`?token=…`); links keep $select,
 *    $expand and $top. The initial enumeration lists the current items (the
 *    root folder included) and no old tombstones; later rounds return every
 *    change since the token, deleted items with a `deleted` facet (no name).
 *    `token=latest` answers no items and a fresh deltaLink. A token of an older
 *    generation (state.invalidateDeltaTokens) → 410 Gone, error code
 *    resyncRequired with innerError resyncChangesApplyDifferences, and a
 *    Location header holding a nextLink that starts a fresh enumeration.
 *  - Auth: `Authorization: Bearer` with an access token from the login
 *    emulator; missing/forged/expired/revoked → 401 InvalidAuthenticationToken
 *    with WWW-Authenticate; without Sites.Read(Write).All (or Files.Read.All for
 *    drives) → 403 accessDenied; a site that denies the user → 403 accessDenied.
 *  - Errors: {error: {code, message, innerError: {date, request-id,
 *    client-request-id}}}; unknown segment → 400 BadRequest "Resource not
 *    found for the segment"; unknown $-query option → 400; non-GET → 405.
 *  - Headers: request-id, client-request-id (echoed), x-ms-ags-diagnostic,
 *    OData-Version 4.0, the OData JSON content type.
 *  - Throttling: 429/503 with Retry-After come from the common fault layer
 *    (faults.rateLimitNext) with Graph-shaped bodies.
 *
 * Not emulated: $filter/$orderby (400), deltaExcludeParent, timestamp tokens,
 * content download, permissions/sharing facets, personal OneDrive, /me/drive,
 * a built-in request quota (throttling only when injected).
 *
 * Approximations (exact wording not verified): the messages of the 400 for an
 * unsupported query option or a bad token, of the 404 for an unknown list, and
 * of the 403 for a missing scope; delta page size 200 unless $top says otherwise.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../common/http.ts';
import type { GraphState, SpDrive, SpList, SpSite } from './graph-state.ts';
import { driveJson, itemJson, listItemJson, listJson, siteJson } from './graph-json.ts';
import type { IdentityState, MsUser } from './identity-state.ts';

export const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const WWW_AUTH = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export interface GraphSettings {
  /** Items per delta page when the client gives no $top (SharePoint pages by a few hundred). */
  deltaPageSize: number;
  maxTop: number;
}

interface Ctx {
  req: EmulatorRequest;
  origin: string;
  g: GraphState;
  user: MsUser;
  scopes: string[];
  settings: GraphSettings;
}

class GraphFailure {
  constructor(readonly response: EmulatorResponse) {}
}

function baseHeaders(req: EmulatorRequest, extra: Record<string, string> = {}): Record<string, string> {
  const id = randomUUID();
  return {
    'content-type': GRAPH_CONTENT_TYPE,
    'cache-control': 'no-cache',
    'odata-version': '4.0',
    'request-id': id,
    'client-request-id': req.headers['client-request-id'] ?? id,
    'x-ms-ags-diagnostic': '{"ServerInfo":{"DataCenter":"West Europe","Slice":"E","Ring":"5","ScaleUnit":"003","RoleInstance":"AM2PEPF0000EMU"}}',
    'strict-transport-security': 'max-age=31536000',
    date: new Date().toUTCString(),
    ...extra,
  };
}

/** A Graph error body. */
export function graphErrorBody(code: string, message: string, inner: Record<string, unknown> = {}): Record<string, unknown> {
  const id = randomUUID();
  return { error: { code, message, innerError: { ...inner, date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': id, 'client-request-id': id } } };
}

function fail(req: EmulatorRequest, status: number, code: string, message: string, extra: Record<string, string> = {}, inner: Record<string, unknown> = {}): GraphFailure {
  return new GraphFailure({ status, headers: baseHeaders(req, { 'content-type': 'application/json', ...extra }), body: graphErrorBody(code, message, inner) });
}

const ALLOWED_OPTIONS = new Set(['$select', '$expand', '$top']);

/** Routes one request to the Graph host. */
export function handleGraph(ids: IdentityState, g: GraphState, settings: GraphSettings, origin: string, req: EmulatorRequest): EmulatorResponse {
  try {
    if (req.method !== 'GET') throw fail(req, 405, 'BadRequest', `The HTTP method '${req.method}' is not allowed for this resource.`);
    const m = /^\/(v1\.0|beta)(\/.*)?$/.exec(req.path);
    if (!m) throw fail(req, 400, 'BadRequest', 'Invalid version.');
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    const check = ids.checkAccessToken(bearer);
    if (!check.ok) {
      const message = { empty: 'Access token is empty.', malformed: 'IDX14100: JWT is not well formed, there are no dots (.).', audience: 'Access token validation failure. Invalid audience.', expired: 'Lifetime validation failed, the token is expired.', revoked: 'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp' }[check.reason];
      throw fail(req, 401, 'InvalidAuthenticationToken', message, { 'www-authenticate': WWW_AUTH });
    }
    for (const k of Object.keys(req.query)) {
      if (k.startsWith('$') && !ALLOWED_OPTIONS.has(k.toLowerCase())) throw fail(req, 400, 'BadRequest', `Query option '${k}' is not supported on this resource.`);
    }
    const ctx: Ctx = { req, origin, g, user: check.user, scopes: check.scopes.map((s) => s.toLowerCase()), settings };
    const body = route(ctx, m[2] ?? '/');
    return { status: 200, headers: baseHeaders(req), body };
  } catch (e) {
    if (e instanceof GraphFailure) return e.response;
    throw e;
  }
}

function need(ctx: Ctx, anyOf: string[]): void {
  if (!ctx.scopes.some((s) => anyOf.includes(s))) throw fail(ctx.req, 403, 'accessDenied', 'Either scp or roles claim need to be present in the token with a permission that grants access to this resource.');
}

function route(ctx: Ctx, path: string): unknown {
  let m: RegExpExecArray | null;
  if ((m = /^\/drives\/([^/]+)(\/root\/delta(?:\(\))?)?$/.exec(path))) {
    need(ctx, ['sites.read.all', 'sites.readwrite.all', 'files.read.all']);
    const drive = ctx.g.drives.get(decodeURIComponent(m[1]!));
    if (!drive || !canRead(ctx, ctx.g.sites.get(drive.siteId)!)) throw fail(ctx.req, 404, 'itemNotFound', 'The resource could not be found.');
    return m[2] ? driveDelta(ctx, drive) : { '@odata.context': `${ctx.origin}/v1.0/$metadata#drives/$entity`, ...driveJson(ctx.g, drive) };
  }
  if (!path.startsWith('/sites/')) throw fail(ctx.req, 400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
  need(ctx, ['sites.read.all', 'sites.readwrite.all']);
  const { site, rest } = resolveSite(ctx, path.slice('/sites/'.length));
  if (rest === '') return { '@odata.context': `${ctx.origin}/v1.0/$metadata#sites/$entity`, ...siteJson(ctx.g, site) };
  if (rest === '/drives') return collection(ctx, 'drives', site.driveIds.map((id) => driveJson(ctx.g, ctx.g.drives.get(id)!)));
  if (rest === '/lists') return collection(ctx, `sites('${site.id}')/lists`, site.listIds.map((id) => listJson(ctx.g, ctx.g.lists.get(id)!)));
  if ((m = /^\/lists\/([^/]+)(\/items\/delta(?:\(\))?)?$/.exec(rest))) {
    const key = decodeURIComponent(m[1]!).toLowerCase();
    const list = site.listIds.map((id) => ctx.g.lists.get(id)!).find((l) => l.id === key || l.displayName.toLowerCase() === key);
    if (!list) throw fail(ctx.req, 404, 'itemNotFound', 'The specified list was not found');
    return m[2] ? listDelta(ctx, site, list) : listJson(ctx.g, list);
  }
  throw fail(ctx.req, 400, 'BadRequest', `Resource not found for the segment '${rest.split('/')[1] ?? ''}'.`);
}

function canRead(ctx: Ctx, site: SpSite): boolean {
  return !site.deniedTo.has(ctx.user.oid);
}

/** `{hostname}:/{path}[:/{rest}]`, `{hostname}`, or a composite site id, then the rest of the path. */
function resolveSite(ctx: Ctx, spec: string): { site: SpSite; rest: string } {
  let site: SpSite | undefined;
  let rest = '';
  const colon = spec.indexOf(':');
  if (colon >= 0) {
    const hostname = decodeURIComponent(spec.slice(0, colon));
    let sitePath = spec.slice(colon + 1);
    const sub = sitePath.indexOf(':/');
    if (sub >= 0) {
      rest = sitePath.slice(sub + 1);
      sitePath = sitePath.slice(0, sub);
    } else sitePath = sitePath.replace(/:$/, '');
    site = ctx.g.findSite(hostname, decodeURIComponent(sitePath));
  } else {
    const slash = spec.indexOf('/');
    const head = decodeURIComponent(slash >= 0 ? spec.slice(0, slash) : spec);
    rest = slash >= 0 ? spec.slice(slash) : '';
    site = head.includes(',') ? ctx.g.sites.get(head.toLowerCase()) ?? [...ctx.g.sites.values()].find((s) => s.id.toLowerCase() === head.toLowerCase()) : ctx.g.findSite(head, '');
  }
  if (!site) throw fail(ctx.req, 404, 'itemNotFound', 'Requested site could not be found');
  if (!canRead(ctx, site)) throw fail(ctx.req, 403, 'accessDenied', 'Access denied');
  return { site, rest };
}

function collection(ctx: Ctx, what: string, value: unknown[]): unknown {
  return { '@odata.context': `${ctx.origin}/v1.0/$metadata#${what}`, value: select(ctx, value) };
}

function select(ctx: Ctx, value: unknown[]): unknown[] {
  const sel = ctx.req.query['$select'];
  if (!sel) return value;
  const keep = new Set(['id', '@odata.etag', 'deleted', ...sel.split(',').map((s) => s.trim())]);
  return value.map((v) => Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => keep.has(k))));
}

interface DeltaToken {
  /** drive or list id */
  id: string;
  /** generation */
  e: number;
  /** cursor: changes with seq > c are still to come */
  c: number;
  /** base: tombstones at or before it are left out (initial enumeration) */
  b: number;
}

const encodeToken = (t: DeltaToken) => Buffer.from(JSON.stringify(t)).toString('base64url');

function decodeToken(ctx: Ctx, raw: string, id: string): DeltaToken | 'latest' {
  if (raw === 'latest') return 'latest';
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as DeltaToken;
    if (t.id === id && [t.e, t.c, t.b].every((n) => Number.isInteger(n))) return t;
  } catch {
    // falls through to the error
  }
  throw fail(ctx.req, 400, 'invalidRequest', 'Invalid syncToken or deltaToken.');
}

function pageSize(ctx: Ctx): number {
  const top = ctx.req.query['$top'];
  if (top === undefined) return ctx.settings.deltaPageSize;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1) throw fail(ctx.req, 400, 'BadRequest', `Invalid value '${top}' for query option '$top'.`);
  return Math.min(n, ctx.settings.maxTop);
}

/** Shared delta paging over anything with a change sequence. */
function delta<T extends { seq: number; deleted: boolean }>(ctx: Ctx, target: { id: string; epoch: number }, basePath: string, all: T[], json: (t: T) => unknown, context: string): unknown {
  const link = (t: DeltaToken) => {
    const u = new URL(`${ctx.origin}/v1.0${basePath}`);
    for (const k of ['$select', '$expand', '$top']) if (ctx.req.query[k] !== undefined) u.searchParams.set(k, ctx.req.query[k]!);
    u.searchParams.set('token', encodeToken(t));
    return u.toString();
  };
  const raw = ctx.req.query['token'];
  const tok = raw === undefined ? null : decodeToken(ctx, raw, target.id);
  if (tok === 'latest') return { '@odata.context': context, value: [], '@odata.deltaLink': link({ id: target.id, e: target.epoch, c: ctx.g.seq, b: 0 }) };
  if (tok && tok.e !== target.epoch) {
    const fresh = link({ id: target.id, e: target.epoch, c: 0, b: ctx.g.seq });
    throw fail(ctx.req, 410, 'resyncRequired', "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.", { location: fresh }, { code: 'resyncChangesApplyDifferences' });
  }
  const t: DeltaToken = tok ?? { id: target.id, e: target.epoch, c: 0, b: ctx.g.seq };
  const pending = all.filter((x) => x.seq > t.c && !(x.deleted && x.seq <= t.b)).sort((a, b) => a.seq - b.seq);
  const top = pageSize(ctx);
  const page = pending.slice(0, top);
  const body: Record<string, unknown> = { '@odata.context': context, value: select(ctx, page.map(json)) };
  if (pending.length > top) body['@odata.nextLink'] = link({ ...t, c: page[page.length - 1]!.seq });
  else body['@odata.deltaLink'] = link({ id: target.id, e: target.epoch, c: ctx.g.seq, b: 0 });
  return body;
}

function driveDelta(ctx: Ctx, drive: SpDrive): unknown {
  if (ctx.req.query['$expand'] !== undefined) throw fail(ctx.req, 400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${ctx.req.query['$expand']}' on type 'microsoft.graph.driveItem'.`);
  return delta(ctx, drive, `/drives/${drive.id}/root/delta`, [...drive.items.values()], (it) => itemJson(ctx.g, drive, it), `${ctx.origin}/v1.0/$metadata#Collection(driveItem)`);
}

function listDelta(ctx: Ctx, site: SpSite, list: SpList): unknown {
  const expand = ctx.req.query['$expand'];
  if (expand !== undefined && expand.toLowerCase() !== 'fields') throw fail(ctx.req, 400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${expand}' on type 'microsoft.graph.listItem'.`);
  return delta(ctx, list, `/sites/${site.id}/lists/${list.id}/items/delta`, [...list.items.values()], (it) => listItemJson(ctx.g, list, it, expand !== undefined), `${ctx.origin}/v1.0/$metadata#Collection(listItem)`);
}
