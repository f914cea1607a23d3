import type { ReactNode } from 'react';

/** What a status means; each tone has its own icon, so color is never the only signal. */
export type Tone = 'ok' | 'warn' | 'error' | 'off' | 'pending';

/** How a state looks: its tone, its own icon and words. */
export interface Look {
  tone: Tone;
  icon: string;
  text: string;
}

const ICONS: Record<Tone, string> = {
  ok: '✓',
  warn: '!',
  error: '✕',
  off: '–',
  pending: '↻',
};

/** An icon plus words for a state ("✓ Connection OK"); the icon is decoration for screen readers. */
export function StatusLabel({ tone, icon, children }: { tone: Tone; icon?: string; children: ReactNode }) {
  return (
    <span className={`status status-${tone}`}>
      <span className="status-icon" aria-hidden="true">
        {icon ?? ICONS[tone]}
      </span>
      <span className="status-text">{children}</span>
    </span>
  );
}
