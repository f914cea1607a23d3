import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The running app publishes where its MCP endpoint listens (never the token:
 * that stays in the keychain) so that `kinexus mcp` over stdio can hand
 * `sync_now` to the app instead of writing to the database beside it.
 */
export const ENDPOINT_FILE = 'mcp-endpoint.json';

const EndpointInfo = z.object({ url: z.string(), pid: z.number().int() });
export type EndpointInfo = z.infer<typeof EndpointInfo>;

/** Writes the endpoint file (owner-only). */
export function publishEndpoint(dataDir: string, info: EndpointInfo): void {
  const file = path.join(dataDir, ENDPOINT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the endpoint file if this process wrote it. */
export function withdrawEndpoint(dataDir: string, pid = process.pid): void {
  const current = readEndpoint(dataDir, { checkAlive: false });
  if (current && current.pid === pid) fs.rmSync(path.join(dataDir, ENDPOINT_FILE), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The published endpoint, or null when there is none or its process is gone (a crash leaves the file behind). */
export function readEndpoint(dataDir: string, opts: { checkAlive?: boolean } = {}): EndpointInfo | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8');
  } catch {
    return null;
  }
  let parsed: ReturnType<typeof EndpointInfo.safeParse>;
  try {
    parsed = EndpointInfo.safeParse(JSON.parse(text));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  if ((opts.checkAlive ?? true) && !alive(parsed.data.pid)) return null;
  return parsed.data;
}
