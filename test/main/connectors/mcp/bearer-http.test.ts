import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubFixture, syncNow, type GitHubFixture } from '../../../helpers/github-fixture.ts';

// An HTTP MCP server that demands a bearer token: Kinexus's own endpoint,
// added as an external server to a core (it happens to be the same one).
describe('mcp connector with a bearer token over HTTP', () => {
  let f: GitHubFixture;
  let url: string;
  let token: string;
  beforeAll(async () => {
    f = await githubFixture({ issues: 2, core: { mcp: { port: 0 } } });
    await syncNow(f.core, f.id);
    url = (await f.core.invoke('mcp.info', {})).endpoint!;
    token = (await f.core.invoke('mcp.token', {})).token;
  });
  afterAll(async () => f?.close());

  it('classifies a rejected token as auth and shows the integration as needing credentials', async () => {
    const i = await f.core.invoke('integrations.add', { connector: 'mcp', name: 'Guarded', settings: { transport: 'http', url, streams: ['tools'] }, secrets: { bearerToken: 'not-the-right-token-123456' } });
    const test = await f.core.invoke('integrations.test', { id: i.id });
    expect(test.error).toMatchObject({ code: 'auth', message: `Guarded: the MCP server at ${url} rejected the credentials (401).`, action: 'Reconnect Guarded: enter a valid bearer token' });
    const { run } = await f.core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
    expect(run?.error?.code).toBe('auth');
    const health = (await f.core.invoke('health.list', {})).find((h) => h.integrationId === i.id);
    expect(health?.state).toBe('needs_credentials');
  });

  it('sends the stored token and keeps it out of runs, logs and the data directory', async () => {
    const i = await f.core.invoke('integrations.add', { connector: 'mcp', name: 'Kinexus itself', settings: { transport: 'http', url, streams: ['tools'] }, secrets: { bearerToken: token } });
    const test = await f.core.invoke('integrations.test', { id: i.id });
    expect(test.error).toBeNull();
    expect(test.identity).toMatch(/^Kinexus Desktop \d+\.\d+\.\d+$/);
    const { run } = await f.core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
    expect(run?.status).toBe('succeeded');
    const tools = await f.core.invoke('records.list', { integrationId: i.id, kind: 'tool' });
    expect(tools.hits.map((h) => h.externalId).sort()).toEqual(['get_record', 'list_integrations', 'recent_changes', 'search', 'sync_now']);
    expect(JSON.stringify(await f.core.invoke('logs.list', { runId: run!.id }))).not.toContain(token);
    expect(JSON.stringify(await f.core.invoke('runs.get', { runId: run!.id }))).not.toContain(token);
    for (const file of fs.readdirSync(f.dir, { recursive: true }) as string[]) {
      const p = path.join(f.dir, file);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p).includes(token), `${file} holds the token`).toBe(false);
    }
  });
});
