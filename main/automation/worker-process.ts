import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { encodeCommand, LineDecoder, type WorkerCommand, type WorkerMessage } from './protocol.ts';
import { endGroup, exited, settlesWithin } from './processes.ts';

/**
 * Where python/worker.py is: KINEXUS_WORKER_SCRIPT, the packaged app's
 * resources (nova-act/worker.py), beside this module when it runs from source,
 * or in the checkout when the main process runs bundled from dist/main/electron/.
 * Null when none of them has it.
 */
export function findWorkerScript(env: NodeJS.ProcessEnv = process.env): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    env.KINEXUS_WORKER_SCRIPT,
    resources ? path.join(resources, 'nova-act', 'worker.py') : undefined,
    path.join(here, 'python', 'worker.py'),
    path.join(here, '..', '..', '..', 'main', 'automation', 'python', 'worker.py'),
  ];
  return candidates.find((p): p is string => Boolean(p) && fs.existsSync(p!)) ?? null;
}

export interface WorkerOptions {
  python: string;
  /** python/worker.py (see findWorkerScript). */
  script: string;
  /** The Nova Act API key: it goes into the worker's environment and nowhere else. */
  apiKey: string;
  /** Where the worker's stdout/stderr (the SDK's console log) are written, redacted. */
  logStream: Writable;
  redact(text: string): string;
  onMessage(m: WorkerMessage): void;
  /** A line on the protocol pipe that is not a valid message. */
  onProtocolError(line: string, why: string): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
  /** Shown in the worker's command line (the run folder): tells processes apart, and lets a crash sweep find them. */
  label?: string;
  env?: NodeJS.ProcessEnv;
  heartbeatSeconds?: number;
}

/** A running worker.py: send commands, get messages, end it for certain. */
export class WorkerProcess {
  readonly child: ChildProcess;
  private readonly commands: Writable;

  constructor(o: WorkerOptions) {
    const env: NodeJS.ProcessEnv = {
      ...(o.env ?? process.env),
      NOVA_ACT_API_KEY: o.apiKey,
      PYTHONUNBUFFERED: '1',
      PYTHONIOENCODING: 'utf-8',
      // The core provides the browser; the SDK must not download Playwright's.
      NOVA_ACT_SKIP_PLAYWRIGHT_INSTALL: '1',
      KINEXUS_WORKER_HEARTBEAT_S: String(o.heartbeatSeconds ?? 2),
    };
    // fd 3: commands to the worker; fd 4: messages from it. stdout/stderr stay the SDK's.
    this.child = spawn(o.python, ['-u', o.script, ...(o.label ? [o.label] : [])], { detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], env });
    this.commands = this.child.stdio[3] as Writable;
    this.commands.on('error', () => undefined);
    const decoder = new LineDecoder(o.onMessage, o.onProtocolError);
    this.child.stdio[4]?.on('data', (d: Buffer) => decoder.push(d));
    for (const s of [this.child.stdout, this.child.stderr]) s?.on('data', (d: Buffer) => o.logStream.write(o.redact(d.toString())));
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!ended) (ended = true), o.onExit(code, signal);
    };
    this.child.on('error', (err) => {
      o.logStream.write(`worker could not start: ${err.message}\n`);
      end(null, null);
    });
    this.child.on('exit', end);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  send(cmd: WorkerCommand): void {
    if (this.commands.writable) this.commands.write(encodeCommand(cmd));
  }

  /**
   * Ends the worker: `cancel` (it exits at once), then SIGTERM to its group,
   * then SIGKILL. Resolves when nothing of it is left.
   */
  async stop(graceMs = 1000): Promise<void> {
    if (this.child.pid === undefined) return;
    if (this.running) {
      this.send({ type: 'cancel' });
      await settlesWithin(exited(this.child), graceMs);
    }
    await endGroup(this.child, graceMs);
  }

  /** Asks for an orderly end (the SDK's stop()), then makes sure. */
  async shutdown(graceMs = 5000): Promise<void> {
    if (this.running) {
      this.send({ type: 'shutdown' });
      await settlesWithin(exited(this.child), graceMs);
    }
    await endGroup(this.child, 1000);
  }
}

/** Makes sure a folder exists and returns a write stream appending to a file in it. */
export function appendStream(file: string): fs.WriteStream {
  return fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
}
