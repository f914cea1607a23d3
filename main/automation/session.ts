import fs from 'node:fs';
import path from 'node:path';
import type { AutomationError, AutomationRun, AutomationStepResult, AutomationTrigger } from '../../shared/automation.ts';
import type { RunStatus } from '../../shared/sync.ts';
import type { Redactor } from '../core/redactor.ts';
import { listArtifacts, PROFILE_DIR, SDK_LOGS_DIR } from './artifacts.ts';
import type { AutomationRow } from './automations-repo.ts';
import { launchBrowser, type Browser } from './browser.ts';
import { captureScreenshot } from './cdp-client.ts';
import * as errors from './errors.ts';
import type { ExtractedInput } from './mirror.ts';
import type { Prepared } from './nova-act-env.ts';
import type { ProcessRegistry } from './processes.ts';
import { Mailbox, type Outcome } from './mailbox.ts';
import type { AutomationRunsRepo, RunHead } from './runs-repo.ts';
import { appendStream, WorkerProcess } from './worker-process.ts';

/** Limits of a session's supervision, in ms; tests shorten them. */
export interface SessionTiming {
  /** Added to a step's own timeout before the core stops the worker itself. */
  hardTimeoutGraceMs: number;
  /** No message at all (heartbeats included) for this long: the worker is hung. */
  silenceMs: number;
  heartbeatSeconds: number;
  /** Python start and SDK import, then the session start (browser connect, first page). */
  helloTimeoutMs: number;
  startTimeoutMs: number;
}

export const DEFAULT_TIMING: SessionTiming = { hardTimeoutGraceMs: 10_000, silenceMs: 30_000, heartbeatSeconds: 2, helloTimeoutMs: 60_000, startTimeoutMs: 120_000 };

export interface SessionDeps {
  automation: AutomationRow;
  runId: string;
  trigger: AutomationTrigger;
  runDir: string;
  now: () => Date;
  runs: AutomationRunsRepo;
  redactor: Redactor;
  registry: ProcessRegistry;
  timing: SessionTiming;
  prepare(): Promise<Prepared>;
  saveExtracted(e: ExtractedInput): number;
  onStarted(run: AutomationRun): void;
  onStep(phase: 'started' | 'finished' | 'extracted' | 'error', step: AutomationStepResult): void;
  onFinished(run: AutomationRun): void;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  env?: NodeJS.ProcessEnv;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * One run of one automation: preflight, the browser, the worker, each step
 * in order under a hard timeout, and a teardown that leaves no process behind
 * whatever happened (cancel, timeout, crash, app shutdown). Everything is
 * recorded as it happens.
 */
export class AutomationSession {
  readonly done: Promise<AutomationRun>;
  private head: RunHead;
  private readonly steps: AutomationStepResult[];
  private stopReason: 'user' | 'shutdown' | null = null;
  private browser: Browser | null = null;
  private worker: WorkerProcess | null = null;
  private readonly mailbox: Mailbox;
  /** Set once teardown starts: a cancel then changes nothing. */
  private ending = false;
  private logStream: fs.WriteStream | null = null;

  constructor(private readonly d: SessionDeps) {
    const a = d.automation;
    this.head = {
      id: d.runId,
      automationId: a.id,
      automationName: a.name,
      trigger: d.trigger,
      status: 'running',
      startedAt: d.now().toISOString(),
      endedAt: null,
      artifactsDir: d.runDir,
      sessionId: null,
      pythonVersion: null,
      sdkVersion: null,
      recordsSaved: 0,
      error: null,
    };
    this.steps = a.steps.map((s, i) => ({
      index: i + 1,
      instruction: s.instruction,
      status: 'pending',
      startedAt: null,
      endedAt: null,
      durationMs: null,
      response: null,
      extracted: null,
      validJson: null,
      matchesSchema: null,
      stepsExecuted: null,
      actId: null,
      pageUrl: null,
      screenshot: null,
      traceFiles: [],
      recordsSaved: 0,
      error: null,
    }));
    this.mailbox = new Mailbox(d.timing.silenceMs);
    fs.mkdirSync(d.runDir, { recursive: true, mode: 0o700 });
    d.runs.insert(this.head, this.steps);
    this.done = this.execute();
  }

  get runId(): string {
    return this.head.id;
  }
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }
  get browserPid(): number | undefined {
    return this.browser?.pid;
  }

