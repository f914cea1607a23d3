import { useEffect, useState, type FormEvent } from 'react';
import { AppSettings } from '../../../shared/sync.ts';
import { useAppSettings, useStatus } from '../../api/queries.ts';
import { useUpdateSettings } from '../../api/mutations.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { KeychainPanel } from './keychain-panel.tsx';
import { describedBy, Field } from '../integrations/form-field.tsx';

type NumberKey = 'defaultIntervalMinutes' | 'concurrency' | 'logRetentionDays' | 'logMaxMegabytes';
type FlagKey = 'launchAtLogin' | 'notifications' | 'mcpSyncAllowed';

const NUMBERS: { key: NumberKey; label: string; help: string; unit: string }[] = [
  { key: 'defaultIntervalMinutes', label: 'Default schedule', help: 'How often an integration syncs unless it has its own schedule.', unit: 'minutes' },
  { key: 'concurrency', label: 'Concurrent syncs', help: 'How many integrations may sync at the same time (1–8).', unit: '' },
  { key: 'logRetentionDays', label: 'Keep sync logs for', help: 'Older log lines are deleted; the runs themselves stay.', unit: 'days' },
  { key: 'logMaxMegabytes', label: 'Largest log size', help: 'When the logs grow beyond this, the oldest runs lose their lines first.', unit: 'MB' },
];

const FLAGS: { key: FlagKey; label: string; help: string }[] = [
  { key: 'launchAtLogin', label: 'Launch at login', help: 'Start Kinexus in the tray when you log in to this computer.' },
  { key: 'notifications', label: 'Notifications', help: 'Tell me when an integration starts failing or needs reconnecting.' },
  { key: 'mcpSyncAllowed', label: 'Let AI assistants start syncs', help: 'MCP clients may ask for a sync; they can always read the mirror.' },
];

/** A schema problem in words next to its field: "Use at least 1 minutes" reads worse than this. */
function messageFor(issue: { code: string; minimum?: unknown; maximum?: unknown }, unit: string): string {
  if (issue.code === 'too_small') return `Use at least ${String(issue.minimum)} ${unit}`.trim();
  if (issue.code === 'too_big') return `Use at most ${String(issue.maximum)} ${unit}`.trim();
  return 'Enter a whole number';
}

/** Settings: keychain state (with the fix), data directory, log retention, default schedule, concurrency, launch at login. */
export function SettingsView() {
  const status = useStatus();
  const settings = useAppSettings();
  const update = useUpdateSettings();
  const [draft, setDraft] = useState<Record<string, string | boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (settings.data) setDraft(Object.fromEntries(Object.entries(settings.data).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])));
  }, [settings.data]);

  function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const candidate: Record<string, unknown> = {};
    for (const n of NUMBERS) candidate[n.key] = draft[n.key] === '' ? Number.NaN : Number(draft[n.key]);
    for (const f of FLAGS) candidate[f.key] = draft[f.key] === true;
    // The same schema the core parses with, so the messages match its limits.
    const parsed = AppSettings.partial().safeParse(candidate);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]);
        const n = NUMBERS.find((x) => x.key === key);
        next[key] ??= messageFor(issue, n?.unit ?? '');
      }
      setErrors(next);
      document.getElementById(describedBy(`app.${Object.keys(next)[0]}`, null, 'x').id)?.focus();
      return;
    }
    setErrors({});
    const changed = Object.fromEntries(Object.entries(parsed.data).filter(([k, v]) => settings.data && settings.data[k as keyof AppSettings] !== v));
    update.mutate(changed, { onSuccess: () => setSaved(true) });
  }

  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          Settings
        </h2>
      </div>
      {status.isPending ? <p role="status">Loading…</p> : status.isError ? <ErrorNotice title="Could not read the workspace status" error={status.error} onRetry={() => void status.refetch()} /> : <KeychainPanel status={status.data} />}
      {settings.isPending ? null : settings.isError ? (
        <ErrorNotice title="Could not read the settings" error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <form className="card settings-form" onSubmit={save} noValidate aria-labelledby="settings-form-heading">
          <h3 id="settings-form-heading">Syncing and logs</h3>
          {NUMBERS.map((n) => (
            <Field key={n.key} fieldKey={`app.${n.key}`} label={n.unit ? `${n.label} (${n.unit})` : n.label} marker={false} help={n.help} error={errors[n.key]}>
              <input
                {...describedBy(`app.${n.key}`, n.help, errors[n.key])}
                type="number"
                inputMode="numeric"
                className="input-number"
                value={String(draft[n.key] ?? '')}
                onChange={(e) => setDraft((d) => ({ ...d, [n.key]: e.target.value }))}
              />
            </Field>
          ))}
          <h3>App</h3>
          {FLAGS.map((f) => (
            <div key={f.key} className="field field-check">
              <label className="check">
                <input type="checkbox" {...describedBy(`app.${f.key}`, f.help, undefined)} checked={draft[f.key] === true} onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.checked }))} />
                {f.label}
              </label>
              <p id={describedBy(`app.${f.key}`, f.help, undefined)['aria-describedby']} className="field-help">
                {f.help}
              </p>
            </div>
          ))}
          {update.isError ? <ErrorNotice title="Could not save the settings" error={update.error} /> : null}
          <div className="card-actions">
            <button type="submit" className="button" disabled={update.isPending}>
              {update.isPending ? 'Saving…' : 'Save settings'}
            </button>
            <span aria-live="polite">{saved && !update.isPending ? <StatusLabel tone="ok">Saved</StatusLabel> : null}</span>
          </div>
        </form>
      )}
    </section>
  );
}
