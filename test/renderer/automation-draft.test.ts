import { describe, expect, it } from 'vitest';
import type { Automation, AutomationStepResult, StepStatus } from '../../shared/automation.ts';
import { buildDefinition, draftFrom, fieldLabel, newStep, orderedErrors, placeIssue, type AutomationDraft } from '../../renderer/views/automations/automation-draft.ts';
import { runProgressText, scheduleText } from '../../renderer/views/automations/automation-look.ts';

const SCHEMA = { type: 'object', properties: { products: { type: 'array' } }, required: ['products'] };

function draft(over: Partial<AutomationDraft> = {}): AutomationDraft {
  return {
    ...draftFrom(),
    name: 'Laptop prices',
    startUrl: 'http://127.0.0.1:8080/',
    steps: [
      { ...newStep(), instruction: "click the 'Next' link" },
      { ...newStep(), instruction: 'list the products', schema: JSON.stringify(SCHEMA) },
    ],
    ...over,
  };
}

function automation(over: Partial<Automation> = {}): Automation {
  return {
    id: 'auto-1',
    name: 'Laptop prices',
    startUrl: 'https://shop.example.com/start',
    steps: [{ instruction: 'list the products', schema: SCHEMA, kind: 'product', saveToMirror: true }],
    headless: false,
    maxSteps: 12,
    timeoutSeconds: 90,
    allowedDomains: ['shop.example.com'],
    profileDir: '/home/me/profile',
    schedule: { type: 'cron', expression: '0 9 * * 1-5' },
    enabled: true,
    paused: false,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    lastRun: null,
    runningRunId: null,
    nextRunAt: null,
    ...over,
  };
}

describe('the automation form turns what was typed into a definition', () => {
  it('builds the definition the core takes: schemas parsed, numbers read, domains one per line, defaults filled', () => {
    const { definition, errors } = buildDefinition(draft({ allowedDomains: '127.0.0.1\n*.example.com, ', maxSteps: '12', scheduleType: 'interval', intervalMinutes: '90' }));
    expect(errors).toEqual({});
    expect(definition).toEqual({
      name: 'Laptop prices',
      startUrl: 'http://127.0.0.1:8080/',
      steps: [{ instruction: "click the 'Next' link" }, { instruction: 'list the products', schema: SCHEMA }],
      headless: true,
      maxSteps: 12,
      timeoutSeconds: 300,
      allowedDomains: ['127.0.0.1', '*.example.com'],
      profileDir: null,
      schedule: { type: 'interval', minutes: 90 },
      enabled: true,
    });
  });

  it('finds every problem at once and keys each by the field it belongs to, in the schema’s words', () => {
    const d = draft({
      name: ' ',
      startUrl: 'ftp://files.example.com/',
      steps: [
        { ...newStep(), instruction: '' },
        { ...newStep(), instruction: 'read it', schema: '{"type": "object",' },
        { ...newStep(), instruction: 'read the table', schema: '{"type": "table"}' },
      ],
      maxSteps: 'many',
      timeoutSeconds: '2',
      allowedDomains: 'example.com\nhttps://bad.example.com/',
      scheduleType: 'cron',
      cronExpression: '  ',
    });
    const { definition, errors } = buildDefinition(d);
    expect(definition).toBeNull();
    expect(errors).toMatchObject({
      name: 'A name is required',
      startUrl: 'Must be an http:// or https:// URL',
      'steps.0.instruction': 'An instruction is required',
      'steps.2.schema': expect.stringMatching(/^Must be a JSON Schema object with "type" one of object, array/),
      maxSteps: 'Enter a whole number',
      timeoutSeconds: 'At least 5 seconds',
      allowedDomains: expect.stringMatching(/^Line 2: must be a host name/),
      'schedule.expression': 'Enter a cron expression, e.g. 0 9 * * 1-5',
    });
    expect(errors['steps.1.schema']).toMatch(/^This is not valid JSON \(/);
    // The summary lists them in the order of the fields on screen.
    expect(orderedErrors(errors, d).map(([k]) => k)).toEqual(['name', 'startUrl', 'steps.0.instruction', 'steps.1.schema', 'steps.2.schema', 'maxSteps', 'timeoutSeconds', 'allowedDomains', 'schedule.expression']);
  });

  it('says when the allowed domains would block the starting page', () => {
    expect(buildDefinition(draft({ allowedDomains: 'example.com' })).errors).toEqual({ allowedDomains: 'Must include the starting page\'s host "127.0.0.1"' });
  });

  it('edits an existing automation without changing what was not touched (step kind, explicit profile, cron)', () => {
    const a = automation();
    const d = draftFrom(a);
    // The only effective domain is the start host: that is "none given", so the field starts empty.
    expect(d.allowedDomains).toBe('');
    expect(buildDefinition(d).definition).toEqual({
      name: a.name,
      startUrl: a.startUrl,
      steps: a.steps,
      headless: false,
      maxSteps: 12,
      timeoutSeconds: 90,
      allowedDomains: [],
      profileDir: '/home/me/profile',
      schedule: { type: 'cron', expression: '0 9 * * 1-5' },
      enabled: true,
    });
    expect(draftFrom(automation({ allowedDomains: ['shop.example.com', 'cdn.example.net'] })).allowedDomains).toBe('shop.example.com\ncdn.example.net');
  });
});

describe('where an error of the core goes', () => {
  it('places a field path next to its field, naming the line of a list and the step', () => {
    expect(placeIssue('steps.1.schema', 'must be a JSON Schema object')).toEqual(['steps.1.schema', 'Must be a JSON Schema object']);
    expect(placeIssue('steps.0.kind', 'use 1–40 lower-case letters')).toEqual(['steps.0.instruction', 'Use 1–40 lower-case letters']);
    expect(placeIssue('steps', 'add at least one step')).toEqual(['steps', 'Add at least one step']);
    expect(placeIssue('allowedDomains.2', 'must be a host name')).toEqual(['allowedDomains', 'Line 3: must be a host name']);
    expect(placeIssue('schedule.expression', '"every day" is not a valid cron expression')).toEqual(['schedule.expression', '"every day" is not a valid cron expression']);
    expect(placeIssue('name', 'An automation named "X" already exists.')).toEqual(['name', 'An automation named "X" already exists.']);
    expect(placeIssue('id', 'No automation')).toEqual(['form', 'No automation']);
    expect(fieldLabel('steps.1.schema')).toBe('Step 2, extraction schema');
    expect(fieldLabel('schedule.expression')).toBe('Schedule, cron expression');
  });
});

describe('automation words', () => {
  it('says schedules and progress in words', () => {
    expect(scheduleText({ type: 'manual' })).toBe('Only when run by hand');
    expect(scheduleText({ type: 'interval', minutes: 120 })).toBe('Every 2 hours');
    expect(scheduleText({ type: 'interval', minutes: 1440 })).toBe('Every day');
    expect(scheduleText({ type: 'interval', minutes: 45 })).toBe('Every 45 minutes');
    const step = (index: number, status: StepStatus) => ({ index, status }) as AutomationStepResult;
    expect(runProgressText({ status: 'running', steps: [step(1, 'pending'), step(2, 'pending')] })).toBe('Starting the browser…');
    expect(runProgressText({ status: 'running', steps: [step(1, 'succeeded'), step(2, 'running')] })).toBe('Running step 2 of 2');
    expect(runProgressText({ status: 'cancelled', steps: [step(1, 'succeeded'), step(2, 'cancelled')] })).toBe('1 of 2 steps done');
  });
});
