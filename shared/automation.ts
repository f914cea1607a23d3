import { z } from 'zod';
import { ApiErrorBody, ErrorCode } from './errors.ts';
import { RunStatus, Schedule } from './sync.ts';

/**
 * Nova Act automations: the definitions a person writes, the runs they keep,
 * the one-time setup of the Python SDK, and the contract methods and events
 * for all of it. shared/contract.ts spreads `automationMethods` and
 * `automationEvents` into its tables.
 */

/** Same shape as the contract's own method() helper (kept local: contract.ts imports this file). */
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) {
  return { input, output, doc };
}

const JSON_TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const;

/**
 * A JSON Schema for the data a step extracts. Only its outer shape is checked
 * here (an object whose "type" is a JSON type); the SDK validates the rest.
 */
export const ExtractSchema = z
  .record(z.string(), z.unknown())
  .refine((s) => typeof s.type === 'string' && (JSON_TYPES as readonly string[]).includes(s.type), {
    message: `must be a JSON Schema object with "type" one of ${JSON_TYPES.join(', ')}`,
  });

export const AutomationStep = z
  .object({
    /** What to do, in words, e.g. "click the 'Next' link". */
    instruction: z.string().trim().min(1, 'an instruction is required').max(4000, 'at most 4000 characters'),
    /** With a schema the step runs as act_get and its answer is validated against it. */
    schema: ExtractSchema.optional(),
    /** Store what a schema step extracted in the mirror (default: yes when there is a schema). */
    saveToMirror: z.boolean().optional(),
    /** Record kind in the mirror; defaults to the automation's name as a slug. */
    kind: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'use 1–40 lower-case letters, digits, ".", "_" or "-"')
      .optional(),
  })
  .strict();
export type AutomationStep = z.infer<typeof AutomationStep>;

/** A host name ("example.com" also allows its subdomains) or a "*.example.com" wildcard. */
const DomainPattern = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a host name such as "example.com" or "*.example.com" (no scheme, port or path)');

const StartUrl = z
  .string()
  .trim()
  .min(1, 'a starting URL is required')
  .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), { message: 'must be an http:// or https:// URL' });

/** True when `host` is allowed by one of the patterns (the rule the worker's guardrail applies too). */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p || h.endsWith(`.${p}`)));
}

const definitionFields = {
  name: z.string().trim().min(1, 'a name is required').max(80, 'at most 80 characters'),
  startUrl: StartUrl,
  steps: z.array(AutomationStep).min(1, 'add at least one step').max(50, 'at most 50 steps'),
  headless: z.boolean(),
  /** The SDK's max_steps for each instruction. */
  maxSteps: z.number().int().min(1, 'at least 1').max(100, 'at most 100'),
  /** Hard limit for each instruction, seconds. */
  timeoutSeconds: z.number().int().min(5, 'at least 5 seconds').max(3600, 'at most 3600 seconds'),
  /** Where the browser may go; empty means only the starting page's host. */
  allowedDomains: z.array(DomainPattern).max(50),
  /** A Chrome profile folder to stay signed in; absolute path. */
  profileDir: z
    .string()
    .trim()
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), { message: 'must be an absolute folder path' })
    .nullable(),
  schedule: Schedule,
  enabled: z.boolean(),
};

function checkDomains(d: { startUrl?: string; allowedDomains?: string[] }, ctx: z.RefinementCtx): void {
  if (!d.startUrl || !d.allowedDomains || d.allowedDomains.length === 0 || !URL.canParse(d.startUrl)) return;
  const host = new URL(d.startUrl).hostname;
  if (!hostAllowed(host, d.allowedDomains)) {
    ctx.addIssue({ code: 'custom', path: ['allowedDomains'], message: `must include the starting page's host "${host}"` });
  }
}

/** What `automations.create` takes; everything but name, startUrl and steps has a default. */
export const AutomationInput = z
  .object({
    ...definitionFields,
    headless: definitionFields.headless.default(true),
    maxSteps: definitionFields.maxSteps.default(30),
    timeoutSeconds: definitionFields.timeoutSeconds.default(300),
    allowedDomains: definitionFields.allowedDomains.default([]),
    profileDir: definitionFields.profileDir.default(null),
    schedule: Schedule.default({ type: 'manual' }),
    enabled: definitionFields.enabled.default(true),
  })
  .strict()
  .superRefine(checkDomains);
export type AutomationInput = z.input<typeof AutomationInput>;

/** A whole stored definition; the service checks a patched automation against it. */
export const AutomationDefinition = z.object(definitionFields).strict().superRefine(checkDomains);
export type AutomationDefinition = z.infer<typeof AutomationDefinition>;

