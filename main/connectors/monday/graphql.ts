import { KinexusError } from '../../../shared/errors.ts';
import { abortableSleep } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import type { MondaySettings } from './spec.ts';

type Ctx = ConnectorContext<MondaySettings>;

/** Every query asks for this so the run can pace itself by the budget. */
export const COMPLEXITY = 'complexity { before after query reset_in_x_seconds }';

export interface Complexity {
  before: number;
  after: number;
  query: number;
  reset_in_x_seconds: number;
}

interface GqlError {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: string; retry_in_seconds?: number; status_code?: number };
}

/** A monday.com items_page cursor that expired or is unknown: the board listing starts again. */
export class CursorExpiredError extends Error {}

/** The longest wait for the complexity budget inside one run; longer ends the run as rate_limited. */
const MAX_BUDGET_WAIT_MS = 120_000;
const MAX_BUDGET_RETRIES = 3;

/** Per run (one HTTP client per run): when the complexity budget allows the next query. */
const budgetLow = new WeakMap<object, { resetAt: number; why: string }>();

/** Waits (abortably) and says why in the run log. */
async function pause(ctx: Ctx, ms: number, why: string): Promise<void> {
  ctx.log('info', `Pausing ${(ms / 1000).toFixed(1)} s: ${why}`);
  await abortableSleep(ms, ctx.signal);
}

function classify(errors: GqlError[]): KinexusError | CursorExpiredError {
  const e = errors[0] ?? {};
  const code = e.extensions?.code ?? '';
  const msg = (e.message ?? 'unknown error').slice(0, 300);
  if (/cursor/i.test(code) || /cursor/i.test(msg)) return new CursorExpiredError(msg);
  if (/^(USER_UNAUTHORIZED|UserUnauthorizedException)$/.test(code) || e.extensions?.status_code === 403) {
    return new KinexusError('permission', `monday.com denied the token access (${code || 403}: ${msg}).`, { action: 'Use a token of a user who can read the boards, or remove the boards it cannot read' });
  }
  if (code === 'UNAUTHENTICATED' || e.extensions?.status_code === 401) {
    return new KinexusError('auth', `monday.com rejected the API token (${msg}).`, { action: 'Reconnect monday.com: paste a valid API token' });
  }
  if (/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/.test(code) || /Cannot query field|Parse error/i.test(msg)) {
    return new KinexusError('internal', `monday.com rejected the query of this app version (${msg}).`, { action: 'Update Kinexus Desktop; if it keeps failing, report it with the sync log' });
  }
  if (/INVALID|InvalidBoardIdException|ResourceNotFound/i.test(code)) {
    return new KinexusError('config', `monday.com refused the request (${code}: ${msg}).`, { action: 'Open the monday.com settings and check the board ids' });
  }
  return new KinexusError('server', `monday.com answered with an error (${code || 'no code'}: ${msg}).`, { action: 'monday.com is having trouble; the sync retries by itself' });
}

/**
 * One GraphQL call. Application errors arrive as HTTP 200 with an `errors`
 * array and are classified here; an exhausted complexity budget is waited out
 * (retry_in_seconds), and when the budget left after a call would not pay for
 * another one like it, the next call waits for the budget to reset.
 */
export async function mondayQuery<T>(ctx: Ctx, query: string, variables: Record<string, unknown> = {}): Promise<{ data: T; date: number }> {
  for (let attempt = 1; ; attempt++) {
    const low = budgetLow.get(ctx.http);
    if (low) {
      budgetLow.delete(ctx.http);
      const waitMs = low.resetAt - ctx.now().getTime();
      if (waitMs > 0) await pause(ctx, waitMs, low.why);
    }
    const res = await ctx.http.request({ method: 'POST', path: ctx.settings.apiUrl, json: { query, variables } });
    const body = res.json<{ data?: T & { complexity?: Complexity }; errors?: GqlError[] }>();
    const date = Date.parse(res.headers.date ?? '') || ctx.now().getTime();
    if (body.errors?.length) {
      const budget = body.errors.find((e) => e.extensions?.code === 'COMPLEXITY_BUDGET_EXHAUSTED');
      if (budget) {
        const waitMs = (budget.extensions?.retry_in_seconds ?? 60) * 1000;
        if (waitMs > MAX_BUDGET_WAIT_MS || attempt > MAX_BUDGET_RETRIES) {
          const retryAt = new Date(ctx.now().getTime() + waitMs).toISOString();
          throw new KinexusError('rate_limited', `monday.com complexity budget exhausted; it resets at ${retryAt}.`, { action: 'Wait: the sync retries by itself after the limit resets', retryAt });
        }
        await pause(ctx, waitMs, 'monday.com complexity budget exhausted (COMPLEXITY_BUDGET_EXHAUSTED)');
        continue;
      }
      throw classify(body.errors);
    }
    if (!body.data) throw new KinexusError('server', 'monday.com answered without data or errors.', { action: 'monday.com is having trouble; the sync retries by itself' });
    const c = body.data.complexity;
    // Not enough budget for another query like this one: the next query waits for the reset.
    if (c && c.after < c.query) budgetLow.set(ctx.http, { resetAt: ctx.now().getTime() + c.reset_in_x_seconds * 1000 + 250, why: `monday.com complexity budget low (${c.after} left, the last query cost ${c.query})` });
    return { data: body.data, date };
  }
}
