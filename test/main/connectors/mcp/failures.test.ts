import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../../main/core/core.ts';
import { newMarker, paths, processesWithMarker, tempCore, until } from './support.ts';

// The odd server (test/fixtures/mcp/odd-server.mjs) pages, refuses an item,
// exits, hangs or writes garbage on demand; each failure must arrive with the
// code every other integration uses, and no server process may outlive its run.
describe('mcp connector paging, failures and cleanup', () => {
  let t: Awaited<ReturnType<typeof tempCore>>;
  let core: Core;
  beforeAll(async () => {
    t = await tempCore();
    core = t.core;
  });
  afterAll(async () => t?.close());

  async function add(name: string, env: Record<string, string>, extra: Record<string, unknown> = {}, secrets: Record<string, string> = {}) {
    const i = await core.invoke('integrations.add', { connector: 'mcp', name, settings: { transport: 'stdio', command: process.execPath, args: [paths.oddServer], env, ...extra }, secrets });
    return i.id;
  }
  const sync = async (id: string) => (await core.invoke('sync.run', { id, trigger: 'cli', wait: true })).run!;

  it('follows cursors across pages, counts an unreadable resource as failed, and deletes what disappeared', async () => {
    const marker = newMarker();
    const id = await add('Paged', { ODD_MODE: 'paged', KX_MCP_MARKER: marker });
    const first = await sync(id);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({ added: 24 + 12, failed: 1 });
    const logs = await core.invoke('logs.list', { runId: first.id, levels: ['warn'] });
    expect(logs.lines.map((l) => l.message)).toContain('Could not read odd://r/13: Resource odd://r/13 is locked (MCP error -32002)');
    expect((await core.invoke('records.list', { integrationId: id, kind: 'resource', limit: 100 })).total).toBe(24);
    expect((await core.invoke('records.search', { q: 'quarterly zebra', integrationId: id })).total).toBe(24);

    await core.invoke('integrations.update', { id, settings: { transport: 'stdio', command: process.execPath, args: [paths.oddServer], env: { ODD_MODE: 'paged', ODD_RESOURCES: '5', KX_MCP_MARKER: marker } } });
    const second = await sync(id);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ added: 0, deleted: 19 });
    expect((await core.invoke('records.list', { integrationId: id, kind: 'resource' })).hits.map((h) => h.externalId).sort()).toEqual(['odd://r/1', 'odd://r/2', 'odd://r/3', 'odd://r/4', 'odd://r/5']);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('mirrors at most maxResources resources and says so', async () => {
    const id = await add('Capped', { ODD_MODE: 'paged' }, { maxResources: 7, streams: ['resources'] });
    const run = await sync(id);
    expect(run.counts.added).toBe(7);
    const logs = await core.invoke('logs.list', { runId: run.id, levels: ['warn'] });
    expect(logs.lines.some((l) => /more than 7 resources; only the first 7 are mirrored/.test(l.message))).toBe(true);
  });

  it('classifies a server that exits mid-run as a network failure quoting its last words', async () => {
    const marker = newMarker();
    const id = await add('Crashy', { ODD_MODE: 'exit-on-list', KX_MCP_MARKER: marker });
    const run = await sync(id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'network' });
    expect(run.error?.message).toBe('Crashy: the MCP server process exited with code 3 during resources/list; it last said: fatal: the index is corrupt');
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('classifies a server that exits at start-up in the connection test', async () => {
    const id = await add('Broken start', { ODD_MODE: 'exit-at-start' });
    const r = await core.invoke('integrations.test', { id });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('network');
    expect(r.error?.message).toBe('Broken start: the MCP server process exited with code 2 during the start-up handshake; it last said: odd-server: cannot open its configuration file');
    expect(r.error?.action).toMatch(/^Run ".*" with its arguments in a terminal/);
  });

  it('classifies garbage on stdout as a server failure', async () => {
    const marker = newMarker();
    const id = await add('Chatty', { ODD_MODE: 'garbage', KX_MCP_MARKER: marker });
    const r = await core.invoke('integrations.test', { id });
    expect(r.error?.code).toBe('server');
    expect(r.error?.message).toBe('Chatty: the MCP server wrote something that is not an MCP message to stdout ("Starting odd server v1 ... ready!") during the start-up handshake.');
    await until(() => processesWithMarker(marker).length === 0, 5000, 'the chatty server to be gone');
  });

  it('classifies a request that times out as a network failure and kills the server', async () => {
    const marker = newMarker();
    const id = await add('Sleepy', { ODD_MODE: 'hang-on-read', ODD_RESOURCES: '1', KX_MCP_MARKER: marker }, { timeoutSeconds: 1, streams: ['resources'] });
    const run = await sync(id);
    expect(run.error?.code).toBe('network');
    expect(run.error?.message).toBe('Sleepy: the MCP server did not answer resources/read of odd://r/1 within 1 s.');
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('kills the server promptly when the run is cancelled', async () => {
    const marker = newMarker();
    const signal = path.join(t.dir, 'reading');
    const id = await add('Cancelled', { ODD_MODE: 'hang-on-read', ODD_RESOURCES: '1', ODD_SIGNAL_FILE: signal, KX_MCP_MARKER: marker }, { timeoutSeconds: 120, streams: ['resources'] });
    const started = await core.invoke('sync.run', { id, trigger: 'cli' });
    await until(() => fs.existsSync(signal), 30_000, 'the server to be stuck in resources/read');
    expect(processesWithMarker(marker).length).toBe(1);
    const t0 = Date.now();
    expect((await core.invoke('sync.cancel', { runId: started.run!.id })).cancelled).toBe(true);
    await until(() => processesWithMarker(marker).length === 0, 5000, 'the server to be killed');
    expect(Date.now() - t0).toBeLessThan(4000);
    await until(async () => (await core.invoke('runs.get', { runId: started.run!.id })).status !== 'running', 5000, 'the run to end');
    expect((await core.invoke('runs.get', { runId: started.run!.id })).status).toBe('cancelled');
  });

  it('kills what a wrapper command started, as npx does, not just the wrapper', async () => {
    const marker = newMarker();
    const signal = path.join(t.dir, 'wrapped-reading');
    // "; true" keeps the shell alive as the server's parent, like npx around a package's bin.
    const i = await core.invoke('integrations.add', {
      connector: 'mcp',
      name: 'Wrapped',
      settings: { transport: 'stdio', command: '/bin/sh', args: ['-c', `"${process.execPath}" "${paths.oddServer}"; true`], env: { ODD_MODE: 'hang-on-read', ODD_RESOURCES: '1', ODD_SIGNAL_FILE: signal, KX_MCP_MARKER: marker }, timeoutSeconds: 120, streams: ['resources'] },
    });
    const started = await core.invoke('sync.run', { id: i.id, trigger: 'cli' });
    await until(() => fs.existsSync(signal), 30_000, 'the wrapped server to be stuck in resources/read');
    expect(processesWithMarker(marker).length).toBe(2);
    await core.invoke('sync.cancel', { runId: started.run!.id });
    await until(() => processesWithMarker(marker).length === 0, 5000, 'the shell and the server to be gone');
  });

  it('says when the command does not exist', async () => {
    const i = await core.invoke('integrations.add', { connector: 'mcp', name: 'Typo', settings: { transport: 'stdio', command: 'kx-no-such-command-9f2', args: [] } });
    const r = await core.invoke('integrations.test', { id: i.id });
    expect(r.error).toMatchObject({ code: 'config', message: 'Typo: the command "kx-no-such-command-9f2" was not found.' });
  });

  it('stops a server whose cursor never ends', async () => {
    const id = await add('Loopy', { ODD_MODE: 'loop' }, { streams: ['resources'] });
    const run = await sync(id);
    expect(run.error?.code).toBe('server');
    expect(run.error?.message).toMatch(/^Loopy: the MCP server keeps paging resources\/list/);
  });

  it('hands the secret to the server in tokenEnv but keeps it out of records, logs and the database', async () => {
    const CANARY = 'mcp-canary-7f3a9c1e5b';
    const id = await add('Secretive', { ODD_MODE: 'paged', ODD_RESOURCES: '3' }, { tokenEnv: 'ODD_WORD', streams: ['resources'] }, { bearerToken: CANARY });
    const run = await sync(id);
    expect(run.status).toBe('succeeded');
    const hit = (await core.invoke('records.list', { integrationId: id })).hits[0];
    const rec = await core.invoke('records.get', { id: hit.id });
    // The server did receive the secret (it echoes it), and the mirror kept none of it.
    expect(rec.text).toContain('the quarterly [redacted] report');
    const logs = await core.invoke('logs.list', { runId: run.id });
    expect(JSON.stringify(logs)).not.toContain(CANARY);
    expect(JSON.stringify(await core.invoke('integrations.get', { id }))).not.toContain(CANARY);
    for (const f of fs.readdirSync(t.dir, { recursive: true }) as string[]) {
      const file = path.join(t.dir, f);
      if (fs.statSync(file).isFile()) expect(fs.readFileSync(file).includes(CANARY), `${f} holds the secret`).toBe(false);
    }
  });
});
