/**
 * Jira Cloud REST API v3 emulator for connector tests, written from
 * developer.atlassian.com/cloud/jira/platform/rest/v3 and Atlassian's
 * changelog; strict on purpose.
 *
 * Emulated:
 *  - GET /rest/api/3/myself, GET /rest/api/3/serverInfo,
 *    GET /rest/api/3/project/{idOrKey} (404 "No project could be found with key 'X'."),
 *    GET|POST /rest/api/3/search/jql, GET /rest/api/3/issue/{idOrKey}/comment.
 *    The same under the api.atlassian.com gateway prefix /ex/jira/{cloudId}.
 *  - Removed: GET|POST /rest/api/{2,3}/search answer 410 with Atlassian's
 *    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API…" (CHANGE-2046).
 *  - Unknown paths under /rest: 404 RFC 7807 "No endpoint GET /rest/…"; a
 *    method a route does not take: 405 RFC 7807 with Allow; paths outside
 *    /rest: the site's HTML "dead link" page.
 *  - Auth: Basic email:API-token. A pair Jira rejects is NOT refused: the
 *    request runs as an anonymous visitor and the answer carries
 *    X-Seraph-LoginReason: AUTHENTICATED_FAILED (OK when it resolved); only
 *    /myself answers 401 "Client must be authenticated to access this resource."
 *    (text, WWW-Authenticate: OAuth realm=…). Anonymous visitors see public projects only.
 *  - search/jql: POST body is a SearchAndReconcileRequestBean (jql,
 *    nextPageToken, maxResults, fields, expand, properties, fieldsByKeys,
 *    failFast, reconcileIssues); any other key, or a wrong type → 400 "Invalid
 *    request payload…"; no/empty body or broken JSON → its 400s; a
 *    Content-Type other than JSON → 415 RFC 7807. maxResults outside 1–5000 →
 *    400; default 50. No JQL (or only ORDER BY) → 400 "Unbounded JQL queries
 *    are not allowed here…". JQL is checked by ./jql.ts. `fields` defaults to
 *    `id` only; *all, *navigable, -field work. Page size: up to 5000 when only
 *    id/key are requested, else up to settings.fullPageCap (100). Answer
 *    `{issues, nextPageToken?, isLast}` (no nextPageToken on the last page). A
 *    token is bound to its query; foreign or broken ones → 400. Tokens are
 *    offsets by default (settings.pageTokenMode).
 *  - Comments: `fields=comment` embeds up to settings.searchCommentLimit
 *    comments with `total`; /issue/{id}/comment pages them (maxResults ≤ 100).
 *  - Timestamps are written in the caller's time zone with a +hhmm offset.
 *  - Faults from ../common plus `faults.atlassianRateLimit()` (429 with
 *    Retry-After, X-RateLimit-*, RateLimit-Reason; or 503 with Retry-After).
 *
 * Not emulated: writes, v2 endpoints other than the removed search, expand
 * (accepted, ignored), changelogs, JQL functions other than currentUser(),
 * issue security levels, the points-based quota, OAuth 2.0.
 * Approximations: the nextPageToken, maxResults and unbounded-JQL sentences
 * (Jira localises them), the 429 body, the 100-issue cap for full fields
 * (Atlassian only says "fewer items per page where a large number of fields
 * are requested"), the default order without ORDER BY (id descending).
 */
import { createHash, randomUUID } from 'node:crypto';
import { startEmulator } from '../common/emulator.ts';
import type { EmulatorRequest, EmulatorResponse } from '../common/http.ts';
import { RequestLog } from '../common/log.ts';
import { AtlassianFaults, JIRA_JSON, parseBasic, problem } from './atlassian-common.ts';
import { compileJql, JqlError, sortIssues, type SortKey } from './jql.ts';
import { commentJson, issueJson, selectFields, userJson, type ViewCtx } from './json.ts';
import { JiraState, type JiraIssue, type JiraSettings, type JiraUser } from './state.ts';

export * from './state.ts';

export interface JiraEmulator {
  /** `http://127.0.0.1:<port>`: use as the site URL. */
  url: string;
  state: JiraState;
  faults: AtlassianFaults;
  requests: RequestLog;
  /** Parsed bodies of every POST /search/jql, in order (the request log has no bodies). */
  searches: Record<string, unknown>[];
  /** Called before each request is handled: tests change the site "while" a client pages. */
  onRequest?: (req: EmulatorRequest) => void;
  close(): Promise<void>;
}