/** What `automations.update` takes: the id and only the fields to change. */
export const AutomationPatch = z
  .object({
    id: z.string().min(1, 'an automation id is required'),
    name: definitionFields.name.optional(),
    startUrl: definitionFields.startUrl.optional(),
    steps: definitionFields.steps.optional(),
    headless: definitionFields.headless.optional(),
    maxSteps: definitionFields.maxSteps.optional(),
    timeoutSeconds: definitionFields.timeoutSeconds.optional(),
    allowedDomains: definitionFields.allowedDomains.optional(),
    profileDir: definitionFields.profileDir.optional(),
    schedule: definitionFields.schedule.optional(),
    enabled: definitionFields.enabled.optional(),
    paused: z.boolean().optional(),
  })
  .strict();
export type AutomationPatch = z.infer<typeof AutomationPatch>;

export const AutomationTrigger = z.enum(['tray', 'ui', 'cli', 'schedule']);
export type AutomationTrigger = z.infer<typeof AutomationTrigger>;

/** An error as a run or step keeps it: the code, the words, one next step, the SDK's error class. */
export const AutomationError = z.object({
  code: ErrorCode,
  message: z.string(),
  action: z.string().nullable(),
  /** The SDK's exception class, e.g. "ActExceededMaxStepsError"; null when the app itself failed. */
  errorClass: z.string().nullable(),
  retryAt: z.string().nullable(),
});
export type AutomationError = z.infer<typeof AutomationError>;

export const StepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

export const AutomationStepResult = z.object({
  index: z.number().int(),
  instruction: z.string(),
  status: StepStatus,
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** The SDK's raw answer (act_get), if any. */
  response: z.string().nullable(),
  /** The parsed JSON the step extracted (schema steps). */
  extracted: z.unknown(),
  validJson: z.boolean().nullable(),
  matchesSchema: z.boolean().nullable(),
  /** Browser actuations the SDK took for this instruction. */
  stepsExecuted: z.number().int().nullable(),
  actId: z.string().nullable(),
  /** URL of the page when the step ended. */
  pageUrl: z.string().nullable(),
  /** Run-folder-relative path of the screenshot taken after the step. */
  screenshot: z.string().nullable(),
  /** Run-folder-relative paths of the SDK's trace files for this step. */
  traceFiles: z.array(z.string()),
  recordsSaved: z.number().int(),
  error: AutomationError.nullable(),
});
export type AutomationStepResult = z.infer<typeof AutomationStepResult>;

export const ArtifactKind = z.enum(['screenshot', 'trace', 'log', 'video', 'other']);
export const Artifact = z.object({ path: z.string(), kind: ArtifactKind, bytes: z.number().int() });
export type Artifact = z.infer<typeof Artifact>;

export const AutomationRun = z.object({
  id: z.string(),
  automationId: z.string(),
  automationName: z.string(),
  trigger: AutomationTrigger,
  status: RunStatus,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  steps: z.array(AutomationStepResult),
  error: AutomationError.nullable(),
  /** Absolute path of the run's folder: screenshots, SDK traces, worker and browser logs. */
  artifactsDir: z.string(),
  artifacts: z.array(Artifact),
  sessionId: z.string().nullable(),
  pythonVersion: z.string().nullable(),
  sdkVersion: z.string().nullable(),
  recordsSaved: z.number().int(),
});
export type AutomationRun = z.infer<typeof AutomationRun>;

export const Automation = z.object({
  id: z.string(),
  name: z.string(),
  startUrl: z.string(),
  steps: z.array(AutomationStep),
  headless: z.boolean(),
  maxSteps: z.number().int(),
  timeoutSeconds: z.number().int(),
  /** Effective list: never empty (the starting page's host when none was given). */
  allowedDomains: z.array(z.string()),
  profileDir: z.string().nullable(),
  schedule: Schedule,
  enabled: z.boolean(),
  paused: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRun: z.object({ id: z.string(), status: RunStatus, startedAt: z.string(), endedAt: z.string().nullable(), error: AutomationError.nullable() }).nullable(),
  runningRunId: z.string().nullable(),
  nextRunAt: z.string().nullable(),
});
export type Automation = z.infer<typeof Automation>;

