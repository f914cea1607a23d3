import type { Command } from 'commander';
import { toErrorBody } from '../../shared/errors.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { stdioClientConfig } from '../mcp/client-config.ts';
import { protectStdout, runStdioServer } from '../mcp/stdio.ts';

/**
 * `kinexus mcp`: the command an MCP client (Claude Desktop, an IDE) launches.
 * While serving, stdout carries protocol messages and nothing else; errors and
 * logs go to stderr.
 */
export async function mcpCommand(o: { config?: boolean }): Promise<number> {
  const dataDir = defaultDataDir();
  if (o.config) {
    process.stdout.write(`${JSON.stringify(stdioClientConfig(dataDir), null, 2)}\n`);
    return 0;
  }
  protectStdout();
  try {
    await runStdioServer({ dataDir });
    return 0;
  } catch (err) {
    const body = toErrorBody(err);
    process.stderr.write(`Error: ${body.message}\n${body.action ? `  → ${body.action}\n` : ''}`);
    return 1;
  } finally {
    // Nothing more will be read; a paused stdin must not keep the process alive.
    process.stdin.destroy();
  }
}

/** Registers `kinexus mcp`. */
export function addMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('Serve the mirror to an AI assistant over MCP on stdin/stdout (read-only; sync_now is handed to the running app)')
    .option('--config', 'print a ready-to-paste client configuration (mcpServers) for this command and exit')
    .action(async (o: { config?: boolean }) => {
      process.exitCode = await mcpCommand(o);
    });
}
