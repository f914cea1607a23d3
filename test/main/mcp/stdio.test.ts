import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubFixture, syncNow, TOKEN, type GitHubFixture } from '../../helpers/github-fixture.ts';
import { paths } from '../connectors/mcp/support.ts';

// `kinexus mcp` as an MCP client launches it: a separate process on the data
// directory of a running core (the "app"), speaking MCP on stdin/stdout.
describe('kinexus mcp over stdio', () => {
  let f: GitHubFixture;
  beforeAll(async () => {
    f = await githubFixture({ issues: 12, pulls: 2, commits: 3 });
    await syncNow(f.core, f.id);
  });
  afterAll(async () => f?.close());

  const env = () => ({ ...process.env, KINEXUS_DATA_DIR: f.dir, NODE_OPTIONS: '' });

  it('writes nothing but JSON-RPC messages to stdout and exits when stdin closes', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [paths.cliBin, 'mcp'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search', arguments: { query: 'fix', limit: 3 } } });
    const deadline = Date.now() + 30_000;
    while (!out.includes('"id":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, err).toBe(0);
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    const messages = lines.map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result: { serverInfo?: { name: string }; structuredContent?: { total: number } } });
    expect(messages.every((m) => m.jsonrpc === '2.0')).toBe(true);
    expect(messages[0].result.serverInfo?.name).toBe('kinexus');
    expect(messages[1].result.structuredContent?.total).toBe(12);
  });

  it('serves the mirror read-only to the SDK client while the app keeps syncing', { timeout: 60_000 }, async () => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [paths.cliBin, 'mcp'], env: { PATH: process.env.PATH ?? '', KINEXUS_DATA_DIR: f.dir }, stderr: 'pipe' }));
    try {
      const seen: string[] = [];
      const call = async (name: string, args: Record<string, unknown>) => {
        const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
        seen.push(JSON.stringify(r));
        return r;
      };
      expect((await call('search', { query: 'fix' })).structuredContent).toMatchObject({ total: 12 });
      const health = (await call('list_integrations', {})).structuredContent as { integrations: { name: string; state: string; recordCount: number; nextRunAt: string | null }[] };
      expect(health.integrations).toEqual([expect.objectContaining({ name: 'Acme GitHub', state: 'healthy', recordCount: 17 })]);

      // The app syncs new issues while the stdio server stays open: it sees them without restarting.
      f.gh.state.addIssues('acme/api', 3, { start: Date.now() - 60_000, stepSeconds: 1 });
      await syncNow(f.core, f.id);
      expect((await call('search', { query: 'fix', kind: 'issue' })).structuredContent).toMatchObject({ total: 15 });

      const uri = ((await call('search', { query: 'fix', limit: 1 })).structuredContent as { hits: { uri: string }[] }).hits[0].uri;
      const read = await client.readResource({ uri });
      seen.push(JSON.stringify(read));
      expect((read.contents[0] as { text: string }).text).toMatch(/^# /);

      // Without a running app endpoint, sync_now says why it cannot and what to do.
      const sync = await call('sync_now', { integration: 'Acme GitHub' });
      expect(sync.isError).toBe(true);
      expect((sync.content[0] as { text: string }).text).toBe(
        'sync_now is not available over stdio right now: the Kinexus app is not running (it publishes no MCP endpoint). This process only reads the mirror; syncing is done by the running app. Next step: Start Kinexus Desktop (or "kinexus serve") and ask again, or run "kinexus sync <integration>" in a terminal.',
      );
      for (const s of seen) expect(s).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });

  it('refuses a data directory without a mirror, on stderr, creating nothing', { timeout: 60_000 }, () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-empty-'));
    try {
      const r = spawnSync(process.execPath, [paths.cliBin, 'mcp'], { env: { ...env(), KINEXUS_DATA_DIR: empty }, input: '', encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`Error: There is no Kinexus mirror in ${empty} yet.`);
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('prints a ready-to-paste client configuration with --config', { timeout: 60_000 }, () => {
    const r = spawnSync(process.execPath, [paths.cliBin, 'mcp', '--config'], { env: env(), encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mcpServers: { kinexus: { command: process.execPath, args: [paths.cliBin, 'mcp'], env: { KINEXUS_DATA_DIR: f.dir } } } });
  });
});
