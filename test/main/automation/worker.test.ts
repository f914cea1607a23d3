import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../../main/automation/processes.ts';
import type { WorkerMessage } from '../../../main/automation/protocol.ts';
import { findWorkerScript, WorkerProcess } from '../../../main/automation/worker-process.ts';
import { standInEnv, until } from './helpers.ts';

/** What each SDK exception becomes: the error code, and whether trying again may help. */
const EXPECTED: Record<string, [string, boolean]> = {
  AuthError: ['auth', false],
  ActNotAuthorizedError: ['auth', false],
  ActStateGuardrailError: ['permission', false],
  ActGuardrailsError: ['permission', false],
  ActRateLimitExceededError: ['rate_limited', true],
  ActDailyQuotaExceededError: ['rate_limited', true],
  ActRequestThrottledError: ['rate_limited', true],
  ActTimeoutError: ['config', true],
  ActExceededMaxStepsError: ['config', false],
  ActInvalidModelGenerationError: ['config', true],
  ActAgentFailed: ['config', false],
  ActCanceledError: ['cancelled', false],
  ActActuationError: ['internal', true],
  ActServerError: ['server', true],
  ActInternalServerError: ['server', true],
  ActServiceUnavailableError: ['server', true],
  ActBadRequestError: ['config', false],
  StartFailed: ['network', true],
  InvalidURL: ['invalid_input', false],
  ModuleNotFoundError: ['config', false],
  RuntimeError: ['internal', false],
};

const WORKER_SCRIPT = findWorkerScript()!;

function spawnWorker(env: NodeJS.ProcessEnv) {
  const messages: WorkerMessage[] = [];
  const log = new PassThrough();
  let logText = '';
  log.on('data', (d) => (logText += d));
  let exit: { code: number | null; signal: string | null } | null = null;
  const w = new WorkerProcess({
    python: 'python3',
    script: WORKER_SCRIPT,
    apiKey: 'test-key-1234',
    logStream: log,
    redact: (s) => s,
    onMessage: (m) => messages.push(m),
    onProtocolError: (line, why) => messages.push({ type: 'error', index: null, phase: 'protocol', errorClass: 'bad line', mro: [], code: 'internal', retryable: false, message: `${why}: ${line}` }),
    onExit: (code, signal) => (exit = { code, signal }),
    env,
    heartbeatSeconds: 0.3,
  });
  return { w, messages, log: () => logText, exit: () => exit };
}

describe('the Nova Act worker (python/worker.py)', () => {
  it('maps every SDK exception class to one of the project\'s error codes, subclasses through their parents', () => {
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.dirname(WORKER_SCRIPT))})
import worker
import nova_act.types.act_errors as ae, nova_act.types.errors as e
out = {}
for name in ${JSON.stringify(Object.keys(EXPECTED))}:
    cls = getattr(ae, name, None) or getattr(e, name, None) or getattr(__builtins__, name)
    exc = cls("x") if name not in ("InvalidMaxSteps",) else cls(1)
    b = worker.classify(exc)
    out[name] = [b["code"], b["retryable"], b["errorClass"]]
print(json.dumps(out))
`;
    const out = JSON.parse(execFileSync('python3', ['-c', script], { env: standInEnv(), encoding: 'utf8' })) as Record<string, [string, boolean, string]>;
    for (const [name, [code, retryable]] of Object.entries(EXPECTED)) expect([name, ...out[name]]).toEqual([name, code, retryable, name]);
  });

  it('speaks the protocol on its own pipes: hello with versions, heartbeats, classified errors, and ends at once on cancel', async () => {
    const { w, messages, exit } = spawnWorker(standInEnv());
    await until(() => messages.some((m) => m.type === 'hello'), 'hello');
    expect(messages[0]).toMatchObject({ type: 'hello', protocol: 1, novaAct: '0.1.0', standIn: true, error: null, pid: w.pid });
    expect(messages[0].type === 'hello' && messages[0].python).toMatch(/^3\.\d+\.\d+$/);
    await until(() => messages.filter((m) => m.type === 'heartbeat').length >= 2, 'two heartbeats', 5000);

    // Nothing listens on port 9: the SDK cannot start, and says so in a classified error.
    w.send({ type: 'start', startUrl: 'http://127.0.0.1:9/', headless: true, cdpEndpointUrl: 'http://127.0.0.1:9', userDataDir: null, logsDirectory: '/tmp', allowedDomains: ['127.0.0.1'], browserPid: null });
    await until(() => messages.some((m) => m.type === 'error'), 'the start error');
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ type: 'error', phase: 'start', index: null, errorClass: 'StartFailed', code: 'network', retryable: true });

    const t0 = Date.now();
    w.send({ type: 'cancel' });
    await until(() => exit() !== null, 'the worker to exit', 5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(messages.some((m) => m.type === 'cancelled')).toBe(true);
    expect(exit()).toEqual({ code: 130, signal: null });
    expect(isAlive(w.pid!)).toBe(false);
  });

  it('says in its hello when nova-act cannot be imported, and exits', async () => {
    const { w, messages, exit, log } = spawnWorker({ ...process.env, PYTHONPATH: '' });
    await until(() => exit() !== null, 'the worker to exit');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'hello', novaAct: null, error: { errorClass: 'ModuleNotFoundError', code: 'config' } });
    expect(exit()).toEqual({ code: 3, signal: null });
    expect(log()).toContain("No module named 'nova_act'");
    expect(isAlive(w.pid!)).toBe(false);
  });

  it('ends the browser it was given and exits when the app goes away (its command pipe closes)', async () => {
    // A stand-in "browser": a process group of its own, as the core starts Chromium.
    const browser = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const { w, messages, exit } = spawnWorker(standInEnv());
    await until(() => messages.some((m) => m.type === 'hello'), 'hello');
    w.send({ type: 'start', startUrl: 'http://127.0.0.1:9/', headless: true, cdpEndpointUrl: 'http://127.0.0.1:9', userDataDir: null, logsDirectory: '/tmp', allowedDomains: ['127.0.0.1'], browserPid: browser.pid! });
    await until(() => messages.some((m) => m.type === 'error'), 'the start error');
    expect(isAlive(browser.pid!)).toBe(true);
    (w.child.stdio[3] as NodeJS.WritableStream).end();
    await until(() => exit() !== null && !isAlive(browser.pid!), 'the worker and the browser to end', 5000);
    expect(exit()).toEqual({ code: 0, signal: null });
  });
});
