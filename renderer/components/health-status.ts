import type { ApiErrorBody } from '../../shared/errors.ts';
import type { Health, HealthState, RunStatus } from '../../shared/sync.ts';
import type { Look, Tone } from './status-label.tsx';

/** How each health state looks: tone, its own icon and words. */
export const HEALTH_LOOK: Record<HealthState, Look> = {
  healthy: { tone: 'ok', icon: '✓', text: 'Up to date' },
  syncing: { tone: 'pending', icon: '↻', text: 'Syncing' },
  failing: { tone: 'error', icon: '✕', text: 'Failing' },
  needs_credentials: { tone: 'error', icon: '✕', text: 'Needs reconnecting' },
  rate_limited: { tone: 'warn', icon: '!', text: 'Rate limited' },
  disabled: { tone: 'off', icon: '○', text: 'Disabled' },
  paused: { tone: 'off', icon: '‖', text: 'Paused' },
  offline: { tone: 'warn', icon: '!', text: 'Offline' },
  never_synced: { tone: 'off', icon: '·', text: 'Not synced yet' },
};

/** How each run outcome looks. */
export const RUN_LOOK: Record<RunStatus, Look> = {
  running: { tone: 'pending', icon: '↻', text: 'Running' },
  succeeded: { tone: 'ok', icon: '✓', text: 'Succeeded' },
  failed: { tone: 'error', icon: '✕', text: 'Failed' },
  cancelled: { tone: 'off', icon: '–', text: 'Cancelled' },
  interrupted: { tone: 'warn', icon: '!', text: 'Interrupted' },
};

/** The one thing a user can do about an error, as a button. */
export type ErrorAction = { kind: 'reconnect' | 'settings' | 'keychain' | 'retry'; label: string } | null;

/**
 * The button for an error, chosen by its code (never by its wording):
 * credentials → "Reconnect <system>" (or "Sign in to <system>" where the
 * sign-in is the credential), wrong settings → "Open settings",
 * keychain → the app settings, transient trouble → "Retry now". A rate limit
 * gets none: the sync resumes by itself.
 */
export function actionForError(error: Pick<ApiErrorBody, 'code'>, connectorTitle: string, interactive = false): ErrorAction {
  switch (error.code) {
    case 'auth':
      return { kind: 'reconnect', label: interactive ? `Sign in to ${connectorTitle}` : `Reconnect ${connectorTitle}` };
    case 'permission':
    case 'config':
    case 'not_found':
    case 'invalid_input':
      return { kind: 'settings', label: 'Open settings' };
    case 'secrets_unavailable':
      return { kind: 'keychain', label: 'Open settings' };
    case 'rate_limited':
      return null;
    default:
      return { kind: 'retry', label: 'Retry now' };
  }
}

export interface OverallState {
  tone: Tone;
  icon: string;
  text: string;
}

/** The one-line answer to "is everything syncing?" over every integration's health. */
export function overallState(health: readonly Health[], pausedAll: boolean): OverallState {
  if (health.length === 0) return { tone: 'off', icon: '·', text: 'No integrations yet' };
  const count = (...states: HealthState[]) => health.filter((h) => states.includes(h.state)).length;
  const attention = count('failing', 'needs_credentials');
  if (attention > 0) return { tone: 'error', icon: '✕', text: `${attention} of ${health.length} ${health.length === 1 ? 'integration needs' : 'integrations need'} attention` };
  const syncing = count('syncing');
  if (syncing > 0) return { tone: 'pending', icon: '↻', text: `Syncing ${syncing} of ${health.length}` };
  const waiting = count('rate_limited', 'offline');
  if (waiting > 0) return { tone: 'warn', icon: '!', text: `${waiting} waiting (rate limit or offline); the rest are fine` };
  if (pausedAll) return { tone: 'off', icon: '‖', text: 'All syncing is paused' };
  const fresh = count('never_synced');
  if (fresh > 0) return { tone: 'off', icon: '·', text: `${fresh} not synced yet` };
  const off = count('disabled', 'paused');
  return { tone: 'ok', icon: '✓', text: off > 0 ? `Everything active is up to date (${off} paused or disabled)` : 'Everything is up to date' };
}
