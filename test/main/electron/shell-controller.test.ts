import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShellController } from '../../../main/electron/shell-controller.ts';
import type { TrayModel } from '../../../main/electron/tray-model.ts';
import type { HealthNotice } from '../../../main/electron/notifications.ts';
import { githubFixture, syncNow, type GitHubFixture } from '../../helpers/github-fixture.ts';

let fx: GitHubFixture | undefined;
let shell: ShellController | undefined;
afterEach(async () => {
  shell?.stop();
  await fx?.close();
  fx = undefined;
});

async function setup() {
  fx = await githubFixture({ issues: 20 });
  const trays: TrayModel[] = [];
  const notices: HealthNotice[] = [];
  const opened: (string | undefined)[] = [];
  const quit = vi.fn();
  shell = new ShellController({
    core: fx.core,
    renderTray: (m) => trays.push(m),
    notify: (n) => notices.push(n),
    openWindow: (id) => opened.push(id),
    quit,
    now: () => Date.now(),
    debounceMs: 5,
  });
  await shell.start();
  return { trays, notices, opened, quit };
}

const lastTray = (t: TrayModel[]) => t[t.length - 1];

describe('the tray app, driven from core state', () => {
  it('builds the tray at start and syncs an integration from its submenu with trigger "tray"', async () => {
    const { trays } = await setup();
    expect(lastTray(trays).tooltip).toMatch(/Acme GitHub has not synced yet|1 integration healthy/);
    const item = lastTray(trays).menu.find((i) => i.label?.startsWith('Acme GitHub'))!;
    const syncNowItem = item.submenu!.find((i) => i.label === 'Sync now')!;
    await shell!.dispatch(syncNowItem.action!);
    await vi.waitFor(async () => {
      const runs = await fx!.core.invoke('runs.list', {});
      expect(runs[0]).toMatchObject({ trigger: 'tray', status: 'succeeded' });
    });
    await vi.waitFor(() => expect(lastTray(trays).tooltip).toMatch(/^1 integration healthy · last sync just now$/));
    expect(lastTray(trays).icon).toBe('healthy');
  });

  it('notifies once when GitHub starts failing, shows it in the tray, and once when it recovers', async () => {
    const { trays, notices } = await setup();
    await syncNow(fx!.core, fx!.id);
    fx!.gh.state.revokeToken((await import('../../helpers/github-fixture.ts')).TOKEN);
    await syncNow(fx!.core, fx!.id);
    await syncNow(fx!.core, fx!.id);
    await vi.waitFor(() => expect(notices).toHaveLength(1));
    expect(notices[0]).toMatchObject({ kind: 'worse', title: 'Acme GitHub: reconnect needed', integrationId: fx!.id });
    await vi.waitFor(() => expect(lastTray(trays).icon).toBe('failing'));
    expect(lastTray(trays).tooltip).toBe('Acme GitHub: reconnect needed');
    // The user fixes the token: one recovery notice.
    fx!.gh.state.addToken('ghp_fresh_token_123456', 'octo', { scopes: ['repo'] });
    await fx!.core.invoke('integrations.update', { id: fx!.id, secrets: { token: 'ghp_fresh_token_123456' } });
    await syncNow(fx!.core, fx!.id);
    await vi.waitFor(() => expect(notices).toHaveLength(2));
    expect(notices[1]).toMatchObject({ kind: 'recovered' });
  });

  it('pauses and resumes all syncing from the tray, and opens the window or quits', async () => {
    const { trays, opened, quit } = await setup();
    await shell!.dispatch({ type: 'pauseAll' });
    expect(lastTray(trays).menu.some((i) => i.label === 'Resume syncing')).toBe(true);
    expect((await fx!.core.invoke('status.get', {})).scheduler.pausedAll).toBe(true);
    await shell!.dispatch({ type: 'resumeAll' });
    expect(lastTray(trays).menu.some((i) => i.label === 'Pause syncing')).toBe(true);
    await shell!.dispatch({ type: 'open', integrationId: fx!.id });
    expect(opened).toEqual([fx!.id]);
    await shell!.dispatch({ type: 'quit' });
    expect(quit).toHaveBeenCalledOnce();
  });

  it('drives the core on power and network events', async () => {
    const { trays } = await setup();
    shell!.setOnline(false);
    await vi.waitFor(() => expect(lastTray(trays).tooltip).toMatch(/^Offline/));
    expect((await fx!.core.invoke('health.list', {}))[0].state).toBe('offline');
    shell!.setOnline(true);
    shell!.power('suspend');
    expect((await fx!.core.invoke('status.get', {})).scheduler.suspended).toBe(true);
    shell!.power('resume');
    expect((await fx!.core.invoke('status.get', {})).scheduler.suspended).toBe(false);
  });
});
