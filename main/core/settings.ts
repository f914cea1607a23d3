import { AppSettings } from '../../shared/sync.ts';
import type { SettingsRepo } from '../store/settings-repo.ts';

/** App settings: stored key by key, read back through their schema with defaults. */
export class SettingsService {
  constructor(
    private readonly repo: SettingsRepo,
    private readonly onChange: (s: AppSettings) => void = () => undefined,
  ) {}

  get(): AppSettings {
    const stored = this.repo.all();
    const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in AppSettings.shape));
    const parsed = AppSettings.safeParse(known);
    return parsed.success ? parsed.data : AppSettings.parse({});
  }

  update(patch: Partial<AppSettings>): AppSettings {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) this.repo.set(k, v);
    const s = this.get();
    this.onChange(s);
    return s;
  }
}
