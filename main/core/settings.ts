import { AppSettings } from '../../shared/sync.ts';
import type { SettingsRepo } from '../store/settings-repo.ts';

/** Launch at login as the OS knows it. */
export interface LoginItem {
  get(): boolean;
  set(enabled: boolean): void;
}

/** App settings: stored key by key, read back through their schema with defaults. */
export class SettingsService {
  constructor(
    private readonly repo: SettingsRepo,
    private readonly onChange: (s: AppSettings) => void = () => undefined,
    /** The OS login item, where the shell provides one: the setting reads back its real state. */
    private readonly loginItem?: LoginItem,
  ) {}

  get(): AppSettings {
    const stored = this.repo.all();
    const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in AppSettings.shape));
    const parsed = AppSettings.safeParse(known);
    const s = parsed.success ? parsed.data : AppSettings.parse({});
    if (this.loginItem) {
      try {
        s.launchAtLogin = this.loginItem.get();
      } catch {
        // An unreadable login item keeps the stored value.
      }
    }
    return s;
  }

  update(patch: Partial<AppSettings>): AppSettings {
    if (patch.launchAtLogin !== undefined) this.loginItem?.set(patch.launchAtLogin);
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) this.repo.set(k, v);
    const s = this.get();
    this.onChange(s);
    return s;
  }
}