const REMOVED_SEARCH = 'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';
const BODY_NOT_AN_OBJECT = 'Invalid request payload. Refer to the REST API documentation and try again.';
const BODY_KEYS: Record<string, (v: unknown) => boolean> = {
  jql: (v) => typeof v === 'string' || v === null,
  nextPageToken: (v) => typeof v === 'string' || v === null,
  maxResults: (v) => typeof v === 'number' && Number.isFinite(v),
  fields: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  expand: (v) => typeof v === 'string',
  properties: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  fieldsByKeys: (v) => typeof v === 'boolean',
  failFast: (v) => typeof v === 'boolean',
  reconcileIssues: (v) => Array.isArray(v) && v.every((x) => typeof x === 'number'),
};

/** Routes a path under /rest to the methods it takes. */
const ROUTES: { re: RegExp; methods: string[]; name: string }[] = [
  { re: /^\/rest\/api\/3\/myself$/, methods: ['GET'], name: 'myself' },
  { re: /^\/rest\/api\/3\/serverInfo$/, methods: ['GET'], name: 'serverInfo' },
  { re: /^\/rest\/api\/3\/project\/([^/]+)$/, methods: ['GET', 'PUT', 'DELETE'], name: 'project' },
  { re: /^\/rest\/api\/3\/search\/jql$/, methods: ['GET', 'POST'], name: 'search' },
  { re: /^\/rest\/api\/[23]\/search$/, methods: ['GET', 'POST'], name: 'removedSearch' },
  { re: /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/, methods: ['GET', 'POST'], name: 'comments' },
];

interface Caller {
  user: JiraUser | null;
  failed: boolean;
}

class Failure {
  constructor(readonly response: EmulatorResponse) {}
}

function jiraError(status: number, messages: string[], errors: Record<string, string> = {}): Failure {
  return new Failure({ status, headers: { 'content-type': JIRA_JSON }, body: { errorMessages: messages, errors } });
}

