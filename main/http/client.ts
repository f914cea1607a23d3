import { EnvHttpProxyAgent, request, errors, type Dispatcher } from 'undici';
import { KinexusError } from '../../shared/errors.ts';
import { actionFor, httpError } from './classify.ts';
import { defaultRateLimit, type RateLimitSignal, type ResponseFacts } from './rate-limit.ts';

export type HttpAuth =
  | { type: 'bearer'; token: string; scheme?: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'header'; name: string; value: string }
  | { type: 'none' };

/** One logged request: what the run log and accounting see (never a secret). */
export interface RequestLogEntry {
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  bytes: number;
  attempt: number;
  /** How long the client waits before the next attempt, when it retries. */
  retryInMs?: number;
  reason?: string;
}

/** What a connector declares about talking to its vendor. */
export interface HttpProfile {
  /** Vendor name used in messages ("GitHub"). */
  title: string;
  baseUrl: string;
  auth: HttpAuth;
  headers?: Record<string, string>;
  /** Vendor-specific rate-limit signals, checked before the defaults. */
  rateLimit?: (r: ResponseFacts) => RateLimitSignal | undefined;
}

export interface HttpClientOptions extends HttpProfile {
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Per-attempt timeout for headers and for body, ms. */
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A single wait longer than this ends the call as `rate_limited` instead of sleeping. */
  maxWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onRequest?: (e: RequestLogEntry) => void;
  /** Removes secret values from text before it leaves the client. */
  redact?: (text: string) => string;
}

export interface RequestOptions {
  method?: string;
  /** Path relative to baseUrl, or an absolute URL on the same origin (e.g. a Link header). */
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  /** Statuses returned to the caller instead of thrown (e.g. 304, 404, 410). */
  okStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  url: string;
  json<T = unknown>(): T;
}

export interface HttpStats {
  requests: number;
  bytes: number;
  waitedMs: number;
}

let sharedDispatcher: Dispatcher | undefined;
/** The process-wide dispatcher: honours HTTP(S)_PROXY / NO_PROXY from the environment. */
export function defaultDispatcher(): Dispatcher {
  sharedDispatcher ??= new EnvHttpProxyAgent({ keepAliveTimeout: 10_000 });
  return sharedDispatcher;
}

