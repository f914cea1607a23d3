import type { z } from 'zod';
import type { AutomationMethodName, AutomationMethods, NovaActStatus } from '../../shared/automation.ts';
import { KinexusError, toErrorBody } from '../../shared/errors.ts';
import type { KeychainStatus } from '../../shared/schemas.ts';
import type { AppLog } from '../core/app-log.ts';
import type { EventBus } from '../core/events.ts';
import type { Redactor } from '../core/redactor.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Db } from '../store/database.ts';
import type { Clock } from '../sync/clock.ts';
import { listArtifacts, readArtifact } from './artifacts.ts';
import { AutomationService } from './automation-service.ts';
import { AutomationsRepo } from './automations-repo.ts';
import { NovaActEnv } from './nova-act-env.ts';
import { AutomationRunner } from './runner.ts';
import { AutomationRunsRepo } from './runs-repo.ts';
import { DEFAULT_TIMING, type SessionTiming } from './session.ts';
import { setUpNovaAct } from './setup.ts';

/** What the core (and tests) may tune; everything has a default for the app. */
export interface AutomationOptions {
  /** Chromium/Chrome to drive; KINEXUS_CHROMIUM or a standard install otherwise. */
  chromiumPath?: string;
  /** Environment for the Python processes (the user's environment by default). */
  env?: NodeJS.ProcessEnv;
  workerScript?: string;
  timing?: Partial<SessionTiming>;
  /** How many automations may run at once (each has a browser); default 1. */
  concurrency?: number;
  /** A folder of wheels for the one-click setup, for machines without the package index. */
  packageSource?: string;
}

export interface AutomationsDeps {
  db: Db;
  dataDir: string;
  secrets: SecretStore;
  keychain: () => KeychainStatus;
  redactor: Redactor;
  bus: EventBus;
  clock: Clock;
  random: () => number;
  log: AppLog;
  options?: AutomationOptions;
}

export type AutomationHandlers = {
  [M in AutomationMethodName]: (input: z.output<AutomationMethods[M]['input']>) => Promise<z.input<AutomationMethods[M]['output']>>;
};

export interface Automations {
  readonly service: AutomationService;
  readonly runner: AutomationRunner;
  readonly env: NovaActEnv;
  readonly handlers: AutomationHandlers;
  /** Recovers from a crash (left-over processes, runs left "running") and starts the schedule if asked. */
  start(opts: { scheduler: boolean }): void;
  /** Stops the schedule and every session; no worker or browser is left when it resolves. */
  stop(): Promise<void>;
}

