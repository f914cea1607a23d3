import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH, type ServerMessage } from '../../../shared/protocol.ts';
import { MAX_PAYLOAD_BYTES, startHeadlessHost, type HeadlessHost } from '../../../main/headless/host.ts';
import { CONTENT_SECURITY_POLICY } from '../../../main/headless/responses.ts';
import { createFakeCore, sampleIntegration, type FakeCore } from './fake-core.ts';

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** Raw request so Host, Origin and un-normalized paths go out exactly as written. */
function request(port: number, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with it once open, or with the refusal status. */
function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Collects every message of a socket; `next(pred)` waits for the first matching one. */
function inbox(ws: WebSocket) {
  const seen: ServerMessage[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as ServerMessage;
    seen.push(msg);
    for (const w of [...waiters]) if (w.pred(msg)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(msg));
  });
  return {
    seen,
    next(pred: (m: ServerMessage) => boolean = () => true): Promise<ServerMessage> {
      const found = seen.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

describe('headless host', () => {
  let dir: string;
  let rendererDir: string;
  let core: FakeCore;
  let host: HeadlessHost;
  const sockets: WebSocket[] = [];
  const wsUrl = (query = `?token=${host.token}`) => `ws://127.0.0.1:${host.port}${WS_PATH}${query}`;
  const open = async (headers: Record<string, string> = {}) => {
    const r = await connect(wsUrl(), headers);
    if (!('ws' in r)) throw new Error(`refused with ${r.status}`);
    sockets.push(r.ws);
    return r.ws;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-host-'));
    rendererDir = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kinexus</title><script type="module" src="./assets/app.js"></script>');
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.css'), 'body{}');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP-SECRET');
    core = createFakeCore([sampleIntegration()]);
    host = await startHeadlessHost({ core, port: 0, rendererDir });
  });

  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
  });

  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 on a free port with a 32-byte base64url token in its URL', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('serves index.html for / with a valid token, the strict headers and a session cookie', async () => {
    const r = await request(host.port, `/?token=${host.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Kinexus</title>');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const cookie = r.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(`kinexus_session_${host.port}=${host.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('serves assets with their content type when the session cookie is presented', async () => {
    const cookie = `kinexus_session_${host.port}=${host.token}`;
    const js = await request(host.port, '/assets/app.js', { Cookie: cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['set-cookie']).toBeUndefined();
    const css = await request(host.port, '/assets/app.css', { Cookie: cookie });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await request(host.port, '/assets/app.js', { Cookie: cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers 401 without a token or with a wrong one, with the security headers', async () => {
    for (const target of ['/', '/assets/app.js', '/?token=wrong', `/?token=${host.token}x`]) {
      const r = await request(host.port, target);
      expect(r.status, target).toBe(401);
      expect(r.body).not.toContain('<title>Kinexus</title>');
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('answers 403 to a foreign Host (DNS rebinding) even with a valid token', async () => {
    const r = await request(host.port, `/?token=${host.token}`, { Host: `evil.example:${host.port}` });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('<title>Kinexus</title>');
  });

  it('accepts localhost:<port> as Host', async () => {
    const r = await request(host.port, `/?token=${host.token}`, { Host: `localhost:${host.port}`, Origin: `http://localhost:${host.port}` });
    expect(r.status).toBe(200);
  });

  it('answers 403 to a foreign Origin even with a valid token', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${host.port + 1}`, 'null']) {
      const r = await request(host.port, `/assets/app.js?token=${host.token}`, { Origin: origin });
      expect(r.status, origin).toBe(403);
    }
    const own = await request(host.port, `/assets/app.js?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` });
    expect(own.status).toBe(200);
  });

  it('refuses path traversal with a valid token', async () => {
    const cookie = `kinexus_session_${host.port}=${host.token}`;
    for (const target of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '//etc/passwd']) {
      const r = await request(host.port, target, { Cookie: cookie });
      expect(r.status, target).toBe(404);
      expect(r.body).not.toContain('TOP-SECRET');
    }
  });

  it('refuses other methods with 405', async () => {
    const r = await request(host.port, `/?token=${host.token}`, {}, 'POST');
    expect(r.status).toBe(405);
  });

  it('roundtrips calls over the WebSocket', async () => {
    const ws = await open({ Origin: `http://127.0.0.1:${host.port}` });
    const box = inbox(ws);
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'integrations.list', params: {} }));
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'integrations.get', params: { id: 'nope' } }));
    expect(await box.next((m) => m.type === 'result' && m.id === 1)).toMatchObject({ result: [{ name: 'Acme GitHub', secrets: { token: true } }] });
    expect(await box.next((m) => m.type === 'error' && m.id === 2)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('accepts the WebSocket with the session cookie instead of the query token', async () => {
    const r = await connect(wsUrl(''), { Cookie: `kinexus_session_${host.port}=${host.token}` });
    expect('ws' in r).toBe(true);
    if ('ws' in r) sockets.push(r.ws);
  });

  it('broadcasts core events to every connected socket', async () => {
    const a = inbox(await open());
    const b = inbox(await open());
    core.emit('integrations.changed', { ids: ['int_1'] });
    for (const box of [a, b]) expect(await box.next((m) => m.type === 'event')).toEqual({ type: 'event', event: 'integrations.changed', data: { ids: ['int_1'] } });
  });

  it('answers malformed messages with invalid_input and keeps the socket usable', async () => {
    const ws = await open();
    const box = inbox(ws);
    ws.send('{this is not json');
    expect(await box.next()).toMatchObject({ type: 'error', id: -1, error: { code: 'invalid_input' } });
    ws.send(JSON.stringify({ type: 'call', id: 5, method: 42 }));
    expect(await box.next((m) => m.type === 'error' && m.id === 5)).toMatchObject({ error: { code: 'invalid_input' } });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send(JSON.stringify({ type: 'call', id: 6, method: 'status.get', params: {} }));
    expect(await box.next((m) => m.type === 'result' && m.id === 6)).toMatchObject({ result: { schemaVersion: 3 } });
    expect(box.seen.filter((m) => m.type === 'error' && m.id === -1)).toHaveLength(2);
  });

  it('survives results and events that cannot be serialized', async () => {
    const ws = await open();
    const box = inbox(ws);
    const call = core.call;
    core.call = async (method, params) => (method === 'status.get' ? { ok: true, result: { big: 1n } } : call(method, params));
    try {
      ws.send(JSON.stringify({ type: 'call', id: 11, method: 'status.get', params: {} }));
      expect(await box.next((m) => m.type === 'error' && m.id === 11)).toMatchObject({ error: { code: 'internal' } });
      expect(() => core.emit('integrations.changed', { big: 2n })).not.toThrow();
      core.emit('integrations.changed', { ids: ['after'] });
      expect(await box.next((m) => m.type === 'event')).toMatchObject({ data: { ids: ['after'] } });
    } finally {
      core.call = call;
    }
  });

  it('closes a socket that sends more than the payload limit, and only that one', async () => {
    const big = await open();
    const other = inbox(await open());
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send('x'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect(await closed).toBe(1009);
    core.emit('integrations.changed', { ids: [] });
    expect(await other.next((m) => m.type === 'event')).toMatchObject({ event: 'integrations.changed' });
  });

  it('refuses WebSocket upgrades without a valid token (401), from a foreign Origin or Host (403), or on another path (404)', async () => {
    expect(await connect(wsUrl(''))).toEqual({ status: 401 });
    expect(await connect(wsUrl('?token=wrong'))).toEqual({ status: 401 });
    expect(await connect(wsUrl(), { Origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await connect(wsUrl(), { Origin: `http://localhost:${host.port}` })).toEqual({ status: 403 });
    expect(await connect(wsUrl(), { Host: `evil.example:${host.port}` })).toEqual({ status: 403 });
    expect(await connect(`ws://127.0.0.1:${host.port}/other?token=${host.token}`)).toEqual({ status: 404 });
  });

  it('answers a plain GET on the WebSocket path with 426', async () => {
    const r = await request(host.port, `${WS_PATH}?token=${host.token}`);
    expect(r.status).toBe(426);
  });
});

describe('headless host lifecycle', () => {
  it('uses a given token, answers 503 when the renderer is not built, and frees its port and listener on close', async () => {
    const core = createFakeCore();
    const token = 'given-token-0123456789abcdef';
    const host = await startHeadlessHost({ core, rendererDir: path.join(os.tmpdir(), 'kinexus-no-such-dir'), token });
    expect(host.token).toBe(token);
    expect(core.listenerCount()).toBe(1);
    const r = await request(host.port, `/?token=${token}`);
    expect(r.status).toBe(503);
    expect(r.body).toContain('npm run build:renderer');
    const ws = await connect(`ws://127.0.0.1:${host.port}${WS_PATH}?token=${token}`);
    expect('ws' in ws).toBe(true);
    const closed = 'ws' in ws ? new Promise((resolve) => ws.ws.once('close', resolve)) : Promise.resolve();
    await host.close();
    await closed;
    expect(core.listenerCount()).toBe(0);
    await expect(request(host.port, '/')).rejects.toThrow();
  });

  it('refuses a token that is too short to be a secret', async () => {
    await expect(startHeadlessHost({ core: createFakeCore(), rendererDir: os.tmpdir(), token: 'short' })).rejects.toThrow(/at least 16/);
  });
});
