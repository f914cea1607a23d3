import type { Health, HealthState } from '../../shared/sync.ts';

/** The overall state the tray icon shows. */
export type TrayIconState = 'healthy' | 'syncing' | 'failing' | 'paused' | 'idle';

/** What a menu item does, decoupled from Electron so it can be tested. */
export type TrayAction =
  | { type: 'open'; integrationId?: string }
  | { type: 'syncAll' }
  | { type: 'sync'; integrationId: string }
  | { type: 'pauseAll' }
  | { type: 'resumeAll' }
  | { type: 'runAutomation'; automationId: string }
  | { type: 'quit' };

export interface TrayItem {
  label?: string;
  enabled?: boolean;
  separator?: boolean;
  action?: TrayAction;
  submenu?: TrayItem[];
}

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  menu: TrayItem[];
}

export interface TrayInput {
  health: Health[];
  pausedAll: boolean;
  online: boolean;
  automations: { id: string; name: string }[];
  now: number;
}

const BAD: HealthState[] = ['failing', 'needs_credentials', 'rate_limited'];

const STATE_WORDS: Record<HealthState, string> = {
  healthy: 'healthy',
  syncing: 'syncing',
  failing: 'failing',
  needs_credentials: 'reconnect needed',
  rate_limited: 'rate limited',
  disabled: 'disabled',
  paused: 'paused',
  offline: 'offline',
  never_synced: 'not synced yet',
};

/** "4 min ago", "just now", "3 h ago", "2 days ago". */
export function relativeTime(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}

/** Picks the icon: something failing wins, then syncing, then paused, then healthy. */
export function overallIcon(i: TrayInput): TrayIconState {
  const active = i.health.filter((h) => h.state !== 'disabled');
  if (active.some((h) => BAD.includes(h.state))) return 'failing';
  if (active.some((h) => h.state === 'syncing')) return 'syncing';
  if (i.pausedAll || !i.online || (active.length > 0 && active.every((h) => h.state === 'paused' || h.state === 'offline'))) return 'paused';
  if (active.length === 0) return 'idle';
  return 'healthy';
}

/** The tooltip in words, e.g. "3 integrations healthy · last sync 4 min ago" or "Jira failing: reconnect needed". */
export function tooltip(i: TrayInput): string {
  const active = i.health.filter((h) => h.state !== 'disabled');
  const bad = active.filter((h) => BAD.includes(h.state));
  if (bad.length === 1) return bad[0].state === 'failing' ? `${bad[0].name} failing: ${nextStep(bad[0])}` : `${bad[0].name}: ${nextStep(bad[0])}`;
  if (bad.length > 1) return `${bad.length} integrations need attention: ${bad.map((b) => b.name).join(', ')}`;
  if (!i.online) return 'Offline — syncing paused until the network is back';
  if (i.pausedAll) return 'Syncing paused';
  if (active.length === 0) return 'Kinexus Desktop — no integrations yet';
  const syncing = active.filter((h) => h.state === 'syncing');
  const last = active.map((h) => h.lastSuccessAt).filter((t): t is string => t !== null).sort().at(-1);
  const head = syncing.length > 0 ? `Syncing ${syncing.map((s) => s.name).join(', ')}` : `${active.length} integration${active.length === 1 ? '' : 's'} healthy`;
  return last ? `${head} · last sync ${relativeTime(last, i.now)}` : head;
}

function nextStep(h: Health): string {
  if (h.state === 'needs_credentials') return 'reconnect needed';
  if (h.state === 'rate_limited') return h.rateLimitedUntil ? `rate limited until ${new Date(h.rateLimitedUntil).toLocaleTimeString()}` : 'rate limited';
  return h.lastError?.action ?? h.lastError?.message ?? 'open Kinexus for details';
}

/** Builds the whole tray from core state: a pure function, rebuilt whenever health changes. */
export function buildTrayModel(i: TrayInput): TrayModel {
  const menu: TrayItem[] = [
    { label: tooltip(i), enabled: false },
    { separator: true },
    { label: 'Sync all now', enabled: i.online && i.health.some((h) => h.state !== 'disabled'), action: { type: 'syncAll' } },
  ];
  if (i.health.length > 0) {
    menu.push({ separator: true });
    for (const h of i.health) {
      menu.push({
        label: `${h.name} — ${STATE_WORDS[h.state]}`,
        submenu: [
          { label: h.summary, enabled: false },
          { label: h.lastSuccessAt ? `Last sync ${relativeTime(h.lastSuccessAt, i.now)}` : 'Never synced', enabled: false },
          { separator: true },
          { label: 'Sync now', enabled: i.online && h.state !== 'disabled' && h.state !== 'syncing', action: { type: 'sync', integrationId: h.integrationId } },
          { label: 'Open in Kinexus', action: { type: 'open', integrationId: h.integrationId } },
        ],
      });
    }
  }
  menu.push({ separator: true });
  menu.push(i.pausedAll ? { label: 'Resume syncing', action: { type: 'resumeAll' } } : { label: 'Pause syncing', action: { type: 'pauseAll' } });
  if (i.automations.length > 0) {
    menu.push({ label: 'Run automation', submenu: i.automations.map((a) => ({ label: a.name, action: { type: 'runAutomation', automationId: a.id } })) });
  }
  menu.push({ label: 'Open Kinexus', action: { type: 'open' } });
  menu.push({ separator: true });
  menu.push({ label: 'Quit', action: { type: 'quit' } });
  return { icon: overallIcon(i), tooltip: tooltip(i), menu };
}
