import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type RequestLogEntry } from '../../../main/http/client.ts';
import { githubRateLimit } from '../../../main/connectors/github/rate-limit.ts';
import { KinexusError } from '../../../shared/errors.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;
const servers: http.Server[] = [];
async function serve(handler: Handler): Promise<string> {
  let n = 0;
  const s = http.createServer((req, res) => handler(req, res, ++n));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function client(baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const waits: number[] = [];
  const log: RequestLogEntry[] = [];
  const c = new HttpClient({
    title: 'Acme',
    baseUrl,
    auth: { type: 'bearer', token: 'tok-secret-1234' },
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    onRequest: (e) => log.push(e),
    redact: (t) => t.split('tok-secret-1234').join('[redacted]'),
    ...extra,
  });
  return { c, waits, log };
}

async function failure(p: Promise<unknown>): Promise<KinexusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof KinexusError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('HttpClient', () => {
  it('sends auth, accounts requests and bytes, and logs every request without the token', async () => {
    const url = await serve((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ auth: req.headers.authorization, ua: req.headers['user-agent'] }));
    });
    const { c, log } = client(url);
    const res = await c.get('/thing', { a: 1, b: undefined });
    expect(res.json()).toEqual({ auth: 'Bearer tok-secret-1234', ua: expect.stringContaining('Kinexus') });
    expect(c.stats.requests).toBe(1);
    expect(c.stats.bytes).toBe(Buffer.byteLength(res.text));
    expect(log[0]).toMatchObject({ method: 'GET', status: 200, attempt: 1 });
    expect(log[0].url).toBe(`${url}/thing?a=1`);
    expect(JSON.stringify(log)).not.toContain('tok-secret-1234');
  });

  it('retries 5xx with growing backoff and succeeds', async () => {
    const url = await serve((_req, res, n) => {
      res.statusCode = n < 3 ? 502 : 200;
      res.end(n < 3 ? 'bad gateway' : '{"ok":true}');
    });
    const { c, waits } = client(url);
    expect((await c.get('/x')).json()).toEqual({ ok: true });
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0]);
  });

  it('gives up after maxAttempts on persistent 5xx with a server error naming the vendor', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('{"message":"kaboom"}');
    });
    const { c } = client(url, { maxAttempts: 3 });
    const e = await failure(c.get('/x'));
    expect(e.code).toBe('server');
    expect(e.message).toMatch(/Acme failed with a server error \(500 kaboom\)/);
    expect(c.stats.requests).toBe(3);
  });

  it('retries dropped connections, then reports a network error', async () => {
    const url = await serve((req) => req.socket.destroy());
    const { c } = client(url, { maxAttempts: 2 });
    const e = await failure(c.get('/x'));
    expect(e.code).toBe('network');
    expect(e.message).toMatch(/connection was dropped/);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    const url = await serve((_req, res, n) => {
      if (n === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '7');
        return res.end();
      }
      res.end('{}');
    });
    const { c, waits } = client(url);
    await c.get('/x');
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(waits[0]).toBeLessThan(7500);
  });

  it('ends as rate_limited with the reset time when the wait is longer than the cap', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const url = await serve((_req, res) => {
      res.statusCode = 403;
      res.setHeader('x-ratelimit-remaining', '0');
      res.setHeader('x-ratelimit-reset', String(reset));
      res.end('{"message":"API rate limit exceeded"}');
    });
    const { c, waits } = client(url, { rateLimit: githubRateLimit });
    const e = await failure(c.get('/x'));
    expect(e.code).toBe('rate_limited');
    expect(waits).toHaveLength(0);
    expect(Date.parse(e.retryAt!)).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('waits at least 60 s on a GitHub secondary limit without headers', async () => {
    const url = await serve((_req, res, n) => {
      if (n === 1) {
        res.statusCode = 403;
        return res.end('{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}');
      }
      res.end('{}');
    });
    const { c, waits } = client(url, { rateLimit: githubRateLimit });
    await c.get('/x');
    expect(waits[0]).toBeGreaterThanOrEqual(60_000);
  });

  it('classifies 401 as auth, 403 as permission and 404 as not_found, without retrying', async () => {
    const url = await serve((req, res) => {
      res.statusCode = Number(req.url!.slice(1));
      res.end('{"message":"Bad credentials"}');
    });
    const { c } = client(url);
    expect((await failure(c.get('/401'))).code).toBe('auth');
    expect((await failure(c.get('/403'))).code).toBe('permission');
    expect((await failure(c.get('/404'))).code).toBe('not_found');
    expect(c.stats.requests).toBe(3);
    const e = await failure(c.get('/401'));
    expect(e.action).toMatch(/^Reconnect Acme/);
  });

  it('returns statuses the caller expects instead of throwing', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 304;
      res.end();
    });
    const { c } = client(url);
    expect((await c.get('/x', undefined, { okStatuses: [304] })).status).toBe(304);
  });

  it('reports malformed JSON as a server error naming the endpoint', async () => {
    const url = await serve((_req, res) => res.end('{"truncated": '));
    const { c } = client(url);
    const res = await c.get('/items');
    expect(() => res.json()).toThrow(/not valid JSON \(GET \/items/);
  });

  it('stops waiting at once when the run is cancelled', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '30');
      res.end();
    });
    const ac = new AbortController();
    const c = new HttpClient({ title: 'Acme', baseUrl: url, auth: { type: 'none' }, signal: ac.signal });
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    const e = await failure(c.get('/x'));
    expect(e.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses to follow a link to another host with the credentials', async () => {
    const url = await serve((_req, res) => res.end('{}'));
    const { c } = client(url);
    const e = await failure(c.get('https://evil.example/steal'));
    expect(e.code).toBe('config');
  });
});
