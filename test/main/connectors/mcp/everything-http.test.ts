import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, paths, tempCore, until } from './support.ts';

// server-everything again, this time started as a Streamable HTTP server
// (bound to 127.0.0.1 by a preload, it would listen on every interface).
describe('mcp connector against server-everything over Streamable HTTP', () => {
  let server: ChildProcess;
  let url: string;
  let t: Awaited<ReturnType<typeof tempCore>>;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    server = spawn(process.execPath, ['--import', paths.bindLoopback, paths.everything, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    server.stderr!.on('data', (c: Buffer) => (said += c.toString()));
    await until(() => said.includes('listening'), 20_000, 'server-everything to listen');
    t = await tempCore();
  });
  afterAll(async () => {
    await t?.close();
    if (server?.pid) server.kill('SIGTERM');
  });

  it('tests the connection and mirrors resources and tools over HTTP', async () => {
    const i = await t.core.invoke('integrations.add', { connector: 'mcp', name: 'Everything over HTTP', settings: { transport: 'http', url } });
    const test = await t.core.invoke('integrations.test', { id: i.id });
    expect(test.error).toBeNull();
    expect(test.identity).toBe('Everything Reference Server 2.0.0');
    expect(test.reachable.find((r) => r.name === 'resources')?.detail).toBe('7 resources');

    const { run } = await t.core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
    expect(run?.error).toBeNull();
    expect(run?.status).toBe('succeeded');
    expect(run?.bytes).toBeGreaterThan(1000);
    const resources = await t.core.invoke('records.list', { integrationId: i.id, kind: 'resource' });
    expect(resources.total).toBe(7);
    const tools = await t.core.invoke('records.list', { integrationId: i.id, kind: 'tool', limit: 100 });
    expect(tools.hits.map((h) => h.externalId)).toContain('get-sum');
  });

  it('says there is no MCP endpoint when the URL path is wrong', async () => {
    const i = await t.core.invoke('integrations.add', { connector: 'mcp', name: 'Wrong path', settings: { transport: 'http', url: url.replace('/mcp', '/nothing-here') } });
    const test = await t.core.invoke('integrations.test', { id: i.id });
    expect(test.ok).toBe(false);
    expect(test.error?.code).toBe('config');
    expect(test.error?.message).toMatch(/^Wrong path: there is no MCP endpoint at http:\/\/127\.0\.0\.1:\d+\/nothing-here \(404\)/);
  });

  it('classifies a server that is not running as a network failure', async () => {
    const port = await freePort();
    const i = await t.core.invoke('integrations.add', { connector: 'mcp', name: 'Nobody home', settings: { transport: 'http', url: `http://127.0.0.1:${port}/mcp` } });
    const { run } = await t.core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
    expect(run?.status).toBe('failed');
    expect(run?.error?.code).toBe('network');
    expect(run?.error?.message).toMatch(/Nobody home: could not reach the MCP server at http:\/\/127\.0\.0\.1:\d+\/mcp/);
  });
});