  /** Stops the session as soon as possible: the worker and the browser are ended. False when it had already ended. */
  cancel(why: 'user' | 'shutdown'): boolean {
    if (this.stopReason || this.ending) return false;
    this.stopReason = why;
    this.mailbox.deliver({ kind: 'cancel' });
    return true;
  }

  /** A PNG of the page the session is on now. */
  async screenshot(): Promise<{ png: Buffer; url: string | null }> {
    if (!this.browser) throw new Error('the browser is not open yet');
    return captureScreenshot(this.browser.httpBase);
  }

  view(withArtifacts = true): AutomationRun {
    const ended = this.head.endedAt ? Date.parse(this.head.endedAt) : null;
    return {
      ...this.head,
      durationMs: ended === null ? null : ended - Date.parse(this.head.startedAt),
      steps: this.steps.map((s) => ({ ...s })),
      artifacts: withArtifacts ? listArtifacts(this.d.runDir) : [],
    };
  }

  private async execute(): Promise<AutomationRun> {
    this.d.onStarted(this.view(false));
    const a = this.d.automation;
    let failedStep: AutomationError | null = null;
    let sessionError: AutomationError | null = null;
    try {
      const prep = await this.d.prepare();
      this.head.pythonVersion = prep.pythonVersion;
      this.head.sdkVersion = prep.sdkVersion;
      if (this.stopReason) throw new Stop();
      if (!a.headless && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        sessionError = { code: 'config', errorClass: null, retryAt: null, message: `"${a.name}" asks for a visible browser, but this session has no display.`, action: 'Turn on headless for this automation, or run it from a desktop session' };
        throw new Stop();
      }
      // Python loading the SDK and Chromium starting take seconds each: both at once.
      const [browser, worker] = await Promise.allSettled([this.openBrowser(prep), this.spawnWorker(prep)]);
      if (browser.status === 'rejected') throw browser.reason;
      if (worker.status === 'rejected') throw worker.reason;
      sessionError = worker.value;
      if (sessionError || this.stopReason) throw new Stop();
      sessionError = await this.beginSession();
      if (sessionError || this.stopReason) throw new Stop();
      for (const step of this.steps) {
        failedStep = await this.runStep(step);
        if (failedStep || this.stopReason) break;
      }
    } catch (err) {
      if (!(err instanceof Stop)) {
        sessionError = errors.fromThrown(err);
        this.d.log('warn', 'automation session failed', { runId: this.head.id, code: sessionError.code, message: sessionError.message });
      }
    }
    this.ending = true;
    await this.teardown();
    for (const s of this.steps) {
      if (s.status === 'pending') s.status = 'skipped';
      if (s.status === 'running') {
        if (this.stopReason) this.endStep(s, 'cancelled', this.stopError(s.index));
        else this.endStep(s, 'failed', sessionError);
      }
      this.d.runs.saveStep(this.head.id, s);
    }
    const status: RunStatus = this.stopReason === 'user' ? 'cancelled' : this.stopReason === 'shutdown' ? 'interrupted' : sessionError || failedStep ? 'failed' : 'succeeded';
    this.head.status = status;
    this.head.endedAt = this.d.now().toISOString();
    this.head.error = this.stopReason ? this.stopError(this.steps.find((s) => s.status === 'cancelled')?.index ?? null) : (sessionError ?? failedStep);
    this.d.runs.update(this.head);
    const run = this.view();
    this.d.log(status === 'succeeded' ? 'info' : 'warn', 'automation run finished', { runId: run.id, automation: a.id, status, code: run.error?.code });
    this.d.onFinished(run);
    return run;
  }

  private stopError(step: number | null): AutomationError {
    return errors.cancelled({ ...this.where(), step }, this.stopReason ?? 'user');
  }

  private where(step: number | null = null) {
    const a = this.d.automation;
    return { automation: a.name, step, timeoutSeconds: a.timeoutSeconds, maxSteps: a.maxSteps, startUrl: a.startUrl };
  }

  private async openBrowser(prep: Prepared): Promise<void> {
    const a = this.d.automation;
    const profile = a.profileDir ?? path.join(this.d.runDir, PROFILE_DIR);
    this.browser = await launchBrowser({ executable: prep.chromium, userDataDir: profile, keepProfile: Boolean(a.profileDir), headless: a.headless, logFile: path.join(this.d.runDir, 'browser.log') });
    this.d.registry.add({ pid: this.browser.pid, kind: 'browser', runId: this.head.id, marker: `--user-data-dir=${profile}` });
  }

