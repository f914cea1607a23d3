import { describe, expect, it } from 'vitest';
import type { Health } from '../../../shared/sync.ts';
import { NotificationPolicy } from '../../../main/electron/notifications.ts';

function h(state: Health['state'], id = 'jira-1'): Health {
  return {
    integrationId: id,
    name: 'Jira',
    connector: 'jira',
    state,
    summary: `Jira ${state}`,
    lastSuccessAt: null,
    lastAttemptAt: null,
    consecutiveFailures: state === 'failing' ? 1 : 0,
    nextRunAt: null,
    recordCount: 0,
    lastError: state === 'failing' || state === 'needs_credentials' ? { code: state === 'failing' ? 'server' : 'auth', message: 'Jira failed with a server error (502)', action: 'Retry now' } : null,
    rateLimitedUntil: null,
    runningRunId: null,
  };
}

describe('health notifications', () => {
  it('notifies once when an integration gets worse and once when it recovers, never per failed run', () => {
    const p = new NotificationPolicy(30 * 60_000);
    const t = 1_000_000;
    expect(p.consider(h('healthy'), true, t)).toBeNull();
    const worse = p.consider(h('failing'), true, t + 1000);
    expect(worse).toMatchObject({ kind: 'worse', title: 'Jira is failing', integrationId: 'jira-1' });
    expect(worse!.body).toMatch(/502.*Retry now/);
    // The same failure again, and syncing in between: silence.
    expect(p.consider(h('syncing'), true, t + 2000)).toBeNull();
    expect(p.consider(h('failing'), true, t + 3000)).toBeNull();
    expect(p.consider(h('healthy'), true, t + 4000)).toMatchObject({ kind: 'recovered', title: 'Jira is syncing again' });
  });

  it('says reconnect when credentials are needed', () => {
    const p = new NotificationPolicy();
    p.consider(h('healthy'), true, 0);
    expect(p.consider(h('needs_credentials'), true, 1)).toMatchObject({ title: 'Jira: reconnect needed' });
  });

  it('rate-limits a flapping integration', () => {
    const p = new NotificationPolicy(30 * 60_000);
    p.consider(h('healthy'), true, 0);
    expect(p.consider(h('failing'), true, 1_000)).not.toBeNull();
    expect(p.consider(h('healthy'), true, 2_000)).not.toBeNull();
    expect(p.consider(h('failing'), true, 3_000)).toBeNull();
    expect(p.consider(h('healthy'), true, 4_000)).toBeNull();
    expect(p.consider(h('failing'), true, 31 * 60_000 + 3_000)).not.toBeNull();
  });

  it('stays silent when notifications are off, and does not mistake start-up state for a change', () => {
    const p = new NotificationPolicy();
    p.seed([h('failing')]);
    expect(p.consider(h('failing'), true, 0)).toBeNull();
    expect(p.consider(h('healthy'), false, 1)).toBeNull();
    expect(p.consider(h('failing'), false, 2)).toBeNull();
  });

  it('keeps integrations apart', () => {
    const p = new NotificationPolicy();
    p.consider(h('healthy', 'a'), true, 0);
    p.consider(h('healthy', 'b'), true, 0);
    expect(p.consider(h('failing', 'a'), true, 1)).not.toBeNull();
    expect(p.consider(h('failing', 'b'), true, 2)).not.toBeNull();
  });
});
