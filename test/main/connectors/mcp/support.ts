import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../../../../main/core/core.ts';
import { MemorySecretStore } from '../../../../main/secrets/memory-store.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Paths of the real, third-party MCP servers and of our fixtures. */
export const paths = {
  everything: path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'),
  filesystem: path.join(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'),
  oddServer: path.join(root, 'test/fixtures/mcp/odd-server.mjs'),
  bindLoopback: path.join(root, 'test/fixtures/mcp/bind-loopback.mjs'),
  withBearer: path.join(root, 'test/fixtures/mcp/with-bearer.mjs'),
  cliBin: path.join(root, 'main/cli/bin.js'),
  root,
};

/** A core on a temporary data directory with an in-memory keychain. */
export async function tempCore(opts: { mcp?: { port?: number } } = {}): Promise<{ core: Core; dir: string; store: MemorySecretStore; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-mcp-'));
  const store = new MemorySecretStore();
  const core = await createCore({ dataDir: dir, secretStore: store, httpOverrides: { maxAttempts: 1 }, ...opts });
  return {
    core,
    dir,
    store,
    async close() {
      await core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A value to put in a child's environment, to find its processes afterwards. */
export function newMarker(): string {
  return `kx-${randomUUID()}`;
}

/**
 * Pids of live processes whose environment holds KX_MCP_MARKER=<marker>: the
 * server a run started and anything it started in turn. Linux /proc only.
 */
export function processesWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Zombies (state Z) have exited; only their parent has not collected them yet.
      if (env.split('\0').includes(`KX_MCP_MARKER=${marker}`) && !/\) Z /.test(stat)) out.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Waits until `check` is true, polling (for process exits and servers coming up). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
