/**
 * ServiceNow Table API emulator for connector tests.
 *
 * Emulated (written from docs.servicenow.com — Table API, "Inbound REST API
 * rate limiting", "Operators available for filters and queries", the Table API
 * FAQ KB0534905 — and ServiceNow's own community articles on time zones):
 *  - GET /api/now/table/{table} and /api/now/table/{table}/{sys_id} (also
 *    under /api/now/v1/ and /api/now/v2/). Writes answer 405.
 *  - Auth: Basic (user name + password) or `Authorization: Bearer` with a
 *    token from POST /oauth_token.do (grant_type password or refresh_token,
 *    client_id + client_secret; tokens live 1800 s). Missing or wrong
 *    credentials → 401 `{"error":{"message":"User Not Authenticated","detail":
 *    "Required to provide Auth information"},"status":"failure"}`; a bad token
 *    request → 401 `{"error_description":"access_denied","error":"server_error"}`.
 *  - Tables have a read role (incident/change_request: itil, sys_audit_delete:
 *    admin; admin reads everything). Reading without it → 403 "User Not
 *    Authorized". Unknown table → 400 "Invalid table <name>"; unknown API path
 *    → 400 "Requested URI does not represent any resource"; a missing record →
 *    404 "No Record found".
 *  - sysparm_query (see query.ts: `^`, `^OR`, `^NQ`, ORDERBY/ORDERBYDESC, the
 *    usual operators; date/time literals are UTC, gs.dateGenerate is the user's
 *    time zone; conditions on unknown fields are silently dropped by default),
 *    sysparm_fields, sysparm_limit (default and cap 10000), sysparm_offset
 *    (negative → 400), sysparm_display_value=false|true|all ({display_value,
 *    value} pairs, date/times displayed in the user's time zone),
 *    sysparm_exclude_reference_link, sysparm_no_count.
 *  - Paging headers: X-Total-Count, and Link with rel first/prev/next/last built
 *    from sysparm_offset/sysparm_limit on the emulator origin.
 *  - Deletes write `sys_audit_delete` rows (tablename, documentkey).
 *  - Rate limit rules (state.addRateLimit): every matching response carries
 *    X-RateLimit-Limit, X-RateLimit-Reset (epoch s), X-RateLimit-Rule; over the
 *    hourly limit → 429 with Retry-After (seconds to the reset).
 *  - Generic faults from ../common (latency, 5xx, 429, drops, malformed JSON).
 *
 * Not emulated: writes, dot-walked fields, ACLs per row or field, domain
 * separation, sysparm_view, display formats other than yyyy-MM-dd HH:mm:ss,
 * the Aggregate/Attachment/Import Set APIs, session cookies.
 * Approximations: the exact texts of the 403 detail, the 405 and the 429 body;
 * that an invalid date value behaves like an unknown field (dropped).
 */
import { FaultController } from '../common/faults.ts';
import { startEmulator } from '../common/emulator.ts';
import { JSON_CONTENT_TYPE, type EmulatorRequest, type EmulatorResponse } from '../common/http.ts';
import { RequestLog } from '../common/log.ts';
import { parseQuery, runQuery } from './query.ts';
import { inZone, parseGlideUtc, ServiceNowState, type SnRecord, type SnSettings, type SnUser, type TableDef, type Timestamp } from './state.ts';

export * from './state.ts';

export interface ServiceNowEmulator {
  /** `http://127.0.0.1:<port>`: use as the instance URL. */
  url: string;
  port: number;
  state: ServiceNowState;
  faults: FaultController;
  requests: RequestLog;
  close(): Promise<void>;
}

function snError(status: number, message: string, detail: string | null = null, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: { error: { message, detail }, status: 'failure' } };
}

const UNAUTHENTICATED = () => snError(401, 'User Not Authenticated', 'Required to provide Auth information', { 'www-authenticate': 'BASIC realm="Service-now"' });