/** Sleeps, waking early (with a cancelled error) when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(): KinexusError {
  return new KinexusError('cancelled', 'The sync was cancelled.', { action: 'Start the sync again when you are ready' });
}

const RETRY_STATUSES = new Set([500, 502, 503, 504]);

/**
 * The one HTTP client every connector uses: auth, timeouts, proxies, retries
 * with backoff and jitter, rate-limit waits, accounting and error classification.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, bytes: 0, waitedMs: 0 };
  private readonly o: Required<Pick<HttpClientOptions, 'timeoutMs' | 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'maxWaitMs'>> & HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.o = { timeoutMs: 30_000, maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxWaitMs: 120_000, ...opts };
  }

  get title(): string {
    return this.o.title;
  }

  get baseUrl(): string {
    return this.o.baseUrl;
  }

  /** Builds the absolute URL of a path relative to the base URL. */
  url(path: string, query?: RequestOptions['query']): string {
    const base = this.o.baseUrl.endsWith('/') ? this.o.baseUrl : `${this.o.baseUrl}/`;
    const u = /^https?:\/\//i.test(path) ? new URL(path) : new URL(path.replace(/^\//, ''), base);
    if (/^https?:\/\//i.test(path) && u.origin !== new URL(base).origin) {
      throw new KinexusError('config', `${this.o.title} pointed the client to another host (${u.host}); refusing to send credentials there.`, { action: `Check the ${this.o.title} base URL in the settings` });
    }
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async get(path: string, query?: RequestOptions['query'], extra: Omit<RequestOptions, 'path' | 'query'> = {}): Promise<HttpResponse> {
    return this.request({ ...extra, method: 'GET', path, query });
  }

  async request(req: RequestOptions): Promise<HttpResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = this.url(req.path, req.query);
    const logUrl = this.redact(url);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'KinexusDesktop/0.1', ...this.o.headers, ...lower(req.headers ?? {}) };
    const auth = this.authHeader();
    if (auth) headers.authorization = auth;
    if (this.o.auth.type === 'header') headers[this.o.auth.name.toLowerCase()] = this.o.auth.value;
    let body: string | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const sleep = this.o.sleep ?? abortableSleep;
    const now = this.o.now ?? Date.now;
    const random = this.o.random ?? Math.random;

    for (let attempt = 1; ; attempt++) {
      if (this.o.signal?.aborted) throw cancelled();
      const started = now();
      let status: number | null = null;
      let resHeaders: Record<string, string> = {};
      let text = '';
      let failure: unknown;
      try {
        const res = await request(url, {
          method: method as Dispatcher.HttpMethod,
          headers,
          body,
          dispatcher: this.o.dispatcher ?? defaultDispatcher(),
          signal: this.o.signal,
          headersTimeout: this.o.timeoutMs,
          bodyTimeout: this.o.timeoutMs,
        });
        status = res.statusCode;
        resHeaders = flatHeaders(res.headers);
        text = await res.body.text();
      } catch (err) {
        failure = err;
      }
      const durationMs = now() - started;
      const bytes = Buffer.byteLength(text);
      this.stats.requests++;
      this.stats.bytes += bytes;

      if (failure !== undefined) {
        if (this.o.signal?.aborted || failure instanceof errors.RequestAbortedError || (failure as Error).name === 'AbortError') {
          this.log({ method, url: logUrl, status: null, durationMs, bytes, attempt, reason: 'cancelled' });
          throw cancelled();
        }
        const reason = networkReason(failure);
        if (attempt < this.o.maxAttempts) {
          const wait = this.backoff(attempt, random);
          this.log({ method, url: logUrl, status: null, durationMs, bytes, attempt, retryInMs: wait, reason });
          await this.wait(wait, sleep);
          continue;
        }
        this.log({ method, url: logUrl, status: null, durationMs, bytes, attempt, reason });
        throw new KinexusError('network', `Could not reach ${this.o.title} at ${new URL(url).host}: ${reason} (after ${attempt} attempts).`, { action: actionFor('network', this.o.title) });
      }

      const facts: ResponseFacts = { status: status!, headers: resHeaders, bodyText: text, now: now() };
      const limit = status! >= 400 ? (this.o.rateLimit?.(facts) ?? defaultRateLimit(facts)) : undefined;
      if (limit) {
        const wait = Math.max(limit.waitMs, 0) + Math.round(random() * 250);
        if (wait > this.o.maxWaitMs || attempt >= this.o.maxAttempts + 2) {
          this.log({ method, url: logUrl, status, durationMs, bytes, attempt, reason: limit.reason });
          const retryAt = new Date(now() + wait).toISOString();
          throw new KinexusError('rate_limited', `${this.o.title} rate limit reached (${limit.reason}); it resets at ${retryAt}.`, { action: actionFor('rate_limited', this.o.title), retryAt });
        }
        this.log({ method, url: logUrl, status, durationMs, bytes, attempt, retryInMs: wait, reason: limit.reason });
        await this.wait(wait, sleep);
        continue;
      }

      if (RETRY_STATUSES.has(status!) && !(req.okStatuses ?? []).includes(status!)) {
        if (attempt < this.o.maxAttempts) {
          const wait = this.backoff(attempt, random);
          this.log({ method, url: logUrl, status, durationMs, bytes, attempt, retryInMs: wait, reason: `server error ${status}` });
          await this.wait(wait, sleep);
          continue;
        }
      }

      // A truncated or garbled JSON body is a transient server fault: retry it like a 5xx.
      let parsed: { value: unknown } | undefined;
      if (status! >= 200 && status! < 300 && /json/i.test(resHeaders['content-type'] ?? '') && text.length > 0) {
        try {
          parsed = { value: JSON.parse(text) };
        } catch {
          if (attempt < this.o.maxAttempts) {
            const wait = this.backoff(attempt, random);
            this.log({ method, url: logUrl, status, durationMs, bytes, attempt, retryInMs: wait, reason: 'malformed JSON body' });
            await this.wait(wait, sleep);
            continue;
          }
        }
      }

      this.log({ method, url: logUrl, status, durationMs, bytes, attempt });
      if (status! >= 400 && !(req.okStatuses ?? []).includes(status!)) {
        throw httpError(this.o.title, status!, method, logUrl, this.redact(text));
      }
      const title = this.o.title;
      return {
        status: status!,
        headers: resHeaders,
        text,
        url,
        json<T>() {
          if (parsed) return parsed.value as T;
          try {
            return JSON.parse(text) as T;
          } catch {
            throw new KinexusError('server', `${title} sent a response that is not valid JSON (${method} ${new URL(url).pathname}, ${bytes} bytes).`, { action: actionFor('server', title) });
          }
        },
      };
    }
  }

  private authHeader(): string | undefined {
    const a = this.o.auth;
    switch (a.type) {
      case 'bearer':
        return `${a.scheme ?? 'Bearer'} ${a.token}`;
      case 'basic':
        return `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
      case 'header':
        return undefined;
      default:
        return undefined;
    }
  }

  private backoff(attempt: number, random: () => number): number {
    const exp = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter keeps many clients from retrying in lockstep.
    return Math.round(exp / 2 + random() * (exp / 2));
  }

  private async wait(ms: number, sleep: (ms: number, signal?: AbortSignal) => Promise<void>): Promise<void> {
    this.stats.waitedMs += ms;
    await sleep(ms, this.o.signal);
  }

  private log(e: RequestLogEntry): void {
    this.o.onRequest?.(e);
  }

  private redact(text: string): string {
    return this.o.redact ? this.o.redact(text) : text;
  }
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'the request timed out';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was dropped';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connecting timed out';
  if (code && /CERT|SSL|TLS/.test(code)) return `TLS failed (${code})`;
  return code ? `${code}` : (e.message ?? 'network error');
}
