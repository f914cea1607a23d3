/**
 * Runtime-configurable fault injection shared by every emulator.
 *
 * Faults are rules kept in insertion order. Each has a kind, an optional
 * matcher (path pattern and/or method) and a number of remaining uses
 * (`Infinity` for persistent ones). The emulator pipeline consults them twice:
 *
 *  - before the handler runs ("pre"): latency rules (all matching ones add
 *    up, plus the global `latencyMs`), then the first matching terminal rule:
 *    `status` (e.g. 500/502/503), `rate-limit` (429 with or without
 *    Retry-After), `respond` (any canned response) or `drop` with
 *    `when: 'before-response'` (socket destroyed, no status line). A pre
 *    fault means the handler never runs: no state change, no quota used.
 *  - after the handler ("post"): `drop` with `when: 'after-headers'` or
 *    `'mid-body'` (status line and headers — including the full
 *    content-length — go out, then part of the body or none, then the socket
 *    is destroyed), or `malformed` (the body is replaced by broken JSON while
 *    status and content-type stay; only consumed by responses that have a body).
 */
import type { EmulatorRequest, EmulatorResponse } from './http.ts';
import { JSON_CONTENT_TYPE } from './http.ts';
import { pathMatches } from './log.ts';

export type DropWhen = 'before-response' | 'after-headers' | 'mid-body';
export type MalformedMode = 'truncate' | 'garbage' | 'html';

export type FaultSpec =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rate-limit'; status?: number; retryAfter?: number | string; body?: unknown; headers?: Record<string, string> }
  | { kind: 'drop'; when?: DropWhen }
  | { kind: 'malformed'; mode?: MalformedMode }
  | { kind: 'latency'; ms: number }
  | { kind: 'respond'; respond: (req: EmulatorRequest) => EmulatorResponse };

/** Path pattern (exact pathname, `*`-glob, or RegExp over path+query) or a {path, method} pair. */
export type FaultMatcher = string | RegExp | { path?: string | RegExp; method?: string };

export interface FaultRule {
  readonly id: number;
  readonly spec: FaultSpec;
  readonly match?: FaultMatcher;
  /** Uses left (`Infinity` = persistent). */
  remaining: number;
  /** How many requests this rule has hit so far. */
  hits: number;
}

export interface FaultHandle {
  readonly id: number;
  readonly rule: FaultRule;
  /** Removes the rule if it is still pending. */
  cancel(): void;
}

export interface InjectOptions {
  /** How many matching requests the fault applies to (default 1; `Infinity` = until reset). */
  times?: number;
  match?: FaultMatcher;
}

export interface PreDecision {
  latencyMs: number;
  /** Canned response that replaces the handler. */
  response?: EmulatorResponse;
  /** Destroy the socket without answering. */
  dropBeforeResponse?: boolean;
  /** Labels of the faults applied. */
  applied: string[];
}

export interface PostDecision {
  drop?: 'after-headers' | 'mid-body';
  malformed?: MalformedMode;
  applied: string[];
}

export interface FaultControllerOptions {
  /** Shapes bodies of injected errors like the vendor does (default `{ message }`). */
  errorBody?: (status: number, message: string) => unknown;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  429: 'Too Many Requests',
};

export class FaultController {
  /** Latency added to every request, in ms (0 = none). Settable at runtime. */
  latencyMs = 0;
  private rules: FaultRule[] = [];
  private nextId = 1;
  private readonly errorBody: (status: number, message: string) => unknown;

  constructor(options: FaultControllerOptions = {}) {
    this.errorBody = options.errorBody ?? ((_status, message) => ({ message }));
  }