/** Starts the emulator on 127.0.0.1 (ephemeral port). Stop it with `close()`. */
export async function startJiraEmulator(opts: { now?: number; clock?: 'frozen' | 'real'; settings?: Partial<JiraSettings> } = {}): Promise<JiraEmulator> {
  const state = new JiraState({ now: opts.now, clock: opts.clock ?? 'real', settings: opts.settings });
  const faults = new AtlassianFaults(() => state.now, (status, message) => ({ errorMessages: [message], errors: {} }));
  const requests = new RequestLog();
  const searches: Record<string, unknown>[] = [];
  let origin = '';
  let api: JiraEmulator | undefined;

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    api?.onRequest?.(req);
    const base: Record<string, string> = { server: 'AtlassianEdge', 'x-arequestid': randomUUID(), 'timing-allow-origin': '*' };
    let path = req.path;
    const gateway = /^\/ex\/jira\/([^/]+)(\/.*)?$/.exec(path);
    if (gateway) {
      if (gateway[1] !== state.settings.cloudId) return { status: 404, headers: { ...base, 'content-type': 'application/json' }, body: { code: 404, message: 'Not Found' } };
      path = gateway[2] ?? '/';
    }
    if (!(path === '/rest' || path.startsWith('/rest/'))) {
      return { status: 404, headers: { ...base, 'content-type': 'text/html;charset=utf-8' }, body: "<!DOCTYPE html><html><head><title>Oops, you've found a dead link. - JIRA</title></head><body>Oops, you've found a dead link.</body></html>" };
    }
    const cred = parseBasic(req.headers['authorization']);
    let caller: Caller = { user: null, failed: false };
    if (cred.kind === 'pair') {
      const user = state.authenticate(cred.user, cred.password);
      caller = user ? { user, failed: false } : { user: null, failed: true };
    }
    if (caller.user) {
      base['x-seraph-loginreason'] = 'OK';
      base['x-aaccountid'] = caller.user.accountId;
    } else if (caller.failed) base['x-seraph-loginreason'] = 'AUTHENTICATED_FAILED';
    const withBase = (r: EmulatorResponse): EmulatorResponse => ({ ...r, headers: { ...base, 'content-type': JIRA_JSON, ...r.headers } });

    const route = ROUTES.map((r) => ({ r, m: r.re.exec(path) })).find((x) => x.m);
    if (!route) return withBase(problem(404, 'Not Found', `No endpoint ${req.method} ${path}.`, path));
    if (!route.r.methods.includes(req.method) && req.method !== 'HEAD') {
      return withBase(problem(405, 'Method Not Allowed', `Method '${req.method}' is not supported.`, path, { allow: route.r.methods.join(', ') }));
    }
    const view: ViewCtx = { origin, state, timeZone: caller.user?.timeZone ?? state.settings.defaultTimeZone, signedIn: caller.user !== null };
    try {
      switch (route.r.name) {
        case 'myself':
          if (!caller.user) {
            return withBase({ status: 401, headers: { 'content-type': 'text/plain;charset=UTF-8', 'www-authenticate': `OAuth realm="${encodeURIComponent(origin)}"` }, body: 'Client must be authenticated to access this resource.' });
          }
          return withBase({ status: 200, body: { ...userJson(caller.user, view), locale: 'en_US', groups: { size: 1, items: [] }, applicationRoles: { size: 1, items: [] }, expand: 'groups,applicationRoles' } });
        case 'serverInfo':
          return withBase({ status: 200, body: { baseUrl: origin, displayUrl: origin, version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0], deploymentType: 'Cloud', buildNumber: 100290, serverTime: new Date(state.now).toISOString(), serverTitle: 'Jira' } });
        case 'project':
          return withBase(getProject(decodeURIComponent(route.m![1]!), caller, view, req.method));
        case 'removedSearch':
          throw jiraError(410, [REMOVED_SEARCH]);
        case 'search':
          return withBase(search(req, caller, view));
        case 'comments':
          if (req.method !== 'GET') throw jiraError(403, ['You do not have permission to create comments for this issue.']);
          return withBase(listComments(req, decodeURIComponent(route.m![1]!), caller, view));
      }
      return withBase(problem(404, 'Not Found', `No endpoint ${req.method} ${path}.`, path));
    } catch (e) {
      if (e instanceof Failure) return withBase(e.response);
      throw e;
    }
  };

  function visibleIssue(idOrKey: string, caller: Caller): JiraIssue | undefined {
    const i = state.find(idOrKey);
    if (!i) return undefined;
    return state.canBrowse(state.projects.get(i.projectKey)!, caller.user?.accountId ?? null) ? i : undefined;
  }

  function getProject(idOrKey: string, caller: Caller, view: ViewCtx, method: string): EmulatorResponse {
    const p = [...state.projects.values()].find((x) => x.key === idOrKey.toUpperCase() || x.id === idOrKey);
    if (!p || !state.canBrowse(p, caller.user?.accountId ?? null)) throw jiraError(404, [`No project could be found with key '${idOrKey}'.`]);
    if (method !== 'GET') throw jiraError(403, ['You cannot edit the configuration of this project.']);
    return { status: 200, body: { expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight', self: `${origin}/rest/api/3/project/${p.id}`, id: p.id, key: p.key, name: p.name, description: '', projectTypeKey: 'software', simplified: false, style: 'classic', isPrivate: !p.public, issueTypes: [], properties: {} } };
  }

  function listComments(req: EmulatorRequest, idOrKey: string, caller: Caller, view: ViewCtx): EmulatorResponse {
    const q = req.url.searchParams;
    for (const name of ['startAt', 'maxResults']) {
      const v = q.get(name);
      if (v !== null && v.trim() !== '' && !/^-?\d+$/.test(v.trim())) return problem(400, 'Bad Request', `Failed to convert '${name}' with value: '${v}'`, req.path);
    }
    const issue = visibleIssue(idOrKey, caller);
    if (!issue) throw jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
    const maxResults = Math.min(100, Math.max(1, Number(q.get('maxResults') ?? 100) || 100));
    const all = [...issue.comments].sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
    return { status: 200, body: { startAt, maxResults, total: all.length, comments: all.slice(startAt, startAt + maxResults).map((c) => commentJson(issue, c, view)) } };
  }

  function search(req: EmulatorRequest, caller: Caller, view: ViewCtx): EmulatorResponse {
    let body: Record<string, unknown>;
    if (req.method === 'POST') {
      const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (ct !== 'application/json') return problem(415, 'Unsupported Media Type', `Content-Type '${ct || 'null'}' is not supported.`, req.path, { accept: 'application/json' });
      const text = req.body.toString('utf8');
      if (!text.trim()) throw jiraError(400, ['No content to map to Object due to end of input']);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw jiraError(400, ['There was an error parsing JSON. Check that your request body is valid.']);
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw jiraError(400, [BODY_NOT_AN_OBJECT]);
      for (const [k, v] of Object.entries(parsed)) if (!BODY_KEYS[k] || !BODY_KEYS[k]!(v)) throw jiraError(400, [BODY_NOT_AN_OBJECT]);
      body = parsed as Record<string, unknown>;
      searches.push(body);
    } else {
      const q = req.url.searchParams;
      body = {};
      if (q.has('jql')) body.jql = q.get('jql');
      if (q.has('nextPageToken')) body.nextPageToken = q.get('nextPageToken');
      if (q.has('maxResults')) {
        const v = q.get('maxResults')!;
        if (!/^-?\d+$/.test(v.trim())) return problem(400, 'Bad Request', `Failed to convert 'maxResults' with value: '${v}'`, req.path);
        body.maxResults = Number(v);
      }
      if (q.has('fields')) body.fields = q.getAll('fields').flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
    }
    const fields = (body.fields as string[] | undefined)?.map((f) => f.trim());
    const selected = selectFields(fields);
    const jql = typeof body.jql === 'string' ? body.jql : '';
    const accountId = caller.user?.accountId ?? null;
    const queryHash = createHash('sha1').update(JSON.stringify([jql, [...selected].sort(), accountId])).digest('hex').slice(0, 12);
    let cursor: { h: string; o?: number; k?: (number | string)[] } | null = null;
    if (typeof body.nextPageToken === 'string') {
      try {
        cursor = JSON.parse(Buffer.from(body.nextPageToken, 'base64url').toString('utf8'));
      } catch {
        cursor = null;
      }
      if (!cursor || cursor.h !== queryHash) throw jiraError(400, ['The provided nextPageToken is invalid or has expired.']);
    }
    if (body.maxResults !== undefined) {
      const n = Math.trunc(body.maxResults as number);
      if (n < 1 || n > 5000) throw jiraError(400, ['The maxResults parameter must be between 1 and 5,000.']);
    }
    if (!jql.trim()) throw jiraError(400, ['Unbounded JQL queries are not allowed here. Add a search restriction to the query.']);
    let compiled;
    try {
      compiled = compileJql(jql, { state, accountId, timeZone: view.timeZone, now: state.now });
    } catch (e) {
      if (e instanceof JqlError) throw jiraError(400, [e.message]);
      throw e;
    }
    if (!compiled.bounded) throw jiraError(400, ['Unbounded JQL queries are not allowed here. Add a search restriction to the query.']);
    const order: SortKey[] = compiled.order.length ? compiled.order : [{ field: 'id', desc: true }];
    const visible = [...state.issues.values()].filter((i) => state.canBrowse(state.projects.get(i.projectKey)!, accountId) && compiled.match(i));
    const sorted = sortIssues(visible, order);
    const onlyIds = [...selected].every((f) => f === 'id' || f === 'key');
    const cap = onlyIds ? state.settings.idPageCap : state.settings.fullPageCap;
    const size = Math.min(cap, Math.trunc((body.maxResults as number | undefined) ?? 50));
    const sortKey = (i: JiraIssue) => [...order.map((k) => (k.field === 'updated' ? i.updated : k.field === 'created' ? i.created : k.field === 'id' ? i.id : i.key)), i.id];
    let start = 0;
    if (cursor?.o !== undefined) start = cursor.o;
    else if (cursor?.k) {
      const after = cursor.k;
      start = sorted.findIndex((i) => compareKeys(sortKey(i), after, order) > 0);
      if (start < 0) start = sorted.length;
    }
    const page = sorted.slice(start, start + size);
    const more = start + size < sorted.length;
    const last = page[page.length - 1];
    const token = more && last ? Buffer.from(JSON.stringify(state.settings.pageTokenMode === 'keyset' ? { h: queryHash, k: sortKey(last) } : { h: queryHash, o: start + size })).toString('base64url') : undefined;
    return { status: 200, body: { issues: page.map((i) => issueJson(i, selected, view, state.settings.searchCommentLimit)), ...(token ? { nextPageToken: token } : {}), isLast: !more } };
  }

  const running = await startEmulator({ handler, faults, log: requests, onListening: (url) => (origin = url) });
  api = { url: running.url, state, faults, requests, searches, close: running.close };
  return api;
}

function compareKeys(a: (number | string)[], b: (number | string)[], order: SortKey[]): number {
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
    if (c !== 0) return order[k]?.desc ? -c : c;
  }
  return 0;
}