  /** Starts worker.py and waits for its hello; returns the error that prevented it, if any. */
  private async spawnWorker(prep: Prepared): Promise<AutomationError | null> {
    const t = this.d.timing;
    this.logStream = appendStream(path.join(this.d.runDir, 'worker.log'));
    const worker = new WorkerProcess({
      python: prep.python,
      apiKey: prep.apiKey,
      logStream: this.logStream,
      redact: (s) => this.d.redactor.redact(s),
      onMessage: (msg) => {
        this.mailbox.heard();
        if (msg.type !== 'heartbeat') this.mailbox.deliver({ kind: 'message', msg });
      },
      onProtocolError: (line, why) => {
        this.logStream?.write(`protocol error (${why}): ${this.d.redactor.redact(line).slice(0, 500)}\n`);
        this.mailbox.deliver({ kind: 'protocol', why });
      },
      onExit: (code, signal) => this.mailbox.deliver({ kind: 'exit', code, signal }),
      env: this.d.env,
      script: prep.workerScript,
      label: this.d.runDir,
      heartbeatSeconds: t.heartbeatSeconds,
    });
    this.worker = worker;
    if (worker.pid !== undefined) this.d.registry.add({ pid: worker.pid, kind: 'worker', runId: this.head.id, marker: this.d.runDir });

    const hello = await this.mailbox.next(['hello'], t.helloTimeoutMs);
    if (hello.kind !== 'message' || hello.msg.type !== 'hello') return this.sessionFailure(hello, 'starting Python');
    if (hello.msg.error) return errors.fromWorker(hello.msg.error, this.where());
    this.head.pythonVersion = hello.msg.python;
    this.head.sdkVersion = hello.msg.novaAct ? `${hello.msg.novaAct}${hello.msg.standIn ? ' (stand-in)' : ''}` : this.head.sdkVersion;
    return null;
  }

  /** Starts the SDK session on the browser; returns the error that prevented it, if any. */
  private async beginSession(): Promise<AutomationError | null> {
    const a = this.d.automation;
    const t = this.d.timing;
    const worker = this.worker!;
    const logsDirectory = path.join(this.d.runDir, SDK_LOGS_DIR);
    fs.mkdirSync(logsDirectory, { recursive: true });
    worker.send({ type: 'start', startUrl: a.startUrl, headless: a.headless, cdpEndpointUrl: this.browser!.wsUrl, userDataDir: null, logsDirectory, allowedDomains: a.allowedDomains, browserPid: this.browser!.pid });
    const started = await this.mailbox.next(['started'], t.startTimeoutMs);
    if (started.kind === 'message' && started.msg.type === 'started') {
      this.head.sessionId = started.msg.sessionId;
      if (!started.msg.guardrail) this.d.log('warn', 'this nova-act has no state guardrail: allowed domains are not enforced by the SDK', { runId: this.head.id });
      this.d.runs.update(this.head);
      return null;
    }
    if (started.kind === 'message' && started.msg.type === 'error') return errors.fromWorker(started.msg, this.where());
    return this.sessionFailure(started, 'starting the browser session');
  }

  private sessionFailure(o: Outcome, during: string): AutomationError | null {
    if (o.kind === 'cancel') return null;
    if (o.kind === 'exit') return errors.workerDied(this.where(), o.code, o.signal);
    if (o.kind === 'silent') return errors.workerSilent(this.where(), Math.round(this.d.timing.silenceMs / 1000));
    if (o.kind === 'protocol') return { code: 'internal', errorClass: null, retryAt: null, message: `The Nova Act worker sent something unreadable while ${during}: ${o.why}.`, action: 'Update Kinexus: the worker and the app disagree' };
    return { code: 'internal', errorClass: null, retryAt: null, message: `The Nova Act worker took too long ${during}.`, action: 'Run it again; a first start can be slow while Python loads the SDK' };
  }

