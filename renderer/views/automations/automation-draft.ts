import { AutomationInput, type Automation, type AutomationStep } from '../../../shared/automation.ts';

/** One step as the form edits it: the schema stays text until it is saved. */
export interface StepDraft {
  /** Stable React key: steps move. */
  key: string;
  instruction: string;
  schema: string;
  /** Step options the form does not show (mirror kind, saving to the mirror), kept as they were. */
  extra: Omit<AutomationStep, 'instruction' | 'schema'>;
}

export type ScheduleType = 'manual' | 'interval' | 'cron';

/** The add/edit form's state: text as typed, turned into a definition on save. */
export interface AutomationDraft {
  name: string;
  startUrl: string;
  steps: StepDraft[];
  headless: boolean;
  maxSteps: string;
  timeoutSeconds: string;
  /** One host per line. */
  allowedDomains: string;
  profileDir: string;
  scheduleType: ScheduleType;
  intervalMinutes: string;
  cronExpression: string;
  enabled: boolean;
}

/** Validation messages by field key: "name", "steps.1.schema", "schedule.expression", … ("form" for the rest). */
export type FieldErrors = Record<string, string>;

let nextKey = 0;

/** An empty step. */
export function newStep(): StepDraft {
  return { key: `step-${++nextKey}`, instruction: '', schema: '', extra: {} };
}

/** The form's state for a new automation, or for editing `a`. */
export function draftFrom(a?: Automation): AutomationDraft {
  if (!a) {
    return { name: '', startUrl: '', steps: [newStep()], headless: true, maxSteps: '30', timeoutSeconds: '300', allowedDomains: '', profileDir: '', scheduleType: 'manual', intervalMinutes: '60', cronExpression: '', enabled: true };
  }
  // The core lists the effective domains; only the starting page's host is what "none given" means.
  const host = URL.canParse(a.startUrl) ? new URL(a.startUrl).hostname : '';
  const onlyStartHost = a.allowedDomains.length === 1 && a.allowedDomains[0] === host;
  return {
    name: a.name,
    startUrl: a.startUrl,
    steps: a.steps.map(({ instruction, schema, ...extra }) => ({ ...newStep(), instruction, schema: schema ? JSON.stringify(schema, null, 2) : '', extra })),
    headless: a.headless,
    maxSteps: String(a.maxSteps),
    timeoutSeconds: String(a.timeoutSeconds),
    allowedDomains: onlyStartHost ? '' : a.allowedDomains.join('\n'),
    profileDir: a.profileDir ?? '',
    scheduleType: a.schedule.type,
    intervalMinutes: a.schedule.type === 'interval' ? String(a.schedule.minutes) : '60',
    cronExpression: a.schedule.type === 'cron' ? a.schedule.expression : '',
    enabled: a.enabled,
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Where a problem goes, from its dotted path (the core's error.field or a zod
 * issue path): "steps.1.schema" stays itself; a line of the domain list goes
 * to the list and names its line; whatever has no field of its own goes to
 * "form". The message is made to stand next to the field.
 */
export function placeIssue(path: string, message: string): [key: string, message: string] {
  const parts = path.split('.');
  const text = capitalize(message);
  const [head, second, third] = parts;
  switch (head) {
    case 'name':
    case 'startUrl':
    case 'headless':
    case 'maxSteps':
    case 'timeoutSeconds':
    case 'profileDir':
    case 'enabled':
      return [head, text];
    case 'allowedDomains':
      return ['allowedDomains', second !== undefined && /^\d+$/.test(second) ? `Line ${Number(second) + 1}: ${message}` : text];
    case 'steps':
      if (second === undefined || !/^\d+$/.test(second)) return ['steps', text];
      return [`steps.${second}.${third === 'schema' ? 'schema' : 'instruction'}`, text];
    case 'schedule':
      if (second === 'minutes' || second === 'expression') return [`schedule.${second}`, text];
      return ['schedule.type', text];
    default:
      return ['form', text];
  }
}

/** Words for a field key, to start its line in the error summary: "Step 2, extraction schema". */
export function fieldLabel(key: string): string {
  const step = /^steps\.(\d+)\.(instruction|schema)$/.exec(key);
  if (step) return `Step ${Number(step[1]) + 1}, ${step[2] === 'schema' ? 'extraction schema' : 'instruction'}`;
  const labels: Record<string, string> = {
    name: 'Name',
    startUrl: 'Starting URL',
    steps: 'Steps',
    headless: 'Headless',
    maxSteps: 'Max steps',
    timeoutSeconds: 'Timeout',
    allowedDomains: 'Allowed domains',
    profileDir: 'Profile folder',
    'schedule.type': 'Schedule',
    'schedule.minutes': 'Schedule, minutes',
    'schedule.expression': 'Schedule, cron expression',
  };
  return labels[key] ?? 'The automation';
}

/** The order of the fields on screen, for the error summary. */
export function fieldOrder(draft: AutomationDraft): string[] {
  return [
    'form',
    'name',
    'startUrl',
    'steps',
    ...draft.steps.flatMap((_, i) => [`steps.${i}.instruction`, `steps.${i}.schema`]),
    'headless',
    'maxSteps',
    'timeoutSeconds',
    'allowedDomains',
    'profileDir',
    'schedule.type',
    'schedule.minutes',
    'schedule.expression',
  ];
}

/** The errors in the order their fields are on screen. */
export function orderedErrors(errors: FieldErrors, draft: AutomationDraft): [string, string][] {
  const order = fieldOrder(draft);
  const rank = (k: string) => (order.indexOf(k) === -1 ? order.length : order.indexOf(k));
  return Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b));
}

