import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './support.ts';

const CLI = path.join(REPO_ROOT, 'main', 'cli', 'bin.js');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/;

/** Runs one CLI command to completion, feeding `input` on stdin. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** Starts `kinexus serve --port 0` and resolves with the first URL it prints. */
export function startServe(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // A free MCP port too: the default one may be taken by a running app or a parallel test.
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd: REPO_ROOT, env: { KINEXUS_MCP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kinexus serve printed no URL within 60 s\n${output()}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = URL_PATTERN.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0], output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kinexus serve exited with ${code} before printing a URL\n${output()}`));
    });
  });
}

/** Stops a child we started, by its PID: SIGTERM, then SIGKILL if it lingers. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
