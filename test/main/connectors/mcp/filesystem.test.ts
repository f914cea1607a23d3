import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMarker, paths, processesWithMarker, tempCore } from './support.ts';

// @modelcontextprotocol/server-filesystem on a temporary folder: a real server
// that offers tools but no resources.
describe('mcp connector against server-filesystem', () => {
  let t: Awaited<ReturnType<typeof tempCore>>;
  let folder: string;
  const marker = newMarker();

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-fs-'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'hello');
    t = await tempCore();
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('reports its tools, says it offers no resources, catalogues the tools and mirrors no resource', async () => {
    const i = await t.core.invoke('integrations.add', {
      connector: 'mcp',
      name: 'Files',
      settings: { transport: 'stdio', command: process.execPath, args: [paths.filesystem, folder], env: { KX_MCP_MARKER: marker } },
    });
    const test = await t.core.invoke('integrations.test', { id: i.id });
    expect(test.error).toBeNull();
    expect(test.identity).toBe('secure-filesystem-server 0.2.0');
    const by = Object.fromEntries(test.reachable.map((r) => [r.name, r.detail]));
    expect(by.resources).toBe('not offered');
    expect(by.prompts).toBe('not offered');
    expect(Number(by.tools?.split(' ')[0])).toBeGreaterThanOrEqual(10);

    const { run } = await t.core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
    expect(run?.error).toBeNull();
    expect(run?.status).toBe('succeeded');
    const tools = await t.core.invoke('records.list', { integrationId: i.id, kind: 'tool', limit: 100 });
    expect(tools.hits.map((h) => h.externalId)).toEqual(expect.arrayContaining(['read_text_file', 'list_directory', 'write_file']));
    expect(tools.hits.find((h) => h.externalId === 'list_directory')?.status).toBe('read-only');
    expect((await t.core.invoke('records.list', { integrationId: i.id, kind: 'resource' })).total).toBe(0);
    const found = await t.core.invoke('records.search', { q: 'directory', integrationId: i.id });
    expect(found.total).toBeGreaterThan(0);
    expect(processesWithMarker(marker)).toEqual([]);
  });
});