/** A whole number typed into a field, NaN when it is not one (the schema then names the field). */
function wholeNumber(text: string): number {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : Number.NaN;
}

/**
 * The definition the draft describes, checked with the schema the core uses
 * (so every problem shows at once, in the core's words), or the problems by
 * field. JSON that does not parse is the form's own finding.
 */
export function buildDefinition(draft: AutomationDraft): { definition: ReturnType<typeof AutomationInput.parse> | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const steps = draft.steps.map((s, i) => {
    const step: Record<string, unknown> = { ...s.extra, instruction: s.instruction };
    const text = s.schema.trim();
    if (text !== '') {
      try {
        step.schema = JSON.parse(text);
      } catch (err) {
        errors[`steps.${i}.schema`] = `This is not valid JSON (${(err as Error).message})`;
      }
    }
    return step;
  });
  const schedule =
    draft.scheduleType === 'interval'
      ? { type: 'interval', minutes: wholeNumber(draft.intervalMinutes) }
      : draft.scheduleType === 'cron'
        ? { type: 'cron', expression: draft.cronExpression.trim() }
        : { type: 'manual' };
  const candidate = {
    name: draft.name,
    startUrl: draft.startUrl,
    steps,
    headless: draft.headless,
    maxSteps: wholeNumber(draft.maxSteps),
    timeoutSeconds: wholeNumber(draft.timeoutSeconds),
    allowedDomains: draft.allowedDomains
      .split(/[\n,]/)
      .map((d) => d.trim())
      .filter(Boolean),
    profileDir: draft.profileDir.trim() === '' ? null : draft.profileDir.trim(),
    schedule,
    enabled: draft.enabled,
  };
  // Before the schema, whose words for an empty string are about character counts.
  if (draft.scheduleType === 'cron' && draft.cronExpression.trim() === '') errors['schedule.expression'] = 'Enter a cron expression, e.g. 0 9 * * 1-5';
  const parsed = AutomationInput.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [key, message] = placeIssue(issue.path.map(String).join('.'), numberMessage(issue));
      errors[key] ??= message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { definition: null, errors };
  return { definition: parsed.data, errors };
}

/** zod's words for a number that is not one ("expected number, received NaN") read badly next to a field. */
function numberMessage(issue: { code: string; message: string; expected?: unknown }): string {
  return issue.code === 'invalid_type' && issue.expected === 'number' ? 'enter a whole number' : issue.message;
}
