import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../main/connectors/types.ts';
import { readonlyMirror } from '../../../main/mcp/readonly-mirror.ts';
import { createMirrorServer } from '../../../main/mcp/server.ts';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';
import { openDatabase, type Db } from '../../../main/store/database.ts';
import { RecordsRepo } from '../../../main/store/records-repo.ts';
import { SEARCH_WINDOW } from '../../../main/store/records-search.ts';

interface Page {
  total: number;
  totalIsAtLeast: boolean;
  hits: { id: number; title: string }[];
  nextCursor: string | null;
}

// The search tool over a mirror where a common word matches more records than search counts.
describe('the MCP search tool on a large mirror', () => {
  const MATCHES = SEARCH_WINDOW + 30;
  let dir: string;
  let db: Db;
  let client: Client;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-mcp-search-'));
    const rw = openDatabase(dir);
    const repo = new RecordsRepo(rw);
    const record = (n: number, title: string, text: string): SourceRecord => ({ externalId: String(n), kind: 'issue', title, url: null, status: 'open', author: 'octo', updatedAt: '2025-03-01T00:00:00Z', text, container: 'acme/api', raw: {} });
    rw.transaction(() => {
      const batch = Array.from({ length: MATCHES }, (_, n) => record(n, `Issue ${n}`, `the build timed out ${n}`));
      repo.applyBatch('github-1', 'github', 'issues', [...batch, record(MATCHES, 'Rare one', 'a zephyr passed')], [], '2025-03-02T00:00:00Z');
    })();
    rw.close();
    db = openDatabase(dir, { readonly: true });
    const server = createMirrorServer(readonlyMirror({ db, dataDir: dir, secrets: () => new MemorySecretStore() }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    client = new Client({ name: 'test', version: '1' });
    await client.connect(b);
  });
  afterAll(async () => {
    await client?.close();
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function search(args: Record<string, unknown>): Promise<Page> {
    const r = (await client.callTool({ name: 'search', arguments: args })) as CallToolResult;
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    return r.structuredContent as unknown as Page;
  }

  it('says the total is a lower bound, and its cursor leads through every match once', async () => {
    const first = await search({ query: 'build', limit: 50 });
    expect(first).toMatchObject({ total: SEARCH_WINDOW, totalIsAtLeast: true });
    expect(first.nextCursor).not.toBeNull();
    const seen = first.hits.map((h) => h.id);
    let p = first;
    while (p.nextCursor) {
      p = await search({ query: 'build', limit: 50, cursor: p.nextCursor });
      seen.push(...p.hits.map((h) => h.id));
    }
    expect(seen).toHaveLength(MATCHES);
    expect(new Set(seen).size).toBe(MATCHES);
    // The last page knows where the end is.
    expect(p).toMatchObject({ total: MATCHES, totalIsAtLeast: false, nextCursor: null });
  });

  it('gives an exact total and no cursor when everything fits', async () => {
    expect(await search({ query: 'zephyr' })).toMatchObject({ total: 1, totalIsAtLeast: false, nextCursor: null, hits: [{ title: 'Rare one' }] });
  });
});