  /** Runs one step; returns its error when it failed (which ends the run). */
  private async runStep(step: AutomationStepResult): Promise<AutomationError | null> {
    const a = this.d.automation;
    const def = a.steps[step.index - 1];
    step.status = 'running';
    step.startedAt = this.d.now().toISOString();
    this.d.runs.saveStep(this.head.id, step);
    this.d.onStep('started', { ...step });
    this.worker!.send({ type: 'act', index: step.index, instruction: def.instruction, schema: def.schema ?? null, maxSteps: a.maxSteps, timeoutSeconds: a.timeoutSeconds });
    const o = await this.mailbox.next(['result'], a.timeoutSeconds * 1000 + this.d.timing.hardTimeoutGraceMs);
    const where = this.where(step.index);

    if (o.kind === 'message' && o.msg.type === 'result' && o.msg.index === step.index) {
      const r = o.msg;
      // The session id is only public on each act's metadata (the worker reads it off a private field at start).
      this.head.sessionId ??= r.metadata.sessionId;
      step.stepsExecuted = r.metadata.numStepsExecuted;
      step.actId = r.metadata.actId;
      step.pageUrl = r.pageUrl;
      step.traceFiles = r.files.map((f) => `${SDK_LOGS_DIR}/${f}`);
      if (def.schema) {
        step.response = r.response === undefined || r.response === null ? null : this.d.redactor.redact(r.response);
        step.extracted = this.d.redactor.redactDeep(r.parsed ?? null);
        step.validJson = r.validJson ?? null;
        step.matchesSchema = r.matchesSchema ?? null;
      }
      await this.stepScreenshot(step);
      if (def.schema && def.saveToMirror !== false && step.extracted !== null && step.extracted !== undefined) {
        step.recordsSaved = this.d.saveExtracted({ automationId: a.id, automationName: a.name, step: step.index, instruction: def.instruction, kind: def.kind, data: step.extracted, pageUrl: r.pageUrl, runId: this.head.id, at: this.d.now().toISOString() });
        this.head.recordsSaved += step.recordsSaved;
      }
      this.endStep(step, 'succeeded', null);
      if (def.schema) this.d.onStep('extracted', { ...step });
      this.d.onStep('finished', { ...step });
      return null;
    }

    let error: AutomationError;
    if (o.kind === 'message' && o.msg.type === 'error') {
      error = errors.fromWorker(o.msg, where);
      step.pageUrl = o.msg.pageUrl ?? null;
      step.traceFiles = (o.msg.files ?? []).map((f) => `${SDK_LOGS_DIR}/${f}`);
      await this.stepScreenshot(step);
    } else if (o.kind === 'cancel') {
      await this.worker!.stop(500);
      this.endStep(step, 'cancelled', this.stopError(step.index));
      this.d.onStep('error', { ...step });
      return null;
    } else if (o.kind === 'timeout') {
      error = errors.hardTimeout(where);
      await this.worker!.stop(500);
      await this.stepScreenshot(step, 2000);
    } else {
      error = o.kind === 'exit' ? errors.workerDied(where, o.code, o.signal) : (this.sessionFailure(o, `running step ${step.index}`) ?? errors.workerDied(where, null, null));
      await this.worker!.stop(500);
      await this.stepScreenshot(step, 2000);
    }
    this.endStep(step, 'failed', error);
    this.d.onStep('error', { ...step });
    return error;
  }

  private endStep(step: AutomationStepResult, status: AutomationStepResult['status'], error: AutomationError | null): void {
    step.status = status;
    step.error = error;
    step.endedAt = this.d.now().toISOString();
    step.durationMs = step.startedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : null;
    this.d.runs.saveStep(this.head.id, step);
    this.d.runs.update(this.head);
  }

  private async stepScreenshot(step: AutomationStepResult, timeoutMs = 5000): Promise<void> {
    if (!this.browser) return;
    try {
      const shot = await captureScreenshot(this.browser.httpBase, timeoutMs);
      const rel = `step-${pad(step.index)}.png`;
      fs.writeFileSync(path.join(this.d.runDir, rel), shot.png, { mode: 0o600 });
      step.screenshot = rel;
      step.pageUrl ??= shot.url;
    } catch (err) {
      // A page that hangs cannot be photographed; the step's result still counts.
      this.logStream?.write(`screenshot after step ${step.index} failed: ${(err as Error).message}\n`);
    }
  }

  /** Ends the worker (orderly when it is healthy) and the browser; removes the throwaway profile. */
  private async teardown(): Promise<void> {
    const w = this.worker;
    if (w) {
      if (w.running && !this.stopReason) await w.shutdown(5000);
      else await w.stop(500);
      if (w.pid !== undefined) this.d.registry.remove(w.pid);
    }
    const b = this.browser;
    if (b) {
      await b.close();
      this.d.registry.remove(b.pid);
    }
    this.mailbox.close();
    if (this.logStream) await new Promise<void>((r) => this.logStream!.end(() => r()));
    if (!this.d.automation.profileDir) fs.rmSync(path.join(this.d.runDir, PROFILE_DIR), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Thrown inside execute() to go straight to teardown. */
class Stop extends Error {}
