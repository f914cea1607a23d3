import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { AutomationRun, AutomationStepResult } from '../../shared/automation.ts';
import type { Transport } from '../../shared/protocol.ts';
import { createApiClient } from '../../renderer/api/client.ts';
import { subscribeLiveUpdates } from '../../renderer/api/live-updates.ts';
import { queryKeys } from '../../renderer/api/queries.ts';

function pushTransport() {
  const listeners = new Set<(event: string, data: unknown) => void>();
  const transport: Transport = {
    call: async () => ({ ok: true, result: null }),
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { transport, push: (event: string, data: unknown) => listeners.forEach((l) => l(event, data)) };
}

const step = (index: number, over: Partial<AutomationStepResult> = {}): AutomationStepResult => ({
  index,
  instruction: `step ${index}`,
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
  ...over,
});

const run = (over: Partial<AutomationRun> = {}): AutomationRun => ({
  id: 'ar1',
  automationId: 'auto-1',
  automationName: 'Prices',
  trigger: 'ui',
  status: 'running',
  startedAt: '2025-01-01T00:00:00Z',
  endedAt: null,
  durationMs: null,
  steps: [step(1), step(2)],
  error: null,
  artifactsDir: '/data/automations/ar1',
  artifacts: [],
  sessionId: null,
  pythonVersion: null,
  sdkVersion: null,
  recordsSaved: 0,
  ...over,
});

describe('automation events keep the run on screen current without polling', () => {
  it('writes each step as it starts, extracts and ends into the run and every runs list showing it', () => {
    const { transport, push } = pushTransport();
    const qc = new QueryClient();
    subscribeLiveUpdates(createApiClient(transport), qc);
    qc.setQueryData(queryKeys.automationRuns('auto-1'), [run(), run({ id: 'ar0', status: 'succeeded' })]);
    push('automation.run.started', { run: run() });
    expect(qc.getQueryData<AutomationRun>(queryKeys.automationRun('ar1'))?.steps.map((s) => s.status)).toEqual(['pending', 'pending']);

    push('automation.step', { runId: 'ar1', automationId: 'auto-1', phase: 'started', step: step(1, { status: 'running' }) });
    push('automation.step', { runId: 'ar1', automationId: 'auto-1', phase: 'finished', step: step(1, { status: 'succeeded', durationMs: 800 }) });
    push('automation.step', { runId: 'ar1', automationId: 'auto-1', phase: 'extracted', step: step(2, { status: 'running', extracted: { price: 9 } }) });
    const live = qc.getQueryData<AutomationRun>(queryKeys.automationRun('ar1'))!;
    expect(live.steps.map((s) => s.status)).toEqual(['succeeded', 'running']);
    expect(live.steps[1].extracted).toEqual({ price: 9 });
    const listed = qc.getQueryData<AutomationRun[]>(queryKeys.automationRuns('auto-1'))!;
    expect(listed[0].steps.map((s) => s.status)).toEqual(['succeeded', 'running']);
    expect(listed[1].steps.map((s) => s.status)).toEqual(['pending', 'pending']);

    // A step of a run nobody shows creates nothing.
    push('automation.step', { runId: 'other', automationId: 'auto-1', phase: 'started', step: step(1, { status: 'running' }) });
    expect(qc.getQueryData(queryKeys.automationRun('other'))).toBeUndefined();

    push('automation.run.finished', { run: run({ status: 'cancelled', steps: [step(1, { status: 'succeeded' }), step(2, { status: 'cancelled' })] }) });
    expect(qc.getQueryData<AutomationRun>(queryKeys.automationRun('ar1'))?.status).toBe('cancelled');
  });

  it('refetches the automations list when a run starts or ends, and the Nova Act status when a setup ends', () => {
    const { transport, push } = pushTransport();
    const qc = new QueryClient();
    subscribeLiveUpdates(createApiClient(transport), qc);
    qc.setQueryData(queryKeys.automations, []);
    qc.setQueryData(queryKeys.novaAct, { ready: false });
    const stale = (key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated;
    push('novaAct.setup.progress', { phase: 'installing', message: 'Collecting nova-act', error: null });
    expect(stale(queryKeys.novaAct)).toBe(false);
    push('novaAct.setup.progress', { phase: 'done', message: 'nova-act 0.1.0 is ready', error: null });
    expect(stale(queryKeys.novaAct)).toBe(true);
    expect(stale(queryKeys.automations)).toBe(false);
    push('automation.run.started', { run: run() });
    expect(stale(queryKeys.automations)).toBe(true);
  });
});
