import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core.ts';
import { ENDPOINT_FILE } from '../../../main/mcp/endpoint-file.ts';
import { readonlyMirror } from '../../../main/mcp/readonly-mirror.ts';
import { createMirrorServer } from '../../../main/mcp/server.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { githubFixture, syncNow, type GitHubFixture } from '../../helpers/github-fixture.ts';

// The endpoint's life inside the app: its token survives restarts (keychain),
// it publishes where it listens for `kinexus mcp`, and it frees its port on close.
describe('the app\'s MCP endpoint', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  it('keeps its token across restarts, publishes its address, and frees the port on close', async () => {
    const f = await githubFixture({ core: { mcp: { port: 0 } } });
    open.push(f);
    const first = await f.core.invoke('mcp.token', {});
    const info = await f.core.invoke('mcp.info', {});
    expect(info.tokenPersistent).toBe(true);
    const published = JSON.parse(fs.readFileSync(path.join(f.dir, ENDPOINT_FILE), 'utf8'));
    expect(published).toEqual({ url: info.endpoint, pid: process.pid });
    expect(JSON.stringify(published)).not.toContain(first.token);
    const port = Number(new URL(info.endpoint!).port);

    await f.core.close();
    expect(fs.existsSync(path.join(f.dir, ENDPOINT_FILE))).toBe(false);
    await expect(fetch(info.endpoint!)).rejects.toThrow();

    const again = await createCore({ dataDir: f.dir, secretStore: f.store, mcp: { port } });
    open.push({ close: () => again.close() });
    expect((await again.invoke('mcp.token', {})).token).toBe(first.token);
    expect((await again.invoke('mcp.info', {})).endpoint).toBe(info.endpoint);
  });

  it('stays off with a reason when its port is taken, and the app still starts', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    open.push({ close: () => new Promise<void>((r) => blocker.close(() => r())) });
    const port = (blocker.address() as net.AddressInfo).port;
    const f = await githubFixture({ core: { mcp: { port } } });
    open.push(f);
    const info = await f.core.invoke('mcp.info', {});
    expect(info).toMatchObject({ enabled: false, endpoint: null, error: `Port ${port} on 127.0.0.1 is in use by another program, so the MCP endpoint is off.` });
    await expect(f.core.invoke('mcp.token', {})).rejects.toMatchObject({ code: 'config' });
    expect((await f.core.invoke('status.get', {})).integrations).toHaveLength(1);
  });

  it('lets a read-only stdio server hand sync_now to the running app', async () => {
    const f: GitHubFixture = await githubFixture({ issues: 3, core: { mcp: { port: 0 } } });
    open.push(f);
    await syncNow(f.core, f.id);
    const db = openDatabase(f.dir, { readonly: true });
    open.push({
      close: async () => {
        db.close();
      },
    });
    const server = createMirrorServer(readonlyMirror({ db, dataDir: f.dir, secrets: () => f.store }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(b);
    open.push({ close: () => client.close() });

    const r = (await client.callTool({ name: 'sync_now', arguments: { integration: 'Acme GitHub' } })) as CallToolResult;
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    const started = r.structuredContent as { integrationId: string; runId: string; state: string };
    expect(started.integrationId).toBe(f.id);
    const run = await (f.core as Core).invoke('runs.get', { runId: started.runId });
    expect(run.trigger).toBe('mcp');

    // With syncing from assistants turned off in the app, the read-only server refuses too.
    await f.core.invoke('settings.update', { mcpSyncAllowed: false });
    const refused = (await client.callTool({ name: 'sync_now', arguments: { integration: 'Acme GitHub' } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/turned off in the Kinexus settings/);
  });
});
