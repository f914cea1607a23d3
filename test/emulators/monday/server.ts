/**
 * monday.com platform API (GraphQL, POST /v2) emulator for connector tests.
 *
 * Emulated (written from developer.monday.com: API versioning, Authentication,
 * Rate limits, Error handling and its changelog entries, Items page, Items,
 * Boards, Updates, Querying board items):
 *  - POST /v2 with a JSON body {query, variables}; a body without a query → 400
 *    "No query string was present". The query is parsed and validated against
 *    schema.ts with graphql-js and executed by resolvers.ts; parse and
 *    validation errors answer 200 with an `errors` array, as GraphQL errors do.
 *  - Auth: the `Authorization` header carries the API token as-is (a `Bearer `
 *    prefix is accepted too). Missing, unknown or revoked → 401
 *    {"errors":[{"message":"Not Authenticated", …}]}.
 *  - `API-Version`: the versions in settings.apiVersions; none or an unknown one
 *    gets the default (monday does not reject deprecated or unknown versions).
 *    The version is echoed in the `api-version` response header.
 *  - Application errors (invalid arguments, expired cursors) answer 200 with
 *    `errors: [{message, locations, path, extensions: {code, status_code,
 *    error_data}}]` and partial `data`; every body carries `account_id` and
 *    `extensions.request_id`.
 *  - Complexity: each query costs points (complexity.ts), reported by
 *    `complexity { before after query reset_in_x_seconds }`; a query above 5M
 *    fails; the per-minute budget (10M, sliding from the first call of the
 *    window) runs out → COMPLEXITY_BUDGET_EXHAUSTED with retry_in_seconds and a
 *    Retry-After header, as HTTP 200 (settings.complexityStatus: 429 for the
 *    other variant). In versions before 2025-07 the error also carries
 *    complexity, complexity_budget_left, complexity_budget_limit, status_code.
 *  - Minute limit: too many requests per minute for the account → 429
 *    RATE_LIMIT_EXCEEDED with retry_in_seconds and Retry-After.
 *  - Generic faults from ../common (latency, 5xx, 429, drops, malformed JSON,
 *    canned responses for IP_RATE_LIMIT_EXCEEDED and friends).
 *
 * Not emulated: mutations, webhooks, subitems, mirror/connect columns, the
 * daily call limit, concurrency limits, per-IP counting, workspaces, teams.
 * Approximations: the complexity formula; the codes/texts of argument and
 * cursor errors; that an update bumps the item's updated_at; UTC for dates.
 */
import { randomUUID } from 'node:crypto';
import { execute, GraphQLError, parse, validate, type DocumentNode } from 'graphql';
import { FaultController } from '../common/faults.ts';
import { startEmulator } from '../common/emulator.ts';
import { JSON_CONTENT_TYPE, type EmulatorRequest, type EmulatorResponse } from '../common/http.ts';
import { RequestLog } from '../common/log.ts';
import { queryComplexity } from './complexity.ts';
import { rootValue } from './resolvers.ts';
import { mondaySchema } from './schema.ts';
import { MondayState, type MondaySettings, type Timestamp } from './state.ts';

export * from './state.ts';

export interface MondayEmulator {
  /** `http://127.0.0.1:<port>`; the API URL is `${url}/v2`. */
  url: string;
  apiUrl: string;
  port: number;
  state: MondayState;
  faults: FaultController;
  requests: RequestLog;
  close(): Promise<void>;
}

/** Builds the body of one monday error (the shape of the `errors` array entries). */
export function mondayError(message: string, extensions: Record<string, unknown>): { errors: unknown[]; account_id?: string } {
  return { errors: [{ message, extensions }] };
}

