import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The name assistants show for this server. */
export const SERVER_KEY = 'kinexus';

/** Placeholder shown instead of the token until the user copies the real one. */
export const TOKEN_PLACEHOLDER = '<your Kinexus MCP token>';

/** `mcpServers` entry for clients that speak Streamable HTTP (Claude Code, VS Code, Cursor …). */
export function httpClientConfig(url: string, token: string = TOKEN_PLACEHOLDER): Record<string, unknown> {
  return { mcpServers: { [SERVER_KEY]: { type: 'http', url, headers: { Authorization: `Bearer ${token}` } } } };
}

/**
 * `mcpServers` entry for clients that launch a command over stdio (Claude
 * Desktop): `kinexus mcp` from this installation, on this data directory.
 */
export function stdioClientConfig(dataDir: string): Record<string, unknown> {
  const env: Record<string, string> = { KINEXUS_DATA_DIR: dataDir };
  if (process.versions.electron) {
    // The packaged app cannot run as plain Node (the RunAsNode fuse is off): it serves stdio itself.
    return { mcpServers: { [SERVER_KEY]: { command: process.env.APPIMAGE || process.execPath, args: ['--mcp-stdio'], env } } };
  }
  const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'bin.js');
  return { mcpServers: { [SERVER_KEY]: { command: process.execPath, args: [bin, 'mcp'], env } } };
}
