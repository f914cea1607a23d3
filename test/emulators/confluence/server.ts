/**
 * Confluence Cloud REST API emulator (v2, plus the v1 current-user call) for
 * connector tests, written from developer.atlassian.com/cloud/confluence/rest/v2;
 * strict on purpose.
 *
 * Emulated:
 *  - GET /wiki/rest/api/user/current (v1; v2 has no "who am I").
 *  - GET /wiki/api/v2/spaces (keys, ids — comma-separated or repeated —,
 *    limit, cursor), GET /wiki/api/v2/spaces/{id},
 *    GET /wiki/api/v2/spaces/{id}/pages (depth all|root, sort id|created-date|
 *    modified-date|title with "-" for descending, status current|archived|
 *    deleted|trashed — default current+archived —, title, body-format
 *    storage|atlas_doc_format, cursor, limit 1–250, default 25),
 *    GET /wiki/api/v2/spaces/{id}/blogposts (same, status current|deleted|
 *    trashed, default current; no title sort), GET /wiki/api/v2/pages/{id}.
 *    The same under the api.atlassian.com gateway prefix /ex/confluence/{cloudId}.
 *  - Paging: opaque cursor, a keyset on the sort key and id, in the `next` URL
 *    of the Link header (`</wiki/api/v2/…&cursor=…>; rel="next", <site/wiki>;
 *    rel="base"`) and of `_links.next`; no next on the last page.
 *  - Errors in v2's shape `{errors: [{status, code, title, detail}]}`: bad
 *    parameter values 400 INVALID_REQUEST_PARAMETER, an invisible or unknown
 *    space or page 404 NOT_FOUND, other methods 405. Unknown v2 paths 404;
 *    unknown v1 paths the JAX-RS "null for uri" 404 (JSON or XML by Accept);
 *    paths outside /wiki the site's HTML 404.
 *  - Auth: Basic email:API-token. A rejected pair, or none, gets Confluence's
 *    403 `{"statusCode":403,"message":"…StacklessResponseStatusException: 403
 *    FORBIDDEN \"Request rejected because caller cannot access Confluence\""}`;
 *    an unreadable Basic value 401. Spaces are visible to their members only.
 *  - Trashing keeps the version (and so the modified date); purging removes.
 *  - Faults from ../common plus `faults.atlassianRateLimit()`.
 *
 * Not emulated: writes, v1 content APIs, CQL search, labels, children,
 * attachments, ADF bodies (atlas_doc_format is accepted and answered empty),
 * space permissions beyond membership, users-bulk.
 * Approximations: the 400 titles, limits above 250 being cut rather than refused,
 * the default order without sort (id ascending), the 403 on v2 paths (measured on v1).
 */
import { startEmulator } from '../common/emulator.ts';
import type { EmulatorRequest, EmulatorResponse } from '../common/http.ts';
import { RequestLog } from '../common/log.ts';
import { AtlassianFaults, parseBasic } from '../jira/atlassian-common.ts';
import { ConfluenceState, type ConfContent, type ConfSettings, type ConfSpace, type ConfUser } from './state.ts';

export * from './state.ts';

export interface ConfluenceEmulator {
  /** `http://127.0.0.1:<port>`: use as the site URL. */
  url: string;
  state: ConfluenceState;
  faults: AtlassianFaults;
  requests: RequestLog;
  close(): Promise<void>;
}

const FORBIDDEN = { statusCode: 403, message: 'com.atlassian.confluence.mvc.rest.common.exception.StacklessResponseStatusException: 403 FORBIDDEN "Request rejected because caller cannot access Confluence"' };
const PAGE_SORTS = ['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date', 'title', '-title'];
const POST_SORTS = ['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date'];

class Failure {
  constructor(readonly response: EmulatorResponse) {}
}

function v2Error(status: number, code: string, title: string): Failure {
  return new Failure({ status, headers: { 'content-type': 'application/json' }, body: { errors: [{ status, code, title, detail: null }] } });
}

function badParam(name: string, value: string, expected: string): Failure {
  return v2Error(400, 'INVALID_REQUEST_PARAMETER', `Provided value {${value}} for '${name}' is not the correct type. Expected type is ${expected}`);
}

