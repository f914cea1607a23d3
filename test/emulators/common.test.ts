import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultController, json, startEmulator, startHttpServer, text, type RunningEmulator } from './common/index.ts';

let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function echo(): Promise<RunningEmulator & { handled: () => number }> {
  let handled = 0;
  const em = await startEmulator({
    handler: (req) => {
      handled++;
      if (req.path === '/text') return text(200, 'hello');
      if (req.path === '/empty') return { status: 204 };
      return json(200, { path: req.path, query: req.query, items: Array.from({ length: 20 }, (_, i) => ({ i, name: `item-${i}` })) });
    },
  });
  running = em;
  return Object.assign(em, { handled: () => handled });
}

describe('startHttpServer', () => {
  it('listens on 127.0.0.1 with an ephemeral port and closes even with keep-alive sockets open', async () => {
    const s = await startHttpServer((_req, res) => res.end('ok'));
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${s.url}/`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    const t0 = Date.now();
    await s.close();
    await s.close(); // idempotent
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(fetch(`${s.url}/`)).rejects.toThrow();
    agent.destroy();
  });
});

describe('emulator pipeline and request log', () => {
  it('answers JSON with content-type and content-length, and logs method, url, headers, status and bytes', async () => {
    const em = await echo();
    const res = await fetch(`${em.url}/a/b?x=1&y=2`, { headers: { 'x-probe': 'yes' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const raw = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(raw));
    expect(JSON.parse(raw)).toMatchObject({ path: '/a/b', query: { x: '1', y: '2' } });

    await fetch(`${em.url}/text`, { method: 'POST', body: 'abcdef' });
    expect(em.requests.total).toBe(2);
    const [first, second] = em.requests.entries;
    expect(first).toMatchObject({ seq: 1, method: 'GET', path: '/a/b', url: '/a/b?x=1&y=2', status: 200, dropped: false });
    expect(first!.headers['x-probe']).toBe('yes');
    expect(first!.bytesOut).toBe(Buffer.byteLength(raw));
    expect(second).toMatchObject({ method: 'POST', path: '/text', bytesIn: 6, bytesOut: 5 });
    expect(em.requests.count({ method: 'GET' })).toBe(1);
    expect(em.requests.count({ path: '/a/*' })).toBe(1);
    expect(em.requests.count({ path: /x=1/ })).toBe(1);
    expect(em.requests.count({ header: { name: 'x-probe', value: 'yes' } })).toBe(1);
    expect(em.requests.countsByRoute()).toEqual({ 'GET /a/b': 1, 'POST /text': 1 });
    expect(em.requests.countsByStatus()).toEqual({ 200: 2 });
    expect(em.requests.bytesOut).toBe(Buffer.byteLength(raw) + 5);
    expect(em.requests.bytesIn).toBe(6);
    em.requests.clear();
    expect(em.requests.total).toBe(0);
  });
});

describe('fault injection', () => {
  it('adds latency to every request, and to the next N only', async () => {
    const em = await echo();
    em.faults.setLatency(120);
    let t0 = Date.now();
    await (await fetch(`${em.url}/x`)).text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    em.faults.setLatency(0);
    em.faults.delayNext(1, 150, '/slow');
    t0 = Date.now();
    await (await fetch(`${em.url}/fast`)).text();
    expect(Date.now() - t0).toBeLessThan(100);
    t0 = Date.now();
    await (await fetch(`${em.url}/slow`)).text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    t0 = Date.now();
    await (await fetch(`${em.url}/slow`)).text();
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it('answers the next N requests with 5xx without reaching the handler', async () => {
    const em = await echo();
    em.faults.failNext(2, { status: 503 });
    const a = await fetch(`${em.url}/x`);
    expect(a.status).toBe(503);
    expect(await a.json()).toEqual({ message: 'Service Unavailable' });
    expect((await fetch(`${em.url}/x`)).status).toBe(503);
    expect((await fetch(`${em.url}/x`)).status).toBe(200);
    expect(em.handled()).toBe(1);
    expect(em.requests.entries.map((e) => e.fault)).toEqual(['status:503', 'status:503', undefined]);
  });

  it('answers 429 with or without Retry-After', async () => {
    const em = await echo();
    em.faults.rateLimitNext(1, { retryAfter: 7 });
    em.faults.rateLimitNext(1);
    const a = await fetch(`${em.url}/x`);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    const b = await fetch(`${em.url}/x`);
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBeNull();
    expect((await fetch(`${em.url}/x`)).status).toBe(200);
  });

  it('drops the connection mid-body: headers arrive, reading the body fails', async () => {
    const em = await echo();
    em.faults.dropNext(1);
    const res = await fetch(`${em.url}/x`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    const entry = em.requests.last()!;
    expect(entry.dropped).toBe(true);
    expect(entry.bytesOut).toBeGreaterThan(0);
    expect(entry.bytesOut).toBeLessThan(Number(entry.responseHeaders['content-length']));
    expect((await fetch(`${em.url}/x`)).status).toBe(200);
  });

  it('drops the connection before any response', async () => {
    const em = await echo();
    em.faults.dropNext(1, { when: 'before-response' });
    await expect(fetch(`${em.url}/x`)).rejects.toThrow(/fetch failed/);
    expect(em.handled()).toBe(0);
    expect(em.requests.last()).toMatchObject({ status: 0, dropped: true, fault: 'drop:before-response' });
    expect((await fetch(`${em.url}/x`)).status).toBe(200);
  });

  it('drops after the headers, with no body byte', async () => {
    const em = await echo();
    em.faults.dropNext(1, { when: 'after-headers' });
    const res = await fetch(`${em.url}/x`);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(em.requests.last()!.bytesOut).toBe(0);
  });

  it('serves malformed JSON with a 200 and a consistent content-length', async () => {
    const em = await echo();
    em.faults.malformedNext(1);
    em.faults.malformedNext(1, { mode: 'html' });
    const a = await fetch(`${em.url}/x`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toContain('application/json');
    await expect(a.json()).rejects.toThrow(SyntaxError);
    const b = await fetch(`${em.url}/x`);
    const body = await b.text();
    expect(body).toMatch(/^<html>/);
    expect(Number(b.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(await (await fetch(`${em.url}/x`)).json()).toMatchObject({ path: '/x' });
  });

  it('malformed faults wait for a response that has a body', async () => {
    const em = await echo();
    em.faults.malformedNext(1);
    expect((await fetch(`${em.url}/empty`)).status).toBe(204);
    expect(em.faults.pending).toHaveLength(1);
    await expect((await fetch(`${em.url}/x`)).json()).rejects.toThrow();
    expect(em.faults.pending).toHaveLength(0);
  });

  it('applies a one-shot fault only to the first request matching a path pattern', async () => {
    const em = await echo();
    em.faults.once('/repos/*/issues', { kind: 'status', status: 502 });
    em.faults.once({ path: /page=2/, method: 'GET' }, { kind: 'respond', respond: () => json(418, { teapot: true }) });
    expect((await fetch(`${em.url}/repos/a/pulls`)).status).toBe(200);
    expect((await fetch(`${em.url}/repos/a/issues`)).status).toBe(502);
    expect((await fetch(`${em.url}/repos/a/issues`)).status).toBe(200);
    expect((await fetch(`${em.url}/list?page=1`)).status).toBe(200);
    expect((await fetch(`${em.url}/list?page=2`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${em.url}/list?page=2`)).status).toBe(418);
    expect((await fetch(`${em.url}/list?page=2`)).status).toBe(200);
  });

  it('persistent faults run until cancelled or reset', async () => {
    const em = await echo();
    const h = em.faults.inject({ kind: 'status', status: 500 }, { times: Infinity, match: '/broken' });
    for (let i = 0; i < 3; i++) expect((await fetch(`${em.url}/broken`)).status).toBe(500);
    expect(h.rule.hits).toBe(3);
    h.cancel();
    expect((await fetch(`${em.url}/broken`)).status).toBe(200);
    em.faults.failNext(5);
    em.faults.setLatency(10);
    em.faults.reset();
    expect(em.faults.latencyMs).toBe(0);
    expect((await fetch(`${em.url}/broken`)).status).toBe(200);
  });

  it('shapes injected error bodies like the vendor when told how', async () => {
    running = await startEmulator({
      handler: () => json(200, {}),
      faults: new FaultController({ errorBody: (status, message) => ({ error: { code: status, message } }) }),
    });
    running.faults.failNext(1, { status: 500 });
    expect(await (await fetch(`${running.url}/`)).json()).toEqual({ error: { code: 500, message: 'Server Error' } });
  });
});
