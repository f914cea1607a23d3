/**
 * Benchmarks run the measured side and the emulator in separate processes, so
 * one's CPU and memory never count against the other. This is the parent side
 * of a tiny IPC protocol: the child sends {type:'ready', …} once, answers each
 * {id, cmd, …} with {id, …}, and may end with {type:'result', …}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  proc: ChildProcess;
  /** The child's `ready` message. */
  ready: Promise<Record<string, any>>;
  /** The child's `result` message (it exits after sending it, or is closed). */
  result: Promise<Record<string, any>>;
  /** Sends a command and waits for its answer. */
  call(cmd: string, args?: Record<string, unknown>): Promise<Record<string, any>>;
  /** Asks the child to exit and waits (kills it by pid after a grace period). */
  close(): Promise<void>;
}

/** Path of a file next to the caller, for fork(). */
export function here(base: string, rel: string): string {
  return fileURLToPath(new URL(rel, base));
}

/** Starts `script` (a .ts file) under tsx with the IPC protocol above. */
export function startChild(script: string, opts: { env?: Record<string, string>; args?: string[]; execArgv?: string[] } = {}): Child {
  const proc = fork(script, opts.args ?? [], {
    execArgv: ['--import', 'tsx', ...(opts.execArgv ?? [])],
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, { resolve: (m: Record<string, any>) => void; reject: (e: Error) => void }>();
  let readyRes!: (m: Record<string, any>) => void;
  let resultRes!: (m: Record<string, any>) => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<Record<string, any>>((res, rej) => ((readyRes = res), (fail = rej)));
  let resultRej!: (e: Error) => void;
  const result = new Promise<Record<string, any>>((res, rej) => ((resultRes = res), (resultRej = rej)));
  // Callers that only await `ready` must not see an unhandled rejection from `result`.
  result.catch(() => undefined);
  ready.catch(() => undefined);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.on('message', (m: any) => {
    if (m?.type === 'ready') readyRes(m);
    else if (m?.type === 'result') resultRes(m);
    else if (m?.type === 'error') {
      const e = new Error(`${script}: ${m.message}`);
      fail(e);
      resultRej(e);
      for (const p of pending.values()) p.reject(e);
    } else if (typeof m?.id === 'number') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (typeof m.error === 'string') p?.reject(new Error(`${script}: ${m.error}`));
      else p?.resolve(m);
    }
  });
  proc.once('exit', (code, signal) => {
    const e = new Error(`${script} exited (${code ?? signal})`);
    fail(e);
    resultRej(e);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  return {
    proc,
    ready,
    result,
    call(cmd, args = {}) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        proc.send({ id, cmd, ...args });
      });
    },
    async close() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      if (proc.connected) proc.send({ id: 0, cmd: 'close' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child side: announce readiness, answer commands, report a result or an error. */
export const parent = {
  send(m: Record<string, unknown>): void {
    process.send?.(m);
  },
  ready(m: Record<string, unknown> = {}): void {
    process.send?.({ type: 'ready', ...m });
  },
  /** Sends the result and exits once it is flushed. */
  finish(m: Record<string, unknown>): void {
    process.send?.({ type: 'result', ...m }, () => process.exit(0));
  },
  fail(err: unknown): void {
    process.send?.({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1));
  },
  /** Handles commands; `close` always exits. */
  serve(handlers: Record<string, (m: Record<string, any>) => unknown | Promise<unknown>>, onClose?: () => Promise<void>): void {
    process.on('message', async (m: any) => {
      if (m?.cmd === 'close') {
        await onClose?.().catch(() => undefined);
        process.exit(0);
      }
      const h = handlers[m?.cmd];
      try {
        const out = h ? await h(m) : { error: `unknown command ${m?.cmd}` };
        process.send?.({ id: m.id, ...(out as object) });
      } catch (err) {
        process.send?.({ id: m.id, error: String((err as Error)?.stack ?? err) });
      }
    });
    // The parent going away ends the child too.
    process.on('disconnect', () => void (onClose?.() ?? Promise.resolve()).finally(() => process.exit(0)));
  },
};