/** Starts the emulator on 127.0.0.1 (ephemeral port). Stop it with `close()`. */
export async function startMondayEmulator(options: { port?: number; now?: Timestamp; clock?: 'frozen' | 'real'; settings?: Partial<MondaySettings> } = {}): Promise<MondayEmulator> {
  const state = new MondayState({ now: options.now, clock: options.clock, settings: options.settings });
  const faults = new FaultController({ errorBody: (status, message) => mondayError(message, { status_code: status }) });
  const requests = new RequestLog();

  const handler = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const version = state.settings.apiVersions.includes(req.headers['api-version'] ?? '') ? req.headers['api-version']! : state.settings.apiVersions[0]!;
    const res = await answer(req, version);
    return { ...res, headers: { date: state.now.toUTCString(), 'api-version': version, 'content-type': JSON_CONTENT_TYPE, ...res.headers } };
  };

  async function answer(req: EmulatorRequest, version: string): Promise<EmulatorResponse> {
    if (req.path !== '/v2' && req.path !== '/v2/') return { status: 404, body: mondayError('Not Found', { status_code: 404 }) };
    let body: { query?: unknown; variables?: unknown } = {};
    try {
      body = req.method === 'POST' && req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    } catch {
      return { status: 400, body: mondayError('Invalid JSON in the request body', { status_code: 400 }) };
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '').trim();
    const t = token ? state.tokens.get(token) : undefined;
    if (!t || t.revoked || !state.users.has(t.userId)) return { status: 401, body: mondayError('Not Authenticated', { code: 'UNAUTHENTICATED', status_code: 401 }) };
    if (typeof body.query !== 'string' || !body.query.trim()) return { status: 400, body: mondayError('No query string was present', { status_code: 400 }) };
    const op = { query: body.query, variables: body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {} };
    state.operations.push(op);
    const canned = state.intercept?.(op);
    if (canned) return { status: canned.status, headers: canned.headers, body: { ...(canned.body as object), account_id: state.account.id } };
    const nowMs = state.now.getTime();

    // Minute limit, per account.
    if (nowMs - state.minute.windowStart >= 60_000) Object.assign(state.minute, { count: 0, windowStart: nowMs });
    if (++state.minute.count > state.settings.minuteLimit) {
      const retry = Math.max(1, Math.ceil((state.minute.windowStart + 60_000 - nowMs) / 1000));
      return { status: 429, headers: { 'retry-after': String(retry) }, body: mondayError('Rate Limit Exceeded', { code: 'RATE_LIMIT_EXCEEDED', retry_in_seconds: retry }) };
    }

    const account_id = state.account.id;
    const done = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}): EmulatorResponse => ({
      status,
      headers,
      body: { ...payload, extensions: { request_id: randomUUID() }, account_id },
    });
    let doc: DocumentNode;
    try {
      doc = parse(body.query);
    } catch (e) {
      return done(200, { errors: [{ ...(e as GraphQLError).toJSON(), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    }
    const invalid = validate(mondaySchema(), doc);
    if (invalid.length) return done(200, { errors: invalid.map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) });
    const vars = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};

    // Complexity: per query and per minute (the window starts with its first call).
    const cost = queryComplexity(doc, vars);
    if (cost > state.settings.maxQueryComplexity) {
      return done(200, { errors: [{ message: `Query has complexity of ${cost}, which exceeds max complexity of ${state.settings.maxQueryComplexity}`, extensions: { code: 'maxComplexityExceeded', complexity: cost, maxComplexity: state.settings.maxQueryComplexity } }] });
    }
    const b = state.budgets.get(token) ?? { used: 0, windowStart: nowMs };
    const windowMs = state.settings.complexityWindowMs;
    if (nowMs - b.windowStart >= windowMs) Object.assign(b, { used: 0, windowStart: nowMs });
    state.budgets.set(token, b);
    const reset = Math.max(1, Math.ceil((b.windowStart + windowMs - nowMs) / 1000));
    if (b.used + cost > state.settings.complexityBudget) {
      const legacy = version < '2025-07' ? { complexity: cost, complexity_budget_left: state.settings.complexityBudget - b.used, complexity_budget_limit: state.settings.complexityBudget, status_code: 429 } : {};
      return done(state.settings.complexityStatus, { errors: [{ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: reset, ...legacy } }] }, { 'retry-after': String(reset) });
    }
    const before = state.settings.complexityBudget - b.used;
    b.used += cost;
    const result = await execute({ schema: mondaySchema(), document: doc, rootValue: rootValue({ before, after: before - cost, query: cost, reset_in_x_seconds: reset }), contextValue: { state, user: state.users.get(t.userId)! }, variableValues: vars });
    const payload: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) payload.errors = result.errors.map((e) => e.toJSON());
    return done(200, payload);
  }

  const running = await startEmulator({ handler, faults, log: requests, port: options.port });
  return { url: running.url, apiUrl: `${running.url}/v2`, port: running.port, state, faults, requests, close: running.close };
}