/** Starts the emulator on 127.0.0.1 (ephemeral port). Stop it with `close()`. */
export async function startConfluenceEmulator(opts: { now?: number; clock?: 'frozen' | 'real'; settings?: Partial<ConfSettings> } = {}): Promise<ConfluenceEmulator> {
  const state = new ConfluenceState(opts);
  const faults = new AtlassianFaults(() => state.now, (status, message) => ({ errors: [{ status, code: status === 429 ? 'TOO_MANY_REQUESTS' : 'SERVER_ERROR', title: message, detail: null }] }));
  const requests = new RequestLog();
  let origin = '';

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const base = { server: 'AtlassianEdge', 'x-arequestid': `${req.seq.toString(16)}a1b2c3` };
    let path = req.path;
    const gw = /^\/ex\/confluence\/([^/]+)(\/.*)?$/.exec(path);
    if (gw) {
      if (gw[1] !== state.settings.cloudId) return { status: 404, headers: { ...base, 'content-type': 'application/json' }, body: { code: 404, message: 'Not Found' } };
      path = gw[2] ?? '/';
    }
    if (!(path === '/wiki' || path.startsWith('/wiki/'))) {
      return { status: 404, headers: { ...base, 'content-type': 'text/html;charset=UTF-8' }, body: '<!DOCTYPE html><html><head><title>Not Found</title></head><body><p>This page could not be found.</p></body></html>' };
    }
    const cred = parseBasic(req.headers['authorization']);
    if (cred.kind === 'unreadable') return { status: 401, headers: { ...base, 'content-type': 'text/html;charset=utf-8', 'www-authenticate': `OAuth realm="${encodeURIComponent(`${origin}/wiki`)}"` }, body: '<html><head><title>HTTP Status 401 - Unauthorized</title></head><body></body></html>' };
    const user = cred.kind === 'pair' ? state.authenticate(cred.user, cred.password) : undefined;
    if (!user) return { status: 403, headers: { ...base, 'content-type': 'application/json' }, body: FORBIDDEN };
    const withBase = (r: EmulatorResponse): EmulatorResponse => ({ ...r, headers: { ...base, 'content-type': 'application/json', ...r.headers } });
    try {
      return withBase(route(req, path, user));
    } catch (e) {
      if (e instanceof Failure) return withBase(e.response);
      throw e;
    }
  };

  function route(req: EmulatorRequest, path: string, user: ConfUser): EmulatorResponse {
    const get = req.method === 'GET' || req.method === 'HEAD';
    const notAllowed = () => v2Error(405, 'METHOD_NOT_ALLOWED', `org.springframework.web.HttpRequestMethodNotSupportedException: Request method '${req.method}' not supported`);
    if (path === '/wiki/rest/api/user/current') {
      if (!get) throw notAllowed();
      return { status: 200, body: { type: 'known', accountId: user.accountId, accountType: 'atlassian', email: user.email, publicName: user.displayName, displayName: user.displayName, isExternalCollaborator: false, _links: { base: `${origin}/wiki`, context: '/wiki' } } };
    }
    if (path.startsWith('/wiki/rest/')) {
      const message = `null for uri: ${origin}${req.pathAndQuery}`;
      if (/application\/json/.test(req.headers['accept'] ?? '')) return { status: 404, body: { message, 'status-code': 404 } };
      return { status: 404, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><status><status-code>404</status-code><message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</message></status>` };
    }
    let m: RegExpExecArray | null;
    if (path === '/wiki/api/v2/spaces') {
      if (!get) throw notAllowed();
      return listSpaces(req, user);
    }
    if ((m = /^\/wiki\/api\/v2\/spaces\/([^/]+)$/.exec(path))) {
      if (!get) throw notAllowed();
      return { status: 200, body: spaceJson(visibleSpace(m[1]!, user)) };
    }
    if ((m = /^\/wiki\/api\/v2\/spaces\/([^/]+)\/(pages|blogposts)$/.exec(path))) {
      if (!get) throw notAllowed();
      return listContent(req, visibleSpace(m[1]!, user), m[2] === 'pages' ? 'page' : 'blogpost');
    }
    if ((m = /^\/wiki\/api\/v2\/pages\/([^/]+)$/.exec(path))) {
      if (!get) throw notAllowed();
      const c = state.content.get(m[1]!);
      const space = c ? state.spaces.get(c.spaceKey) : undefined;
      if (!c || c.type !== 'page' || !space || !state.canView(space, user.accountId) || c.status === 'trashed') throw v2Error(404, 'NOT_FOUND', 'Not Found');
      return { status: 200, body: contentJson(c, req.url.searchParams.get('body-format')) };
    }
    throw v2Error(404, 'NOT_FOUND', 'Not Found');
  }

  function visibleSpace(id: string, user: ConfUser): ConfSpace {
    if (!/^\d+$/.test(id)) throw badParam('id', id, 'long');
    const s = [...state.spaces.values()].find((x) => x.id === id);
    if (!s || !state.canView(s, user.accountId)) throw v2Error(404, 'NOT_FOUND', 'Not Found');
    return s;
  }

  function limitOf(q: URLSearchParams): number {
    const raw = q.get('limit');
    if (raw === null) return 25;
    if (!/^\d+$/.test(raw.trim())) throw badParam('limit', raw, 'int');
    const n = Number(raw);
    if (n < 1) throw v2Error(400, 'INVALID_REQUEST_PARAMETER', "'limit' must be greater than or equal to 1");
    return Math.min(n, state.settings.maxLimit);
  }

  function listOf(q: URLSearchParams, name: string): string[] {
    return q.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  }

  function paginate<T>(req: EmulatorRequest, items: T[], key: (t: T) => (string | number)[], cmp: (a: (string | number)[], b: (string | number)[]) => number, toJson: (t: T) => unknown): EmulatorResponse {
    const q = req.url.searchParams;
    const limit = limitOf(q);
    const binding = [...q.entries()].filter(([k]) => k !== 'cursor' && k !== 'limit').map(([k, v]) => `${k}=${v}`).sort().join('&') + req.path;
    let start = 0;
    const cursor = q.get('cursor');
    if (cursor !== null) {
      let after: { b: string; k: (string | number)[] } | null = null;
      try {
        after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        after = null;
      }
      if (!after || after.b !== binding || !Array.isArray(after.k)) throw v2Error(400, 'INVALID_REQUEST_PARAMETER', 'Invalid cursor');
      start = items.findIndex((t) => cmp(key(t), after!.k) > 0);
      if (start < 0) start = items.length;
    }
    const page = items.slice(start, start + limit);
    const links: Record<string, string> = { base: `${origin}/wiki` };
    const headers: Record<string, string> = {};
    if (start + limit < items.length && page.length > 0) {
      const nextQ = new URLSearchParams(q);
      nextQ.set('cursor', Buffer.from(JSON.stringify({ b: binding, k: key(page[page.length - 1]!) })).toString('base64url'));
      const next = `${req.path.replace(/^\/ex\/confluence\/[^/]+/, '')}?${nextQ.toString()}`;
      links.next = next;
      headers.link = `<${next}>; rel="next", <${origin}/wiki>; rel="base"`;
    }
    return { status: 200, headers, body: { results: page.map(toJson), _links: links } };
  }

  function listSpaces(req: EmulatorRequest, user: ConfUser): EmulatorResponse {
    const q = req.url.searchParams;
    const keys = listOf(q, 'keys');
    const ids = listOf(q, 'ids');
    for (const id of ids) if (!/^\d+$/.test(id)) throw badParam('ids', id, 'long');
    const spaces = [...state.spaces.values()]
      .filter((s) => state.canView(s, user.accountId) && (keys.length === 0 || keys.includes(s.key)) && (ids.length === 0 || ids.includes(s.id)))
      .sort((a, b) => Number(a.id) - Number(b.id));
    return paginate(req, spaces, (s) => [Number(s.id)], (a, b) => Number(a[0]) - Number(b[0]), spaceJson);
  }

  function listContent(req: EmulatorRequest, space: ConfSpace, type: 'page' | 'blogpost'): EmulatorResponse {
    const q = req.url.searchParams;
    const sort = q.get('sort') ?? '';
    if (sort && !(type === 'page' ? PAGE_SORTS : POST_SORTS).includes(sort)) throw badParam('sort', sort, type === 'page' ? 'PageSortOrder' : 'BlogPostSortOrder');
    const allowed = type === 'page' ? ['current', 'archived', 'deleted', 'trashed'] : ['current', 'deleted', 'trashed'];
    const statuses = listOf(q, 'status');
    for (const s of statuses) if (!allowed.includes(s)) throw badParam('status', s, type === 'page' ? 'PageStatusInSpace' : 'BlogPostStatusInSpace');
    const want = statuses.length ? statuses : type === 'page' ? ['current', 'archived'] : ['current'];
    const format = q.get('body-format');
    if (format !== null && !['storage', 'atlas_doc_format'].includes(format)) throw badParam('body-format', format, 'PrimaryBodyRepresentation');
    const depth = q.get('depth');
    if (type === 'page' && depth !== null && !['all', 'root'].includes(depth)) throw badParam('depth', depth, 'PageDepth');
    const title = q.get('title');
    const items = [...state.content.values()].filter((c) => c.type === type && c.spaceKey === space.key && want.includes(c.status) && (title === null || c.title === title) && (depth !== 'root' || c.parentId === null));
    const field = sort.replace(/^-/, '') || 'id';
    const desc = sort.startsWith('-');
    const key = (c: ConfContent): (string | number)[] => [field === 'modified-date' ? c.version.createdAt : field === 'created-date' ? c.createdAt : field === 'title' ? c.title : Number(c.id), Number(c.id)];
    const cmp = (a: (string | number)[], b: (string | number)[]) => {
      const x = typeof a[0] === 'number' && typeof b[0] === 'number' ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]));
      const primary = x !== 0 ? x : Number(a[1]) - Number(b[1]);
      return desc ? -primary : primary;
    };
    items.sort((a, b) => cmp(key(a), key(b)));
    return paginate(req, items, key, cmp, (c) => contentJson(c, format));
  }

  function spaceJson(s: ConfSpace) {
    return { id: s.id, key: s.key, name: s.name, type: 'global', status: 'current', authorId: [...state.users.keys()][0] ?? null, createdAt: new Date(s.createdAt).toISOString(), homepageId: s.homepageId, spaceOwnerId: null, currentActiveAlias: s.key, description: null, icon: null, _links: { webui: `/spaces/${s.key}` } };
  }

  function contentJson(c: ConfContent, format: string | null) {
    const space = state.spaces.get(c.spaceKey)!;
    const slug = encodeURIComponent(c.title.replace(/\s+/g, '+'));
    const d = new Date(c.createdAt);
    const webui = c.type === 'page' ? `/spaces/${space.key}/pages/${c.id}/${slug}` : `/spaces/${space.key}/blog/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${c.id}/${slug}`;
    return {
      id: c.id,
      status: c.status,
      title: c.title,
      spaceId: space.id,
      ...(c.type === 'page' ? { parentId: c.parentId, parentType: c.parentId ? 'page' : null, position: 0, ownerId: c.authorId, lastOwnerId: null } : {}),
      authorId: c.authorId,
      createdAt: new Date(c.createdAt).toISOString(),
      version: { number: c.version.number, message: c.version.message, minorEdit: c.version.minorEdit, authorId: c.version.authorId, createdAt: new Date(c.version.createdAt).toISOString() },
      body: format === 'storage' ? { storage: { representation: 'storage', value: c.body } } : format === 'atlas_doc_format' ? { atlas_doc_format: { representation: 'atlas_doc_format', value: '{"type":"doc","version":1,"content":[]}' } } : {},
      _links: { webui, editui: `/pages/resumedraft.action?draftId=${c.id}`, tinyui: `/x/${Buffer.from(c.id).toString('base64url')}` },
    };
  }

  const running = await startEmulator({ handler, faults, log: requests, onListening: (url) => (origin = url) });
  return { url: running.url, state, faults, requests, close: running.close };
}

