import { createHash, timingSafeEqual } from 'node:crypto';
import { TOKEN_PARAM } from '../../shared/protocol.ts';

/**
 * The decisions that keep the loopback host private to the person who started
 * it: a Host allow-list (DNS rebinding), an exact Origin match (cross-site
 * pages, other local apps) and the session token (everyone else). Plain
 * functions so they are tested without sockets.
 */

/** The request fields the checks look at; a node IncomingMessage's headers fit. */
export interface RequestFacts {
  /** Raw request target, e.g. `/assets/app.js?token=…`. */
  url: string;
  host: string | undefined;
  origin: string | undefined;
  cookie: string | undefined;
  authorization: string | undefined;
}

export type Verdict =
  | { ok: true; /** The token came in the query string, so the session cookie should be set. */ setCookie: boolean }
  | { ok: false; status: 401 | 403; reason: string };

/** True when the Host header names this server on loopback: `127.0.0.1:<port>` or `localhost:<port>`. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/**
 * True when the request carries no Origin (non-browser clients, same-origin
 * navigations) or exactly the origin of the (already allowed) Host it was sent
 * to. `null` and every other origin are refused.
 */
export function isAllowedOrigin(origin: string | undefined, host: string): boolean {
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

/** Compares a presented token with the real one in time independent of where they differ. */
export function tokensMatch(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false;
  // Hashing first gives equal-length buffers, so even the length is not leaked by timing.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Name of the session cookie. Cookies are not isolated by port, so the port is part of the name. */
export function sessionCookieName(port: number): string {
  return `kinexus_session_${port}`;
}

/** The Set-Cookie value that lets the page's later requests (assets, WebSocket) in without the query token. */
export function sessionCookie(port: number, token: string): string {
  return `${sessionCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Parses a Cookie header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

/** The token from the query string of a request target, if any. */
export function queryToken(url: string): string | null {
  const q = url.indexOf('?');
  if (q < 0) return null;
  return new URLSearchParams(url.slice(q + 1)).get(TOKEN_PARAM);
}

function bearerToken(authorization: string | undefined): string | null {
  const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return m ? m[1] : null;
}

/**
 * Decides whether a request may proceed. Order matters: Host and Origin are
 * checked before the token, so a rebinding or cross-origin request learns
 * nothing about token validity.
 */
export function checkRequest(req: RequestFacts, opts: { port: number; token: string }): Verdict {
  if (!isAllowedHost(req.host, opts.port)) return { ok: false, status: 403, reason: 'host' };
  if (!isAllowedOrigin(req.origin, req.host as string)) return { ok: false, status: 403, reason: 'origin' };
  const fromQuery = queryToken(req.url);
  if (fromQuery !== null) {
    // A wrong query token is refused even if a valid cookie is present: the URL is what the user opened.
    return tokensMatch(fromQuery, opts.token) ? { ok: true, setCookie: true } : { ok: false, status: 401, reason: 'token' };
  }
  const fromCookie = parseCookies(req.cookie).get(sessionCookieName(opts.port));
  if (tokensMatch(fromCookie, opts.token)) return { ok: true, setCookie: false };
  if (tokensMatch(bearerToken(req.authorization), opts.token)) return { ok: true, setCookie: false };
  return { ok: false, status: 401, reason: 'token' };
}

/** Collects the facts checkRequest needs from node request headers. */
export function requestFacts(url: string | undefined, headers: Record<string, string | string[] | undefined>): RequestFacts {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return {
    url: url ?? '/',
    host: one(headers.host),
    origin: one(headers.origin),
    cookie: one(headers.cookie),
    authorization: one(headers.authorization),
  };
}