  /** Adds a fault rule. */
  inject(spec: FaultSpec, options: InjectOptions = {}): FaultHandle {
    const times = options.times ?? 1;
    if (!(times > 0)) throw new Error(`fault times must be > 0, got ${times}`);
    const rule: FaultRule = { id: this.nextId++, spec, match: options.match, remaining: times, hits: 0 };
    this.rules.push(rule);
    return {
      id: rule.id,
      rule,
      cancel: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  /** Sets the per-request latency for every request, or (with `match`) a persistent latency on matching paths. */
  setLatency(ms: number, match?: FaultMatcher): FaultHandle | undefined {
    if (match === undefined) {
      this.latencyMs = ms;
      return undefined;
    }
    return this.inject({ kind: 'latency', ms }, { times: Infinity, match });
  }

  /** The next `n` (matching) requests take `ms` longer. */
  delayNext(n: number, ms: number, match?: FaultMatcher): FaultHandle {
    return this.inject({ kind: 'latency', ms }, { times: n, match });
  }

  /** The next `n` (matching) requests answer `status` (default 500) without reaching the handler. */
  failNext(n = 1, options: { status?: number; body?: unknown; headers?: Record<string, string>; match?: FaultMatcher } = {}): FaultHandle {
    const status = options.status ?? 500;
    return this.inject({ kind: 'status', status, body: options.body, headers: options.headers }, { times: n, match: options.match });
  }

  /** The next `n` (matching) requests answer 429 (or `status`), with `Retry-After` when `retryAfter` is given. */
  rateLimitNext(
    n = 1,
    options: { status?: number; retryAfter?: number | string; body?: unknown; headers?: Record<string, string>; match?: FaultMatcher } = {},
  ): FaultHandle {
    return this.inject(
      { kind: 'rate-limit', status: options.status, retryAfter: options.retryAfter, body: options.body, headers: options.headers },
      { times: n, match: options.match },
    );
  }

  /** The next `n` (matching) requests have their connection destroyed (default: mid-body). */
  dropNext(n = 1, options: { when?: DropWhen; match?: FaultMatcher } = {}): FaultHandle {
    return this.inject({ kind: 'drop', when: options.when ?? 'mid-body' }, { times: n, match: options.match });
  }

  /** The next `n` (matching) responses with a body get a broken JSON body (status kept). */
  malformedNext(n = 1, options: { mode?: MalformedMode; match?: FaultMatcher } = {}): FaultHandle {
    return this.inject({ kind: 'malformed', mode: options.mode ?? 'truncate' }, { times: n, match: options.match });
  }

  /** A one-shot fault on the first request matching `pattern`. */
  once(pattern: FaultMatcher, spec: FaultSpec): FaultHandle {
    return this.inject(spec, { times: 1, match: pattern });
  }

  /** Rules still pending (a copy). */
  get pending(): FaultRule[] {
    return [...this.rules];
  }

  /** Removes every rule and the global latency. */
  reset(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  /** Pipeline hook: faults that act before the handler. */
  takePre(req: EmulatorRequest): PreDecision {
    const decision: PreDecision = { latencyMs: this.latencyMs, applied: [] };
    for (const rule of [...this.rules]) {
      if (rule.spec.kind !== 'latency' || !this.matches(rule, req)) continue;
      decision.latencyMs += rule.spec.ms;
      decision.applied.push(`latency:${rule.spec.ms}`);
      this.consume(rule);
    }
    for (const rule of [...this.rules]) {
      const spec = rule.spec;
      const terminal =
        spec.kind === 'status' || spec.kind === 'rate-limit' || spec.kind === 'respond' || (spec.kind === 'drop' && spec.when === 'before-response');
      if (!terminal || !this.matches(rule, req)) continue;
      this.consume(rule);
      if (spec.kind === 'drop') {
        decision.dropBeforeResponse = true;
        decision.applied.push('drop:before-response');
      } else if (spec.kind === 'respond') {
        decision.response = spec.respond(req);
        decision.applied.push(`respond:${decision.response.status}`);
      } else if (spec.kind === 'status') {
        decision.response = {
          status: spec.status,
          headers: { 'content-type': JSON_CONTENT_TYPE, ...spec.headers },
          body: spec.body ?? this.errorBody(spec.status, DEFAULT_MESSAGES[spec.status] ?? 'Error'),
        };
        decision.applied.push(`status:${spec.status}`);
      } else if (spec.kind === 'rate-limit') {
        const status = spec.status ?? 429;
        const headers: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE, ...spec.headers };
        if (spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
        decision.response = { status, headers, body: spec.body ?? this.errorBody(status, DEFAULT_MESSAGES[429]!) };
        decision.applied.push(`rate-limit:${status}${spec.retryAfter !== undefined ? `:retry-after=${spec.retryAfter}` : ''}`);
      }
      break;
    }
    return decision;
  }

  /** Pipeline hook: faults that act on the handler's response. */
  takePost(req: EmulatorRequest, hasBody: boolean): PostDecision {
    const decision: PostDecision = { applied: [] };
    for (const rule of [...this.rules]) {
      const spec = rule.spec;
      if (spec.kind === 'drop' && spec.when !== 'before-response') {
        if (!this.matches(rule, req)) continue;
        this.consume(rule);
        decision.drop = spec.when ?? 'mid-body';
        decision.applied.push(`drop:${decision.drop}`);
        break;
      }
      if (spec.kind === 'malformed') {
        if (!hasBody || !this.matches(rule, req)) continue;
        this.consume(rule);
        decision.malformed = spec.mode ?? 'truncate';
        decision.applied.push(`malformed:${decision.malformed}`);
        break;
      }
    }
    return decision;
  }

  protected matches(rule: { match?: FaultMatcher }, req: EmulatorRequest): boolean {
    const m = rule.match;
    if (m === undefined) return true;
    if (typeof m === 'string' || m instanceof RegExp) return pathMatches(m, req.path, req.pathAndQuery);
    if (m.method && m.method.toUpperCase() !== req.method) return false;
    if (m.path !== undefined && !pathMatches(m.path, req.path, req.pathAndQuery)) return false;
    return true;
  }

  protected consume(rule: FaultRule): void {
    rule.hits++;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
  }
}

/** Produces a broken body for the `malformed` fault. */
export function corruptBody(body: Buffer, mode: MalformedMode): Buffer {
  switch (mode) {
    case 'truncate': {
      // Cut inside the document so it can never parse (at least drop the last byte).
      const cut = Math.max(1, Math.min(body.length - 1, Math.floor(body.length / 2)));
      return body.length > 1 ? body.subarray(0, cut) : Buffer.from('{', 'utf8');
    }
    case 'garbage':
      return Buffer.from('{"message": "ok", "items": [1, 2, ,]', 'utf8');
    case 'html':
      return Buffer.from('<html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>', 'utf8');
  }
}