export const MissingPart = z.enum(['python', 'package', 'api_key', 'keychain', 'browser', 'worker']);
export const NovaActStatus = z.object({
  ready: z.boolean(),
  /** "Nova Act ready", or exactly what is missing. */
  summary: z.string(),
  python: z.object({ path: z.string(), version: z.string(), source: z.enum(['configured', 'venv', 'system']) }).nullable(),
  /** The private virtual environment the one-click setup creates. */
  venvDir: z.string(),
  venvExists: z.boolean(),
  package: z.object({ installed: z.boolean(), version: z.string().nullable(), standIn: z.boolean() }),
  apiKeySet: z.boolean(),
  browser: z.string().nullable(),
  missing: z.array(z.object({ part: MissingPart, message: z.string(), action: z.string() })),
});
export type NovaActStatus = z.infer<typeof NovaActStatus>;

export const SetupPhase = z.enum(['checking', 'creating_venv', 'installing', 'verifying', 'done', 'failed']);

const ById = z.object({ id: z.string().min(1, 'an automation id is required') }).strict();
const ByRun = z.object({ runId: z.string().min(1, 'a run id is required') }).strict();
const Empty = z.object({}).strict();

export const automationMethods = {
  'automations.list': method(Empty, z.array(Automation), 'All automations.'),
  'automations.get': method(ById, Automation, 'One automation by id (or by name).'),
  'automations.create': method(AutomationInput, Automation, 'Define an automation: starting URL, ordered steps, browser options, allowed domains, schedule.'),
  'automations.update': method(AutomationPatch, Automation, 'Change an automation; only the fields given change.'),
  'automations.remove': method(ById, z.object({ id: z.string(), removed: z.literal(true) }), 'Remove an automation with its runs, artifacts and mirrored records (a running session is cancelled first).'),
  'automations.runnable': method(
    Empty,
    z.array(z.object({ id: z.string(), name: z.string(), running: z.boolean(), runningRunId: z.string().nullable(), lastStatus: RunStatus.nullable() })),
    'Enabled automations, for the tray menu: name, whether one is running, how the last run ended.',
  ),
  'automations.run': method(
    z.object({ id: z.string().min(1, 'an automation id is required'), trigger: AutomationTrigger.default('ui'), wait: z.boolean().default(false) }).strict(),
    z.object({ state: z.enum(['started', 'running', 'queued']), run: AutomationRun.nullable() }),
    'Run an automation now. One already running is joined. With wait, resolves with the finished run.',
  ),
  'automations.cancel': method(ByRun, z.object({ cancelled: z.boolean() }), 'Cancel a running automation: the worker and the browser are stopped within seconds.'),
  'automations.runs': method(
    z.object({ automationId: z.string().optional(), status: RunStatus.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.array(AutomationRun),
    'Automation runs, newest first.',
  ),
  'automations.getRun': method(ByRun, AutomationRun, 'One automation run with its steps, extracted data and artifacts.'),
  'automations.artifact': method(
    z.object({ runId: z.string().min(1), path: z.string().min(1, 'an artifact path is required') }).strict(),
    z.object({ path: z.string(), mime: z.string(), bytes: z.number().int(), base64: z.string() }),
    'One file of a run (screenshot, trace, log), base64-encoded; paths are relative to the run folder.',
  ),
  'automations.screenshot': method(ByRun, z.object({ runId: z.string(), mime: z.literal('image/png'), base64: z.string(), url: z.string().nullable(), at: z.string() }), 'A live screenshot of a running session.'),
  'novaAct.status': method(Empty, NovaActStatus, 'Whether Nova Act can run here: Python 3.10+, the nova-act package, the API key, a browser.'),
  'novaAct.setup': method(
    z.object({ python: z.string().min(1).optional(), packageSource: z.string().min(1).optional() }).strict(),
    NovaActStatus,
    'Create the private virtual environment in the data directory and install nova-act into it (progress arrives as novaAct.setup.progress events).',
  ),
  'novaAct.configure': method(z.object({ python: z.string().min(1).nullable() }).strict(), NovaActStatus, 'Use this Python interpreter (which already has nova-act) instead of the private environment; null goes back.'),
  'novaAct.setApiKey': method(z.object({ apiKey: z.string().max(4096) }).strict(), NovaActStatus, 'Store the Nova Act API key in the OS keychain; an empty string removes it.'),
} as const;

export const automationEvents = {
  'automations.changed': z.object({ ids: z.array(z.string()) }),
  'automation.run.started': z.object({ run: AutomationRun }),
  'automation.step': z.object({ runId: z.string(), automationId: z.string(), phase: z.enum(['started', 'finished', 'extracted', 'error']), step: AutomationStepResult }),
  'automation.run.finished': z.object({ run: AutomationRun }),
  'novaAct.setup.progress': z.object({ phase: SetupPhase, message: z.string(), error: ApiErrorBody.nullable() }),
} as const;

export type AutomationMethods = typeof automationMethods;
export type AutomationMethodName = keyof AutomationMethods;
