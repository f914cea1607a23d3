import fs from 'node:fs';
import path from 'node:path';
import { KinexusError } from '../../shared/errors.ts';
import { createCore } from '../core/core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { defaultRendererDir, startHeadlessHost } from '../headless/host.ts';

/**
 * `kinexus serve`: the core plus the headless host until SIGINT/SIGTERM.
 * Prints the one-time URL (with its token) on stdout.
 */
export async function serveCommand(port: number): Promise<number> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new KinexusError('invalid_input', `--port must be a whole number from 0 to 65535, not "${port}".`, { field: 'port' });
  }
  const rendererDir = process.env.KINEXUS_RENDERER_DIR ?? defaultRendererDir();
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new KinexusError('config', `The dashboard is not built (no ${path.join(rendererDir, 'index.html')}).`, { action: 'Run "npm run build:renderer" once, then "kinexus serve" again' });
  }
  // KINEXUS_MCP_PORT moves the MCP endpoint (0 = any free port), e.g. when its default port is taken.
  const mcpPort = process.env.KINEXUS_MCP_PORT === undefined ? undefined : Number(process.env.KINEXUS_MCP_PORT);
  // serve is the app without Electron: it keeps syncing on schedule like the tray app does.
  const core = await createCore({ dataDir: defaultDataDir(), scheduler: true, mcp: { port: mcpPort } });
  const host = await startHeadlessHost({ core, port, rendererDir });
  const mcp = await core.invoke('mcp.info', {});
  process.stdout.write(`Kinexus dashboard: ${host.url}\nData directory: ${core.dataDir}\nKeychain: ${core.keychain.state}\nMCP endpoint: ${mcp.endpoint ?? `off — ${mcp.error}`}\nPress Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await core.close();
  return 0;
}
