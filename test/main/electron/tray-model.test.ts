import { describe, expect, it } from 'vitest';
import type { Health } from '../../../shared/sync.ts';
import { buildTrayModel, overallIcon, relativeTime, tooltip, type TrayItem } from '../../../main/electron/tray-model.ts';

const NOW = Date.parse('2026-11-26T10:00:00Z');
function h(name: string, state: Health['state'], extra: Partial<Health> = {}): Health {
  return {
    integrationId: `${name.toLowerCase()}-1`,
    name,
    connector: name.toLowerCase(),
    state,
    summary: `${name} summary`,
    lastSuccessAt: '2026-11-26T09:56:00Z',
    lastAttemptAt: '2026-11-26T09:56:00Z',
    consecutiveFailures: 0,
    nextRunAt: null,
    recordCount: 10,
    lastError: null,
    rateLimitedUntil: null,
    runningRunId: null,
    ...extra,
  };
}
const base = { pausedAll: false, online: true, automations: [], now: NOW };

function labels(items: TrayItem[]): string[] {
  return items.map((i) => (i.separator ? '---' : (i.label ?? '')));
}

describe('tray model', () => {
  it('says in words that everything is healthy and when the last sync was', () => {
    const input = { ...base, health: [h('GitHub', 'healthy'), h('Jira', 'healthy'), h('Confluence', 'healthy', { lastSuccessAt: '2026-11-26T08:00:00Z' })] };
    expect(tooltip(input)).toBe('3 integrations healthy · last sync 4 min ago');
    expect(overallIcon(input)).toBe('healthy');
  });

  it('names the failing integration and the fix in the tooltip, and shows the failing icon', () => {
    const input = { ...base, health: [h('GitHub', 'healthy'), h('Jira', 'needs_credentials')] };
    expect(tooltip(input)).toBe('Jira: reconnect needed');
    expect(overallIcon(input)).toBe('failing');
    const failing = { ...base, health: [h('Jira', 'failing', { lastError: { code: 'server', message: 'Jira failed', action: 'Retry now' } })] };
    expect(tooltip(failing)).toBe('Jira failing: Retry now');
  });

  it('shows syncing while a sync runs and paused when syncing is paused or offline', () => {
    expect(overallIcon({ ...base, health: [h('GitHub', 'syncing')] })).toBe('syncing');
    expect(overallIcon({ ...base, pausedAll: true, health: [h('GitHub', 'paused')] })).toBe('paused');
    expect(overallIcon({ ...base, online: false, health: [h('GitHub', 'offline')] })).toBe('paused');
    expect(tooltip({ ...base, online: false, health: [h('GitHub', 'offline')] })).toMatch(/^Offline/);
  });

  it('has a status line, Sync all, one submenu per integration, pause, open and quit', () => {
    const m = buildTrayModel({ ...base, health: [h('GitHub', 'healthy'), h('Jira', 'failing')], automations: [{ id: 'a1', name: 'Timesheet' }] });
    expect(labels(m.menu)).toEqual([m.tooltip, '---', 'Sync all now', '---', 'GitHub — healthy', 'Jira — failing', '---', 'Pause syncing', 'Run automation', 'Open Kinexus', '---', 'Quit']);
    expect(m.menu[0].enabled).toBe(false);
    const gh = m.menu[4].submenu!;
    expect(gh.find((i) => i.label === 'Sync now')?.action).toEqual({ type: 'sync', integrationId: 'github-1' });
    expect(m.menu[8].submenu![0].action).toEqual({ type: 'runAutomation', automationId: 'a1' });
    expect(m.menu.at(-1)!.action).toEqual({ type: 'quit' });
  });

  it('offers Resume when paused, no automations entry when there are none, and no Sync now while offline', () => {
    const m = buildTrayModel({ ...base, pausedAll: true, online: false, health: [h('GitHub', 'offline')] });
    expect(labels(m.menu)).toContain('Resume syncing');
    expect(labels(m.menu)).not.toContain('Run automation');
    expect(m.menu.find((i) => i.label === 'Sync all now')!.enabled).toBe(false);
    expect(m.menu.find((i) => i.label?.startsWith('GitHub'))!.submenu!.find((i) => i.label === 'Sync now')!.enabled).toBe(false);
  });

  it('with no integrations says so and disables Sync all', () => {
    const m = buildTrayModel({ ...base, health: [] });
    expect(m.icon).toBe('idle');
    expect(m.tooltip).toMatch(/no integrations yet/);
    expect(m.menu.find((i) => i.label === 'Sync all now')!.enabled).toBe(false);
  });

  it('writes relative times a person reads', () => {
    expect(relativeTime('2026-11-26T09:59:50Z', NOW)).toBe('just now');
    expect(relativeTime('2026-11-26T07:00:00Z', NOW)).toBe('3 h ago');
    expect(relativeTime('2026-11-24T10:00:00Z', NOW)).toBe('2 days ago');
  });
});
