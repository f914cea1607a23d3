import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, newMarker, paths, processesWithMarker, tempCore, until } from './support.ts';

// The streams of one sync share one MCP session: one handshake, and for a
// stdio server one process per run, closed when the run ends.
describe('mcp connector: one session per sync run', () => {
  let t: Awaited<ReturnType<typeof tempCore>>;
  beforeAll(async () => {
    t = await tempCore();
  });
  afterAll(async () => t?.close());

  /** A stdio integration whose command appends a line to a file each time it starts the server. */
  async function counted(name: string, server: string[], env: Record<string, string>, extra: Record<string, unknown> = {}) {
    const starts = path.join(t.dir, `${name}-starts`);
    const marker = newMarker();
    const i = await t.core.invoke('integrations.add', {
      connector: 'mcp',
      name,
      settings: { transport: 'stdio', command: '/bin/sh', args: ['-c', 'echo started >> "$KX_STARTS"; exec "$0" "$@"', process.execPath, ...server], env: { ...env, KX_STARTS: starts, KX_MCP_MARKER: marker }, ...extra },
    });
    const startCount = () => (fs.existsSync(starts) ? fs.readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0);
    return { id: i.id, marker, startCount };
  }

  it('starts a stdio server once per sync, mirrors both resources and tools, and stops it at the end', async () => {
    const s = await counted('Everything once', [paths.everything, 'stdio'], {});
    const { run } = await t.core.invoke('sync.run', { id: s.id, trigger: 'cli', wait: true });
    expect(run?.error).toBeNull();
    expect(run?.status).toBe('succeeded');
    expect(s.startCount()).toBe(1);
    expect(processesWithMarker(s.marker)).toEqual([]);
    expect((await t.core.invoke('records.list', { integrationId: s.id, kind: 'resource' })).total).toBe(7);
    const tools = await t.core.invoke('records.list', { integrationId: s.id, kind: 'tool', limit: 100 });
    expect(tools.hits.map((h) => h.externalId)).toEqual(expect.arrayContaining(['echo', 'get-sum']));

    // A connection test has no run: it starts a server of its own and stops it.
    expect((await t.core.invoke('integrations.test', { id: s.id })).ok).toBe(true);
    expect(s.startCount()).toBe(2);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('lets the tools stream go on in the same session after the resources stream failed', async () => {
    const s = await counted('Loopy tools', [paths.oddServer], { ODD_MODE: 'loop' });
    const run = (await t.core.invoke('sync.run', { id: s.id, trigger: 'cli', wait: true })).run!;
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('server');
    expect(run.error?.message).toMatch(/^Loopy tools: the MCP server keeps paging resources\/list/);
    expect((await t.core.invoke('records.list', { integrationId: s.id, kind: 'tool', limit: 100 })).total).toBe(12);
    expect(s.startCount()).toBe(1);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  describe('over Streamable HTTP', () => {
    let server: ChildProcess;
    let said = '';
    beforeAll(async () => {
      const port = await freePort();
      server = spawn(process.execPath, ['--import', paths.bindLoopback, paths.everything, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      server.stdout!.on('data', (c: Buffer) => (said += c.toString()));
      server.stderr!.on('data', (c: Buffer) => (said += c.toString()));
      await until(() => said.includes('listening'), 20_000, 'server-everything to listen');
      const i = await t.core.invoke('integrations.add', { connector: 'mcp', name: 'Everything HTTP once', settings: { transport: 'http', url: `http://127.0.0.1:${port}/mcp` } });
      said = '';
      const { run } = await t.core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
      expect(run?.status).toBe('succeeded');
      // Resources and tools; every HTTP request of the run is in its accounting.
      expect(run?.counts.added).toBeGreaterThanOrEqual(7 + 10);
      expect(run?.requests).toBe(3 + 7 + 2);
    });
    afterAll(() => {
      if (server?.pid) process.kill(server.pid, 'SIGTERM');
    });

    it('initializes one session, opens no listening stream, and ends the session', async () => {
      const count = (re: RegExp) => said.match(new RegExp(re.source, 'g'))?.length ?? 0;
      expect(count(/Session initialized with ID/)).toBe(1);
      expect(count(/Received MCP GET request/)).toBe(0);
      await until(() => count(/Received session termination request/) === 1, 5000, 'the session to be ended');
    });
  });
});
