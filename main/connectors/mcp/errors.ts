import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode as RpcCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { KinexusError, type ErrorCode } from '../../../shared/errors.ts';
import { actionFor, codeForStatus } from '../../http/classify.ts';
import type { ChildProcessTransport } from './stdio-transport.ts';

/** What is known about a failed exchange with an MCP server, to say what went wrong. */
export interface FailureFacts {
  /** The integration's name, as the user knows it. */
  name: string;
  transport: 'stdio' | 'http';
  /** The command (stdio) or URL (http) the settings name. */
  target: string;
  child?: ChildProcessTransport;
  aborted: boolean;
  timeoutMs: number;
  /** What was being done, e.g. "the start-up handshake" or "resources/list". */
  what: string;
}

const NETWORK_CAUSES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 200);
}

function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function make(code: ErrorCode, f: FailureFacts, message: string, action?: string): KinexusError {
  return new KinexusError(code, `${f.name}: ${message}`, { action: action ?? actionFor(code, f.name) });
}

/** The server's own words from a JSON-RPC error, without the "MCP error -32002:" prefixes the SDK stacks on both ends. */
export function rpcMessage(err: McpError): string {
  return `${err.message.replace(/^(MCP error -?\d+:\s*)+/, '').slice(0, 300)} (MCP error ${err.code})`;
}

/**
 * Classifies a failure talking to an MCP server into the codes every other
 * integration uses: a server that exits or does not answer in time is
 * `network` (it is retried), one that answers with garbage is `server`,
 * a rejected token is `auth`, a wrong command or URL is `config`.
 */
export function classifyMcpFailure(err: unknown, f: FailureFacts): KinexusError {
  if (err instanceof KinexusError) return err;
  if (f.aborted) return new KinexusError('cancelled', 'The sync was cancelled.', { action: actionFor('cancelled', f.name) });
  const child = f.child;
  if (child?.spawnError) {
    const code = child.spawnError.code;
    if (code === 'ENOENT') return make('config', f, `the command "${f.target}" was not found.`, `Open the ${f.name} settings and give the full path of the command, or install it`);
    return make('config', f, `the command "${f.target}" could not be started (${code ?? child.spawnError.message}).`, `Open the ${f.name} settings and check the command`);
  }
  if (child?.garbage) {
    return make('server', f, `the MCP server wrote something that is not an MCP message to stdout ("${child.garbage}") during ${f.what}.`, `Check that "${f.target}" starts an MCP server over stdio; a server must log to stderr, not stdout`);
  }
  if (child?.exit && !child.closedByUs) {
    const how = child.exit.signal ? `was killed (${child.exit.signal})` : `exited with code ${child.exit.code}`;
    const tail = lastLine(child.stderrTail);
    return make('network', f, `the MCP server process ${how} during ${f.what}${tail ? `; it last said: ${tail}` : '.'}`, `Run "${f.target}" with its arguments in a terminal to see why it stops, then fix the ${f.name} settings`);
  }
  if (err instanceof UnauthorizedError) return make('auth', f, `the MCP server at ${f.target} rejected the credentials (401).`, `Reconnect ${f.name}: enter a valid bearer token`);
  if (err instanceof StreamableHTTPError) {
    const status = err.code ?? -1;
    if (status === -1) return make('server', f, `the MCP server at ${f.target} answered ${f.what} with something that is not MCP (${err.message}).`);
    const code = codeForStatus(status);
    if (code === 'auth') return make('auth', f, `the MCP server at ${f.target} rejected the credentials (${status}).`, `Reconnect ${f.name}: enter a valid bearer token`);
    if (code === 'not_found') return make('config', f, `there is no MCP endpoint at ${f.target} (${status}).`, `Open the ${f.name} settings and correct the URL (often it ends in /mcp)`);
    if (code === 'server') return make('server', f, `the MCP server at ${f.target} failed with a server error (${status}) during ${f.what}.`);
    return make(code, f, `the MCP server at ${f.target} refused ${f.what} (${status}).`);
  }
  if (err instanceof McpError) {
    if (err.code === RpcCode.RequestTimeout) return make('network', f, `the MCP server did not answer ${f.what} within ${Math.round(f.timeoutMs / 1000)} s.`, `Check that the server is working, or raise timeoutSeconds in the ${f.name} settings`);
    if (err.code === RpcCode.ConnectionClosed) return make('network', f, `the connection to the MCP server closed during ${f.what}.`);
    return make('server', f, `the MCP server answered ${f.what} with an error: ${rpcMessage(err)}`);
  }
  const cause = causeCode(err);
  if (cause && NETWORK_CAUSES.has(cause)) return make('network', f, `could not reach the MCP server at ${f.target} (${cause}).`);
  const message = err instanceof Error ? err.message : String(err);
  if (/protocol version is not supported/i.test(message)) return make('config', f, `the MCP server speaks a protocol version this app does not support (${message}).`, `Update the MCP server or Kinexus Desktop`);
  if (err instanceof SyntaxError || (err instanceof Error && err.name === 'ZodError')) return make('server', f, `the MCP server sent a reply to ${f.what} that is not valid MCP.`);
  if (err instanceof TypeError && /fetch failed/i.test(message)) return make('network', f, `could not reach the MCP server at ${f.target}.`);
  return make('server', f, `${f.what} failed: ${message.slice(0, 300)}`);
}
