import { spawn, type ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioServerParams {
  command: string;
  args: string[];
  /** Added to a minimal inherited environment (PATH, HOME, …), never the app's whole environment. */
  env: Record<string, string>;
  cwd?: string;
  /** Grace period between SIGTERM and SIGKILL when closing, ms. */
  killGraceMs?: number;
}

/** How the child ended, when it has. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STDERR_TAIL_BYTES = 4096;
/** A single message larger than this is not a server we can talk to. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Every live child, so that even an exiting app takes none of them along into the background. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Signals the child's whole process group; with `evenIfExited`, also when the leader is gone but members may remain. */
function killTree(child: ChildProcess, signal: NodeJS.Signals, evenIfExited = false): void {
  if (child.pid === undefined) return;
  if (!evenIfExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } else {
      // The child leads its own process group (detached), so wrappers such as npx take their children along.
      process.kill(-child.pid, signal);
    }
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) killTree(c, 'SIGKILL');
  });
}

/**
 * An MCP client transport over a child process's stdin/stdout. Unlike the
 * SDK's own, it starts the server in its own process group and kills the whole
 * group on close, keeps the tail of stderr for error messages, and treats
 * anything on stdout that is not a JSON-RPC message as a broken server
 * (the spec forbids it) instead of skipping it.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** Set once the process has ended. */
  exit: ChildExit | null = null;
  /** The first line on stdout that was not a JSON-RPC message, if any. */
  garbage: string | null = null;
  /** True once close() was called: an exit after that is ours, not a crash. */
  get closedByUs(): boolean {
    return this.closing;
  }
  /** Set when spawning failed (ENOENT, EACCES …). */
  spawnError: NodeJS.ErrnoException | null = null;

  private child: ChildProcess | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private stderrBuf = '';
  private closing = false;
  private closedNotified = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly params: StdioServerParams) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last few KB the server wrote to stderr. */
  get stderrTail(): string {
    return this.stderrBuf;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('ChildProcessTransport already started');
    installExitHook();
    const child = spawn(this.params.command, this.params.args, {
      env: { ...getDefaultEnvironment(), ...this.params.env },
      cwd: this.params.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.child = child;
    let started: (err?: Error) => void = () => undefined;
    const spawned = new Promise<void>((resolve, reject) => {
      started = (err) => (err ? reject(err) : resolve());
    });
    this.exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        live.delete(child);
        this.exit = { code, signal };
        this.notifyClosed();
        resolve();
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return this.onerror?.(err);
        // Never started (ENOENT, EACCES): no 'close' is guaranteed to follow.
        this.spawnError = err;
        this.notifyClosed();
        started(err);
        resolve();
      });
    });
    child.once('spawn', () => {
      live.add(child);
      started();
    });
    await spawned;
    child.stdin!.on('error', (err) => this.onerror?.(err));
    child.stdout!.on('data', (chunk: Buffer) => this.onStdout(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrBuf = (this.stderrBuf + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
  }

  private onStdout(chunk: Buffer): void {
    if (this.closing) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const nl = this.pending.indexOf(0x0a);
      if (nl < 0) break;
      const line = this.pending.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      this.pending = this.pending.subarray(nl + 1);
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch {
        return this.broken(line);
      }
      this.onmessage?.(message);
    }
    if (this.pending.length > MAX_LINE_BYTES) this.broken(this.pending.subarray(0, 200).toString('utf8'));
  }

  /** One bad line means the stream can no longer be trusted: stop the server. */
  private broken(line: string): void {
    this.garbage ??= line.replace(/\s+/g, ' ').trim().slice(0, 120) || '(binary data)';
    this.onerror?.(new Error(`The MCP server wrote something that is not a JSON-RPC message to stdout: ${this.garbage}`));
    void this.close();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closing || this.exit) throw new Error('The MCP server process is not running');
    await new Promise<void>((resolve, reject) => {
      stdin.write(serializeMessage(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Ends the server: closes stdin, SIGTERM to its process group, SIGKILL after the grace period. Resolves once it is gone. */
  async close(): Promise<void> {
    const child = this.child;
    if (!this.closing) {
      this.closing = true;
      if (child && this.exit === null && child.pid !== undefined) {
        child.stdin?.end();
        killTree(child, 'SIGTERM');
        const grace = setTimeout(() => killTree(child, 'SIGKILL'), this.params.killGraceMs ?? 2000);
        await this.exited;
        clearTimeout(grace);
      } else if (child && child.pid !== undefined && process.platform !== 'win32') {
        // The server exited by itself; whatever it started in its group goes with it.
        killTree(child, 'SIGKILL', true);
      }
      // A process that never started still closes the transport once.
      this.notifyClosed();
    }
    await this.exited;
  }

  private notifyClosed(): void {
    if (this.closedNotified) return;
    this.closedNotified = true;
    this.onclose?.();
  }
}
