import { z } from 'zod';

/**
 * Every failure is classified once, where it happens, into one of these codes.
 * Health, notifications, retry policy and user text derive from the code.
 */
export const ErrorCode = z.enum([
  'auth',
  'permission',
  'config',
  'not_found',
  'rate_limited',
  'network',
  'server',
  'cancelled',
  'internal',
  'invalid_input',
  'secrets_unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The shape of an error as it crosses any transport: never carries a secret. */
export const ApiErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** One next step the user can take, e.g. "Reconnect GitHub". */
  action: z.string().optional(),
  /** Dotted path of the offending input field, when the error is about input. */
  field: z.string().optional(),
  /** For rate_limited: when the limit resets (ISO time). */
  retryAt: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** An error with a code; thrown in the core, serialized by every transport. */
export class KinexusError extends Error {
  readonly code: ErrorCode;
  readonly action?: string;
  readonly field?: string;
  readonly retryAt?: string;
  constructor(code: ErrorCode, message: string, opts: { action?: string; field?: string; retryAt?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KinexusError';
    this.code = code;
    this.action = opts.action;
    this.field = opts.field;
    this.retryAt = opts.retryAt;
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { code: this.code, message: this.message };
    if (this.action) body.action = this.action;
    if (this.field) body.field = this.field;
    if (this.retryAt) body.retryAt = this.retryAt;
    return body;
  }
}

/** Turns a zod issue list into one KinexusError naming the first bad field. */
export function invalidInput(issues: readonly { path: readonly PropertyKey[]; message: string }[], what: string): KinexusError {
  const first = issues[0];
  const field = first && first.path.length > 0 ? first.path.map(String).join('.') : undefined;
  const detail = issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
  return new KinexusError('invalid_input', `Invalid ${what}: ${detail}`, { field, action: field ? `Fix "${field}" and try again` : 'Fix the input and try again' });
}

/** Normalizes anything thrown into an ApiErrorBody (unknown errors become `internal`). */
export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof KinexusError) return err.toBody();
  if (err && typeof err === 'object' && 'code' in err && ErrorCode.safeParse((err as { code: unknown }).code).success && 'message' in err) {
    return ApiErrorBody.parse(err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Unexpected error: ${message}`, action: 'Try again; if it keeps happening, report it with the sync log' };
}