/** Builds the automation part of the core: store, Nova Act setup, runner, schedule, contract handlers. */
export function createAutomations(d: AutomationsDeps): Automations {
  const o = d.options ?? {};
  const log = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => d.log.write(level, message, fields);
  const repo = new AutomationsRepo(d.db);
  const runs = new AutomationRunsRepo(d.db);
  const env = new NovaActEnv({ db: d.db, dataDir: d.dataDir, secrets: d.secrets, keychain: d.keychain, redactor: d.redactor, chromiumPath: o.chromiumPath, workerScript: o.workerScript, env: o.env });
  const runner = new AutomationRunner({
    db: d.db,
    dataDir: d.dataDir,
    repo,
    runs,
    env,
    bus: d.bus,
    redactor: d.redactor,
    clock: d.clock,
    random: d.random,
    timing: { ...DEFAULT_TIMING, ...o.timing },
    concurrency: o.concurrency ?? 1,
    log,
    processEnv: o.env,
  });
  const service = new AutomationService({
    repo,
    runs,
    runner,
    dataDir: d.dataDir,
    now: () => new Date(d.clock.now()),
    onChanged: (ids) => {
      d.bus.emit('automations.changed', { ids });
      runner.scheduler.rearm();
    },
  });

  const runView = (runId: string) => {
    const live = runner.byRun(runId);
    if (live) return live.view();
    const stored = runs.get(runId);
    if (!stored) throw new KinexusError('not_found', `No automation run "${runId}".`, { field: 'runId', action: 'Run "kinexus automations runs" to see recent runs' });
    const { head, steps } = stored;
    return { ...head, steps, durationMs: head.endedAt ? Date.parse(head.endedAt) - Date.parse(head.startedAt) : null, artifacts: listArtifacts(head.artifactsDir) };
  };

  let setupRunning = false;
  const progress = (phase: 'checking' | 'creating_venv' | 'installing' | 'verifying' | 'done' | 'failed', message: string, error: unknown = null) =>
    d.bus.emit('novaAct.setup.progress', { phase, message: d.redactor.redact(message), error: error ? d.redactor.redactDeep(toErrorBody(error)) : null });

  const handlers: AutomationHandlers = {
    'automations.list': async () => service.list(),
    'automations.get': async ({ id }) => service.get(id),
    'automations.create': async (input) => service.create(input),
    'automations.update': async (patch) => service.update(patch),
    'automations.remove': async ({ id }) => service.remove(id),
    'automations.runnable': async () =>
      repo
        .list()
        .filter((a) => a.enabled)
        .map((a) => {
          const running = runner.running(a.id);
          return { id: a.id, name: a.name, running: Boolean(running), runningRunId: running?.runId ?? null, lastStatus: runs.list({ automationId: a.id, limit: 1 })[0]?.status ?? null };
        }),
    'automations.run': async ({ id, trigger, wait }) => {
      const a = service.find(id);
      if (!a.enabled) throw new KinexusError('config', `"${a.name}" is disabled.`, { action: `Enable it first: kinexus automations enable ${a.id}` });
      const r = runner.trigger(a.id, trigger);
      if (wait) return { state: r.state, run: await r.done };
      return { state: r.state, run: r.runId ? runView(r.runId) : null };
    },
    'automations.cancel': async ({ runId }) => ({ cancelled: runner.cancel(runId) }),
    'automations.runs': async ({ automationId, status, limit }) => {
      const aid = automationId ? service.find(automationId).id : undefined;
      return runs.list({ automationId: aid, status, limit }).map((h) => runView(h.id));
    },
    'automations.getRun': async ({ runId }) => runView(runId),
    'automations.artifact': async ({ runId, path }) => readArtifact(runView(runId).artifactsDir, path),
    'automations.screenshot': async ({ runId }) => {
      const live = runner.byRun(runId);
      if (!live) throw new KinexusError('not_found', `Run "${runId}" is not running, so there is no live view.`, { field: 'runId', action: 'Open the run\'s step screenshots instead' });
      try {
        const shot = await live.screenshot();
        return { runId, mime: 'image/png' as const, base64: shot.png.toString('base64'), url: shot.url, at: new Date(d.clock.now()).toISOString() };
      } catch (err) {
        throw new KinexusError('internal', `No screenshot right now: ${(err as Error).message}.`, { action: 'Try again in a moment' });
      }
    },
    'novaAct.status': async () => env.status(),
    'novaAct.setup': async ({ python, packageSource }): Promise<NovaActStatus> => {
      if (setupRunning) throw new KinexusError('config', 'The Nova Act setup is already running.', { action: 'Wait for it to finish' });
      setupRunning = true;
      try {
        await setUpNovaAct({ venvDir: env.venvDir, python, packageSource: packageSource ?? o.packageSource, env: env.env, onProgress: (phase, message) => progress(phase, message) });
        // The private environment is what the user just asked for.
        env.setConfiguredPython(null);
      } catch (err) {
        progress('failed', toErrorBody(err).message, err);
        throw err;
      } finally {
        setupRunning = false;
        env.invalidate();
      }
      return env.status();
    },
    'novaAct.configure': async ({ python }) => {
      env.setConfiguredPython(python);
      return env.status();
    },
    'novaAct.setApiKey': async ({ apiKey }) => {
      await env.setApiKey(apiKey);
      return env.status();
    },
  };

  return {
    service,
    runner,
    env,
    handlers,
    start({ scheduler }) {
      runner.recover();
      if (scheduler) runner.scheduler.start();
    },
    stop: () => runner.stopAll(),
  };
}
