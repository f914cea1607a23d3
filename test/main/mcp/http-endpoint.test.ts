import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubFixture, syncNow, TOKEN, type GitHubFixture } from '../../helpers/github-fixture.ts';

// The MCP server inside the app, over Streamable HTTP, driven by the SDK's own
// client, on a core with a real (emulated) GitHub mirror whose token is a canary.
describe('MCP over Streamable HTTP inside the app', () => {
  let f: GitHubFixture;
  let url: string;
  let token: string;
  let client: Client;
  /** Every text any tool, resource or prompt returned: checked for the canary at the end. */
  const seen: string[] = [];

  async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
    seen.push(JSON.stringify(r));
    return r;
  }
  const data = <T>(r: CallToolResult) => r.structuredContent as T;

  beforeAll(async () => {
    f = await githubFixture({ issues: 30, pulls: 4, commits: 6, core: { mcp: { port: 0 } } });
    await syncNow(f.core, f.id);
    const info = await f.core.invoke('mcp.info', {});
    url = info.endpoint!;
    token = (await f.core.invoke('mcp.token', {})).token;
    client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  });
  afterAll(async () => {
    await client?.close();
    await f?.close();
  });

  it('offers the five tools with strict input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_record', 'list_integrations', 'recent_changes', 'search', 'sync_now']);
    for (const t of tools) expect(t.inputSchema.additionalProperties, t.name).toBe(false);
    expect(tools.find((t) => t.name === 'search')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'sync_now')?.annotations?.readOnlyHint).toBe(false);
  });

  it('searches the mirror with filters and pages with a cursor', async () => {
    const first = await call('search', { query: 'fix', kind: 'issue', limit: 10 });
    const p1 = data<{ total: number; hits: { id: number; uri: string; title: string; kind: string }[]; nextCursor: string | null }>(first);
    expect(p1.total).toBe(30);
    expect(p1.hits).toHaveLength(10);
    expect(p1.hits.every((h) => h.kind === 'issue')).toBe(true);
    expect(p1.hits[0].uri).toMatch(/^kinexus:\/\/records\/github\/issue\//);
    const p2 = data<typeof p1>(await call('search', { query: 'fix', kind: 'issue', limit: 10, cursor: p1.nextCursor }));
    expect(p2.hits).toHaveLength(10);
    expect(p2.hits.map((h) => h.id)).not.toEqual(expect.arrayContaining([p1.hits[0].id]));
    const none = data<typeof p1>(await call('search', { query: 'fix', source: 'jira' }));
    expect(none.total).toBe(0);
    expect(none.nextCursor).toBeNull();
  });

  it('rejects unknown fields and bad cursors', async () => {
    const unknown = await call('search', { query: 'fix', colour: 'blue' });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toMatch(/colour/);
    const badCursor = await call('search', { query: 'fix', cursor: 'not-ours' });
    expect(badCursor.isError).toBe(true);
    expect(JSON.stringify(badCursor.content)).toMatch(/cursor is not one this server handed out/);
    const both = await call('get_record', { id: 1, uri: 'kinexus://records/github/issue/x' });
    expect(both.isError).toBe(true);
  });

  it('returns one full record by id and by URI, with its URL', async () => {
    const hit = data<{ hits: { id: number; uri: string; url: string }[] }>(await call('search', { query: 'fix', kind: 'issue', limit: 1 })).hits[0];
    const byId = data<{ record: { id: number; url: string; text: string; raw: unknown; uri: string }; textTruncated: boolean }>(await call('get_record', { id: hit.id }));
    expect(byId.record.url).toBe(hit.url);
    expect(byId.record.url).toMatch(/^https?:\/\//);
    expect(byId.record.raw).not.toBeNull();
    const byUri = data<typeof byId>(await call('get_record', { uri: hit.uri }));
    expect(byUri.record.id).toBe(hit.id);
    const short = data<typeof byId>(await call('get_record', { id: hit.id, max_chars: 100 }));
    expect(short.record.text.length).toBeLessThanOrEqual(100);
    const missing = await call('get_record', { id: 999_999 });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toMatch(/No record 999999 in the mirror/);
  });

  it('lists recent changes across sources, newest first', async () => {
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const r = data<{ total: number; since: string; hits: { updatedAt: string }[] }>(await call('recent_changes', { since, limit: 100 }));
    expect(r.total).toBe(30 + 4 + 6);
    const times = r.hits.map((h) => h.updatedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const lastDay = data<{ total: number }>(await call('recent_changes', {}));
    expect(lastDay.total).toBe(0);
  });

  it('lists integrations with their health', async () => {
    const r = data<{ integrations: { name: string; state: string; recordCount: number }[]; syncAllowed: boolean }>(await call('list_integrations', {}));
    expect(r.integrations).toEqual([expect.objectContaining({ name: 'Acme GitHub', state: 'healthy', recordCount: 40 })]);
    expect(r.syncAllowed).toBe(true);
  });

  it('starts a sync with sync_now, and refuses once the setting turns it off', async () => {
    const started = data<{ state: string; runId: string }>(await call('sync_now', { integration: 'Acme GitHub' }));
    expect(['started', 'running', 'queued']).toContain(started.state);
    const run = await f.core.invoke('runs.get', { runId: started.runId });
    expect(run.trigger).toBe('mcp');
    await f.core.invoke('sync.run', { id: f.id, trigger: 'cli', wait: true });
    await f.core.invoke('settings.update', { mcpSyncAllowed: false });
    try {
      const refused = await call('sync_now', { integration: f.id });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/turned off in the Kinexus settings/);
    } finally {
      await f.core.invoke('settings.update', { mcpSyncAllowed: true });
    }
  });

  it('serves records as resources under kinexus://records/{source}/{kind}/{id}', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('kinexus://records/{source}/{kind}/{id}');
    const { resources } = await client.listResources();
    expect(resources.length).toBe(40);
    const one = resources.find((r) => r.uri.includes('/issue/'))!;
    const read = await client.readResource({ uri: one.uri });
    seen.push(JSON.stringify(read));
    const text = (read.contents[0] as { text: string }).text;
    expect(text.startsWith(`# ${one.name}`)).toBe(true);
    expect(text).toMatch(/- URL: https?:\/\//);
    await expect(client.readResource({ uri: 'kinexus://records/github/issue/nope' })).rejects.toThrow(/No record at kinexus:\/\/records\/github\/issue\/nope/);
  });

  it('offers a prompt that gathers a project\'s recent changes', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['summarize_recent_changes']);
    const p = await client.getPrompt({ name: 'summarize_recent_changes', arguments: { project: 'acme/api', since: '30d' } });
    seen.push(JSON.stringify(p));
    const text = (p.messages[0].content as { text: string }).text;
    expect(text).toMatch(/^Summarize for me what changed in "acme\/api" since /);
    expect(text).toMatch(/- \[github issue\] #30 Issue 30: fix export \(open, updated .*, by acme\) <https:\/\/github.com\/acme\/api\/issues\/30>/);
    const empty = await client.getPrompt({ name: 'summarize_recent_changes', arguments: { project: 'no-such-project', since: '1h' } });
    expect((empty.messages[0].content as { text: string }).text).toMatch(/^Nothing in the Kinexus mirror mentions "no-such-project"/);
  });

  it('never shows the GitHub token in anything it returned', () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const s of seen) expect(s).not.toContain(TOKEN);
  });

  describe('the door', () => {
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const post = (headers: Record<string, string>, body = init) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });

    it('refuses requests without the token, or with a wrong one', async () => {
      const none = await post({});
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await post({ authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
      expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
    });

    it('refuses foreign Host and Origin headers before looking at the token (DNS rebinding)', async () => {
      const { request } = await import('undici');
      const evilHost = await request(url, { method: 'POST', headers: { host: 'evil.example.com', authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: init });
      expect(evilHost.statusCode).toBe(403);
      await evilHost.body.text();
      expect((await post({ origin: 'http://evil.example.com', authorization: `Bearer ${token}` })).status).toBe(403);
      expect((await post({ origin: new URL(url).origin, authorization: `Bearer ${token}` })).status).toBe(200);
    });

    it('refuses a body over the size limit', async () => {
      const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(1024 * 1024 + 10) } });
      const r = await post({ authorization: `Bearer ${token}` }, big);
      expect(r.status).toBe(413);
    });

    it('answers unknown sessions and paths plainly', async () => {
      const unknown = await fetch(url, { method: 'GET', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': 'nope', accept: 'text/event-stream' } });
      expect(unknown.status).toBe(404);
      const wrongPath = await fetch(url.replace('/mcp', '/other'), { headers: { authorization: `Bearer ${token}` } });
      expect(wrongPath.status).toBe(404);
    });
  });

  it('shows the endpoint and a hint of the token, and keeps the token out of logs', async () => {
    const info = await f.core.invoke('mcp.info', {});
    expect(info.enabled).toBe(true);
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(info.tokenHint).toBe(`…${token.slice(-4)}`);
    expect(JSON.stringify(info)).not.toContain(token);
    const copy = await f.core.invoke('mcp.token', {});
    expect(copy.clientConfig).toEqual({ mcpServers: { kinexus: { type: 'http', url: info.endpoint, headers: { Authorization: `Bearer ${token}` } } } });
    for (const file of fs.readdirSync(f.dir, { recursive: true }) as string[]) {
      const p = path.join(f.dir, file);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p).includes(token), `${file} holds the MCP token`).toBe(false);
    }
  });
});