/** Starts the emulator on 127.0.0.1 (ephemeral port). Stop it with `close()`. */
export async function startServiceNowEmulator(options: { port?: number; now?: Timestamp; clock?: 'frozen' | 'real'; settings?: Partial<SnSettings> } = {}): Promise<ServiceNowEmulator> {
  const state = new ServiceNowState({ now: options.now, clock: options.clock, settings: options.settings });
  const faults = new FaultController({ errorBody: (_s, message) => ({ error: { message, detail: null }, status: 'failure' }) });
  const requests = new RequestLog();
  let origin = '';

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    state.beforeRequest?.(req.path, req.url.searchParams);
    const res = route(req);
    return { ...res, headers: { date: state.now.toUTCString(), server: 'ServiceNow', ...res.headers } };
  };

  function route(req: EmulatorRequest): EmulatorResponse {
    if (req.path === '/oauth_token.do') return req.method === 'POST' ? token(req) : snError(405, 'Method not Supported', 'Requested method is not supported for this resource');
    if (!req.path.startsWith('/api/')) return { status: 404, headers: { 'content-type': 'text/html;charset=UTF-8' }, body: '<html><body>Page not found</body></html>' };
    const user = authenticate(req.headers.authorization);
    if (!user) return UNAUTHENTICATED();
    const limited = rateLimit(user);
    if (limited.response) return limited.response;
    const m = /^\/api\/now\/(?:v[12]\/)?table\/([^/]+)(?:\/([^/]+))?\/?$/.exec(req.path);
    if (!m) return withHeaders(snError(400, 'Requested URI does not represent any resource', null), limited.headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') return withHeaders(snError(405, 'Method not Supported', 'Only reads are emulated'), limited.headers);
    const table = state.tables.get(decodeURIComponent(m[1]!));
    if (!table) return withHeaders(snError(400, `Invalid table ${decodeURIComponent(m[1]!)}`, null), limited.headers);
    if (table.readRole && !user.roles.includes('admin') && !user.roles.includes(table.readRole)) {
      return withHeaders(snError(403, 'User Not Authorized', 'ACL Exception Read Failed due to security constraints'), limited.headers);
    }
    return withHeaders(m[2] ? getOne(req, table, user, m[2]) : list(req, table, user), limited.headers);
  }

  function authenticate(h: string | undefined): SnUser | undefined {
    if (!h) return undefined;
    const [scheme, value] = h.trim().split(/\s+/, 2) as [string, string | undefined];
    if (!value) return undefined;
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const u = i > 0 ? state.users.get(decoded.slice(0, i)) : undefined;
      return u && !u.locked && u.password === decoded.slice(i + 1) ? u : undefined;
    }
    if (scheme.toLowerCase() === 'bearer') {
      const t = state.accessTokens.get(value);
      if (!t || t.expiresAt <= state.now.getTime()) return undefined;
      const u = state.users.get(t.user);
      return u && !u.locked ? u : undefined;
    }
    return undefined;
  }

  function token(req: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const denied = { status: 401, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { error_description: 'access_denied', error: 'server_error' } };
    const clientId = form.get('client_id') ?? '';
    if (!state.oauthClients.has(clientId) || state.oauthClients.get(clientId) !== form.get('client_secret')) return denied;
    let userName: string;
    if (form.get('grant_type') === 'password') {
      const u = state.users.get(form.get('username') ?? '');
      if (!u || u.locked || u.password !== form.get('password')) return denied;
      userName = u.user_name;
    } else if (form.get('grant_type') === 'refresh_token') {
      const r = state.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!r || r.clientId !== clientId) return denied;
      userName = r.user;
    } else {
      return { status: 400, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { error_description: 'unsupported_grant_type', error: 'invalid_request' } };
    }
    const access = `at_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const refresh = `rt_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    state.accessTokens.set(access, { user: userName, expiresAt: state.now.getTime() + state.settings.accessTokenSeconds * 1000 });
    state.refreshTokens.set(refresh, { user: userName, clientId });
    return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { access_token: access, refresh_token: refresh, scope: 'useraccount', token_type: 'Bearer', expires_in: state.settings.accessTokenSeconds - 1 } };
  }

  function rateLimit(user: SnUser): { response?: EmulatorResponse; headers: Record<string, string> } {
    const rule = state.rateRules[0];
    if (!rule) return { headers: {} };
    const nowS = Math.floor(state.now.getTime() / 1000);
    if (nowS >= rule.resetAt) {
      rule.counts.clear();
      rule.resetAt = (Math.floor(nowS / 3600) + 1) * 3600;
    }
    const headers = { 'x-ratelimit-limit': String(rule.limit), 'x-ratelimit-reset': String(rule.resetAt), 'x-ratelimit-rule': rule.sys_id };
    const used = rule.counts.get(user.user_name) ?? 0;
    if (used >= rule.limit) {
      return { headers, response: snError(429, 'Rate limit exceeded', `Too many requests: at most ${rule.limit} per hour for ${user.user_name}`, { ...headers, 'retry-after': String(Math.max(1, rule.resetAt - nowS)) }) };
    }
    rule.counts.set(user.user_name, used + 1);
    return { headers };
  }

  function getOne(req: EmulatorRequest, table: TableDef, user: SnUser, id: string): EmulatorResponse {
    const r = state.records.get(table.name)!.get(id);
    if (!r) return snError(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
    return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { result: render(r, table, user, req.url.searchParams) } };
  }

  function list(req: EmulatorRequest, table: TableDef, user: SnUser): EmulatorResponse {
    const q = req.url.searchParams;
    const offsetText = q.get('sysparm_offset');
    const offset = offsetText === null || offsetText === '' ? 0 : Number.parseInt(offsetText, 10);
    if (Number.isNaN(offset)) return snError(400, `offset is ${offsetText}`, 'Invalid offset');
    if (offset < 0) return snError(400, `offset is ${offset}`, 'Negative offset is not supported');
    const limitText = q.get('sysparm_limit');
    const parsedLimit = limitText === null || limitText === '' ? state.settings.maxLimit : Number.parseInt(limitText, 10);
    const limit = Number.isNaN(parsedLimit) || parsedLimit < 1 ? state.settings.maxLimit : Math.min(parsedLimit, state.settings.maxLimit);
    const parsed = parseQuery(q.get('sysparm_query') ?? '', table, user.time_zone);
    const rows = runQuery(state.list(table.name), parsed, table, state.settings.invalidQueryReturnsNoRows);
    const page = rows.slice(offset, offset + limit).map((r) => render(r, table, user, q));
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
    if (q.get('sysparm_no_count') !== 'true') headers['x-total-count'] = String(rows.length);
    if (q.get('sysparm_suppress_pagination_header') !== 'true') {
      const link = (o: number, rel: string) => {
        const u = new URL(req.pathAndQuery, origin);
        u.searchParams.set('sysparm_limit', String(limit));
        u.searchParams.set('sysparm_offset', String(o));
        return `<${u.toString()}>;rel="${rel}"`;
      };
      const last = rows.length === 0 ? 0 : Math.floor((rows.length - 1) / limit) * limit;
      const rels = [link(0, 'first')];
      if (offset > 0) rels.push(link(Math.max(0, offset - limit), 'prev'));
      if (offset + limit < rows.length) rels.push(link(offset + limit, 'next'));
      rels.push(link(last, 'last'));
      headers.link = rels.join(',');
    }
    return { status: 200, headers, body: { result: page } };
  }

  function display(table: TableDef, field: string, value: string, user: SnUser): string {
    const def = table.fields[field];
    if (!def || value === '') return value;
    if (def.type === 'choice') return def.choices?.[value] ?? value;
    if (def.type === 'datetime') return inZone(parseGlideUtc(value), user.time_zone);
    if (def.type === 'reference' && def.refTable) {
      const ref = state.records.get(def.refTable)?.get(value);
      return ref ? (ref.values.name ?? ref.values.number ?? value) : '';
    }
    return value;
  }

  function render(r: SnRecord, table: TableDef, user: SnUser, q: URLSearchParams): Record<string, unknown> {
    const mode = q.get('sysparm_display_value') ?? 'false';
    const noLinks = q.get('sysparm_exclude_reference_link') === 'true';
    const wanted = (q.get('sysparm_fields') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const fields = wanted.length ? wanted.filter((f) => table.fields[f]) : Object.keys(table.fields);
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const value = r.values[f] ?? '';
      const def = table.fields[f]!;
      const shown = display(table, f, value, user);
      const link = def.type === 'reference' && value && !noLinks ? `${origin}/api/now/table/${def.refTable}/${value}` : undefined;
      if (mode === 'all') out[f] = link ? { display_value: shown, link, value } : { display_value: shown, value };
      else if (mode === 'true') out[f] = link ? { display_value: shown, link } : shown;
      else out[f] = link ? { link, value } : value;
    }
    return out;
  }

  const running = await startEmulator({ handler, faults, log: requests, port: options.port, onListening: (u) => (origin = u) });
  return { url: running.url, port: running.port, state, faults, requests, close: running.close };
}

function withHeaders(r: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return { ...r, headers: { ...headers, ...r.headers } };
}
