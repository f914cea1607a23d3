import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMarker, paths, processesWithMarker, tempCore } from './support.ts';

// @modelcontextprotocol/server-everything: the reference server of the MCP
// project, started over stdio exactly as a user would configure it.
describe('mcp connector against server-everything over stdio', () => {
  let t: Awaited<ReturnType<typeof tempCore>>;
  let id: string;
  const marker = newMarker();

  beforeAll(async () => {
    t = await tempCore();
    const i = await t.core.invoke('integrations.add', {
      connector: 'mcp',
      name: 'Everything',
      settings: { transport: 'stdio', command: process.execPath, args: [paths.everything, 'stdio'], env: { KX_MCP_MARKER: marker } },
    });
    id = i.id;
  });
  afterAll(async () => t?.close());

  it('reports the server name, version, protocol version and what it offers', async () => {
    const r = await t.core.invoke('integrations.test', { id });
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.identity).toBe('Everything Reference Server 2.0.0');
    const by = Object.fromEntries(r.reachable.map((x) => [x.name, x.detail]));
    expect(by.protocol).toMatch(/^MCP \d{4}-\d{2}-\d{2}$/);
    expect(by.tools).toMatch(/^\d+ tools$/);
    expect(by.resources).toBe('7 resources');
    expect(by.prompts).toMatch(/^\d+ prompts$/);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('mirrors its resources as searchable records and catalogues its tools, and leaves no process behind', async () => {
    const { run } = await t.core.invoke('sync.run', { id, trigger: 'cli', wait: true });
    expect(run?.error).toBeNull();
    expect(run?.status).toBe('succeeded');
    expect(run?.counts.added).toBeGreaterThanOrEqual(7 + 10);
    expect(run?.requests).toBeGreaterThan(7);
    expect(processesWithMarker(marker)).toEqual([]);

    const docs = await t.core.invoke('records.list', { integrationId: id, kind: 'resource', limit: 50 });
    expect(docs.total).toBe(7);
    expect(docs.hits.map((h) => h.externalId)).toContain('demo://resource/static/document/architecture.md');

    // The text of the architecture document is searchable.
    const found = await t.core.invoke('records.search', { q: 'architecture', integrationId: id, kind: 'resource' });
    expect(found.hits.map((h) => h.externalId)).toContain('demo://resource/static/document/architecture.md');

    const tools = await t.core.invoke('records.list', { integrationId: id, kind: 'tool', limit: 100 });
    expect(tools.hits.map((h) => h.externalId)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    const echo = await t.core.invoke('records.get', { id: tools.hits.find((h) => h.externalId === 'echo')!.id });
    expect(echo.text).toMatch(/message/);
    expect((echo.raw as { inputSchema: { type: string } }).inputSchema.type).toBe('object');
  });

  it('finds nothing changed on the next run', async () => {
    const { run } = await t.core.invoke('sync.run', { id, trigger: 'cli', wait: true });
    expect(run?.status).toBe('succeeded');
    expect(run?.counts.added).toBe(0);
    expect(run?.counts.deleted).toBe(0);
    expect(run?.counts.unchanged).toBeGreaterThanOrEqual(17);
  });
});
