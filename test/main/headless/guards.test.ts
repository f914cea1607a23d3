import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  isAllowedHost,
  isAllowedOrigin,
  parseCookies,
  queryToken,
  sessionCookie,
  sessionCookieName,
  tokensMatch,
  type RequestFacts,
} from '../../../main/headless/guards.ts';

const PORT = 48123;
const TOKEN = 'tok_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  url: `/?token=${TOKEN}`,
  host: `127.0.0.1:${PORT}`,
  origin: undefined,
  cookie: undefined,
  authorization: undefined,
  ...over,
});

describe('isAllowedHost', () => {
  it('accepts 127.0.0.1 and localhost on our port only', () => {
    expect(isAllowedHost(`127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`localhost:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`LOCALHOST:${PORT}`, PORT)).toBe(true);
  });

  it('refuses rebinding names, other ports, missing ports and missing headers', () => {
    expect(isAllowedHost(`evil.example:${PORT}`, PORT)).toBe(false);
    expect(isAllowedHost(`127.0.0.1.nip.io:${PORT}`, PORT)).toBe(false);
    expect(isAllowedHost(`127.0.0.1:${PORT + 1}`, PORT)).toBe(false);
    expect(isAllowedHost('127.0.0.1', PORT)).toBe(false);
    expect(isAllowedHost(`[::1]:${PORT}`, PORT)).toBe(false);
    expect(isAllowedHost(undefined, PORT)).toBe(false);
    expect(isAllowedHost('', PORT)).toBe(false);
  });
});

describe('isAllowedOrigin', () => {
  it('accepts no Origin and exactly our own origin', () => {
    expect(isAllowedOrigin(undefined, `127.0.0.1:${PORT}`)).toBe(true);
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT}`, `127.0.0.1:${PORT}`)).toBe(true);
    expect(isAllowedOrigin(`http://localhost:${PORT}`, `localhost:${PORT}`)).toBe(true);
  });

  it('refuses other sites, other ports, other schemes, the null origin and a host mismatch', () => {
    const host = `127.0.0.1:${PORT}`;
    expect(isAllowedOrigin('https://evil.example', host)).toBe(false);
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT + 1}`, host)).toBe(false);
    expect(isAllowedOrigin(`https://127.0.0.1:${PORT}`, host)).toBe(false);
    expect(isAllowedOrigin('null', host)).toBe(false);
    expect(isAllowedOrigin('', host)).toBe(false);
    expect(isAllowedOrigin(`http://localhost:${PORT}`, host)).toBe(false);
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT}, http://evil.example`, host)).toBe(false);
  });
});

describe('tokensMatch', () => {
  it('matches only the exact token', () => {
    expect(tokensMatch(TOKEN, TOKEN)).toBe(true);
    expect(tokensMatch(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokensMatch(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokensMatch(TOKEN.toUpperCase(), TOKEN)).toBe(false);
  });

  it('refuses empty, missing and absurdly long tokens', () => {
    expect(tokensMatch('', TOKEN)).toBe(false);
    expect(tokensMatch(undefined, TOKEN)).toBe(false);
    expect(tokensMatch(null, TOKEN)).toBe(false);
    expect(tokensMatch('x'.repeat(10_000), TOKEN)).toBe(false);
  });
});

describe('cookies and query', () => {
  it('parses cookie headers and keeps the first of duplicate names', () => {
    const c = parseCookies('a=1; kinexus_session_1=abc; a=2; broken; =x');
    expect(c.get('a')).toBe('1');
    expect(c.get('kinexus_session_1')).toBe('abc');
    expect(c.size).toBe(2);
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('names the cookie after the port and makes it HttpOnly and SameSite=Strict', () => {
    expect(sessionCookieName(PORT)).toBe(`kinexus_session_${PORT}`);
    const c = sessionCookie(PORT, TOKEN);
    expect(c).toContain(`kinexus_session_${PORT}=${TOKEN}`);
    expect(c).toContain('HttpOnly');
    expect(c).toContain('SameSite=Strict');
    expect(c).toContain('Path=/');
  });

  it('reads the token query parameter', () => {
    expect(queryToken('/?token=abc&x=1')).toBe('abc');
    expect(queryToken('/assets/a.js')).toBeNull();
    expect(queryToken('/?other=1')).toBeNull();
  });
});

describe('checkRequest', () => {
  const opts = { port: PORT, token: TOKEN };

  it('lets a valid query token in and asks for the session cookie', () => {
    expect(checkRequest(facts(), opts)).toEqual({ ok: true, setCookie: true });
  });

  it('lets a valid session cookie or bearer token in without setting a cookie', () => {
    expect(checkRequest(facts({ url: '/assets/x.js', cookie: `other=1; ${sessionCookieName(PORT)}=${TOKEN}` }), opts)).toEqual({ ok: true, setCookie: false });
    expect(checkRequest(facts({ url: '/', authorization: `Bearer ${TOKEN}` }), opts)).toEqual({ ok: true, setCookie: false });
  });

  it('answers 401 for a missing or wrong token, and for a cookie of another port', () => {
    expect(checkRequest(facts({ url: '/' }), opts)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(facts({ url: '/?token=nope' }), opts)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(facts({ url: '/', cookie: `${sessionCookieName(PORT + 1)}=${TOKEN}` }), opts)).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 401 for a wrong query token even with a valid cookie', () => {
    expect(checkRequest(facts({ url: '/?token=nope', cookie: `${sessionCookieName(PORT)}=${TOKEN}` }), opts)).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 403 for a foreign Host or Origin before looking at the token', () => {
    expect(checkRequest(facts({ host: `evil.example:${PORT}` }), opts)).toEqual({ ok: false, status: 403, reason: 'host' });
    expect(checkRequest(facts({ host: undefined }), opts)).toEqual({ ok: false, status: 403, reason: 'host' });
    expect(checkRequest(facts({ origin: 'http://evil.example' }), opts)).toEqual({ ok: false, status: 403, reason: 'origin' });
    expect(checkRequest(facts({ url: '/', origin: 'http://evil.example' }), opts)).toEqual({ ok: false, status: 403, reason: 'origin' });
  });
});
