import type { AutomationError } from '../../shared/automation.ts';
import { toErrorBody } from '../../shared/errors.ts';
import type { WorkerErrorBody } from './protocol.ts';

/**
 * The words and the one next step for every way a session can fail. The
 * worker has already classified the SDK's exception into a code; here the
 * code and the class become what a person reads, naming the step.
 */

interface Where {
  automation: string;
  /** 1-based step number, or null for the session as a whole. */
  step: number | null;
  timeoutSeconds: number;
  maxSteps: number;
  startUrl: string;
}

function stepName(w: Where): string {
  return w.step === null ? `"${w.automation}"` : `step ${w.step} of "${w.automation}"`;
}

/** An SDK exception reported by the worker, as the run and step keep it. */
export function fromWorker(e: WorkerErrorBody, w: Where): AutomationError {
  const at = stepName(w);
  const detail = e.message.replace(/\s+/g, ' ').trim().slice(0, 300);
  const base = { code: e.code, errorClass: e.errorClass, retryAt: null } as const;
  const is = (name: string) => e.mro.includes(name) || e.errorClass === name;
  if (is('ActStateGuardrailError')) {
    return { ...base, message: `Nova Act tried to leave the allowed domains in ${at}: ${detail}`, action: 'Add that domain to the automation\'s allowed domains if it is safe, or reword the step' };
  }
  if (is('ActGuardrailsError')) return { ...base, message: `Nova Act's safety guardrails refused ${at}: ${detail}`, action: 'Reword the instruction' };
  if (is('ActTimeoutError')) return { ...base, message: `${cap(at)} did not finish within its ${w.timeoutSeconds} s timeout.`, action: `Raise the timeout (now ${w.timeoutSeconds} s) or split the instruction into smaller steps` };
  if (is('ActExceededMaxStepsError')) return { ...base, message: `${cap(at)} needed more than ${w.maxSteps} browser actions.`, action: `Raise max steps (now ${w.maxSteps}) or make the instruction more specific` };
  if (is('ActInvalidModelGenerationError')) return { ...base, message: `Nova Act's answer in ${at} did not fit the schema: ${detail}`, action: 'Check the step\'s schema against what the page shows, or reword the question' };
  if (is('ActRateLimitExceededError')) return { ...base, message: `Nova Act rate-limited ${at}: ${detail}`, action: 'Wait and run it again later; scheduled runs back off by themselves' };
  switch (e.code) {
    case 'auth':
      return { ...base, message: `Nova Act rejected the API key in ${at}: ${detail}`, action: 'Store a valid key: kinexus automations api-key (keys come from https://nova.amazon.com/act)' };
    case 'network':
      return { ...base, message: `The browser could not open ${w.startUrl} for ${at}: ${detail}`, action: `Check that ${w.startUrl} opens in a browser on this computer, then run it again` };
    case 'server':
      return { ...base, message: `The Nova Act service failed during ${at}: ${detail}`, action: 'Run it again later' };
    case 'cancelled':
      return { ...base, message: `${cap(at)} was cancelled.`, action: 'Run it again when you are ready' };
    case 'invalid_input':
      return { ...base, message: `The Nova Act SDK refused the settings of ${at}: ${detail}`, action: 'Check the starting URL, max steps and timeout of the automation' };
    case 'config':
      if (is('ImportError') || is('ModuleNotFoundError')) return { ...base, message: `The nova-act package cannot be imported: ${detail}`, action: 'Set up Nova Act again: kinexus automations setup' };
      return { ...base, message: `Nova Act could not do ${at}: ${detail}`, action: 'Reword the step so it matches what the page shows' };
    default:
      return { ...base, message: `${cap(at)} failed in the Nova Act SDK (${e.errorClass}): ${detail}`, action: 'Run it again; if it keeps failing, open worker.log in the run folder' };
  }
}

/** The hard limit the core itself enforces on a step that does not come back. */
export function hardTimeout(w: Where): AutomationError {
  return { code: 'config', errorClass: null, retryAt: null, message: `${cap(stepName(w))} did not finish within its ${w.timeoutSeconds} s timeout; the browser and the worker were stopped.`, action: `Raise the timeout (now ${w.timeoutSeconds} s) or split the instruction into smaller steps` };
}

/** The worker process ended (crashed, was killed) without answering. */
export function workerDied(w: Where, code: number | null, signal: string | null): AutomationError {
  return {
    code: 'internal',
    errorClass: null,
    retryAt: null,
    message: `The Nova Act worker stopped unexpectedly during ${stepName(w)} (${signal ? `killed by ${signal}` : `exit code ${code}`}).`,
    action: 'Run it again; if it keeps happening, open worker.log in the run folder',
  };
}

/** The worker stopped sending anything, heartbeats included. */
export function workerSilent(w: Where, seconds: number): AutomationError {
  return { code: 'internal', errorClass: null, retryAt: null, message: `The Nova Act worker stopped answering for ${seconds} s during ${stepName(w)}; it was stopped.`, action: 'Run it again; if it keeps happening, open worker.log in the run folder' };
}

export function cancelled(w: Where, why: 'user' | 'shutdown'): AutomationError {
  return why === 'user'
    ? { code: 'cancelled', errorClass: null, retryAt: null, message: `"${w.automation}" was cancelled${w.step ? ` during step ${w.step}` : ''}.`, action: 'Run it again when you are ready' }
    : { code: 'cancelled', errorClass: null, retryAt: null, message: `Kinexus was closing while "${w.automation}" ran${w.step ? ` step ${w.step}` : ''}.`, action: 'Run it again' };
}

/** Anything thrown in the core (preflight, browser start) as a run error. */
export function fromThrown(err: unknown): AutomationError {
  const b = toErrorBody(err);
  return { code: b.code, message: b.message, action: b.action ?? null, errorClass: null, retryAt: b.retryAt ?? null };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
