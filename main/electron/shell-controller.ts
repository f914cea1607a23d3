import type { CallReply } from '../../shared/protocol.ts';
import type { Health } from '../../shared/sync.ts';
import { NotificationPolicy, type HealthNotice } from './notifications.ts';
import { buildTrayModel, type TrayAction, type TrayModel } from './tray-model.ts';

/** The slice of the core the shell drives. */
export interface ShellCore {
  call(method: string, params: unknown): Promise<CallReply>;
  onEvent(listener: (event: string, data: unknown) => void): () => void;
  suspend(): void;
  resume(): void;
  setOnline(online: boolean): void;
}

export interface ShellDeps {
  core: ShellCore;
  renderTray(model: TrayModel): void;
  notify(notice: HealthNotice): void;
  openWindow(integrationId?: string): void;
  quit(): void;
  now(): number;
  /** Debounce for tray rebuilds after bursts of events, ms. */
  debounceMs?: number;
  onError?(err: unknown): void;
}

interface StatusSlice {
  health: Health[];
  scheduler: { pausedAll: boolean; online: boolean };
  settings: { notifications: boolean };
}

/**
 * Everything the tray app does between Electron and the core, as plain code:
 * rebuilds the tray from health, decides notifications, turns menu clicks and
 * power/network events into core calls. Electron only renders and reports.
 */
export class ShellController {
  private readonly policy = new NotificationPolicy();
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private notificationsOn = true;
  private online: boolean | null = null;

  constructor(private readonly d: ShellDeps) {}

  async start(): Promise<void> {
    const status = await this.status();
    if (status) {
      this.notificationsOn = status.settings.notifications;
      this.policy.seed(status.health);
    }
    this.unsubscribe = this.d.core.onEvent((event, data) => this.onEvent(event, data));
    await this.refresh();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The machine goes to sleep or wakes; a run missed meanwhile runs once after resume. */
  power(event: 'suspend' | 'resume'): void {
    if (event === 'suspend') this.d.core.suspend();
    else this.d.core.resume();
    this.schedule();
  }

  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.d.core.setOnline(online);
    this.schedule();
  }

  /** Carries out a tray menu action. */
  async dispatch(action: TrayAction): Promise<void> {
    try {
      switch (action.type) {
        case 'open':
          this.d.openWindow(action.integrationId);
          return;
        case 'quit':
          this.d.quit();
          return;
        case 'syncAll':
          await this.expect(this.d.core.call('sync.runAll', { trigger: 'tray' }));
          break;
        case 'sync':
          await this.expect(this.d.core.call('sync.run', { id: action.integrationId, trigger: 'tray' }));
          break;
        case 'pauseAll':
          await this.expect(this.d.core.call('scheduler.pause', {}));
          break;
        case 'resumeAll':
          await this.expect(this.d.core.call('scheduler.resume', {}));
          break;
        case 'runAutomation':
          await this.expect(this.d.core.call('automations.run', { id: action.automationId, trigger: 'tray' }));
          break;
      }
    } catch (err) {
      this.d.onError?.(err);
    }
    await this.refresh();
  }

  /** Rebuilds the tray now from core state. */
  async refresh(): Promise<void> {
    const status = await this.status();
    if (!status) return;
    this.notificationsOn = status.settings.notifications;
    const automations = await this.automations();
    this.d.renderTray(buildTrayModel({ health: status.health, pausedAll: status.scheduler.pausedAll, online: status.scheduler.online, automations, now: this.d.now() }));
  }

  private onEvent(event: string, data: unknown): void {
    if (event === 'health.changed') {
      const { health } = data as { health: Health };
      const notice = this.policy.consider(health, this.notificationsOn, this.d.now());
      if (notice) this.d.notify(notice);
      this.schedule();
    } else if (event === 'integrations.changed' || event === 'run.finished' || event === 'automations.changed' || event === 'automation.run.started' || event === 'automation.run.finished') {
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh().catch((err) => this.d.onError?.(err));
    }, this.d.debounceMs ?? 250);
    this.timer.unref?.();
  }

  private async status(): Promise<StatusSlice | null> {
    const reply = await this.d.core.call('status.get', {});
    if (!reply.ok) {
      this.d.onError?.(new Error(reply.error.message));
      return null;
    }
    return reply.result as StatusSlice;
  }

  private async automations(): Promise<{ id: string; name: string }[]> {
    const reply = await this.d.core.call('automations.runnable', {});
    if (!reply.ok) return [];
    return (reply.result as { id: string; name: string; running: boolean }[]).map((a) => ({ id: a.id, name: a.running ? `${a.name} (running)` : a.name }));
  }

  private async expect(p: Promise<CallReply>): Promise<void> {
    const reply = await p;
    if (!reply.ok) throw new Error(`${reply.error.message}${reply.error.action ? ` — ${reply.error.action}` : ''}`);
  }
}
